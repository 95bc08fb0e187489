// The agenda feature's tables (schema version 2, src/store/migrations/002-agenda.ts; version 8,
// 008-undated-agenda.ts, added a suggestion's status: open, merged or removed): suggestions,
// supporters, polls, options, votes and ballots. Prepared statements only, prepared once; the only
// code that touches these tables apart from retention and the operator's export. Callers wrap
// writes that read first in store.immediate().
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
  proposer_name: string | null;
  status: 'open' | 'merged' | 'removed';
  merged_into: number | null;
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

export type AgendaRepo = ReturnType<typeof createAgendaRepo>;

export function createAgendaRepo(store: Store) {
  const db = store.db;
  const SUPPORT = '(SELECT COUNT(*) FROM agenda_supporters p WHERE p.suggestion_id = s.id)';
  const COLS = `s.id, s.meeting_id, s.chat_id, s.text, s.norm, s.proposer_id, s.proposer_name, s.created_at, s.status, s.merged_into, ${SUPPORT} AS support`;

  const s = {
    suggestionsOf: db.prepare<[string], SuggestionRow>(
      `SELECT ${COLS}
       FROM agenda_suggestions s WHERE s.meeting_id = ? AND s.status = 'open' ORDER BY support DESC, s.created_at ASC, s.id ASC`,
    ),
    suggestion: db.prepare<[number], SuggestionRow>(
      `SELECT ${COLS} FROM agenda_suggestions s WHERE s.id = ?`,
    ),
    insertSuggestion: db.prepare<[string, string, string, string, string, string | null, number]>(
      `INSERT INTO agenda_suggestions (meeting_id, chat_id, text, norm, proposer_id, proposer_name, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertSupporter: db.prepare<[number, string, number]>(
      'INSERT OR IGNORE INTO agenda_supporters (suggestion_id, user_id, supported_at) VALUES (?, ?, ?)',
    ),
    suggestionsBy: db.prepare<[string, string], { n: number }>(
      "SELECT COUNT(*) AS n FROM agenda_suggestions WHERE meeting_id = ? AND proposer_id = ? AND status = 'open'",
    ),
    moveSuggestions: db.prepare<[string, string]>('UPDATE agenda_suggestions SET chat_id = ? WHERE chat_id = ?'),
    /** Open suggestions of a meeting (the undated agenda's count). */
    openCount: db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM agenda_suggestions WHERE meeting_id = ? AND status = 'open'"),
    /** Hands every suggestion and poll of one meeting id over to another (the undated agenda to the meeting added). */
    adoptSuggestions: db.prepare<[string, string]>('UPDATE agenda_suggestions SET meeting_id = ? WHERE meeting_id = ?'),
    adoptPolls: db.prepare<[string, string]>('UPDATE agenda_polls SET meeting_id = ? WHERE meeting_id = ?'),
    /** The last poll of a meeting id, open or closed. */
    lastPoll: db.prepare<[string], PollRow>('SELECT * FROM agenda_polls WHERE meeting_id = ? ORDER BY id DESC LIMIT 1'),
    /** Polls that had this suggestion as an option. */
    pollsWith: db.prepare<[number], { id: number; status: 'open' | 'closed'; idx: number }>(
      'SELECT p.id, p.status, o.idx FROM agenda_poll_options o JOIN agenda_polls p ON p.id = o.poll_id WHERE o.suggestion_id = ? ORDER BY p.id DESC',
    ),
    /** Supporters of one suggestion given to another (INSERT OR IGNORE: nobody counted twice). */
    copySupporters: db.prepare<[number, number]>(
      'INSERT OR IGNORE INTO agenda_supporters (suggestion_id, user_id, supported_at) SELECT ?, user_id, supported_at FROM agenda_supporters WHERE suggestion_id = ?',
    ),
    markMerged: db.prepare<[number, string, number, number]>(
      "UPDATE agenda_suggestions SET status = 'merged', merged_into = ?, closed_by = ?, closed_at = ? WHERE id = ? AND status = 'open'",
    ),
    markRemoved: db.prepare<[string, number, number]>(
      "UPDATE agenda_suggestions SET status = 'removed', closed_by = ?, closed_at = ? WHERE id = ? AND status = 'open'",
    ),

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

    // Retention (./retention.ts): suggestions, with their supporters, made before @cut whose meeting
    // began before @cut (`@began`) or is no longer listed (`@all`); closed polls likewise.
    purgeSuggestions: db.prepare<{ cut: number; all: string; began: string }>(
      `DELETE FROM agenda_suggestions WHERE created_at < @cut AND (${BEGAN} OR ${MEETING_GONE})`,
    ),
    purgePolls: db.prepare<{ cut: number; all: string; began: string }>(
      `DELETE FROM agenda_polls WHERE status = 'closed' AND COALESCE(closed_at, opened_at) < @cut
         AND (${BEGAN} OR (${MEETING_GONE} AND opened_at < @cut))`,
    ),
  };
  return s;
}

const MEETING_GONE = '(meeting_id IS NULL OR meeting_id NOT IN (SELECT value FROM json_each(@all)))';
const BEGAN = 'meeting_id IN (SELECT value FROM json_each(@began))';
