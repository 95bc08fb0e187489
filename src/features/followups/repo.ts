// The follow-ups table (schema version 7, src/store/migrations/007-followups.ts). Prepared
// statements only, prepared once; the only code that touches `followups`. Callers wrap writes
// that read first in store.immediate().
import type { Store } from '../../store/store.ts';

export const STATUSES = ['open', 'in-progress', 'done', 'dropped'] as const;
export type FollowupStatus = (typeof STATUSES)[number];

export interface FollowupRow {
  id: number;
  meeting_id: string;
  entry_id: string | null;
  text: string;
  status: FollowupStatus;
  note: string | null;
  created_by: string;
  created_at: number;
  updated_by: string | null;
  updated_at: number;
}

export type FollowupsRepo = ReturnType<typeof createFollowupsRepo>;

export function createFollowupsRepo(store: Store) {
  const db = store.db;
  return {
    /** A next-step entry of the practice base: added once, its text and meeting kept current;
     *  its status is never touched here. */
    upsertEntry: db.prepare<{ entry: string; meeting: string; text: string; now: number }>(
      `INSERT INTO followups (meeting_id, entry_id, text, status, created_by, created_at, updated_at)
       VALUES (@meeting, @entry, @text, 'open', 'practice-base', @now, @now)
       ON CONFLICT (entry_id) DO UPDATE SET meeting_id = excluded.meeting_id, text = excluded.text
       WHERE followups.meeting_id IS NOT excluded.meeting_id OR followups.text IS NOT excluded.text`,
    ),
    insert: db.prepare<[string, string, string, number, number]>(
      `INSERT INTO followups (meeting_id, entry_id, text, status, created_by, created_at, updated_at) VALUES (?, NULL, ?, 'open', ?, ?, ?)`,
    ),
    get: db.prepare<[number], FollowupRow>('SELECT * FROM followups WHERE id = ?'),
    ofMeeting: db.prepare<[string], FollowupRow>('SELECT * FROM followups WHERE meeting_id = ? ORDER BY id'),
    all: db.prepare<[], FollowupRow>('SELECT * FROM followups ORDER BY id'),
    setStatus: db.prepare<[FollowupStatus, string | null, string, number, number]>(
      'UPDATE followups SET status = ?, note = ?, updated_by = ?, updated_at = ? WHERE id = ?',
    ),
  };
}
