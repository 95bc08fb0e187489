// Schema version 2: agenda suggestions and their supporters, polls, poll options, named votes,
// anonymous totals and ballot tokens, unanswered questions (gaps) and answer feedback counts.
// Times are UTC epoch ms, as in version 1. Meeting ids are not foreign keys: a suggestion may name
// any meeting the meetings module knows (chat-added or from the practice base).
import type { Migration } from './index.ts';

export const m002: Migration = {
  version: 2,
  name: 'agenda',
  up(db) {
    db.exec(`
      CREATE TABLE agenda_suggestions (
        id             INTEGER PRIMARY KEY,
        meeting_id     TEXT NOT NULL,
        -- the chat it was sent from (moved when a chat changes id)
        chat_id        TEXT NOT NULL,
        text           TEXT NOT NULL,
        -- normal form for duplicate detection (src/community/agenda/similar.ts)
        norm           TEXT NOT NULL,
        proposer_id    TEXT NOT NULL,
        proposer_name  TEXT,
        created_at     INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX agenda_suggestions_meeting ON agenda_suggestions (meeting_id);
      CREATE INDEX agenda_suggestions_chat ON agenda_suggestions (chat_id);

      -- one row per person supporting a suggestion; the proposer is the first supporter
      CREATE TABLE agenda_supporters (
        suggestion_id  INTEGER NOT NULL REFERENCES agenda_suggestions (id) ON DELETE CASCADE,
        user_id        TEXT NOT NULL,
        supported_at   INTEGER NOT NULL,
        PRIMARY KEY (suggestion_id, user_id)
      ) STRICT;

      CREATE TABLE agenda_polls (
        id                INTEGER PRIMARY KEY,
        meeting_id        TEXT NOT NULL,
        chat_id           TEXT NOT NULL,
        thread_id         TEXT,
        question          TEXT NOT NULL,
        anonymous         INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
        status            TEXT NOT NULL CHECK (status IN ('open', 'closed')),
        opened_by         TEXT NOT NULL,
        opened_at         INTEGER NOT NULL,
        closes_at         INTEGER,
        -- the IANA zone the close time was given in (for display)
        closes_zone       TEXT,
        closed_at         INTEGER,
        closed_by         TEXT,
        close_reason      TEXT CHECK (close_reason IN ('command', 'timer', 'chat-gone')),
        -- where the poll was posted (adapters' SentRef), when posted as a native / button poll
        message_id        TEXT,
        platform_poll_id  TEXT UNIQUE,
        -- anonymous polls only, while open: key of the ballot tokens; set to NULL at close
        ballot_key        BLOB
      ) STRICT;
      CREATE INDEX agenda_polls_open_chat ON agenda_polls (chat_id) WHERE status = 'open';
      CREATE INDEX agenda_polls_closing ON agenda_polls (closes_at) WHERE status = 'open' AND closes_at IS NOT NULL;

      CREATE TABLE agenda_poll_options (
        poll_id        INTEGER NOT NULL REFERENCES agenda_polls (id) ON DELETE CASCADE,
        idx            INTEGER NOT NULL CHECK (idx >= 0 AND idx < 10),
        text           TEXT NOT NULL,
        suggestion_id  INTEGER REFERENCES agenda_suggestions (id) ON DELETE SET NULL,
        PRIMARY KEY (poll_id, idx)
      ) STRICT;

      -- named polls only: who voted for what
      CREATE TABLE agenda_named_votes (
        poll_id    INTEGER NOT NULL,
        idx        INTEGER NOT NULL,
        user_id    TEXT NOT NULL,
        user_name  TEXT,
        voted_at   INTEGER NOT NULL,
        PRIMARY KEY (poll_id, idx, user_id),
        FOREIGN KEY (poll_id, idx) REFERENCES agenda_poll_options (poll_id, idx) ON DELETE CASCADE
      ) STRICT;

      -- anonymous polls only: totals per option, nothing about who
      CREATE TABLE agenda_anon_totals (
        poll_id  INTEGER NOT NULL,
        idx      INTEGER NOT NULL,
        votes    INTEGER NOT NULL DEFAULT 0 CHECK (votes >= 0),
        PRIMARY KEY (poll_id, idx),
        FOREIGN KEY (poll_id, idx) REFERENCES agenda_poll_options (poll_id, idx) ON DELETE CASCADE
      ) STRICT;

      -- anonymous polls fed per voter (buttons, /vote): keyed one-way tokens of (poll, user, option)
      -- so a person cannot vote twice for an option; no time, no insertion order (WITHOUT ROWID:
      -- rows sit in token order); all deleted when the poll closes.
      CREATE TABLE agenda_anon_ballots (
        poll_id  INTEGER NOT NULL REFERENCES agenda_polls (id) ON DELETE CASCADE,
        token    TEXT NOT NULL,
        PRIMARY KEY (poll_id, token)
      ) STRICT, WITHOUT ROWID;

      -- questions /ask could not answer: text (personal data masked) and time, never the asker
      CREATE TABLE agenda_gaps (
        id        INTEGER PRIMARY KEY,
        question  TEXT NOT NULL,
        norm      TEXT NOT NULL,
        asked_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX agenda_gaps_asked ON agenda_gaps (asked_at);

      -- helpful / not helpful counts per answer key (query token or entry id)
      CREATE TABLE agenda_feedback (
        key          TEXT PRIMARY KEY,
        helpful      INTEGER NOT NULL DEFAULT 0,
        not_helpful  INTEGER NOT NULL DEFAULT 0,
        updated_at   INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX agenda_feedback_updated ON agenda_feedback (updated_at);
    `);
  },
};
