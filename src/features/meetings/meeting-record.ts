// A meeting as the meetings feature hands it out (MeetingRecord), and the rules read off it:
// its date in words, whether it has taken place, whether it has an exact start.
import { DateTime } from 'luxon';
import type { Inline } from '../../core/reply.ts';
import { formatMeetingDate } from '../../knowledge/citation.ts';
import type { Meeting } from '../../knowledge/schema.ts';
import { humanDuration } from '../../shared/text.ts';
import { formatWithZone, LOCALE } from '../../shared/time-zones.ts';

export type Precision = 'minute' | 'day' | 'month' | 'season' | 'year';

export interface MeetingRecord {
  id: string;
  title: string;
  series?: string;
  source: 'chat' | 'practice-base';
  startsAt?: Date;
  zone?: string;
  dateStart?: string;
  dateEnd?: string;
  precision: Precision;
  dateLabel?: string;
  sortAt: Date;
  status: 'scheduled' | 'held' | 'announced';
  cancelled: boolean;
  place?: string;
  virtual: boolean;
  remindersFrom: Date;
  createdBy?: string;
  updatedAt: Date;
  /** Bumped on every edit, cancel and practice-base change; the .ics SEQUENCE. */
  revision: number;
  /** How long it lasts (timed meetings: the end is startsAt + lengthMs). */
  lengthMs: number;
  /** The video link (https), when one was given. */
  link?: string;
}

export function placeOf(m: Meeting): string {
  const where = [m.place.venue, m.place.city, m.place.country].filter(Boolean).join(', ');
  if (m.place.virtual) return where ? `online (${where})` : 'online';
  return where || 'place not announced';
}

/** "4 May 2023", "29–30 April 2024", "September or October 2023", "May 2023": written the way
 *  citations write meeting dates (src/knowledge/citation.ts), en-dash ranges included. */
export function meetingDateText(m: MeetingRecord): string {
  if (m.dateLabel) return m.dateLabel;
  const start = m.dateStart;
  if (!start) return m.startsAt ? formatWithZone(m.startsAt, m.zone ?? 'UTC') : 'date not announced';
  if (m.precision !== 'minute') {
    return formatMeetingDate({ date: { start, ...(m.dateEnd ? { end: m.dateEnd } : {}), precision: m.precision } });
  }
  const dt = DateTime.fromISO(start, { zone: 'UTC' }).setLocale(LOCALE);
  return start.length === 10 ? dt.toFormat('d LLLL yyyy') : start.length === 7 ? dt.toFormat('LLLL yyyy') : dt.toFormat('yyyy');
}

/** The first instant (UTC) after a YYYY, YYYY-MM or YYYY-MM-DD date: the end of that year, month or day. */
function partialDateEnd(s: string): number {
  const [y = 1970, m, d] = s.split('-').map(Number);
  if (m === undefined) return Date.UTC(y + 1, 0, 1);
  if (d === undefined) return Date.UTC(y, m, 1);
  return Date.UTC(y, m - 1, d + 1);
}

/** Whether a meeting is over by `now`: a timed one once it has begun; a practice-base one once it
 *  is recorded as held, or once its whole date window (the year, month(s) or day(s) it was given
 *  in, UTC) has passed, even when no exact date was ever announced. A cancelled meeting never
 *  took place. */
export function hasTakenPlace(m: Pick<MeetingRecord, 'cancelled' | 'startsAt' | 'status' | 'dateStart' | 'dateEnd'>, now: Date): boolean {
  if (m.cancelled) return false;
  if (m.startsAt) return m.startsAt.getTime() <= now.getTime();
  if (m.status === 'held') return true;
  const last = m.dateEnd ?? m.dateStart;
  return !!last && partialDateEnd(last) <= now.getTime();
}

/** How long a meeting lasts when MEETING_LENGTH is unset (and what meetings stored before lengths
 *  existed were given). */
export const DEFAULT_MEETING_LENGTH_MS = 2 * 3_600_000;

/** When a timed meeting ends. */
export const endOf = (m: MeetingRecord & { startsAt: Date }): Date => new Date(m.startsAt.getTime() + m.lengthMs);

/** "until 12:00 (2 hours)" in the meeting's zone; the end's day is named when it is another day. */
export function untilText(m: MeetingRecord & { startsAt: Date; zone: string }): string {
  const start = DateTime.fromJSDate(m.startsAt, { zone: m.zone }).setLocale(LOCALE);
  const end = DateTime.fromJSDate(endOf(m), { zone: m.zone }).setLocale(LOCALE);
  const at = start.hasSame(end, 'day') ? end.toFormat('HH:mm') : end.toFormat('ccc d LLL, HH:mm');
  return `until ${at} (${humanDuration(m.lengthMs)})`;
}

export const timeInline = (at: Date, zone: string): Inline => ({ time: at.toISOString(), fallback: formatWithZone(at, zone) });

/** True when the meeting has a usable exact start (minute precision). */
export const isTimed = (m: MeetingRecord): m is MeetingRecord & { startsAt: Date; zone: string } =>
  m.startsAt !== undefined && m.zone !== undefined;
