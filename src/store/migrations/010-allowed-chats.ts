// Schema version 10: the allow-list at run time and members for personal reminders (issue 14).
// - `allowed_chats`: chats the secretariat allowed in chat with /chats allow (ALLOWED_CHATS stays the
//   floor and is not stored). A revoke keeps the row with revoked_by/revoked_at, so the deployment
//   knows an allow-list was ever kept in chat (open mode ends with the first stored allow).
// - `chat_members`: a person seen in an allowed group, recorded when they ask for /remindme, so
//   their private reminders keep coming after a restart while that group stays allowed.
// New tables only: an existing database upgrades in place. Writer: src/features/access/repo.ts.
import type { Migration } from './index.ts';

export const m010: Migration = {
  version: 10,
  name: 'allowed-chats',
  up(db) {
    db.exec(`
      CREATE TABLE allowed_chats (
        chat_id     TEXT PRIMARY KEY,
        title       TEXT,
        allowed_by  TEXT NOT NULL,
        allowed_at  INTEGER NOT NULL,
        revoked_by  TEXT,
        revoked_at  INTEGER
      ) STRICT;

      CREATE TABLE chat_members (
        user_id  TEXT NOT NULL,
        chat_id  TEXT NOT NULL,
        seen_at  INTEGER NOT NULL,
        PRIMARY KEY (user_id, chat_id)
      ) STRICT;
    `);
  },
};
