// Schema version 1: meetings (chat-added and seeded from the practice base), member zones per
// community, subscriptions, announcements, the reminder and announcement delivery ledgers,
// roles granted in chat, the audit trail and a key/value meta table. Times are UTC epoch ms.
import type { Migration } from './index.ts';

export const m001: Migration = {
  version: 1,
  name: 'core',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE meetings (
        id              TEXT PRIMARY KEY,
        title           TEXT NOT NULL,
        series          TEXT,
        -- 'chat': added with /meeting add (or a seeded one edited in chat); 'practice-base': seeded
        source          TEXT NOT NULL CHECK (source IN ('chat', 'practice-base')),
        -- exact start (UTC ms) when known to the minute; NULL for seeded meetings known only by day/month/...
        starts_at       INTEGER,
        -- IANA zone the meeting was given in (NULL when unknown)
        zone            TEXT,
        -- seeded date as written: YYYY, YYYY-MM or YYYY-MM-DD
        date_start      TEXT,
        date_end        TEXT,
        date_precision  TEXT NOT NULL CHECK (date_precision IN ('minute', 'day', 'month', 'season', 'year')),
        date_label      TEXT,
        -- for ordering: starts_at, or the first instant of date_start (UTC)
        sort_at         INTEGER NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('scheduled', 'held', 'announced')),
        cancelled       INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
        place           TEXT,
        virtual         INTEGER NOT NULL DEFAULT 0 CHECK (virtual IN (0, 1)),
        -- reminders whose due time is before this instant are skipped (set when added or moved)
        reminders_from  INTEGER NOT NULL DEFAULT 0,
        created_by      TEXT,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX meetings_sort ON meetings (sort_at);
      CREATE INDEX meetings_upcoming ON meetings (starts_at) WHERE cancelled = 0 AND starts_at IS NOT NULL;

      -- the settled agenda of a meeting (saved from a closed poll)
      CREATE TABLE meeting_agenda (
        meeting_id  TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        text        TEXT NOT NULL,
        votes       INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (meeting_id, position)
      ) STRICT;

      -- member countries of each community: zone, weekend (ISO weekdays 1=Mon..7=Sun), working hours
      CREATE TABLE community_zones (
        community   TEXT NOT NULL,
        position    INTEGER NOT NULL,
        country     TEXT NOT NULL,
        zone        TEXT NOT NULL,
        weekend     TEXT NOT NULL,
        work_start  TEXT NOT NULL,
        work_end    TEXT NOT NULL,
        PRIMARY KEY (community, country)
      ) STRICT;

      CREATE TABLE subscriptions (
        chat_id        TEXT PRIMARY KEY,
        chat_type      TEXT NOT NULL CHECK (chat_type IN ('private', 'group', 'channel')),
        thread_id      TEXT,
        subscribed_by  TEXT NOT NULL,
        subscribed_at  INTEGER NOT NULL
      ) STRICT;

      -- one reminder per (meeting, offset, chat), ever (a move deletes the meeting's rows and
      -- starts again from the new time). status: pending -> sending -> sent | failed | skipped | gone
      CREATE TABLE reminder_deliveries (
        meeting_id       TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
        offset_ms        INTEGER NOT NULL,
        chat_id          TEXT NOT NULL,
        thread_id        TEXT,
        due_at           INTEGER NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'gone')),
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  INTEGER NOT NULL,
        last_error       TEXT,
        updated_at       INTEGER NOT NULL,
        UNIQUE (meeting_id, offset_ms, chat_id)
      ) STRICT;
      CREATE INDEX reminder_deliveries_work ON reminder_deliveries (status, next_attempt_at);

      -- meeting added / changed / cancelled, and /remind: the message to post, as a Reply (JSON)
      CREATE TABLE announcements (
        id          INTEGER PRIMARY KEY,
        meeting_id  TEXT,
        kind        TEXT NOT NULL CHECK (kind IN ('added', 'changed', 'cancelled', 'remind')),
        reply       TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        created_at  INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE announcement_deliveries (
        announcement_id  INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
        chat_id          TEXT NOT NULL,
        thread_id        TEXT,
        status           TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'gone')),
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  INTEGER NOT NULL,
        last_error       TEXT,
        updated_at       INTEGER NOT NULL,
        PRIMARY KEY (announcement_id, chat_id)
      ) STRICT;
      CREATE INDEX announcement_deliveries_work ON announcement_deliveries (status, next_attempt_at);

      -- roles granted in chat (config roles are not stored: config always wins)
      CREATE TABLE roles (
        user_id     TEXT NOT NULL,
        role        TEXT NOT NULL CHECK (role IN ('secretariat', 'co-chair')),
        granted_by  TEXT NOT NULL,
        granted_at  INTEGER NOT NULL,
        PRIMARY KEY (user_id, role)
      ) STRICT;

      CREATE TABLE audit (
        id       INTEGER PRIMARY KEY,
        at       INTEGER NOT NULL,
        actor    TEXT NOT NULL,
        action   TEXT NOT NULL,
        subject  TEXT NOT NULL,
        details  TEXT
      ) STRICT;
      CREATE INDEX audit_at ON audit (at);
    `);
  },
};
