// Schema version 3: a revision number per meeting, bumped on every edit, cancellation and
// practice-base change, and written as the calendar file's SEQUENCE (RFC 5545: an update with a
// higher SEQUENCE replaces the earlier one in calendar apps). Existing meetings start at 0.
import type { Migration } from './index.ts';

export const m003: Migration = {
  version: 3,
  name: 'meeting-revision',
  up(db) {
    db.exec('ALTER TABLE meetings ADD COLUMN revision INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0)');
  },
};
