// Naming the meeting a suggestion or poll is for: labels, "is this word a meeting id", and why a
// meeting takes no more suggestions. Reads meetings only through the AgendaMeetings port.
import { DateTime } from 'luxon';
import { hasTakenPlace } from '../meetings/index.ts';
import { formatWithZone } from '../../shared/time-zones.ts';
import type { Reply } from '../../core/reply.ts';
import { clip, code, para as p, refusal } from '../../core/reply-helpers.ts';
import type { AgendaMeetings } from './ports.ts';

export interface MeetingRef {
  id: string;
  title: string;
  /** "7th COLEP meeting, Thu 10 Dec 2026" */
  label: string;
}

export type MeetingRefs = ReturnType<typeof createMeetingRefs>;

/** Title and label of the undated agenda (the community's next meeting, no date yet). */
export const UNDATED_TITLE = 'the next meeting';
export const UNDATED_LABEL = 'the next meeting (no date set yet)';

/** `undatedKey`: the meeting id the undated agenda is stored under (`next:<community>`), when the
 *  community keeps one (./undated.ts). */
export function createMeetingRefs(meetings: AgendaMeetings, undatedKey?: string) {
  const isUndated = (id: string): boolean => undatedKey !== undefined && id === undatedKey;

  function meetingRef(id: string, fallbackTitle?: string): MeetingRef {
    if (isUndated(id)) return { id, title: UNDATED_TITLE, label: UNDATED_LABEL };
    const m = meetings.get(id);
    const title = m?.title ?? fallbackTitle ?? id;
    let when: string | undefined;
    if (m?.startsAt) when = DateTime.fromJSDate(m.startsAt, { zone: m.zone ?? 'UTC' }).setLocale('en-GB').toFormat('ccc d LLL yyyy');
    else when = m?.dateLabel ?? m?.dateStart;
    return { id, title, label: when ? `${title}, ${when}` : title };
  }

  /** Why suggestions / polls for this meeting make no sense any more, if so: cancelled, or taken
   *  place (timed and begun, held, or an undated one whose whole date window has passed, e.g. the
   *  4th COLEP meeting, "September or October 2023"). */
  function closedReason(id: string, now: Date): string | undefined {
    const m = meetings.get(id);
    if (!m) return undefined;
    if (m.cancelled) return 'was cancelled';
    if (hasTakenPlace(m, now)) return 'has already taken place';
    return undefined;
  }

  /** First segments of the hyphenated meeting ids known (e.g. "colep" from colep-4). */
  function idPrefixes(): Set<string> {
    return new Set(
      meetings
        .ids()
        .filter((id) => id.includes('-'))
        .map((id) => id.slice(0, id.indexOf('-')).toLowerCase()),
    );
  }

  /** Whether a word has the shape of a meeting id, as ids are made: m1, m2, ... for meetings added
   *  in chat, and the practice base's slugs such as colep-4 or europol-2024-digital-smuggling
   *  (lower-case words joined by hyphens, with a digit, starting with the first word of a known
   *  id). Ordinary words ("Encryption", "cross-border", "covid-19", "2024-2025") are not. */
  function idShaped(word: string): boolean {
    const w = word.toLowerCase();
    if (/^m\d{1,9}$/.test(w)) return true;
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)+$/.test(w) || !/\d/.test(w)) return false;
    return idPrefixes().has(w.slice(0, w.indexOf('-')));
  }

  /** A word given where a meeting id may stand: the meeting's id (case as typed or lower case),
   *  'unknown' when it looks like an id but names no meeting, undefined when it is not an id. */
  function lookup(word: string): { id: string } | 'unknown' | undefined {
    if (meetings.meetingExists(word)) return { id: word };
    const lower = word.toLowerCase();
    if (lower !== word && meetings.meetingExists(lower)) return { id: lower };
    return idShaped(word) ? 'unknown' : undefined;
  }

  /** The meeting named by `word`, or else the next one; a refusal when neither is known. */
  function named(word: string | undefined, command: string, example: string, now: Date): MeetingRef | Reply {
    if (word) {
      const found = lookup(word);
      if (found === undefined || found === 'unknown') return unknownMeetingReply(word);
      return meetingRef(found.id);
    }
    const next = meetings.nextMeeting(now);
    return next ? meetingRef(next.id, next.title) : noMeetingReply(command, example);
  }

  /** A `/poll close-at` example that works when it is read: 18:00 the day before the meeting, in its
   *  zone, while that is ahead; else 18:00 a week from now (in the meeting's zone, else UTC). Undefined
   *  when neither would close by the meeting's start (it is less than a day away). */
  function closeAtExample(meetingId: string | undefined, now: Date): string | undefined {
    const m = meetingId === undefined ? undefined : meetings.get(meetingId);
    const zone = m?.zone ?? 'UTC';
    const at18 = (d: DateTime) => d.set({ hour: 18, minute: 0, second: 0, millisecond: 0 });
    const example = (d: DateTime) => `/poll close-at ${d.toFormat('yyyy-MM-dd HH:mm')} ${zone}`;
    if (m?.startsAt) {
      const eve = at18(DateTime.fromJSDate(m.startsAt, { zone }).minus({ days: 1 }));
      if (eve.toMillis() > now.getTime()) return example(eve);
      if (m.startsAt.getTime() > now.getTime()) return undefined;
    }
    return example(at18(DateTime.fromJSDate(now, { zone }).plus({ days: 7 })));
  }

  /** A refusal when a poll on this meeting's agenda would close after the meeting starts. */
  function closesTooLate(meetingId: string, close: { at: Date; zone: string }, now: Date): Reply | undefined {
    const m = meetings.get(meetingId);
    if (!m?.startsAt || close.at.getTime() <= m.startsAt.getTime()) return undefined;
    const start = m.startsAt;
    const zone = m.zone ?? 'UTC';
    const example = closeAtExample(meetingId, now);
    return refusal(
      p(
        'A poll must close by the start of the meeting it is for. ',
        `${meetingRef(meetingId).title} starts on `,
        { time: start.toISOString(), fallback: formatWithZone(start, zone) },
        `, and ${formatWithZone(close.at, close.zone)} is after that.`,
      ),
      example ? p('Give an earlier close time, e.g. ', code(example), '.') : p('Give an earlier close time, or close the poll with ', code('/poll close'), '.'),
    );
  }

  return { meetingRef, closedReason, lookup, named, closesTooLate, closeAtExample, nextMeeting: meetings.nextMeeting, isUndated, undatedKey };
}

export const noMeetingReply = (command: string, example: string): Reply =>
  refusal(
    p('There is no upcoming meeting with a date yet, so I do not know which meeting this is for. '),
    p('Give the meeting id after the command: ', code(`${command} <meeting id> ${example}`.trim()), '. ', 'The ids are listed by ', code('/meetings'), '.'),
  );

export const unknownMeetingReply = (id: string): Reply =>
  refusal(p('There is no meeting with the id ', code(clip(id, 40)), '. See ', code('/meetings'), ' for the ids.'));

/** A MeetingRef or a refusal: tells them apart. */
export const isReply = (x: MeetingRef | Reply): x is Reply => 'blocks' in x;
