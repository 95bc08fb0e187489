// The agenda tables (schema version 2, src/store/migrations/002-agenda.ts): prepared statements
// only, prepared once. Callers wrap writes that read first in store.immediate().
import type { Store } from '../../store/store.ts';

export interface SuggestionRow {
  id: number;
  meeting_id: string;
  chat_id: string;
  text: string;
  norm: string;
  proposer_id: string;
  created_at: number;
  support: number;
}

export interface PollRow {
  id: number;
  meeting_id: string;
  chat_id: string;
  thread_id: string | null;
  question: string;
  anonymous: number;
  status: 'open' | 'closed';
  opened_by: string;
  opened_at: number;
  closes_at: number | null;
  closes_zone: string | null;
  closed_at: number | null;
  message_id: string | null;
  platform_poll_id: string | null;
  ballot_key: Buffer | null;
}

export interface OptionRow {
  idx: number;
  text: string;
  votes: number;
}

/** What the agenda reads of a meeting (table meetings, schema version 1). */
export interface MeetingInfoRow {
  id: string;
  title: string;
  starts_at: number | null;
  zone: string | null;
  date_label: string | null;
  date_start: string | null;
  date_end: string | null;
  status: 'scheduled' | 'held' | 'announced';
  cancelled: number;
}

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

export type AgendaRepo = ReturnType<typeof createAgendaRepo>;

export function createAgendaRepo(store: Store) {
  const db = store.db;
  const SUPPORT = '(SELECT COUNT(*) FROM agenda_supporters p WHERE p.suggestion_id = s.id)';

  const s = {
    meetingIds: db.prepare<[], { id: string }>('SELECT id FROM meetings'),
    meetingInfo: db.prepare<[string], MeetingInfoRow>(
      'SELECT id, title, starts_at, zone, date_label, date_start, date_end, status, cancelled FROM meetings WHERE id = ?',
    ),

    suggestionsOf: db.prepare<[string], SuggestionRow>(
      `SELECT s.id, s.meeting_id, s.chat_id, s.text, s.norm, s.proposer_id, s.created_at, ${SUPPORT} AS support
       FROM agenda_suggestions s WHERE s.meeting_id = ? ORDER BY support DESC, s.created_at ASC, s.id ASC`,
    ),
    suggestion: db.prepare<[number], SuggestionRow>(
      `SELECT s.id, s.meeting_id, s.chat_id, s.text, s.norm, s.proposer_id, s.created_at, ${SUPPORT} AS support
       FROM agenda_suggestions s WHERE s.id = ?`,
    ),
    insertSuggestion: db.prepare<[string, string, string, string, string, string | null, number]>(
      `INSERT INTO agenda_suggestions (meeting_id, chat_id, text, norm, proposer_id, proposer_name, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertSupporter: db.prepare<[number, string, number]>(
      'INSERT OR IGNORE INTO agenda_supporters (suggestion_id, user_id, supported_at) VALUES (?, ?, ?)',
    ),
    moveSuggestions: db.prepare<[string, string]>('UPDATE agenda_suggestions SET chat_id = ? WHERE chat_id = ?'),

    insertPoll: db.prepare<{
      meeting: string;
      chat: string;
      thread: string | null;
      question: string;
      anonymous: number;
      by: string;
      at: number;
      closesAt: number | null;
      closesZone: string | null;
      key: Buffer | null;
    }>(
      `INSERT INTO agenda_polls (meeting_id, chat_id, thread_id, question, anonymous, status, opened_by, opened_at, closes_at, closes_zone, ballot_key)
       VALUES (@meeting, @chat, @thread, @question, @anonymous, 'open', @by, @at, @closesAt, @closesZone, @key)`,
    ),
    insertOption: db.prepare<[number, number, string, number | null]>(
      'INSERT INTO agenda_poll_options (poll_id, idx, text, suggestion_id) VALUES (?, ?, ?, ?)',
    ),
    insertTotal: db.prepare<[number, number]>('INSERT INTO agenda_anon_totals (poll_id, idx, votes) VALUES (?, ?, 0)'),
    deletePoll: db.prepare<[number]>('DELETE FROM agenda_polls WHERE id = ?'),
    setRef: db.prepare<[string, string | null, number]>('UPDATE agenda_polls SET message_id = ?, platform_poll_id = ? WHERE id = ?'),
    setClose: db.prepare<[number, string, number]>("UPDATE agenda_polls SET closes_at = ?, closes_zone = ? WHERE id = ? AND status = 'open'"),
    poll: db.prepare<[number], PollRow>('SELECT * FROM agenda_polls WHERE id = ?'),
    pollByPlatform: db.prepare<[string], PollRow>('SELECT * FROM agenda_polls WHERE platform_poll_id = ?'),
    openPollsIn: db.prepare<[string], PollRow>("SELECT * FROM agenda_polls WHERE chat_id = ? AND status = 'open' ORDER BY id"),
    openPolls: db.prepare<[], PollRow>("SELECT * FROM agenda_polls WHERE status = 'open' ORDER BY id"),
    duePolls: db.prepare<[number], PollRow>(
      "SELECT * FROM agenda_polls WHERE status = 'open' AND closes_at IS NOT NULL AND closes_at <= ? ORDER BY closes_at, id",
    ),
    nextClose: db.prepare<[], { at: number | null }>(
      "SELECT MIN(closes_at) AS at FROM agenda_polls WHERE status = 'open' AND closes_at IS NOT NULL",
    ),
    markClosed: db.prepare<[number, string, string, number]>(
      "UPDATE agenda_polls SET status = 'closed', closed_at = ?, closed_by = ?, close_reason = ?, ballot_key = NULL WHERE id = ? AND status = 'open'",
    ),
    deleteBallots: db.prepare<[number]>('DELETE FROM agenda_anon_ballots WHERE poll_id = ?'),
    movePolls: db.prepare<[string, string]>('UPDATE agenda_polls SET chat_id = ? WHERE chat_id = ?'),

    namedOptions: db.prepare<[number], OptionRow>(
      `SELECT o.idx, o.text, (SELECT COUNT(*) FROM agenda_named_votes v WHERE v.poll_id = o.poll_id AND v.idx = o.idx) AS votes
       FROM agenda_poll_options o WHERE o.poll_id = ? ORDER BY o.idx`,
    ),
    anonOptions: db.prepare<[number], OptionRow>(
      `SELECT o.idx, o.text, COALESCE(t.votes, 0) AS votes
       FROM agenda_poll_options o LEFT JOIN agenda_anon_totals t ON t.poll_id = o.poll_id AND t.idx = o.idx
       WHERE o.poll_id = ? ORDER BY o.idx`,
    ),
    votersOf: db.prepare<[number], { idx: number; user_id: string; user_name: string | null }>(
      'SELECT idx, user_id, user_name FROM agenda_named_votes WHERE poll_id = ? ORDER BY idx, voted_at, user_id',
    ),
    namedVotesOfUser: db.prepare<[number, string], { idx: number }>('SELECT idx FROM agenda_named_votes WHERE poll_id = ? AND user_id = ?'),
    insertNamedVote: db.prepare<[number, number, string, string | null, number]>(
      'INSERT OR IGNORE INTO agenda_named_votes (poll_id, idx, user_id, user_name, voted_at) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteNamedVote: db.prepare<[number, number, string]>('DELETE FROM agenda_named_votes WHERE poll_id = ? AND idx = ? AND user_id = ?'),

    ballotExists: db.prepare<[number, string], { one: number }>('SELECT 1 AS one FROM agenda_anon_ballots WHERE poll_id = ? AND token = ?'),
    insertBallot: db.prepare<[number, string]>('INSERT OR IGNORE INTO agenda_anon_ballots (poll_id, token) VALUES (?, ?)'),
    deleteBallot: db.prepare<[number, string]>('DELETE FROM agenda_anon_ballots WHERE poll_id = ? AND token = ?'),
    addTotal: db.prepare<[number, number, number]>('UPDATE agenda_anon_totals SET votes = MAX(0, votes + ?) WHERE poll_id = ? AND idx = ?'),
    setTotal: db.prepare<[number, number, number]>('UPDATE agenda_anon_totals SET votes = ? WHERE poll_id = ? AND idx = ?'),

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
  return s;
}
