// Schema version 5: the inbound update ledger. Every platform update the bot takes in (a Telegram
// update from getUpdates or the webhook) is written here before it is confirmed to the platform,
// and marked done once handled. So a crash at any instant loses nothing (pending rows are handled
// again at the next start) and a redelivered update is not answered twice (its id is here).
// `payload` (the update as received, which holds message text) is kept only while the update is
// pending; done rows keep the id alone and are purged after a few days (src/store/update-ledger.ts).
import type { Migration } from './index.ts';

export const m005: Migration = {
  version: 5,
  name: 'update-ledger',
  up(db) {
    db.exec(`
      CREATE TABLE update_ledger (
        -- who numbered the update: 'telegram:<bot id>' (update ids are per bot)
        source      TEXT NOT NULL,
        update_id   INTEGER NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('pending', 'done')),
        -- the update as JSON while pending; NULL once done
        payload     TEXT,
        -- handling attempts started (an update that keeps crashing the process is given up)
        attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        received_at INTEGER NOT NULL,
        done_at     INTEGER,
        PRIMARY KEY (source, update_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX update_ledger_pending ON update_ledger (source, status, update_id);
      CREATE INDEX update_ledger_done_at ON update_ledger (done_at) WHERE done_at IS NOT NULL;
    `);
  },
};
