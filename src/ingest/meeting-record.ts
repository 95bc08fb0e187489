// A draft meeting record (meetings.yaml shape) from what the summary itself says: its title, the
// date and how precisely it is known, the place or that it was online, hosts and attendance.
// Sentences about the next meeting ("will organise the next meeting in Sofia") are left out, so the
// record describes the meeting the document is about.
import type { Meeting } from '../knowledge/schema.ts';
import { findDates, yearOnly, type FoundDate } from './dates.ts';
import { citiesIn, countriesIn } from './places.ts';
import type { DocumentStructure } from './points.ts';

export type DraftMeeting = Omit<Meeting, 'date' | 'place' | 'attendance' | 'hosts' | 'documents'> & {
  date?: Meeting['date'];
  place?: Meeting['place'];
  hosts: string[];
  attendance?: NonNullable<Meeting['attendance']>;
  documents: string[];
};

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];
const TENS: Record<string, number> = { thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100 };
const NUM = `(\\d[\\d,]*|${[...NUMBER_WORDS.slice(1), ...Object.keys(TENS)].join('|')})`;
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth'];

function toNumber(s: string): number | undefined {
  const w = s.toLowerCase();
  const i = NUMBER_WORDS.indexOf(w);
  if (i > 0) return i;
  if (TENS[w] !== undefined) return TENS[w];
  const n = Number(w.replace(/,/g, ''));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function ordinal(s: string): string {
  const i = ORDINALS.indexOf(s.toLowerCase());
  if (i < 0) return s.toLowerCase();
  const n = i + 1;
  return `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;
}

const FUTURE = /\b(next|upcoming|following|future|fifth|subsequent) (meeting|event|session|conference|forum)\b|\bwill (be held|take place|organi[sz]e|meet|host|convene)\b|\bscheduled\b|\bplanned for\b/i;
const EVENT = /\b(held|took place|gather(ed|ing)|met|convened|hosted|meeting|conference|forum|event|session|workshop|seminar|webinar)\b/i;
const ATTEND = /\b(attend(ed|ance|ees)?|participa\w*|delegates|officials|officers|experts|representatives|took part|brought together|gathered|from)\b/i;
const VIRTUAL = /\b(held|met|convened|took place|gathering|meeting|event|conference|session|forum)\b[^.;]{0,40}\b(virtual(ly)?|online|by video(conference)?|remotely)\b|\b(virtual|online|hybrid) (meeting|gathering|event|conference|session|forum|format)\b|\bvideo ?conference\b|\bwebinar\b|^\s*(virtual|online)\s*$/i;
const ORGS = ['European Commission', 'European External Action Service', 'EEAS', 'Europol', 'Eurojust', 'Frontex', 'INTERPOL', 'UNODC', 'IOM', 'UNHCR', 'OSCE', 'ICMPD', 'ILO', 'OHCHR', 'CEPOL', 'eu-LISA', 'Council of Europe', 'African Union', 'ASEAN', 'ASEANAPOL', 'AFRIPOL', 'GCC', 'SEPCA', 'Budapest Process Secretariat'];

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?;])\s+(?=[\p{Lu}“"\d])/u).filter((s) => s.trim() !== '');
}

function compareDate(d: string, now: Date): number {
  const iso = now.toISOString().slice(0, d.length);
  return d < iso ? -1 : d > iso ? 1 : 0;
}

export function draftMeeting(s: DocumentStructure, opts: { id: string; file: string; now: Date }): { meeting: DraftMeeting; missing: string[] } {
  const all = s.texts.filter((t) => t.kind !== 'next-step');
  const sents = all.flatMap((t) => sentences(t.text)).filter((x) => !FUTURE.test(x));
  const label = (...keys: string[]) => s.labels.find((l) => keys.includes(l.key))?.value;
  const wholeText = [s.title ?? '', ...s.texts.map((t) => t.text)].join('\n');

  // ---- title and series ----
  const acronyms = [...wholeText.matchAll(/\(([A-Z][A-Za-z]{1,9})\)/g)].map((m) => m[1]!);
  let title: string | undefined;
  let series: string | undefined;
  const ord = new RegExp(`\\b(\\d{1,2}(?:st|nd|rd|th)|${ORDINALS.join('|')})\\s+(meeting|conference|forum|session|workshop)\\s+of\\s+(?:the\\s+)?([\\p{L} ]+?)(?:\\s*\\(([A-Z][A-Za-z]{1,9})\\))?(?=$|[,:;.(–-]|\\s(?:on|in|held)\\s)`, 'iu');
  for (const t of [s.title ?? '', label('title') ?? '', ...all.slice(0, 6).map((x) => x.text)]) {
    const m = ord.exec(t);
    if (!m) continue;
    const name = m[3]!.trim();
    const acr = m[4] ?? acronyms.find((a) => new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\(${a}\\)`, 'i').test(wholeText)) ?? acronyms.find((a) => a.length >= 3 && name.split(/\s+/).filter((w) => /^\p{Lu}/u.test(w)).map((w) => w[0]).join('') === a);
    title = acr ? `${ordinal(m[1]!)} ${acr} ${m[2]!.toLowerCase()}` : `${ordinal(m[1]!)} ${m[2]!.toLowerCase()} of the ${name}`;
    series = acr;
    break;
  }
  if (!title) {
    // a named event: "the 42nd INTERPOL European Regional Conference", "the Border and Technology Forum"
    const named = /\b((?:\d{1,2}(?:st|nd|rd|th)\s+)?(?:\p{Lu}[\p{L}'’-]*\s+(?:(?:and|of|on|for|the)\s+)?){1,8}(?:Meeting|Conference|Forum|Workshop|Summit|Seminar|Dialogue|Symposium|Roundtable))\b/u;
    for (const t of [s.title ?? '', ...all.slice(0, 6).map((x) => x.text)]) {
      const m = named.exec(t);
      if (m) {
        title = m[1]!.replace(/^(The|A|An)\s+/, '');
        break;
      }
    }
  }
  title ??= s.title?.slice(0, 120);
  series ??= /^[a-z]+/.exec(opts.id)?.[0]?.toUpperCase();
  const missing: string[] = [];
  if (!title || title.length < 3) {
    title = opts.id;
    missing.push('title');
  }
  if (!series || series.length < 2) {
    series = opts.id;
    missing.push('series');
  }

  // ---- date ----
  let date: FoundDate | undefined;
  const dateLabel = label('date', 'dates', 'when');
  if (dateLabel) date = findDates(dateLabel)[0] ?? yearOnly(dateLabel);
  if (!date) for (const x of [s.title ?? '', ...sents, ...s.headings]) if ((date = findDates(x)[0])) break;
  let meetingDate: Meeting['date'] | undefined;
  if (date) {
    meetingDate = { start: date.start, precision: date.precision };
    if (date.end && date.end !== date.start) meetingDate.end = date.end;
    if (date.label) meetingDate.label = date.label;
  } else missing.push('date');
  const past = meetingDate ? compareDate(meetingDate.end ?? meetingDate.start, opts.now) < 0 : false;
  const status: Meeting['status'] = past || /\b(was held|took place|were held|met (online|in|on))\b/i.test(sents.join(' ')) ? 'held' : 'announced';

  // ---- place ----
  const where = label('location', 'venue', 'place', 'where');
  const placeTexts = where ? [where] : sents.filter((x) => EVENT.test(x));
  let virtual = where ? /\b(virtual|online|video|webinar|remote)\b/i.test(where) : placeTexts.some((x) => VIRTUAL.test(x)) || sents.some((x) => VIRTUAL.test(x));
  let city: string | undefined;
  let country: string | undefined;
  for (const x of placeTexts) {
    const dateline = /^\s*([A-Z][A-Z .'-]{2,}),\s+([A-Z][\p{L} ]+?)\s+[–—-]\s/u.exec(x);
    if (dateline) {
      city = dateline[1]!.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase());
      country = countriesIn(dateline[2]!)[0];
      break;
    }
    const c = citiesIn(x).find((hit) => where || /\b(in|at)\s+(the\s+)?$/i.test(x.slice(Math.max(0, hit.index - 8), hit.index)));
    if (c) {
      city = c.city;
      country = countriesIn(x.slice(c.index + c.city.length, c.index + c.city.length + 40))[0] ?? c.country;
      break;
    }
    const inCountry = /\b(?:in|at)\s+((?:the\s+)?\p{Lu}[\p{L}'-]*(?:\s+(?:and\s+)?\p{Lu}[\p{L}'-]*){0,3})/u.exec(x);
    const cc = inCountry ? countriesIn(inCountry[1]!)[0] : undefined;
    if (cc) {
      country = cc;
      break;
    }
  }
  let place: Meeting['place'] | undefined;
  if (virtual || city || country) {
    place = { virtual };
    if (city) place.city = city;
    if (country) place.country = country;
    if (virtual && !city) place.note = 'Held online.';
  } else {
    missing.push('place');
    virtual = false;
  }

  // ---- hosts ----
  const hosts: string[] = [];
  for (const x of sents) {
    if (!/\b(co-?chair(s|ed)?|host(s|ed)?|chaired by|presidency)\b/i.test(x)) continue;
    const named = countriesIn(x);
    if (named.length > 0) {
      for (const n of named) if (!hosts.includes(n)) hosts.push(n);
      break;
    }
    const by = /\b(?:hosted|co-?chaired|chaired) by (?:the )?([\p{Lu}][\p{L}&' -]{2,60}?)(?=[,.;]|\s(?:in|on|at|and the)\s|$)/u.exec(x);
    if (by) {
      hosts.push(by[1]!.trim());
      break;
    }
  }
  const organiser = sents.map((x) => /\borgani[sz]ed by (?:the )?([\p{Lu}][\p{L}&' ,-]{2,120}?)(?=[.;]|,\s(?:led|with|in|on)\b|\s(?:in|on|at|to)\s|$)/u.exec(x)?.[1]).find(Boolean);

  // ---- attendance ----
  const attendance: NonNullable<Meeting['attendance']> = {};
  const people = new RegExp(
    `(?:\\b(over|more than|some|about|around|approximately|nearly|almost|close to|up to|at least)\\s+)?\\b${NUM}\\s+((?:[\\p{L}-]+\\s+){0,4}?)(participants|delegates|officials|officers|experts|attendees|representatives|practitioners|people|persons|investigators|prosecutors|members)\\b(\\s+and\\s+(?:[\\p{L}-]+\\s+){0,2}?(?:experts|officials|officers|practitioners|representatives|observers))?`,
    'iu',
  );
  const states = new RegExp(`\\b${NUM}\\s+((?:[\\p{L}-]+\\s+){0,3}?)(countries|member states|states|nations|jurisdictions)\\b`, 'giu');
  for (const x of sents) {
    if (!ATTEND.test(x)) continue;
    if (attendance.participants === undefined) {
      const m = people.exec(x);
      const n = m ? toNumber(m[2]!) : undefined;
      if (m && n && !/^(million|billion|per|percent|years?|days?)\b/i.test(m[3] ?? '') && !(n >= 1900 && n <= 2100)) {
        attendance.participants = n;
        attendance.participants_note = m[0].trim();
        const orgs = ORGS.filter((o) => new RegExp(`\\b${o}\\b`, o === o.toUpperCase() ? '' : 'i').test(x));
        if (orgs.length > 0) attendance.organisations = orgs;
      }
    }
    if (attendance.country_count === undefined) {
      let sum = 0;
      for (const m of x.matchAll(states)) sum += toNumber(m[1]!) ?? 0;
      if (sum > 0) attendance.country_count = sum;
    }
  }
  const lists = all.map((t) => countriesIn(t.text)).filter((c) => c.length >= 3).sort((a, b) => b.length - a.length);
  if (lists[0]) {
    attendance.countries = lists[0];
    attendance.country_count ??= lists[0].length;
  }

  const meeting: DraftMeeting = { id: opts.id, title, series, status, hosts, documents: [opts.file] };
  if (organiser) meeting.organiser = organiser.trim();
  if (meetingDate) meeting.date = meetingDate;
  if (place) meeting.place = place;
  if (Object.keys(attendance).length > 0) meeting.attendance = attendance;
  const topic = label('topic', 'theme');
  if (topic) meeting.topic = topic;
  return { meeting, missing };
}
