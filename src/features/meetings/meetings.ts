// Meetings: the rules read off the list (upcoming, approximate, taken place) and the replies that
// show them (list, details with member-zone times, calendar file, reminder, announcement). The rows
// come from ./repo.ts.
import icalModule, { ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Block, Inline, Reply } from '../../core/reply.ts';
import type { Engine } from '../../engine/types.ts';
import type { Meeting } from '../../knowledge/schema.ts';
import { humanDuration } from '../../shared/text.ts';
import { LOCALE } from '../../shared/time-zones.ts';
import type { MeetingSpec } from './parse.ts';
import type { MeetingDetails, MeetingsRepo } from './repo.ts';
import { answersOpen, attendanceBlocks, attendanceButtons } from './attendance.ts';
import { compactMemberTimes, inconvenientSummary, memberTimes, type MemberZone } from './zones.ts';

// ical-generator's default export, whichever way the module system hands it over.
const ical = ((icalModule as unknown as { default?: typeof icalModule }).default ?? icalModule) as typeof icalModule;

export { DEFAULT_MEETING_LENGTH_MS, hasTakenPlace, isTimed, meetingDateText, placeOf, timeInline, type MeetingRecord, type Precision } from './meeting-record.ts';
import { endOf, hasTakenPlace, isTimed, meetingDateText, timeInline, untilText, type MeetingRecord } from './meeting-record.ts';

export interface MeetingsDeps {
  repo: MeetingsRepo;
  engine: Engine;
  log: Logger;
  zones: () => MemberZone[];
  /** Blocks another feature adds to a meeting's details and (compact) reminders (issue 15: the
   *  open follow-ups of the previous meeting). */
  extraDetails?: (m: MeetingRecord, now: Date, compact: boolean) => Block[];
}

export type Meetings = ReturnType<typeof createMeetings>;

export function createMeetings(deps: MeetingsDeps) {
  const { repo, engine } = deps;
  const log = deps.log.child({ module: 'meetings' });
  const { get, all } = repo;

  function todayUtc(now: Date): string {
    return now.toISOString().slice(0, 10);
  }

  function isUpcoming(m: MeetingRecord, now: Date): boolean {
    if (m.cancelled) return false;
    if (m.startsAt) return m.startsAt.getTime() > now.getTime();
    return m.precision === 'day' && m.status !== 'held' && !!m.dateStart && (m.dateEnd ?? m.dateStart) >= todayUtc(now);
  }

  /** Announced by the practice base without an exact date (e.g. the 4th COLEP, "September or October 2023"). */
  function isApproximate(m: MeetingRecord): boolean {
    return !m.cancelled && !m.startsAt && m.status === 'announced' && m.precision !== 'day' && m.precision !== 'minute';
  }

  const isPast = hasTakenPlace;

  /** Approximate, and its date window not over yet. */
  const isUndated = (m: MeetingRecord, now: Date): boolean => isApproximate(m) && !isPast(m, now);

  function upcoming(now: Date): MeetingRecord[] {
    return all().filter((m) => isUpcoming(m, now));
  }

  function listLine(m: MeetingRecord, now?: Date): Inline[] {
    return [
      { text: m.title, bold: true },
      m.cancelled ? ' (cancelled)' : '',
      ' - ',
      ...api.whenParts(m, now),
      m.place ? `, ${m.place}` : '',
      ` - /meeting ${m.id}`,
    ];
  }

  const api = {
    get,
    all,
    upcoming,
    isUpcoming,
    isUndated,
    isPast,

    nextMeeting: (now: Date) => repo.next(now),
    meetingExists: (id: string) => repo.exists(id),
    ids: () => repo.ids(),
    timedAfter: (after: number) => repo.timedAfter(after),
    beganBefore: (before: number) => repo.beganBefore(before),
    saveAgenda: (meetingId: string, items: { text: string; votes: number }[]) => repo.saveAgenda(meetingId, items),
    agendaOf: (meetingId: string) => repo.agendaOf(meetingId),

    /** Inserts a meeting added in chat; call inside store.immediate(). */
    insert: (spec: MeetingSpec, by: string, now: Date): string => repo.insert(spec, by, now),
    /** Replaces a meeting's time, title and place; a changed start restarts its reminders from now. Inside store.immediate(). */
    update: (id: string, spec: MeetingSpec, moved: boolean, now: Date): void => repo.update(id, spec, moved, now),
    cancel: (id: string, now: Date): void => repo.cancel(id, now),
    /** Sets title, place, link and length (the meeting does not move). Inside store.immediate(). */
    updateDetails: (id: string, d: MeetingDetails, now: Date): void => repo.updateDetails(id, d, now),
    setAttendance: repo.setAttendance,
    attendanceOf: repo.attendanceOf,
    purgeAttendance: repo.purgeAttendance,

    /** Inserts or refreshes the practice base's meetings (source 'practice-base'); idempotent.
     *  A seeded meeting the secretariat has since edited in chat (source 'chat') is left alone. */
    seedPracticeBase(meetings: Meeting[], now: Date): number {
      const changed = repo.seed(meetings, now);
      if (changed) log.info({ changed }, 'practice-base meetings seeded');
      return changed;
    },

    // ------------------------------------------------------------------------------------------
    // Replies

    /** Lines "Country: Thu 10 Dec, 13:00 (Asia/Baku) - weekend" for each member zone. */
    memberLines(at: Date): Inline[][] {
      return memberTimes(at, deps.zones()).map((t) => {
        const flags = [t.weekend ? 'weekend' : '', t.outsideHours ? 'outside working hours' : ''].filter(Boolean);
        return [`${t.member.country}: ${t.local} (${t.member.zone})${flags.length ? ` - ${flags.join(', ')}` : ''}`];
      });
    },

    inconvenient(at: Date): string[] {
      return inconvenientSummary(memberTimes(at, deps.zones()));
    },

    /** When a meeting is; `now` tells an approximate date still to come ("no exact date yet") from
     *  one whose window has passed ("exact date not recorded"). */
    whenParts(m: MeetingRecord, now?: Date): Inline[] {
      if (isTimed(m)) return [timeInline(m.startsAt, m.zone)];
      if (m.precision === 'day') return [meetingDateText(m)];
      const over = now !== undefined && hasTakenPlace(m, now);
      return [`${meetingDateText(m)} (${over ? 'exact date not recorded' : 'no exact date yet'})`];
    },

    /** "When: <start>, until 12:00 (2 hours)": a timed meeting's start and end. */
    whenWithEnd(m: MeetingRecord, now?: Date): Inline[] {
      return isTimed(m) ? [timeInline(m.startsAt, m.zone), `, ${untilText(m)}`] : api.whenParts(m, now);
    },

    /** "Video link: https://..." when the meeting has one. */
    linkBlocks(m: MeetingRecord): Block[] {
      return m.link ? [{ type: 'paragraph', parts: ['Video link: ', { link: m.link, text: m.link }] }] : [];
    },

    /** One line of a list of upcoming meetings (one argument, so it can be given to map()). */
    listItem(m: MeetingRecord): Inline[] {
      return listLine(m);
    },

    listReply(now: Date): Reply {
      const list = all();
      const up = list.filter((m) => isUpcoming(m, now)).slice(0, 15);
      const undated = list.filter((m) => isUndated(m, now)).reverse();
      const blocks: Block[] = [{ type: 'heading', text: 'Meetings' }];
      if (up.length) {
        blocks.push({ type: 'paragraph', parts: [{ text: 'Upcoming', bold: true }] });
        blocks.push({ type: 'list', items: up.map((m) => listLine(m, now)) });
      } else {
        blocks.push({ type: 'paragraph', parts: ['No upcoming meeting is scheduled yet.'] });
        const held = list.filter((m) => isPast(m, now)).sort((a, b) => b.sortAt.getTime() - a.sortAt.getTime())[0];
        if (held) {
          blocks.push({ type: 'paragraph', parts: [{ text: 'Latest held', bold: true }] });
          blocks.push({ type: 'list', items: [listLine(held, now)] });
        }
        // Announced without an exact date, and that window is over (the 4th COLEP, "September or
        // October 2023"): still worth a line, since the base holds no record of the exact date.
        const unrecorded = list.filter((m) => m !== held && isApproximate(m) && isPast(m, now)).reverse();
        if (unrecorded.length) {
          blocks.push({ type: 'paragraph', parts: [{ text: 'Earlier, exact date not recorded', bold: true }] });
          blocks.push({ type: 'list', items: unrecorded.map((m) => listLine(m, now)) });
        }
      }
      if (undated.length) {
        blocks.push({ type: 'paragraph', parts: [{ text: 'Announced, no exact date yet', bold: true }] });
        blocks.push({ type: 'list', items: undated.map((m) => listLine(m, now)) });
      }
      blocks.push({
        type: 'paragraph',
        parts: ['Details: ', { text: '/meeting <id>', code: true }, '. Calendar file: ', { text: '/meeting <id> ics', code: true }, '.'],
      });
      return { blocks };
    },

    /** A meeting's details; `viewer.secretariat` adds the names of those who answered attendance. */
    detailsReply(m: MeetingRecord, now: Date, viewer: { secretariat?: boolean } = {}): Reply {
      const base = engine.base.meetings.find((x) => x.id === m.id);
      const blocks: Block[] = [{ type: 'heading', text: m.title }];
      if (m.cancelled) blocks.push({ type: 'notice', level: 'warning', text: 'This meeting has been cancelled.' });
      else if (isPast(m, now)) blocks.push({ type: 'notice', level: 'info', text: 'This meeting has taken place.' });
      blocks.push({ type: 'paragraph', parts: ['When: ', ...(m.cancelled ? api.whenParts(m, now) : api.whenWithEnd(m, now))] });
      if (m.place) blocks.push({ type: 'paragraph', parts: [`Where: ${m.place}`] });
      if (!m.cancelled) blocks.push(...api.linkBlocks(m));
      if (base?.hosts.length) blocks.push({ type: 'paragraph', parts: [`Hosts: ${base.hosts.join(', ')}`] });
      if (base?.topic) blocks.push({ type: 'paragraph', parts: [`Topic: ${base.topic}`] });
      if (isTimed(m) && !m.cancelled) {
        const lines = api.memberLines(m.startsAt);
        if (lines.length) {
          blocks.push({ type: 'paragraph', parts: [{ text: 'Local time in member countries', bold: true }] });
          blocks.push({ type: 'list', items: lines });
        }
      }
      const agenda = api.agendaOf(m.id);
      if (agenda.length) {
        blocks.push({ type: 'paragraph', parts: [{ text: 'Agenda', bold: true }] });
        blocks.push({
          type: 'list',
          ordered: true,
          items: agenda.map((a) => [`${a.text} (${a.votes} vote${a.votes === 1 ? '' : 's'})`]),
        });
      }
      const buttons = answersOpen(m, now) && isTimed(m) ? attendanceButtons(m.id) : undefined;
      if (!m.cancelled) blocks.push(...attendanceBlocks(api.attendanceOf(m.id), !!buttons, viewer.secretariat === true));
      blocks.push(...(deps.extraDetails?.(m, now, false) ?? []));
      blocks.push({ type: 'paragraph', parts: [`Id: ${m.id}. Calendar file: `, { text: `/meeting ${m.id} ics`, code: true }] });
      return { blocks, ...(buttons ? { buttons } : {}) };
    },

    /** The iCalendar file, or a reason there is none. UID is stable (`<id>@practice-bot`); SEQUENCE
     *  is the meeting's revision, so calendar apps take an edit or a cancellation as an update.
     *  A timed meeting ends after its length (MEETING_LENGTH unless edited); its video link is the URL. */
    icsReply(m: MeetingRecord, now?: Date): Reply {
      const cal = ical({ name: m.title, prodId: { company: 'practice-bot', product: 'practice-bot', language: 'EN' } });
      const common = {
        id: `${m.id}@practice-bot`,
        sequence: m.revision,
        summary: m.title,
        ...(m.place ? { location: m.place } : {}),
        ...(m.link ? { url: m.link } : {}),
        ...(m.cancelled ? { status: ICalEventStatus.CANCELLED } : {}),
        description: `Meeting ${m.id}${m.series ? ` (${m.series})` : ''}. Sent by practice-bot.`,
        stamp: m.updatedAt,
      };
      if (isTimed(m)) {
        cal.createEvent({ ...common, start: m.startsAt, end: endOf(m) });
      } else if (m.precision === 'day' && m.dateStart) {
        const start = DateTime.fromISO(m.dateStart, { zone: 'UTC' });
        const end = DateTime.fromISO(m.dateEnd ?? m.dateStart, { zone: 'UTC' }).plus({ days: 1 });
        cal.createEvent({ ...common, start, end, allDay: true });
      } else if (now && hasTakenPlace(m, now)) {
        return {
          blocks: [
            {
              type: 'paragraph',
              parts: [`${m.title} has taken place (${meetingDateText(m)}); its exact date is not recorded, so there is no calendar file.`],
            },
          ],
        };
      } else {
        return {
          blocks: [
            {
              type: 'paragraph',
              parts: [
                `${m.title} has no exact date yet (${meetingDateText(m)}), so there is no calendar file. `,
                'Once the secretariat sets the date with ',
                { text: `/meeting edit ${m.id} <YYYY-MM-DD> <HH:MM> <zone> | <title> | <place>`, code: true },
                ', the file will be available.',
              ],
            },
          ],
        };
      }
      return {
        blocks: [{ type: 'paragraph', parts: [`Calendar file for ${m.title}${m.cancelled ? ' (cancelled)' : ''}.`] }],
        document: { filename: `${m.id}.ics`, mimeType: 'text/calendar', content: cal.toString(), caption: m.title },
      };
    },

    /** The reminder posted before a meeting. "Starts in" is the reminder's offset when it goes out
     *  on time (`due`: the offset and the instant it was due; "7 days" stays 7 calendar days across
     *  a daylight-saving change), otherwise (sent late after downtime or retries, or /remind) the
     *  real time left, to the minute. Member-country times come in one compact line. */
    reminderReply(m: MeetingRecord & { startsAt: Date; zone: string }, now: Date, due?: { offsetMs: number; dueAt: number }): Reply {
      const left = m.startsAt.getTime() - now.getTime();
      const onTime = due !== undefined && Math.round(left / 60_000) === Math.round((m.startsAt.getTime() - due.dueAt) / 60_000);
      const times = memberTimes(m.startsAt, deps.zones());
      const ownDay = DateTime.fromJSDate(m.startsAt, { zone: m.zone }).setLocale(LOCALE).toFormat('ccc d LLL');
      return {
        blocks: [
          { type: 'heading', text: `Reminder: ${m.title}` },
          { type: 'paragraph', parts: [`Starts in ${humanDuration(onTime ? due.offsetMs : left)}: `, timeInline(m.startsAt, m.zone), `, ${untilText(m)}`] },
          ...(times.length ? [{ type: 'paragraph', parts: [`Member countries: ${compactMemberTimes(times, ownDay)}`] } as Block] : []),
          ...(m.place ? [{ type: 'paragraph', parts: [`Where: ${m.place}`] } as Block] : []),
          ...api.linkBlocks(m),
          ...(deps.extraDetails?.(m, now, true) ?? []),
          { type: 'paragraph', parts: ['Details and agenda: ', { text: `/meeting ${m.id}`, code: true }] },
        ],
      };
    },

    /** Posted to subscribed chats when a meeting is added, changed or cancelled. */
    announcementReply(kind: 'added' | 'changed' | 'cancelled', m: MeetingRecord, before?: MeetingRecord): Reply {
      const head = kind === 'added' ? 'New meeting' : kind === 'changed' ? 'Meeting changed' : 'Meeting cancelled';
      const blocks: Block[] = [{ type: 'heading', text: `${head}: ${m.title}` }];
      if (kind === 'cancelled') {
        blocks.push({ type: 'paragraph', parts: ['It was planned for ', ...api.whenParts(m), '. It will not take place.'] });
      } else {
        if (before && kind === 'changed' && isTimed(before) && isTimed(m) && before.startsAt.getTime() !== m.startsAt.getTime()) {
          blocks.push({ type: 'paragraph', parts: ['Moved from ', timeInline(before.startsAt, before.zone), ' to:'] });
        }
        blocks.push({ type: 'paragraph', parts: ['When: ', ...api.whenWithEnd(m)] });
        if (m.place) blocks.push({ type: 'paragraph', parts: [`Where: ${m.place}`] });
        blocks.push(...api.linkBlocks(m));
        if (isTimed(m)) {
          const lines = api.memberLines(m.startsAt);
          if (lines.length) blocks.push({ type: 'list', items: lines });
        }
      }
      blocks.push({ type: 'paragraph', parts: ['Details: ', { text: `/meeting ${m.id}`, code: true }] });
      // Members answer "will you attend?" on the announcement itself (a timed meeting still to come).
      const buttons = kind !== 'cancelled' && isTimed(m) ? attendanceButtons(m.id) : undefined;
      return { blocks, ...(buttons ? { buttons } : {}) };
    },
  };
  return api;
}
