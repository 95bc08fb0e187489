// When the weekly digest is due: DIGEST_AT's weekday and time in the community's zone, once per
// ISO week of that zone. A daylight-saving change moves the UTC instant, never the local time
// (a local time skipped by the clock change falls to the first valid minute after it).
import { DateTime } from 'luxon';
import type { DigestAt } from '../../config.ts';

export interface DigestWeek {
  /** ISO week in the zone, e.g. 2026-W10: the ledger's key (once per chat and week). */
  key: string;
  /** The instant the digest is due. */
  dueAt: Date;
  /** The end of the due day in the zone: a digest not sent by then is not sent (catch-up after
   *  downtime happens within the same day only). */
  deadlineAt: Date;
  /** The due day and the same weekday a week before (YYYY-MM-DD, local): "added this week" is
   *  [weekStart, dueDay). */
  dueDay: string;
  weekStart: string;
}

function weekAt(start: DateTime, at: DigestAt): DigestWeek {
  const due = start.plus({ days: at.weekday - 1 }).set({ hour: at.hour, minute: at.minute, second: 0, millisecond: 0 });
  const dueDay = due.toISODate() ?? '';
  return {
    key: `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}`,
    dueAt: due.toJSDate(),
    deadlineAt: due.startOf('day').plus({ days: 1 }).toJSDate(),
    dueDay,
    weekStart: due.minus({ days: 7 }).toISODate() ?? '',
  };
}

/** The digest week `now` falls in. */
export function digestWeek(now: Date, at: DigestAt, zone: string): DigestWeek {
  return weekAt(DateTime.fromJSDate(now, { zone }).startOf('week'), at);
}

/** The week after `w`. */
export function nextDigestWeek(w: DigestWeek, at: DigestAt, zone: string): DigestWeek {
  return weekAt(DateTime.fromJSDate(w.dueAt, { zone }).startOf('week').plus({ weeks: 1 }), at);
}
