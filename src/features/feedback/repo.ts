// The feedback feature's tables (schema version 2, src/store/migrations/002-agenda.ts; gaps' language since 004):
// agenda_gaps (questions /ask could not answer) and agenda_feedback (helpful / not helpful per
// question). The only code that reads or writes them, apart from the operator's export.
import type { Store } from '../../store/store.ts';

export interface GapGroupRow {
  norm: string;
  question: string;
  /** The language of the latest asking (NULL before schema version 4). */
  language: string | null;
  n: number;
  last_at: number;
}

export interface FeedbackRow {
  key: string;
  helpful: number;
  not_helpful: number;
}

export type FeedbackRepo = ReturnType<typeof createFeedbackRepo>;

export function createFeedbackRepo(store: Store) {
  const db = store.db;
  return {
    insertGap: db.prepare<[string, string, number, string | null]>('INSERT INTO agenda_gaps (question, norm, asked_at, language) VALUES (?, ?, ?, ?)'),
    gapGroups: db.prepare<[number, number], GapGroupRow>(
      `SELECT norm, (SELECT g2.question FROM agenda_gaps g2 WHERE g2.norm = g.norm ORDER BY g2.asked_at DESC, g2.id DESC LIMIT 1) AS question,
              (SELECT g3.language FROM agenda_gaps g3 WHERE g3.norm = g.norm ORDER BY g3.asked_at DESC, g3.id DESC LIMIT 1) AS language,
              COUNT(*) AS n, MAX(asked_at) AS last_at
       FROM agenda_gaps g WHERE asked_at >= ? GROUP BY norm ORDER BY n DESC, last_at DESC LIMIT ?`,
    ),
    gapCount: db.prepare<[number], { n: number; groups: number }>(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT norm) AS groups FROM agenda_gaps WHERE asked_at >= ?',
    ),
    purgeGaps: db.prepare<[number]>('DELETE FROM agenda_gaps WHERE asked_at <= ?'),
    oldestGap: db.prepare<[], { at: number | null }>('SELECT MIN(asked_at) AS at FROM agenda_gaps'),

    // @h and @n are changes (+1, or -1 when a person changes their vote); never below 0, e.g. when
    // the row was purged between a vote and its change.
    feedback: db.prepare<{ key: string; h: number; n: number; at: number }>(
      `INSERT INTO agenda_feedback (key, helpful, not_helpful, updated_at) VALUES (@key, MAX(0, @h), MAX(0, @n), @at)
       ON CONFLICT (key) DO UPDATE SET helpful = MAX(0, helpful + @h), not_helpful = MAX(0, not_helpful + @n), updated_at = @at`,
    ),
    feedbackTotals: db.prepare<[], { helpful: number | null; not_helpful: number | null; keys: number }>(
      'SELECT SUM(helpful) AS helpful, SUM(not_helpful) AS not_helpful, COUNT(*) AS keys FROM agenda_feedback',
    ),
    feedbackWorst: db.prepare<[number], FeedbackRow>(
      'SELECT key, helpful, not_helpful FROM agenda_feedback WHERE not_helpful > 0 ORDER BY not_helpful DESC, helpful ASC, key LIMIT ?',
    ),
    purgeFeedback: db.prepare<[number]>('DELETE FROM agenda_feedback WHERE updated_at <= ?'),
    oldestFeedback: db.prepare<[], { at: number | null }>('SELECT MIN(updated_at) AS at FROM agenda_feedback'),
  };
}
