// Schema version 7: follow-ups and the weekly digest (issue 15).
// - followups: the next steps of a meeting, from the practice base (entry_id set: one row per
//   next-step entry, created when the feature first sees it) or added in chat by the secretariat
//   (entry_id NULL), each with a status. `id` is the number people type (/followup <n> done).
// - digest_deliveries: the digest ledger, one row per (chat, ISO week in the community's zone),
//   ever. status: pending -> sending -> sent | failed | skipped | gone. Times are UTC epoch ms.
import type { Migration } from './index.ts';

export const m007: Migration = {
  version: 7,
  name: 'followups',
  up(db) {
    db.exec(`
      CREATE TABLE followups (
        id          INTEGER PRIMARY KEY,
        meeting_id  TEXT NOT NULL,
        entry_id    TEXT UNIQUE,
        text        TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in-progress', 'done', 'dropped')),
        note        TEXT,
        created_by  TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        updated_by  TEXT,
        updated_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX followups_meeting ON followups (meeting_id, id);

      CREATE TABLE digest_deliveries (
        chat_id          TEXT NOT NULL,
        -- ISO week in the community's zone, e.g. 2026-W10
        week             TEXT NOT NULL,
        thread_id        TEXT,
        -- 1: the secretariat's private digest (adds unanswered questions and answer feedback)
        secretariat      INTEGER NOT NULL DEFAULT 0,
        due_at           INTEGER NOT NULL,
        -- the end of the due day: a digest not sent by then is not sent (the next week's will be)
        deadline_at      INTEGER NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'gone')),
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  INTEGER NOT NULL,
        last_error       TEXT,
        updated_at       INTEGER NOT NULL,
        PRIMARY KEY (chat_id, week)
      ) STRICT;
      CREATE INDEX digest_deliveries_work ON digest_deliveries (status, next_attempt_at);
    `);
  },
};
