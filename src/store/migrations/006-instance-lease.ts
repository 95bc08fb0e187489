// Schema version 6: the instance lease (issue 11, "one instance per database"). One row at most:
// the process that runs the adapters on this database, its heartbeat and when its claim expires
// if the heartbeat stops (src/store/lease.ts). Also indexes for the retention purge
// (src/community/retention.ts). Times are UTC epoch ms.
import type { Migration } from './index.ts';

export const m006: Migration = {
  version: 6,
  name: 'instance-lease',
  up(db) {
    db.exec(`
      CREATE TABLE instance_lease (
        id            INTEGER PRIMARY KEY CHECK (id = 1),
        -- "<host> pid <pid> started <ISO time>", for the refusal message
        holder        TEXT NOT NULL,
        host          TEXT NOT NULL,
        pid           INTEGER NOT NULL,
        -- random per process: a holder renews only its own claim
        token         TEXT NOT NULL,
        started_at    INTEGER NOT NULL,
        heartbeat_at  INTEGER NOT NULL,
        expires_at    INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS reminder_deliveries_meeting ON reminder_deliveries (meeting_id);
      CREATE INDEX IF NOT EXISTS announcements_created ON announcements (created_at);
      CREATE INDEX IF NOT EXISTS agenda_polls_meeting ON agenda_polls (meeting_id);
    `);
  },
};
