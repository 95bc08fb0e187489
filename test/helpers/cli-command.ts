// How tests run the `practice-bot` bin: on the current code, never on a stale build. When dist/ (what
// `npm install` and `npm test` compile, and what users run) is newer than every source file, the bin runs
// it; otherwise (sources edited since the last build) PRACTICE_BOT_FROM_SOURCE=1 makes bin/practice-bot.js
// load src/cli.ts through tsx, which costs a few seconds of CPU more per start. A test may force either
// with its own PRACTICE_BOT_FROM_SOURCE. test/build.test.ts runs the compiled bin explicitly.
// runMain runs the same CLI in this process (src/cli.ts main(argv, io)): for every case that needs no
// process of its own (arguments, output, --json, messages, exit codes).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { distIsNewer } from '../../bin/dist-freshness.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/practice-bot.js');

/** The node arguments that start the bin with these CLI arguments. */
export function cliArgs(args: readonly string[] = []): string[] {
  return [BIN, ...args];
}

let fresh: boolean | undefined;
/** dist/ was compiled after the last change to src/ and adapters/ (the bin's own staleness check). */
export function distIsFresh(): boolean {
  return (fresh ??= distIsNewer(ROOT));
}

/** A child's environment for the bin: the build when it is fresh, else the sources (a test's own
 *  PRACTICE_BOT_FROM_SOURCE wins). */
export function cliEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return { PRACTICE_BOT_FROM_SOURCE: distIsFresh() ? '0' : '1', ...env };
}

export interface MainResult {
  code: number;
  stdout: string;
  stderr: string;
  /** writes refused after the output was closed (closeStdoutAfter) */
  refusedWrites: number;
}

/** One temp folder per test process for the default database path of in-process runs: `ask`'s snapshot
 *  cache goes beside it, built by the first run and read by the others, as a user's repeated runs do. */
let defaultDb: string | undefined;
function defaultDatabasePath(): string {
  if (defaultDb === undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-main-'));
    defaultDb = path.join(dir, 'data', 'bot.db');
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return defaultDb;
}

/**
 * Runs `practice-bot <args>` in this process through src/cli.ts's main(argv, io), with streams and an
 * environment of its own (no .env file read, process.env untouched): what the bin does, minus the process.
 * `closeStdoutAfter`: the output fails with EPIPE once this many characters came, as `| head` makes it.
 */
export async function runMain(
  args: string[],
  opts: { input?: string; env?: Record<string, string>; closeStdoutAfter?: number } = {},
): Promise<MainResult> {
  const { main } = await import('../../src/cli.ts');
  let stdout = '';
  let stderr = '';
  let refusedWrites = 0;
  const out = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      if (opts.closeStdoutAfter !== undefined && stdout.length >= opts.closeStdoutAfter) {
        refusedWrites++;
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        return;
      }
      stdout += chunk.toString();
      cb();
    },
  });
  const err = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      stderr += chunk.toString();
      cb();
    },
  });
  const stdin = new PassThrough();
  stdin.end(opts.input ?? '');
  const env = { LOG_LEVEL: 'warn', DATABASE_PATH: defaultDatabasePath(), ...opts.env };
  out.on('error', () => undefined); // as a closed pipe does: the CLI must notice it by itself
  const write = out.write.bind(out);
  out.write = ((...a: Parameters<typeof out.write>) => {
    if (out.destroyed) refusedWrites++;
    return write(...a);
  }) as typeof out.write;
  const code = await main(args, { stdin, stdout: out, stderr: err, env });
  return { code, stdout, stderr, refusedWrites };
}

/** Waits on an output that grows (a process's stdout and stderr together). */
export interface OutputWaiter {
  /** Call after the output grew: pending waits check it again. */
  grew(): void;
  /** Resolves when the output matches (checked at once and as it grows); rejects when the process
   *  exits first, or after a generous liveness timeout. */
  waitForOutput(re: RegExp, what: string, timeoutMs?: number): Promise<RegExpExecArray>;
}

/** The one output waiter of the bin and in-process runs (startMain here, startBin in telegram-bin.ts). */
export function createOutputWaiter(out: () => string, exited?: Promise<number | null>): OutputWaiter {
  const listeners = new Set<() => void>();
  return {
    grew() {
      for (const l of [...listeners]) l();
    },
    waitForOutput(re, what, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const done = () => {
          listeners.delete(check);
          clearTimeout(timer);
        };
        const check = () => {
          const m = re.exec(out());
          if (!m) return;
          done();
          resolve(m);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${what}; output:\n${out().slice(-3000)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        void exited?.then((code) => {
          if (!listeners.has(check)) return;
          check(); // its last words may be what was awaited
          if (!listeners.has(check)) return;
          done();
          reject(new Error(`stopped (exit ${code}) before ${what}; output:\n${out().slice(-3000)}`));
        });
      });
    },
  };
}

export interface RunningMain {
  /** what it wrote so far: stdout and stderr (the log) together, as a terminal shows them */
  out(): string;
  /** Resolves when the output matches (checked as it arrives); rejects when it stops first, or after a
   *  generous liveness timeout. */
  waitForOutput(re: RegExp, what: string, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Stops it as SIGTERM does and gives its exit code. */
  stop(): Promise<number>;
  /** Its exit code, when it stops by itself. */
  exited: Promise<number>;
}

/** Starts `practice-bot <args>` in this process (a bot, or the console reading `stdin` until it ends) with
 *  an environment of its own; stop() stops it as a signal would. */
export function startMain(args: string[], env: Record<string, string>, stdin: NodeJS.ReadableStream = new PassThrough()): RunningMain {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      out += chunk.toString();
      waiter.grew();
      cb();
    },
  });
  const ac = new AbortController();
  const exited = import('../../src/cli.ts').then(({ main }) =>
    main(args, { stdin, stdout: sink, stderr: sink, env: { LOG_LEVEL: 'info', DATABASE_PATH: defaultDatabasePath(), ...env }, stop: ac.signal }),
  );
  const waiter = createOutputWaiter(() => out, exited);
  return {
    out: () => out,
    exited,
    waitForOutput: waiter.waitForOutput,
    stop() {
      ac.abort();
      return exited;
    },
  };
}
