// The digest ledger (schema version 7, src/store/migrations/007-followups.ts): one row per
// (chat, week), ever. The only code that touches `digest_deliveries`.
import type { Store } from '../../store/store.ts';

export interface DigestRow {
  chat_id: string;
  week: string;
  thread_id: string | null;
  secretariat: number;
  due_at: number;
  deadline_at: number;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped' | 'gone';
  attempts: number;
  next_attempt_at: number;
}

export type DigestRepo = ReturnType<typeof createDigestRepo>;

export function createDigestRepo(store: Store) {
  const db = store.db;
  return {
    insert: db.prepare<{ chat: string; week: string; thread: string | null; secretariat: number; due: number; deadline: number; status: string; note: string | null; now: number }>(
      `INSERT INTO digest_deliveries (chat_id, week, thread_id, secretariat, due_at, deadline_at, status, attempts, next_attempt_at, last_error, updated_at)
       VALUES (@chat, @week, @thread, @secretariat, @due, @deadline, @status, 0, @now, @note, @now)
       ON CONFLICT (chat_id, week) DO NOTHING`,
    ),
    rowsOfWeek: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM digest_deliveries WHERE week = ?'),
    has: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM digest_deliveries WHERE chat_id = ? AND week = ?'),
    due: db.prepare<[number], DigestRow>(
      "SELECT * FROM digest_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, chat_id",
    ),
    nextPending: db.prepare<[], { at: number | null }>("SELECT MIN(next_attempt_at) AS at FROM digest_deliveries WHERE status = 'pending'"),
    claim: db.prepare<[number, string, string]>(
      "UPDATE digest_deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE chat_id = ? AND week = ? AND status = 'pending'",
    ),
    finish: db.prepare<[string, string | null, number, string, string]>(
      "UPDATE digest_deliveries SET status = ?, last_error = ?, updated_at = ? WHERE chat_id = ? AND week = ? AND status = 'sending'",
    ),
    retry: db.prepare<[number, string, number, string, string]>(
      "UPDATE digest_deliveries SET status = 'pending', next_attempt_at = ?, last_error = ?, updated_at = ? WHERE chat_id = ? AND week = ? AND status = 'sending'",
    ),
    park: db.prepare<[number, number, string, string]>(
      "UPDATE digest_deliveries SET status = 'pending', attempts = attempts - 1, next_attempt_at = ?, updated_at = ? WHERE chat_id = ? AND week = ? AND status = 'sending'",
    ),
    /** Sends cut short by a crash or a forced stop: not sent again (at most once a week). */
    interrupted: db.prepare<[number]>(
      "UPDATE digest_deliveries SET status = 'failed', last_error = 'interrupted while sending; not sent again (a digest goes out at most once a week)', updated_at = ? WHERE status = 'sending'",
    ),
    /** A chat is gone or unsubscribed: what was still to send is dropped. */
    dropChat: db.prepare<[string, number, string]>(
      "UPDATE digest_deliveries SET status = ?, updated_at = ? WHERE chat_id = ? AND status = 'pending'",
    ),
    moveChat: db.prepare<[string, string]>('UPDATE OR IGNORE digest_deliveries SET chat_id = ? WHERE chat_id = ?'),
    deleteChat: db.prepare<[string]>('DELETE FROM digest_deliveries WHERE chat_id = ?'),
    purge: db.prepare<[number]>('DELETE FROM digest_deliveries WHERE updated_at < ?'),
  };
}
