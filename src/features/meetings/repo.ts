// The meetings feature's tables: `meetings` (added in chat or seeded from the practice base),
// `meeting_agenda` (a meeting's settled agenda, saved by the agenda feature through its port),
// `attendance` (members' "I'll attend" / "Can't attend" answers: personal data, purged) and
// the `meeting.seq` key of `meta` (through src/store/meta.ts). This module is the only code that
// reads or writes them.
import type { Meeting } from '../../knowledge/schema.ts';
import { createMeta } from '../../store/meta.ts';
import type { Store } from '../../store/store.ts';
import { placeOf, type MeetingRecord, type Precision } from './meeting-record.ts';
import type { MeetingSpec } from './parse.ts';

/** The columns a meeting added or edited in chat sets from its spec. */
function specColumns(spec: MeetingSpec) {
  return {
    title: spec.title,
    startsAt: spec.startsAt.getTime(),
    zone: spec.zone,
    dateStart: spec.local.slice(0, 10),
    place: spec.place,
    virtual: spec.virtual ? 1 : 0,
  };
}

interface Row {
  id: string;
  title: string;
  series: string | null;
  source: 'chat' | 'practice-base';
  starts_at: number | null;
  zone: string | null;
  date_start: string | null;
  date_end: string | null;
  date_precision: Precision;
  date_label: string | null;
  sort_at: number;
  status: 'scheduled' | 'held' | 'announced';
  cancelled: number;
  place: string | null;
  virtual: number;
  reminders_from: number;
  created_by: string | null;
  updated_at: number;
  revision: number;
  length_ms: number;
  video_link: string | null;
}

const toRecord = (r: Row): MeetingRecord => ({
  id: r.id,
  title: r.title,
  ...(r.series ? { series: r.series } : {}),
  source: r.source,
  ...(r.starts_at !== null ? { startsAt: new Date(r.starts_at) } : {}),
  ...(r.zone ? { zone: r.zone } : {}),
  ...(r.date_start ? { dateStart: r.date_start } : {}),
  ...(r.date_end ? { dateEnd: r.date_end } : {}),
  precision: r.date_precision,
  ...(r.date_label ? { dateLabel: r.date_label } : {}),
  sortAt: new Date(r.sort_at),
  status: r.status,
  cancelled: r.cancelled === 1,
  ...(r.place ? { place: r.place } : {}),
  virtual: r.virtual === 1,
  remindersFrom: new Date(r.reminders_from),
  ...(r.created_by ? { createdBy: r.created_by } : {}),
  updatedAt: new Date(r.updated_at),
  revision: r.revision,
  lengthMs: r.length_ms,
  ...(r.video_link ? { link: r.video_link } : {}),
});

/** First instant (UTC) of a YYYY, YYYY-MM or YYYY-MM-DD date. */
function partialDateStart(s: string): number {
  const [y, m, d] = s.split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

/** A meeting with an exact start: what reminders are computed from. */
export interface TimedMeeting {
  id: string;
  startsAt: number;
  zone: string;
  /** Reminders due before this instant are not sent (offsets already past when added or moved). */
  remindersFrom: number;
}

/** One member's answer to "will you attend?". */
export interface AttendanceRow {
  userId: string;
  userName?: string;
  status: 'yes' | 'no';
  recordedAt: Date;
}

/** The fields of a meeting that change without moving it (`/meeting edit <id> title|place|link|length`). */
export interface MeetingDetails {
  title: string;
  place: string | undefined;
  virtual: boolean;
  link: string | undefined;
  lengthMs: number;
}

export type MeetingsRepo = ReturnType<typeof createMeetingsRepo>;

/** `defaultLengthMs`: the length of a meeting added in chat without one (MEETING_LENGTH). */
export function createMeetingsRepo(store: Store, defaultLengthMs = 2 * 3_600_000) {
  const db = store.db;
  const COLS =
    'id, title, series, source, starts_at, zone, date_start, date_end, date_precision, date_label, sort_at, status, cancelled, place, virtual, reminders_from, created_by, updated_at, revision, length_ms, video_link';
  const getStmt = db.prepare<[string], Row>(`SELECT ${COLS} FROM meetings WHERE id = ?`);
  const allStmt = db.prepare<[], Row>(`SELECT ${COLS} FROM meetings ORDER BY sort_at, id`);
  const nextStmt = db.prepare<[number], Row>(
    `SELECT ${COLS} FROM meetings WHERE cancelled = 0 AND starts_at IS NOT NULL AND starts_at > ? ORDER BY starts_at, id LIMIT 1`,
  );
  const existsStmt = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM meetings WHERE id = ?');
  const idsStmt = db.prepare<[], { id: string }>('SELECT id FROM meetings');
  const meta = createMeta(store);
  const insertChat = db.prepare(
    `INSERT INTO meetings (id, title, source, starts_at, zone, date_start, date_precision, sort_at, status, cancelled, place, virtual, reminders_from, created_by, created_at, updated_at, length_ms, video_link)
     VALUES (@id, @title, 'chat', @startsAt, @zone, @dateStart, 'minute', @startsAt, 'scheduled', 0, @place, @virtual, @now, @by, @now, @now, @lengthMs, @link)`,
  );
  const updateChat = db.prepare(
    `UPDATE meetings SET title = @title, source = 'chat', starts_at = @startsAt, zone = @zone, date_start = @dateStart, date_end = NULL,
       date_precision = 'minute', date_label = NULL, sort_at = @startsAt, status = 'scheduled', place = @place, virtual = @virtual,
       reminders_from = CASE WHEN @moved = 1 THEN @now ELSE reminders_from END, updated_at = @now, revision = revision + 1,
       video_link = COALESCE(@link, video_link), length_ms = COALESCE(@lengthMs, length_ms)
     WHERE id = @id`,
  );
  const updateDetailsStmt = db.prepare(
    `UPDATE meetings SET title = @title, source = 'chat', place = @place, virtual = @virtual, video_link = @link, length_ms = @lengthMs,
       updated_at = @now, revision = revision + 1
     WHERE id = @id AND cancelled = 0`,
  );
  const attendanceSet = db.prepare<{ meetingId: string; userId: string; userName: string | null; status: 'yes' | 'no'; now: number }>(
    `INSERT INTO attendance (meeting_id, user_id, user_name, status, recorded_at) VALUES (@meetingId, @userId, @userName, @status, @now)
     ON CONFLICT (meeting_id, user_id) DO UPDATE SET user_name = COALESCE(excluded.user_name, attendance.user_name),
       status = excluded.status, recorded_at = excluded.recorded_at`,
  );
  const attendanceOne = db.prepare<[string, string], { status: 'yes' | 'no' }>('SELECT status FROM attendance WHERE meeting_id = ? AND user_id = ?');
  const attendanceAll = db.prepare<[string], { user_id: string; user_name: string | null; status: 'yes' | 'no'; recorded_at: number }>(
    'SELECT user_id, user_name, status, recorded_at FROM attendance WHERE meeting_id = ? ORDER BY recorded_at, user_id',
  );
  const attendancePurge = db.prepare<[number]>(
    'DELETE FROM attendance WHERE meeting_id IN (SELECT id FROM meetings WHERE COALESCE(starts_at, sort_at) < ?)',
  );
  const cancelStmt = db.prepare<[number, string]>(
    'UPDATE meetings SET cancelled = 1, updated_at = ?, revision = revision + 1 WHERE id = ? AND cancelled = 0',
  );
  const upsertSeed = db.prepare(
    `INSERT INTO meetings (id, title, series, source, starts_at, zone, date_start, date_end, date_precision, date_label, sort_at, status, cancelled, place, virtual, reminders_from, created_by, created_at, updated_at)
     VALUES (@id, @title, @series, 'practice-base', NULL, NULL, @dateStart, @dateEnd, @precision, @label, @sortAt, @status, 0, @place, @virtual, 0, NULL, @now, @now)
     ON CONFLICT (id) DO UPDATE SET title = excluded.title, series = excluded.series, date_start = excluded.date_start,
       date_end = excluded.date_end, date_precision = excluded.date_precision, date_label = excluded.date_label,
       sort_at = excluded.sort_at, status = excluded.status, place = excluded.place, virtual = excluded.virtual,
       updated_at = excluded.updated_at, revision = meetings.revision + 1
     WHERE meetings.source = 'practice-base' AND (meetings.title, meetings.series, meetings.date_start, meetings.date_end,
       meetings.date_precision, meetings.date_label, meetings.sort_at, meetings.status, meetings.place, meetings.virtual)
       IS NOT (excluded.title, excluded.series, excluded.date_start, excluded.date_end, excluded.date_precision,
       excluded.date_label, excluded.sort_at, excluded.status, excluded.place, excluded.virtual)`,
  );
  const agendaDel = db.prepare<[string]>('DELETE FROM meeting_agenda WHERE meeting_id = ?');
  const agendaIns = db.prepare<[string, number, string, number]>(
    'INSERT INTO meeting_agenda (meeting_id, position, text, votes) VALUES (?, ?, ?, ?)',
  );
  const agendaGet = db.prepare<[string], { text: string; votes: number }>(
    'SELECT text, votes FROM meeting_agenda WHERE meeting_id = ? ORDER BY position',
  );

  const timedStmt = db.prepare<[number], { id: string; starts_at: number; zone: string; reminders_from: number }>(
    `SELECT id, starts_at, zone, reminders_from FROM meetings
      WHERE cancelled = 0 AND starts_at IS NOT NULL AND zone IS NOT NULL AND starts_at > ? ORDER BY starts_at, id`,
  );
  const beganBeforeStmt = db.prepare<[number], { id: string }>('SELECT id FROM meetings WHERE COALESCE(starts_at, sort_at) < ?');

  function allocateId(): string {
    let n = Number(meta.get('meeting.seq') ?? '0');
    let id: string;
    do id = `m${++n}`;
    while (existsStmt.get(id));
    meta.set('meeting.seq', String(n));
    return id;
  }

  return {
    get(id: string): MeetingRecord | undefined {
      const r = getStmt.get(id);
      return r ? toRecord(r) : undefined;
    },
    all: (): MeetingRecord[] => allStmt.all().map(toRecord),
    next(now: Date): { id: string; title: string; startsAt: Date } | undefined {
      const r = nextStmt.get(now.getTime());
      return r && r.starts_at !== null ? { id: r.id, title: r.title, startsAt: new Date(r.starts_at) } : undefined;
    },
    exists: (id: string) => existsStmt.get(id) !== undefined,
    ids: () => idsStmt.all().map((r) => r.id),
    /** Meetings not cancelled with an exact start after `after` (epoch ms), soonest first. */
    timedAfter: (after: number): TimedMeeting[] =>
      timedStmt.all(after).map((r) => ({ id: r.id, startsAt: r.starts_at, zone: r.zone, remindersFrom: r.reminders_from })),
    /** Ids of meetings whose start (or first day) is before `before` (epoch ms). */
    beganBefore: (before: number): string[] => beganBeforeStmt.all(before).map((r) => r.id),
    saveAgenda(meetingId: string, items: { text: string; votes: number }[]): void {
      store.immediate(() => {
        if (!existsStmt.get(meetingId)) throw new Error(`no meeting ${meetingId}`);
        agendaDel.run(meetingId);
        items.forEach((it, i) => agendaIns.run(meetingId, i, it.text, Math.max(0, Math.trunc(it.votes))));
      });
    },
    agendaOf: (meetingId: string) => agendaGet.all(meetingId),
    /** Inserts a meeting added in chat; call inside store.immediate(). */
    insert(spec: MeetingSpec, by: string, now: Date): string {
      const id = allocateId();
      insertChat.run({ id, ...specColumns(spec), now: now.getTime(), by, lengthMs: spec.lengthMs ?? defaultLengthMs, link: spec.link ?? null });
      return id;
    },
    /** Replaces a meeting's time, title and place (and its link and length when the spec has them);
     *  a changed start restarts its reminders from now. Inside store.immediate(). */
    update(id: string, spec: MeetingSpec, moved: boolean, now: Date): void {
      updateChat.run({ id, ...specColumns(spec), moved: moved ? 1 : 0, now: now.getTime(), link: spec.link ?? null, lengthMs: spec.lengthMs ?? null });
    },
    /** Sets the fields that do not move a meeting (its reminders stay as they are). Inside store.immediate(). */
    updateDetails(id: string, d: MeetingDetails, now: Date): void {
      updateDetailsStmt.run({ id, title: d.title, place: d.place ?? null, virtual: d.virtual ? 1 : 0, link: d.link ?? null, lengthMs: d.lengthMs, now: now.getTime() });
    },
    /** Records a member's answer; returns the answer it replaced, if any. */
    setAttendance(meetingId: string, user: { id: string; name?: string | undefined }, status: 'yes' | 'no', now: Date): 'yes' | 'no' | undefined {
      return store.immediate(() => {
        const before = attendanceOne.get(meetingId, user.id)?.status;
        attendanceSet.run({ meetingId, userId: user.id, userName: user.name?.slice(0, 200) ?? null, status, now: now.getTime() });
        return before;
      });
    },
    attendanceOf: (meetingId: string): AttendanceRow[] =>
      attendanceAll.all(meetingId).map((r) => ({
        userId: r.user_id,
        ...(r.user_name ? { userName: r.user_name } : {}),
        status: r.status,
        recordedAt: new Date(r.recorded_at),
      })),
    /** Deletes the attendance answers of meetings that began before `before` (epoch ms); returns how many. */
    purgeAttendance: (before: number): number => attendancePurge.run(before).changes,
    cancel(id: string, now: Date): void {
      cancelStmt.run(now.getTime(), id);
    },
    /** Inserts or refreshes the practice base's meetings; returns the rows changed. */
    seed(meetings: Meeting[], now: Date): number {
      let changed = 0;
      store.immediate(() => {
        for (const m of meetings) {
          const r = upsertSeed.run({
            id: m.id,
            title: m.title,
            series: m.series,
            dateStart: m.date.start,
            dateEnd: m.date.end ?? null,
            precision: m.date.precision,
            label: m.date.label ?? null,
            sortAt: partialDateStart(m.date.start),
            status: m.status,
            place: placeOf(m),
            virtual: m.place.virtual ? 1 : 0,
            now: now.getTime(),
          });
          changed += r.changes;
        }
      });
      return changed;
    },
  };
}
