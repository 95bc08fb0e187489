// Parsing and validating what the secretariat types: `<YYYY-MM-DD> <HH:MM> <IANA zone> | <title> | <place or online>`.
// Zone arithmetic is luxon's (IANA database through Intl), never hand-rolled.
import { DateTime } from 'luxon';
import { cleanText } from '../../shared/text.ts';
import { canonicalZone } from '../../shared/time-zones.ts';

export const MEETING_SYNTAX = '/meeting add <YYYY-MM-DD> <HH:MM> <IANA time zone> | <title> | <place or online>';
export const MEETING_EXAMPLE = '/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria';
export const MAX_TITLE = 200;
export const MAX_PLACE = 200;
/** Meetings further ahead than this are almost certainly a typo in the year. */
export const MAX_YEARS_AHEAD = 5;

export interface MeetingSpec {
  startsAt: Date;
  zone: string;
  /** As typed, normalised: 2026-12-10 10:00 */
  local: string;
  title: string;
  place: string;
  virtual: boolean;
  /** Set when the local time occurs twice (clocks going back): which one was taken. */
  ambiguityNote?: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

const fail = (problem: string): { ok: false; problem: string } => ({ ok: false, problem });

const WHEN_PARTS = ['the date (YYYY-MM-DD)', 'the time (HH:MM)', 'the IANA time zone (e.g. Europe/Sofia)'];
const listWords = (items: string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? ''));
const sentenceStart = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const VIRTUAL = /^(online|virtual|remote|video ?call|videoconference|zoom|teams|webex)$/i;

export function parseMeetingSpec(input: string, now: Date): ParseResult<MeetingSpec> {
  const parts = input.split('|');
  if (parts.length < 3) {
    const whenWords = (parts[0] ?? '').split(/\s+/).filter(Boolean).length;
    if (whenWords < 3) {
      // Say everything that is missing, not only the parts after the first |.
      const missing = [...WHEN_PARTS.slice(whenWords), ...(parts.length === 1 ? ['the title'] : []), 'the place'];
      return fail(`${sentenceStart(listWords(missing))} ${missing.length > 1 ? 'are' : 'is'} missing.`);
    }
    return fail(
      parts.length === 1
        ? 'The title and the place are missing: separate the three parts with |.'
        : 'The place is missing: write it after a second | (or write online).',
    );
  }
  if (parts.length > 3) return fail('Use | only to separate the three parts (when | title | place); the title and place may not contain |.');
  const [when, rawTitle, rawPlace] = parts.map((p) => p.trim()) as [string, string, string];

  const words = when.split(/\s+/).filter(Boolean);
  if (words.length < 3) {
    const missing = WHEN_PARTS.slice(words.length);
    return fail(`Before the first |, ${listWords(missing)} ${missing.length > 1 ? 'are' : 'is'} missing.`);
  }
  if (words.length > 3) return fail('Before the first | write exactly three things: the date, the time and the time zone.');
  const [date, time, zoneIn] = words as [string, string, string];

  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!dm) return fail(`"${date.slice(0, 40)}" is not a date: write YYYY-MM-DD, e.g. 2026-12-10.`);
  const [year, month, day] = [Number(dm[1]), Number(dm[2]), Number(dm[3])];
  if (!DateTime.fromObject({ year, month, day }, { zone: 'UTC' }).isValid) {
    return fail(`${date} is not a date in the calendar (check the month and the day).`);
  }
  const tm = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!tm || Number(tm[1]) > 23 || Number(tm[2]) > 59) {
    return fail(`"${time.slice(0, 40)}" is not a time: write HH:MM on the 24-hour clock, e.g. 10:00 or 14:30.`);
  }
  const [hour, minute] = [Number(tm[1]), Number(tm[2])];
  const zone = canonicalZone(zoneIn);
  if (!zone) {
    return fail(
      `"${zoneIn.slice(0, 60)}" is not an IANA time zone: write a zone name such as Europe/Sofia, Asia/Baghdad or Asia/Dhaka (not an abbreviation or an offset).`,
    );
  }

  let dt = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
  if (!dt.isValid || dt.hour !== hour || dt.minute !== minute || dt.day !== day) {
    return fail(
      `${date} ${time} does not exist in ${zone}: the clocks go forward then (daylight saving time). Choose another time.`,
    );
  }
  let ambiguityNote: string | undefined;
  const offsets = dt.getPossibleOffsets();
  if (offsets.length > 1) {
    const first = offsets.reduce((a, b) => (a.toMillis() <= b.toMillis() ? a : b));
    dt = first;
    ambiguityNote = `${date} ${time} occurs twice in ${zone} (the clocks go back that night); I took the first one, ${dt.toFormat('HH:mm ZZ')}.`;
  }
  const startsAt = dt.toJSDate();
  if (startsAt.getTime() <= now.getTime()) {
    return fail(`${date} ${time} ${zone} is in the past. Give a future date and time.`);
  }
  if (dt > DateTime.fromJSDate(now).plus({ years: MAX_YEARS_AHEAD })) {
    return fail(`${date} is more than ${MAX_YEARS_AHEAD} years ahead: check the year.`);
  }

  const title = cleanText(rawTitle);
  if (!title) return fail('The title is missing: write it between the first and the second |.');
  if (title.length > MAX_TITLE) return fail(`The title is too long (${title.length} characters; at most ${MAX_TITLE}).`);
  const place = cleanText(rawPlace);
  if (!place) return fail('The place is missing: write it after the second | (or write online).');
  if (place.length > MAX_PLACE) return fail(`The place is too long (${place.length} characters; at most ${MAX_PLACE}).`);

  return {
    ok: true,
    value: {
      startsAt,
      zone,
      local: `${date} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
      title,
      place,
      virtual: VIRTUAL.test(place),
      ...(ambiguityNote ? { ambiguityNote } : {}),
    },
  };
}

/** Meeting ids: m12 for chat-added meetings, practice-base slugs (colep-4) for seeded ones. */
export function normaliseMeetingId(s: string): string | undefined {
  const id = s.trim().toLowerCase();
  return /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id) && id.length <= 64 ? id : undefined;
}

