// The reminders' timing policy: when reminders fall due, how failed deliveries back off and how
// many attempts a delivery gets.
import { DateTime } from 'luxon';
import { DAY_MS } from '../../shared/text.ts';

export const MAX_ATTEMPTS = 6;
export const MAX_RATE_LIMITED_ATTEMPTS = 12;
/** An announcement not delivered within this time is dropped (stale news). */
export const ANNOUNCEMENT_TTL_MS = 3 * 86_400_000;
export const RETRY_BASE_MS = 30_000;
export const RETRY_MAX_MS = 30 * 60_000;

/** When the reminder `offsetMs` before a meeting is due. Whole-day offsets are calendar days in
 *  the meeting's zone ("7 days before" keeps the local time across a daylight-saving change);
 *  hour and minute offsets are exact durations. */
export function reminderDueAt(startsAt: number, zone: string, offsetMs: number): number {
  if (offsetMs % DAY_MS === 0) {
    const dt = DateTime.fromMillis(startsAt, { zone });
    if (dt.isValid) return dt.minus({ days: offsetMs / DAY_MS }).toMillis();
  }
  return startsAt - offsetMs;
}

export function backoffMs(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

