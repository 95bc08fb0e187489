// `/meeting edit <id> time|title|place|link|length ...`: one field of a meeting changed, the rest
// kept. This module parses and validates the field (pure); ./commands.ts applies it like the
// whole-line edit (a new time moves the meeting and restarts its reminders; audited; announced).
import { parseMeetingLength } from '../../config.ts';
import { cleanText } from '../../shared/text.ts';
import type { MeetingRecord } from './meeting-record.ts';
import { isVirtualPlace, LINK_EXAMPLE, MAX_PLACE, MAX_TITLE, parseVideoLink, parseWhen, type MeetingWhen, type ParseResult } from './parse.ts';
import type { MeetingDetails } from './repo.ts';

export type EditField = 'time' | 'title' | 'place' | 'link' | 'length';
export const EDIT_FIELDS: readonly EditField[] = ['time', 'title', 'place', 'link', 'length'];

const ALIASES: Record<string, EditField> = {
  time: 'time', when: 'time', date: 'time',
  title: 'title', name: 'title',
  place: 'place', where: 'place', venue: 'place', location: 'place',
  link: 'link', url: 'link', video: 'link',
  length: 'length', duration: 'length',
};

/** The field a word names (`time`, `link`, `duration`, ...), if any. */
export const fieldOf = (word: string): EditField | undefined => ALIASES[word.toLowerCase()];

/** Each field's syntax and an example, for help and for bad input. */
export const FIELD_FORMS: Record<EditField, { syntax: string; example: (id: string) => string }> = {
  time: { syntax: '/meeting edit <id> time <YYYY-MM-DD> <HH:MM> [<IANA time zone>]', example: (id) => `/meeting edit ${id} time 2026-12-10 14:00` },
  title: { syntax: '/meeting edit <id> title <text>', example: (id) => `/meeting edit ${id} title 7th COLEP meeting` },
  place: { syntax: '/meeting edit <id> place <text or online>', example: (id) => `/meeting edit ${id} place Sofia, Bulgaria` },
  link: { syntax: '/meeting edit <id> link <https URL> (or: link none)', example: (id) => `/meeting edit ${id} link ${LINK_EXAMPLE}` },
  length: { syntax: '/meeting edit <id> length <duration>', example: (id) => `/meeting edit ${id} length 1h30m` },
};

export type FieldEdit =
  | { kind: 'time'; when: MeetingWhen }
  | { kind: 'details'; details: MeetingDetails };

const fail = (problem: string): { ok: false; problem: string } => ({ ok: false, problem });
const NO_LINK = /^(none|off|remove|delete|-)$/i;

/** The meeting's current details (what a details edit starts from). */
export const detailsOf = (m: MeetingRecord): MeetingDetails => ({
  title: m.title,
  place: m.place,
  virtual: m.virtual,
  link: m.link,
  lengthMs: m.lengthMs,
});

/** Parses the value of one field for meeting `before`; nothing is written. */
export function parseFieldEdit(field: EditField, value: string, before: MeetingRecord, now: Date): ParseResult<FieldEdit> {
  const v = value.trim();
  const d = detailsOf(before);
  switch (field) {
    case 'time': {
      const words = v.split(/\s+/).filter(Boolean);
      if (words.length < 2) return fail('Give the new date and time (and the time zone if it changes).');
      if (words.length > 3) return fail('After time write the date, the time and, optionally, the time zone: nothing else.');
      const zone = words[2] ?? before.zone;
      if (!zone) return fail(`${before.title} has no time zone yet: write one after the time, e.g. Europe/Sofia.`);
      const when = parseWhen(words[0]!, words[1]!, zone, now);
      return when.ok ? { ok: true, value: { kind: 'time', when: when.value } } : when;
    }
    case 'title': {
      const title = cleanText(v);
      if (!title) return fail('The new title is missing.');
      if (title.length > MAX_TITLE) return fail(`The title is too long (${title.length} characters; at most ${MAX_TITLE}).`);
      return { ok: true, value: { kind: 'details', details: { ...d, title } } };
    }
    case 'place': {
      const place = cleanText(v);
      if (!place) return fail('The new place is missing (write online for a meeting without a venue).');
      if (place.length > MAX_PLACE) return fail(`The place is too long (${place.length} characters; at most ${MAX_PLACE}).`);
      return { ok: true, value: { kind: 'details', details: { ...d, place, virtual: isVirtualPlace(place) } } };
    }
    case 'link': {
      if (!v) return fail('The video link is missing (write link none to remove it).');
      if (NO_LINK.test(v)) return { ok: true, value: { kind: 'details', details: { ...d, link: undefined } } };
      const link = parseVideoLink(v);
      return link.ok ? { ok: true, value: { kind: 'details', details: { ...d, link: link.value } } } : link;
    }
    case 'length': {
      if (!v) return fail('The new length is missing.');
      const ms = parseMeetingLength(v);
      if (typeof ms === 'string') return fail(`${ms.charAt(0).toUpperCase()}${ms.slice(1)}.`);
      return { ok: true, value: { kind: 'details', details: { ...d, lengthMs: ms } } };
    }
  }
}

/** The fields a details edit changes, with their old and new values (for the audit and the reply). */
export function changedDetails(before: MeetingDetails, after: MeetingDetails): { field: keyof MeetingDetails; before: unknown; after: unknown }[] {
  const keys: (keyof MeetingDetails)[] = ['title', 'place', 'link', 'lengthMs'];
  return keys.filter((k) => before[k] !== after[k]).map((k) => ({ field: k, before: before[k] ?? null, after: after[k] ?? null }));
}
