// Schema version 4: the language of each unanswered question (ISO 639-1, as the interpreter read
// it), so /gaps shows which questions came in which language. Questions kept before this version
// have no language (NULL).
import type { Migration } from './index.ts';

export const m004: Migration = {
  version: 4,
  name: 'gaps-language',
  up(db) {
    db.exec("ALTER TABLE agenda_gaps ADD COLUMN language TEXT CHECK (language IS NULL OR (length(language) BETWEEN 2 AND 3 AND language = lower(language)))");
  },
};
