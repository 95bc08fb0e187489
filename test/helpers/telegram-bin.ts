// The real `practice-bot` bin as a child process, for tests that kill, restart or watch it exit.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './run-cli.ts';

const BIN = path.join(ROOT, 'bin/practice-bot.js');

export interface Bin {
  child: ChildProcess;
  out(): string;
  exited: Promise<number | null>;
  /** Resolves when the output matches (checked as it arrives); rejects after a generous liveness timeout. */
  waitForOutput(re: RegExp, what: string, timeoutMs?: number): Promise<RegExpExecArray>;
}

export function tempDir(prefix = 'pb-tgbin-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts the bin in `dir` (its working folder; the database defaults to dir/data/bot.db). */
export function startBin(dir: string, env: Record<string, string>, cleanups: (() => Promise<void>)[]): Bin {
  const child = spawn(process.execPath, [BIN], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_PATH: path.join(dir, 'data', 'bot.db'), LOG_LEVEL: 'info', PRACTICE_BOT_FROM_SOURCE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString('utf8');
    for (const l of [...listeners]) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return {
    child,
    out: () => out,
    exited,
    waitForOutput(re, what, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out);
          if (!m) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${what}; output:\n${out.slice(-3000)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}
