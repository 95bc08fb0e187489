// Each update is handled once. Every update the adapter takes in (a getUpdates batch, a webhook
// POST) goes through an UpdateLedger first: new ones are recorded as pending, ones seen before
// (a webhook retry, a batch Telegram delivers again after a crash) are dropped. The app passes the
// SQLite ledger (src/store/update-ledger.ts), so this holds across restarts; without one (benchmarks,
// unit tests) an in-memory ledger keeps the recent ids of this process.
import type { UpdateLedger } from '../../../src/core/adapter.ts';
import { createLru } from '../../../src/core/lru.ts';

/** A Telegram update as far as the intake checks it. */
export type RawUpdate = { update_id: number } & Record<string, unknown>;

/** Anything that is not an update object never reaches the features. */
export function isUpdate(u: unknown): u is RawUpdate {
  if (!u || typeof u !== 'object' || Array.isArray(u)) return false;
  const id = (u as { update_id?: unknown }).update_id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
}

/** Recent ids of this process only: what the adapter used before the ledger was persisted. */
export function createMemoryLedger(size = 8192): UpdateLedger {
  const seen = createLru<string, true>(size);
  return {
    intake(source, updates) {
      return updates.filter((u) => {
        const key = `${source}/${u.update_id}`;
        if (seen.has(key)) return false;
        seen.set(key, true);
        return true;
      });
    },
    takePending: () => ({ updates: [], givenUp: 0 }),
    done: () => {},
  };
}
