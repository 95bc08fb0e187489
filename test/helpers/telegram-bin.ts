// The real `practice-bot` bin as a child process, for tests that kill, restart or watch it exit. It runs
// the current code the way every spawn does (cliEnv: the build when it is fresh, else the sources).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliArgs, cliEnv, createOutputWaiter } from './cli-command.ts';

export interface Bin {
  child: ChildProcess;
  out(): string;
  exited: Promise<number | null>;
  /** Resolves when the output matches (checked as it arrives); rejects when the process exits first, or
   *  after a generous liveness timeout. */
  waitForOutput(re: RegExp, what: string, timeoutMs?: number): Promise<RegExpExecArray>;
}

export function tempDir(prefix = 'pb-tgbin-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts the bin in `dir` (its working folder; the database defaults to dir/data/bot.db). Its stdin is
 *  closed unless `args` start the console. */
export function startBin(dir: string, env: Record<string, string>, cleanups: (() => Promise<void>)[], args: string[] = []): Bin {
  const child = spawn(process.execPath, cliArgs(args), {
    cwd: dir,
    env: cliEnv({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_PATH: path.join(dir, 'data', 'bot.db'), LOG_LEVEL: 'info', ...env }),
    stdio: [args[0] === 'console' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waiter = createOutputWaiter(() => out, exited);
  const onData = (d: Buffer) => {
    out += d.toString('utf8');
    waiter.grew();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, out: () => out, exited, waitForOutput: (re, what, timeoutMs = 120_000) => waiter.waitForOutput(re, what, timeoutMs) };
}
