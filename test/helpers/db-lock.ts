// Another process that holds the database's write lock (BEGIN IMMEDIATE), as a maintenance script
// or a `sqlite3` shell does, until the test lets go.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ROOT } from './run-cli.ts';

const HOLDER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.exec('BEGIN IMMEDIATE');
db.prepare("INSERT INTO meta (key, value) VALUES ('holder', 'x') ON CONFLICT (key) DO UPDATE SET value = 'x'").run();
process.stdout.write('locked\\n');
const release = () => {
  db.exec('COMMIT');
  process.stdout.write('released\\n');
  process.exit(0);
};
process.stdin.once('data', release);
// Optionally let go by itself, while the test's own thread may be blocked in a synchronous wait.
if (process.argv[2]) setTimeout(release, Number(process.argv[2]));
`;

export interface LockHolder {
  child: ChildProcessWithoutNullStreams;
  /** True until release() has been asked for. */
  held(): boolean;
  release(): Promise<void>;
  /** SIGKILL (cleanup). */
  kill(): void;
}

export interface HoldLockOptions {
  /** The holder commits by itself this long after it took the lock (else it waits for release()). */
  releaseAfterMs?: number;
}

/** Resolves once another process holds a write lock on the database file `db`. */
export async function holdLock(db: string, opts: HoldLockOptions = {}): Promise<LockHolder> {
  const args = ['-e', HOLDER, db, ...(opts.releaseAfterMs !== undefined ? [String(opts.releaseAfterMs)] : [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let releasing = false;
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const seen = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!out.includes(word)) return;
        child.stdout.off('data', check);
        resolve();
      };
      child.stdout.on('data', check);
      child.once('exit', () => (out.includes(word) ? resolve() : reject(new Error(`lock holder exited before "${word}"`))));
      check();
    });
  await seen('locked');
  return {
    child,
    held: () => !releasing && child.exitCode === null,
    release: async () => {
      releasing = true;
      child.stdin.write('go\n');
      await seen('released');
    },
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
