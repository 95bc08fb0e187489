// Schema version 8: agenda housekeeping and the agenda before a date (issue 14).
// - The undated agenda of the community's next meeting needs no table of its own: its suggestions
//   and polls carry the meeting id `next:<community>` (a colon never appears in a meeting id), and
//   move to the real meeting when the secretariat adds it (src/features/agenda/undated.ts).
// - A suggestion can be merged into another or removed by a co-chair or the secretariat: it keeps
//   its row (its supporters too, so a merge can be traced) with a status, who did it and when.
// Adding columns with defaults upgrades an existing database in place.
import type { Migration } from './index.ts';

export const m008: Migration = {
  version: 8,
  name: 'undated-agenda',
  up(db) {
    db.exec(`
      ALTER TABLE agenda_suggestions ADD COLUMN status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'removed'));
      -- the suggestion a merged one was folded into
      ALTER TABLE agenda_suggestions ADD COLUMN merged_into INTEGER;
      ALTER TABLE agenda_suggestions ADD COLUMN closed_by TEXT;
      ALTER TABLE agenda_suggestions ADD COLUMN closed_at INTEGER;
    `);
  },
};
