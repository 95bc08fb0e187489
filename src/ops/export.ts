// `practice-bot export <kind> [--format csv|json] [--since YYYY-MM-DD]`: records to stdout, read
// over a read-only connection (the bot may be running).
//
// Kinds and their columns are below. Times are ISO 8601 UTC. `--since` is a UTC day and keeps rows
// whose own time (meeting time, suggestion time, poll opening, question time, audit time) is on or
// after it. CSV: RFC 4180 with formulas neutralised (./csv.ts). JSON: one array, one object a line.
//
// Polls: an anonymous poll exports its totals per option only (the store never links a person to
// a choice, and its ballot tokens are never exported); a named poll also lists the voter ids of
// each option. `attendance` (schema 9): an empty set with the header on an older database.
import type Database from 'better-sqlite3';
import { csvLine, type Cell } from './csv.ts';
import { columnsOf, hasTable, OpsError, quoteIdent } from './db-file.ts';

export const EXPORT_KINDS = ['meetings', 'agenda', 'polls', 'attendance', 'gaps', 'audit'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type Row = Record<string, string | number | boolean | null>;

export interface ExportSet {
  columns: string[];
  rows: Iterable<Row>;
  /** A remark for stderr (e.g. the table does not exist yet). */
  note?: string;
}

const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(Number(ms)).toISOString());

/** `YYYY-MM-DD` (a real day) to its first instant, UTC. */
export function parseSince(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s) {
    throw new OpsError(`--since "${s.slice(0, 40)}" is not a date: write YYYY-MM-DD (e.g. 2026-01-31)`);
  }
  return t;
}

function* mapRows<T>(it: Iterable<T>, f: (r: T) => Row): Iterable<Row> {
  for (const r of it) yield f(r);
}

const MEETING_COLUMNS = [
  'id', 'title', 'series', 'source', 'status', 'cancelled', 'starts_at', 'zone', 'date_start', 'date_end',
  'date_precision', 'date_label', 'place', 'virtual', 'revision', 'created_by', 'created_at', 'updated_at',
  // schema 9 (issue 14): the meeting's length and video link
  'length_ms', 'video_link',
];

function meetings(db: Database.Database, since: number): ExportSet {
  const have = new Set(columnsOf(db, 'meetings'));
  const columns = MEETING_COLUMNS.filter((c) => have.has(c));
  const stmt = db.prepare<[number], Record<string, unknown>>(
    `SELECT ${columns.map(quoteIdent).join(', ')} FROM meetings WHERE sort_at >= ? ORDER BY sort_at, id`,
  );
  return {
    columns,
    rows: mapRows(stmt.iterate(since), (r) => {
      const out: Row = {};
      for (const c of columns) {
        const v = r[c];
        if (c === 'starts_at' || c === 'created_at' || c === 'updated_at') out[c] = iso(v as number | null);
        else if (c === 'cancelled' || c === 'virtual') out[c] = v === 1;
        else out[c] = (v ?? null) as Row[string];
      }
      return out;
    }),
  };
}

/** The settled agendas, then the open suggestions: a merged one's supporters count on the item it
 *  was folded into, and a removed one is off the agenda (issue 14), so neither is listed. */
function agenda(db: Database.Database, since: number): ExportSet {
  const columns = ['meeting_id', 'source', 'item', 'text', 'supporters', 'votes', 'proposer', 'created_at'];
  const settled = db.prepare<[number], { meeting_id: string; position: number; text: string; votes: number }>(
    `SELECT a.meeting_id, a.position, a.text, a.votes FROM meeting_agenda a JOIN meetings m ON m.id = a.meeting_id
      WHERE m.sort_at >= ? ORDER BY m.sort_at, a.meeting_id, a.position`,
  );
  const suggestions = hasTable(db, 'agenda_suggestions')
    ? db.prepare<[number], { id: number; meeting_id: string; text: string; proposer: string; created_at: number; supporters: number }>(
        `SELECT s.id, s.meeting_id, s.text, COALESCE(s.proposer_name, s.proposer_id) AS proposer, s.created_at,
                (SELECT count(*) FROM agenda_supporters p WHERE p.suggestion_id = s.id) AS supporters
           FROM agenda_suggestions s WHERE s.created_at >= ?${columnsOf(db, 'agenda_suggestions').includes('status') ? " AND s.status = 'open'" : ''}
          ORDER BY s.meeting_id, s.id`,
      )
    : undefined;
  function* rows(): Iterable<Row> {
    for (const r of settled.iterate(since)) {
      yield { meeting_id: r.meeting_id, source: 'settled', item: r.position + 1, text: r.text, supporters: null, votes: r.votes, proposer: null, created_at: null };
    }
    if (!suggestions) return;
    for (const r of suggestions.iterate(since)) {
      yield {
        meeting_id: r.meeting_id,
        source: 'suggestion',
        item: r.id,
        text: r.text,
        supporters: r.supporters,
        votes: null,
        proposer: r.proposer,
        created_at: iso(r.created_at),
      };
    }
  }
  return { columns, rows: rows() };
}

function polls(db: Database.Database, since: number): ExportSet {
  const columns = [
    'poll_id', 'meeting_id', 'chat_id', 'question', 'anonymous', 'status', 'opened_by', 'opened_at', 'closes_at', 'closed_at',
    'option', 'option_text', 'votes', 'voters',
  ];
  if (!hasTable(db, 'agenda_polls')) return { columns, rows: [] };
  // Totals only for anonymous polls; voter ids only where the poll is named. Ballot tokens
  // (agenda_anon_ballots) are never read.
  const stmt = db.prepare<
    [number],
    {
      id: number; meeting_id: string; chat_id: string; question: string; anonymous: number; status: string; opened_by: string;
      opened_at: number; closes_at: number | null; closed_at: number | null; idx: number; text: string; votes: number; voters: string | null;
    }
  >(
    `SELECT p.id, p.meeting_id, p.chat_id, p.question, p.anonymous, p.status, p.opened_by, p.opened_at, p.closes_at, p.closed_at,
            o.idx, o.text,
            CASE WHEN p.anonymous = 1
                 THEN COALESCE((SELECT t.votes FROM agenda_anon_totals t WHERE t.poll_id = o.poll_id AND t.idx = o.idx), 0)
                 ELSE (SELECT count(*) FROM agenda_named_votes v WHERE v.poll_id = o.poll_id AND v.idx = o.idx) END AS votes,
            CASE WHEN p.anonymous = 1 THEN NULL
                 ELSE (SELECT group_concat(user_id, ';') FROM
                        (SELECT v.user_id FROM agenda_named_votes v WHERE v.poll_id = o.poll_id AND v.idx = o.idx ORDER BY v.voted_at, v.user_id)) END AS voters
       FROM agenda_polls p JOIN agenda_poll_options o ON o.poll_id = p.id
      WHERE p.opened_at >= ? ORDER BY p.id, o.idx`,
  );
  return {
    columns,
    rows: mapRows(stmt.iterate(since), (r) => ({
      poll_id: r.id,
      meeting_id: r.meeting_id,
      chat_id: r.chat_id,
      question: r.question,
      anonymous: r.anonymous === 1,
      status: r.status,
      opened_by: r.opened_by,
      opened_at: iso(r.opened_at),
      closes_at: iso(r.closes_at),
      closed_at: iso(r.closed_at),
      option: r.idx + 1,
      option_text: r.text,
      votes: r.votes,
      voters: r.anonymous === 1 ? null : (r.voters ?? ''),
    })),
  };
}

const ATTENDANCE_COLUMNS = ['meeting_id', 'user_id', 'user_name', 'status', 'recorded_at'];

/** Attendance answers (schema 9, the meetings feature's `attendance` table): one row per meeting
 *  and person, the latest answer (`yes` will attend, `no` cannot), kept until the retention purge. */
function attendance(db: Database.Database, since: number): ExportSet {
  if (!hasTable(db, 'attendance')) {
    return { columns: ATTENDANCE_COLUMNS, rows: [], note: 'this database has no attendance records yet (no attendance table): the export is empty' };
  }
  const stmt = db.prepare<[number], { meeting_id: string; user_id: string; user_name: string | null; status: string; recorded_at: number }>(
    `SELECT a.meeting_id, a.user_id, a.user_name, a.status, a.recorded_at FROM attendance a LEFT JOIN meetings m ON m.id = a.meeting_id
      WHERE a.recorded_at >= ? ORDER BY m.sort_at, a.meeting_id, a.recorded_at, a.user_id`,
  );
  return {
    columns: ATTENDANCE_COLUMNS,
    rows: mapRows(stmt.iterate(since), (r) => ({ ...r, recorded_at: iso(r.recorded_at) })),
  };
}

function gaps(db: Database.Database, since: number): ExportSet {
  const columns = ['id', 'question', 'asked_at'];
  if (!hasTable(db, 'agenda_gaps')) return { columns, rows: [] };
  const stmt = db.prepare<[number], { id: number; question: string; asked_at: number }>(
    'SELECT id, question, asked_at FROM agenda_gaps WHERE asked_at >= ? ORDER BY asked_at, id',
  );
  return { columns, rows: mapRows(stmt.iterate(since), (r) => ({ id: r.id, question: r.question, asked_at: iso(r.asked_at) })) };
}

function audit(db: Database.Database, since: number): ExportSet {
  const columns = ['id', 'at', 'actor', 'action', 'subject', 'details'];
  const stmt = db.prepare<[number], { id: number; at: number; actor: string; action: string; subject: string; details: string | null }>(
    'SELECT id, at, actor, action, subject, details FROM audit WHERE at >= ? ORDER BY at, id',
  );
  return { columns, rows: mapRows(stmt.iterate(since), (r) => ({ ...r, at: iso(r.at) })) };
}

export function exportSet(db: Database.Database, kind: ExportKind, since = 0): ExportSet {
  switch (kind) {
    case 'meetings':
      return meetings(db, since);
    case 'agenda':
      return agenda(db, since);
    case 'polls':
      return polls(db, since);
    case 'attendance':
      return attendance(db, since);
    case 'gaps':
      return gaps(db, since);
    case 'audit':
      return audit(db, since);
  }
}

/** Writes the set to `write` in the format asked for; returns the number of rows. */
export function writeExport(set: ExportSet, format: ExportFormat, write: (s: string) => void): number {
  let n = 0;
  if (format === 'csv') {
    write(csvLine(set.columns));
    for (const r of set.rows) {
      write(csvLine(set.columns.map((c): Cell => r[c])));
      n++;
    }
    return n;
  }
  write('[');
  for (const r of set.rows) {
    const obj: Row = {};
    for (const c of set.columns) obj[c] = r[c] ?? null;
    write(`${n ? ',' : ''}\n${JSON.stringify(obj)}`);
    n++;
  }
  write(n ? '\n]\n' : ']\n');
  return n;
}
