// The `meta` key/value table, for every module that keeps a small value in the database: the only
// code that writes it. Each key has one owner: `meeting.seq` (src/features/meetings/repo.ts),
// `seed.communities.*` (src/features/meetings/zones.ts), `scheduler.last_tick`
// (src/core/wake-loop.ts; read by src/ops/).
import type { Store } from './store.ts';

export interface Meta {
  get(key: string): string | undefined;
  /** Inserts or replaces; inside the caller's transaction when there is one. */
  set(key: string, value: string): void;
}

export function createMeta(store: Store): Meta {
  const get = store.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const set = store.db.prepare<[string, string]>(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  return {
    get: (key) => get.get(key)?.value,
    set: (key, value) => void set.run(key, value),
  };
}
