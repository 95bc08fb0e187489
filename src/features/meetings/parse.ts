// Parsing and validating what the secretariat types: `<YYYY-MM-DD> <HH:MM> <IANA zone> | <title> | <place or online>`
// (optionally `| <video link>`), and the parts `/meeting edit <id> time|link ...` changes one at a time.
// Zone arithmetic is luxon's (IANA database through Intl), never hand-rolled.
import { DateTime } from 'luxon';
import { cleanText } from '../../shared/text.ts';
import { canonicalZone } from '../../shared/time-zones.ts';

export const MEETING_SYNTAX = '/meeting add <YYYY-MM-DD> <HH:MM> <IANA time zone> | <title> | <place or online>';
export const MEETING_EXAMPLE = '/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria';
export const MAX_TITLE = 200;
export const MAX_PLACE = 200;
/** Longest video link (meeting links are well under this; a longer one is a pasted mess). */
export const MAX_LINK = 500;
export const LINK_EXAMPLE = 'https://meet.example.org/colep-7';
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
  /** The video link (an optional fourth part); absent on an edit = keep the meeting's. */
  link?: string;
  /** How long it lasts; absent = MEETING_LENGTH on add, the meeting's own on an edit. */
  lengthMs?: number;
}

/** A start as typed: `<YYYY-MM-DD> <HH:MM> <zone>`, validated. */
export interface MeetingWhen {
  startsAt: Date;
  zone: string;
  local: string;
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
  // A fourth part is a video link only when it looks like a web address; anything else is a stray |.
  if (parts.length > 4 || (parts.length === 4 && !/^\s*(?:[a-z][a-z0-9+.-]*:\/\/|www\.)/i.test(parts[3]!))) {
    return fail('Use | only to separate the three parts (when | title | place, then optionally a video link); the title and place may not contain |.');
  }
  const [when, rawTitle, rawPlace, rawLink] = parts.map((p) => p.trim()) as [string, string, string, string | undefined];

  const words = when.split(/\s+/).filter(Boolean);
  if (words.length < 3) {
    const missing = WHEN_PARTS.slice(words.length);
    return fail(`Before the first |, ${listWords(missing)} ${missing.length > 1 ? 'are' : 'is'} missing.`);
  }
  if (words.length > 3) return fail('Before the first | write exactly three things: the date, the time and the time zone.');
  const [date, time, zoneIn] = words as [string, string, string];
  const w = parseWhen(date, time, zoneIn, now);
  if (!w.ok) return w;

  const title = cleanText(rawTitle);
  if (!title) return fail('The title is missing: write it between the first and the second |.');
  if (title.length > MAX_TITLE) return fail(`The title is too long (${title.length} characters; at most ${MAX_TITLE}).`);
  const place = cleanText(rawPlace);
  if (!place) return fail('The place is missing: write it after the second | (or write online).');
  if (place.length > MAX_PLACE) return fail(`The place is too long (${place.length} characters; at most ${MAX_PLACE}).`);
  let link: string | undefined;
  if (rawLink !== undefined) {
    const l = parseVideoLink(rawLink);
    if (!l.ok) return l;
    link = l.value;
  }

  return { ok: true, value: { ...w.value, title, place, virtual: isVirtualPlace(place), ...(link ? { link } : {}) } };
}

/** Whether a place means an online meeting ("online", "Zoom", ...). */
export const isVirtualPlace = (place: string): boolean => VIRTUAL.test(place);

/** Validates a start: a real date and time in an IANA zone, in the future, at most MAX_YEARS_AHEAD away. */
export function parseWhen(date: string, time: string, zoneIn: string, now: Date): ParseResult<MeetingWhen> {

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
  return {
    ok: true,
    value: {
      startsAt,
      zone,
      local: `${date} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
      ...(ambiguityNote ? { ambiguityNote } : {}),
    },
  };
}

/** A video link: https only, no user name or password in it, a host name with a dot, at most
 *  MAX_LINK characters. Returns it as the URL parser writes it. */
export function parseVideoLink(input: string): ParseResult<string> {
  const raw = input.trim();
  const shown = raw.length > 60 ? `${raw.slice(0, 60)}...` : raw;
  if (!raw) return fail('The video link is missing.');
  if (raw.length > MAX_LINK) return fail(`The video link is too long (${raw.length} characters; at most ${MAX_LINK}).`);
  if (/\s/.test(raw)) return fail('A video link has no spaces in it: paste the whole link as one word.');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`"${shown}" is not a web address: write the whole link, starting with https://.`);
  }
  if (url.protocol !== 'https:') return fail(`The video link must start with https:// (not ${url.protocol.replace(/:$/, '')}), so that it is encrypted.`);
  // Checked on the text too: new URL() drops an empty user name ("https://@host").
  if (url.username || url.password || /^https:\/\/[^/?#]*@/i.test(raw)) {
    return fail('The video link holds a user name or password (the part before @): remove it; members join with the meeting link alone.');
  }
  if (!/^[a-z0-9.-]+\.[a-z0-9-]{2,}$/i.test(url.hostname) && !/^xn--/i.test(url.hostname)) {
    return fail(`"${url.hostname.slice(0, 60)}" is not a web site name: write the whole link, e.g. ${LINK_EXAMPLE}.`);
  }
  return { ok: true, value: url.href };
}

/** Meeting ids: m12 for chat-added meetings, practice-base slugs (colep-4) for seeded ones. */
export function normaliseMeetingId(s: string): string | undefined {
  const id = s.trim().toLowerCase();
  return /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id) && id.length <= 64 ? id : undefined;
}

