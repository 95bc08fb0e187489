// Schema version 9 (issue 14): a meeting's length and video link, and members' attendance answers.
// Existing meetings get the default length, 2 hours (what every calendar file said until now);
// meetings added later take MEETING_LENGTH. One attendance row per meeting and person (the latest
// answer); these rows are personal data, purged after their meeting by the meetings feature.
// (Versions 7 and 8 belong to other branches: the runner skips numbers it does not know.)
import type { Migration } from './index.ts';

export const m009: Migration = {
  version: 9,
  name: 'meeting-details',
  up(db) {
    db.exec(`
      ALTER TABLE meetings ADD COLUMN length_ms INTEGER NOT NULL DEFAULT 7200000 CHECK (length_ms > 0);
      ALTER TABLE meetings ADD COLUMN video_link TEXT;

      CREATE TABLE attendance (
        meeting_id   TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
        user_id      TEXT NOT NULL,
        user_name    TEXT,
        -- 'yes': will attend; 'no': cannot attend
        status       TEXT NOT NULL CHECK (status IN ('yes', 'no')),
        recorded_at  INTEGER NOT NULL,
        PRIMARY KEY (meeting_id, user_id)
      ) STRICT;
    `);
  },
};
