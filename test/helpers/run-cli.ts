import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, cliArgs, cliEnv } from './cli-command.ts';

export { ROOT };

/** Runs the real `practice-bot` bin (on the current sources) in a child process with its own environment (no
 *  inherited tokens). */
export function runCli(
  args: string[],
  /** closeStdoutAfter: stop reading the output once this many characters came (as `| head` does);
   *  nodeArgs: node's own arguments before the bin (e.g. an `--import` that traces the child);
   *  cwd: the working folder (default: a fresh temporary one). */
  opts: { input?: string; env?: Record<string, string>; closeStdoutAfter?: number; nodeArgs?: string[]; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...cliArgs(args)], {
      // A fresh working folder: no developer .env is picked up, and ./data stays out of the repo.
      cwd: opts.cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cwd-')),
      env: cliEnv({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...opts.env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      if (opts.closeStdoutAfter !== undefined && stdout.length >= opts.closeStdoutAfter) child.stdout.destroy();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}
