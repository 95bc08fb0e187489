// A database locked by another process (a maintenance script, a `sqlite3` shell, a second bot)
// must not freeze the event loop (issue 11, item 6). better-sqlite3 waits synchronously for the
// busy timeout, so that timeout is short (BUSY_TIMEOUT_MS); a write that still finds the database
// locked fails with SQLITE_BUSY, and the caller retries it later, off the hot path, with backoff
// (retryWhileBusy), up to a bounded total time. Reads are not blocked by a writer under WAL.

/** How long one statement waits synchronously for a lock. */
export const BUSY_TIMEOUT_MS = 25;
/** How long a write is retried in all before the user is told the database is busy. */
export const BUSY_MAX_WAIT_MS = 10_000;

export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_LOCKED_'));
}

/** A write gave up: the database stayed locked for the whole retry window. Nothing was saved. */
export class DatabaseBusyError extends Error {
  override name = 'DatabaseBusyError';
  constructor(readonly waitedMs: number) {
    super(`the database stayed locked by another process for ${Math.round(waitedMs)} ms`);
  }
}

export const BUSY_REPLY_TEXT = 'The database is busy; nothing was saved, please try again.';

export interface BusyRetryOptions {
  maxWaitMs?: number;
  /** Rows this connection has changed so far (SQLite total_changes()). An attempt that failed
   *  busy is retried only when this did not move during it, i.e. it wrote nothing (a command that
   *  wrote part of its work and then met the lock is not run twice). */
  changes?: () => number;
  /** Real time, not the app's clock: the lock is held by another process in real time. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `attempt`; while it fails with SQLITE_BUSY having written nothing, waits (25 ms doubling
 *  to 500 ms, never blocking the event loop) and runs it again, for at most `maxWaitMs` in all.
 *  Then throws DatabaseBusyError. Other errors pass through. */
export async function retryWhileBusy<T>(attempt: () => T | Promise<T>, opts: BusyRetryOptions = {}): Promise<T> {
  const max = opts.maxWaitMs ?? BUSY_MAX_WAIT_MS;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const started = now();
  let delay = 25;
  for (;;) {
    const before = opts.changes?.();
    try {
      return await attempt();
    } catch (err) {
      if (!isBusyError(err)) throw err;
      const waited = now() - started;
      const wroteSomething = before !== undefined && opts.changes?.() !== before;
      if (wroteSomething || waited >= max) throw new DatabaseBusyError(waited);
      await sleep(Math.min(delay, max - waited));
      delay = Math.min(delay * 2, 500);
    }
  }
}
