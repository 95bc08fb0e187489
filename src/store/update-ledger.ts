// The inbound update ledger (table update_ledger, schema version 5): the only writer of that table.
// An update is inserted as 'pending' with its payload before the platform is told it arrived, and
// set to 'done' (payload dropped) once handled. Done rows are kept for a few days, long enough to
// recognise any redelivery (Telegram keeps undelivered updates for 24 hours), then purged.
// Writes meet the store's short busy timeout (./busy.ts): while another process holds the write
// lock they are retried with backoff (retryWhileBusy), never blocking the event loop, so a lock of
// a few seconds delays updates but neither loses nor repeats them. One warning per busy spell.
import type { Logger } from 'pino';
import type { PendingUpdates, UpdateLedger } from '../core/adapter.ts';
import { isBusyError, retryWhileBusy } from './busy.ts';
import type { Store } from './store.ts';

/** Done rows older than this are deleted. */
export const LEDGER_KEEP_MS = 3 * 86_400_000;
/** Purges run at most this often (from intake). */
const PURGE_EVERY_MS = 3_600_000;

export interface StoreUpdateLedger extends UpdateLedger {
  intake<T extends { update_id: number }>(source: string, updates: readonly T[]): Promise<T[]>;
  takePending(source: string, maxAttempts: number): Promise<PendingUpdates>;
  done(source: string, updateId: number): Promise<void>;
  /** Deletes done rows older than `keepMs` before `now`; returns how many. */
  purge(now?: number, keepMs?: number): number;
}

export interface UpdateLedgerOptions {
  now?: () => number;
  log?: Logger;
  /** How long one write is retried while the database is locked (default BUSY_MAX_WAIT_MS). */
  busyMaxWaitMs?: number;
}

export function createUpdateLedger(store: Store, opts: UpdateLedgerOptions = {}): StoreUpdateLedger {
  const db = store.db;
  const now = opts.now ?? Date.now;
  const log = opts.log?.child({ module: 'update-ledger' });
  let busySpell = false;
  /** Runs a write, retrying while another process holds the lock; warns once per busy spell. */
  const write = <T>(what: string, attempt: () => T): Promise<T> =>
    retryWhileBusy(
      () => {
        try {
          const r = attempt();
          busySpell = false;
          return r;
        } catch (err) {
          if (isBusyError(err) && !busySpell) {
            busySpell = true;
            log?.warn({ op: what }, 'database busy: inbound updates wait for the lock (retrying)');
          }
          throw err;
        }
      },
      { changes: () => store.changes(), ...(opts.busyMaxWaitMs !== undefined ? { maxWaitMs: opts.busyMaxWaitMs } : {}) },
    );
  const s = {
    insert: db.prepare<[string, number, string, number]>(
      `INSERT INTO update_ledger (source, update_id, status, payload, attempts, received_at)
       VALUES (?, ?, 'pending', ?, 1, ?) ON CONFLICT DO NOTHING`,
    ),
    pending: db.prepare<[string], { update_id: number; payload: string | null; attempts: number }>(
      `SELECT update_id, payload, attempts FROM update_ledger WHERE source = ? AND status = 'pending' ORDER BY update_id`,
    ),
    attempt: db.prepare<[string, number]>('UPDATE update_ledger SET attempts = attempts + 1 WHERE source = ? AND update_id = ?'),
    done: db.prepare<[number, string, number]>(
      `UPDATE update_ledger SET status = 'done', payload = NULL, done_at = ? WHERE source = ? AND update_id = ? AND status = 'pending'`,
    ),
    purge: db.prepare<[number]>('DELETE FROM update_ledger WHERE done_at IS NOT NULL AND done_at < ?'),
  };
  let lastPurge = 0;

  const ledger: StoreUpdateLedger = {
    intake(source, updates) {
      return write('intake', () => {
        if (!db.open) return [];
        const t = now();
        return store.immediate(() => {
          if (t - lastPurge > PURGE_EVERY_MS) ledger.purge(t);
          return updates.filter((u) => s.insert.run(source, u.update_id, JSON.stringify(u), t).changes === 1);
        });
      });
    },
    takePending(source, maxAttempts) {
      return write('takePending', () => {
        if (!db.open) return { updates: [], givenUp: 0 };
        return store.immediate(() => {
          const updates: unknown[] = [];
          let givenUp = 0;
          const t = now();
          for (const row of s.pending.all(source)) {
            let update: unknown;
            try {
              update = row.payload === null ? undefined : JSON.parse(row.payload);
            } catch {
              update = undefined;
            }
            if (update === undefined || row.attempts >= maxAttempts) {
              s.done.run(t, source, row.update_id);
              givenUp++;
              continue;
            }
            s.attempt.run(source, row.update_id);
            updates.push(update);
          }
          return { updates, givenUp };
        });
      });
    },
    done(source, updateId) {
      return write('done', () => {
        if (!db.open) return;
        s.done.run(now(), source, updateId);
      });
    },
    purge(t = now(), keepMs = LEDGER_KEEP_MS) {
      lastPurge = t;
      if (!db.open) return 0;
      return s.purge.run(t - keepMs).changes;
    },
  };
  return ledger;
}
