// The meetings commands: /meetings and /meeting (details, ics; add, edit, cancel for the
// secretariat). A change is announced and its reminders adjusted through the MeetingNotices port.
import type { CommandContext, CommandSpec } from '../../commands/types.ts';
import { roleRefusal } from '../../commands/refusals.ts';
import type { Block, Inline, Reply } from '../../core/reply.ts';
import type { Store } from '../../store/store.ts';
import { isTimed, timeInline, type MeetingRecord, type Meetings } from './meetings.ts';
import { MEETING_EXAMPLE, MEETING_SYNTAX, normaliseMeetingId, parseMeetingSpec, type MeetingSpec } from './parse.ts';
import type { AgendaHandOver, MeetingNotices } from './ports.ts';

export interface CommandsDeps {
  store: Store;
  /** Records privileged actions (the access feature). */
  audit: (actorId: string, action: string, subject: string, details?: Record<string, unknown>) => void;
  meetings: Meetings;
  notices: MeetingNotices;
  /** Suggestions collected before the meeting had a date move to it when it is added. */
  agenda?: AgendaHandOver;
}

const para = (...parts: Inline[]): Block => ({ type: 'paragraph', parts });
const refusal = (...blocks: Block[]): Reply => ({ refusal: true, blocks });
const EDIT_SYNTAX = '/meeting edit <id> <YYYY-MM-DD> <HH:MM> <IANA time zone> | <title> | <place or online>';

function syntaxHelp(kind: 'add' | 'edit', problem: string, id?: string): Reply {
  return refusal(
    { type: 'notice', level: 'error', text: problem },
    para('Write: ', { text: kind === 'add' ? MEETING_SYNTAX : EDIT_SYNTAX, code: true }),
    para(
      'For example: ',
      {
        text: kind === 'add' ? MEETING_EXAMPLE : MEETING_EXAMPLE.replace('/meeting add', `/meeting edit ${id ?? 'm1'}`),
        code: true,
      },
    ),
    para('The time zone is an IANA name (Region/City), e.g. Europe/Sofia, Europe/Paris, Asia/Baghdad, Asia/Dhaka, Asia/Karachi.'),
  );
}

export const unknownMeeting = (id: string): Reply =>
  refusal(para(`There is no meeting "${id.slice(0, 64)}". `, { text: '/meetings', code: true }, ' lists them with their ids.'));

export function createMeetingCommands(deps: CommandsDeps): CommandSpec[] {
  const { store, audit, meetings, notices } = deps;

  const secretariatOnly = (ctx: CommandContext, usage: string): Reply | undefined =>
    ctx.actor.roles.has('secretariat') ? undefined : roleRefusal('secretariat', usage);

  /** What the secretariat sees after add/edit: times, awkward local times, who was told. */
  function scheduledReply(head: string, m: MeetingRecord, spec: MeetingSpec, announced: number, moved: boolean, now: Date): Reply {
    const blocks: Block[] = [
      { type: 'heading', text: `${head}: ${m.title}` },
      para('Id: ', { text: m.id, code: true }, '. Details: ', { text: `/meeting ${m.id}`, code: true }, '.'),
      para('When: ', timeInline(spec.startsAt, spec.zone)),
      para(`Where: ${spec.place}`),
    ];
    if (spec.ambiguityNote) blocks.push({ type: 'notice', level: 'info', text: spec.ambiguityNote });
    const lines = meetings.memberLines(spec.startsAt);
    if (lines.length) {
      blocks.push(para({ text: 'Local time in member countries', bold: true }));
      blocks.push({ type: 'list', items: lines });
    }
    const bad = meetings.inconvenient(spec.startsAt);
    if (bad.length) {
      blocks.push({
        type: 'notice',
        level: 'warning',
        text: `Outside working hours or on the weekend for ${bad.length} member ${bad.length === 1 ? 'country' : 'countries'}: ${bad.join('; ')}.`,
      });
    }
    blocks.push(
      para(
        announced ? `Announced to ${announced} subscribed chat${announced === 1 ? '' : 's'}. ` : 'No other subscribed chat to announce it to. ',
        notices.reminderNote(spec.startsAt, spec.zone, moved, now),
      ),
    );
    return { blocks };
  }

  function add(ctx: CommandContext, rest: string): Reply {
    const parsed = parseMeetingSpec(rest, ctx.now);
    if (!parsed.ok) return syntaxHelp('add', parsed.problem);
    const spec = parsed.value;
    const { id, announced, adopted } = store.immediate(() => {
      const id = meetings.insert(spec, ctx.actor.id, ctx.now);
      const adopted = deps.agenda?.adoptUndated(id, ctx.now) ?? 0;
      const m = meetings.get(id)!;
      audit(ctx.actor.id, 'meeting.add', id, { title: spec.title, startsAt: spec.startsAt.toISOString(), zone: spec.zone, place: spec.place });
      const announced = notices.meetingChanged({
        kind: 'added',
        meetingId: id,
        reply: meetings.announcementReply('added', m),
        by: ctx.actor.id,
        exceptChat: ctx.msg.chat.id,
        now: ctx.now,
      });
      return { id, announced, adopted };
    });
    notices.wake();
    const reply = scheduledReply('Meeting added', meetings.get(id)!, spec, announced, false, ctx.now);
    if (adopted) {
      reply.blocks.push(
        para(`${adopted === 1 ? '1 agenda suggestion' : `${adopted} agenda suggestions`} collected so far now belong${adopted === 1 ? 's' : ''} to this meeting: `, { text: '/agenda', code: true }, '.'),
      );
    }
    return reply;
  }

  function edit(ctx: CommandContext, rest: string): Reply {
    const m1 = /^(\S+)\s*([\s\S]*)$/.exec(rest);
    if (!m1) return syntaxHelp('edit', 'The meeting id is missing.');
    const id = normaliseMeetingId(m1[1]!);
    if (!id) return syntaxHelp('edit', `"${m1[1]!.slice(0, 40)}" is not a meeting id.`);
    const before = meetings.get(id);
    if (!before) return unknownMeeting(id);
    if (before.cancelled) {
      return refusal(para(`${before.title} (${id}) was cancelled. Add a new meeting with `, { text: '/meeting add', code: true }, ' instead.'));
    }
    if (meetings.isPast(before, ctx.now)) return refusal(para(`${before.title} (${id}) has already taken place, so it cannot be changed.`));
    const parsed = parseMeetingSpec(m1[2] ?? '', ctx.now);
    if (!parsed.ok) return syntaxHelp('edit', parsed.problem, id);
    const spec = parsed.value;
    const moved = !isTimed(before) || before.startsAt.getTime() !== spec.startsAt.getTime();
    if (!moved && before.title === spec.title && before.place === spec.place && before.zone === spec.zone) {
      return { blocks: [para(`Nothing changed: ${before.title} (${id}) already has that time, title and place.`)] };
    }
    const announced = store.immediate(() => {
      const current = meetings.get(id);
      if (!current || current.cancelled) return -1;
      meetings.update(id, spec, moved, ctx.now);
      const after = meetings.get(id)!;
      audit(ctx.actor.id, 'meeting.edit', id, {
        before: { title: before.title, startsAt: before.startsAt?.toISOString(), zone: before.zone, place: before.place },
        after: { title: spec.title, startsAt: spec.startsAt.toISOString(), zone: spec.zone, place: spec.place },
      });
      // A move starts that meeting's reminders again from the new time (offsets already past are skipped).
      return notices.meetingChanged({
        kind: 'changed',
        meetingId: id,
        moved,
        reply: meetings.announcementReply('changed', after, before),
        by: ctx.actor.id,
        exceptChat: ctx.msg.chat.id,
        now: ctx.now,
      });
    });
    if (announced < 0) return unknownMeeting(id);
    notices.wake();
    return scheduledReply('Meeting changed', meetings.get(id)!, spec, announced, moved, ctx.now);
  }

  function cancel(ctx: CommandContext, rest: string): Reply {
    const raw = rest.trim().split(/\s+/)[0] ?? '';
    if (!raw) return refusal(para('Write ', { text: '/meeting cancel <id>', code: true }, ', e.g. ', { text: '/meeting cancel m1', code: true }, '.'));
    const id = normaliseMeetingId(raw);
    const m = id ? meetings.get(id) : undefined;
    if (!id || !m) return unknownMeeting(id ?? raw);
    if (m.cancelled) return { blocks: [para(`${m.title} (${id}) is already cancelled.`)] };
    if (meetings.isPast(m, ctx.now)) return refusal(para(`${m.title} (${id}) has already taken place, so it cannot be cancelled.`));
    const announced = store.immediate(() => {
      meetings.cancel(id, ctx.now);
      audit(ctx.actor.id, 'meeting.cancel', id, { title: m.title });
      const after = meetings.get(id)!;
      return notices.meetingChanged({
        kind: 'cancelled',
        meetingId: id,
        reply: meetings.announcementReply('cancelled', after),
        by: ctx.actor.id,
        exceptChat: ctx.msg.chat.id,
        now: ctx.now,
      });
    });
    notices.wake();
    return {
      blocks: [
        { type: 'heading', text: `Meeting cancelled: ${m.title}` },
        para(`No more reminders will go out for it. ${announced ? `Announced to ${announced} subscribed chat${announced === 1 ? '' : 's'}.` : ''}`),
      ],
    };
  }

  const meetingsCmd: CommandSpec = {
    name: 'meetings',
    usage: '/meetings',
    description: 'Upcoming meetings, with ids for /meeting',
    access: 'member',
    group: 'Meetings',
    run: (ctx) => meetings.listReply(ctx.now),
  };

  const meetingCmd: CommandSpec = {
    name: 'meeting',
    usage: '/meeting <id> [ics]',
    description: 'Meeting details and calendar file (ics)',
    access: 'member',
    group: 'Meetings',
    subcommands: [
      { usage: MEETING_SYNTAX, description: 'Add a meeting and announce it', access: 'secretariat' },
      { usage: EDIT_SYNTAX, description: 'Move or rename a meeting', access: 'secretariat' },
      { usage: '/meeting cancel <id>', description: 'Cancel a meeting', access: 'secretariat' },
    ],
    run(ctx) {
      const m = /^(\S+)\s*([\s\S]*)$/.exec(ctx.args);
      if (!m) {
        return {
          blocks: [
            para({ text: '/meeting <id>', code: true }, ' shows a meeting; ', { text: '/meeting <id> ics', code: true }, ' gives a calendar file. ', { text: '/meetings', code: true }, ' lists the ids.'),
            para('Secretariat: ', { text: MEETING_SYNTAX, code: true }, ', ', { text: '/meeting edit <id> ...', code: true }, ', ', { text: '/meeting cancel <id>', code: true }, '.'),
          ],
        };
      }
      const word = m[1]!.toLowerCase();
      const rest = m[2] ?? '';
      if (word === 'add' || word === 'edit' || word === 'cancel') {
        const denied = secretariatOnly(ctx, word === 'add' ? MEETING_SYNTAX : word === 'edit' ? EDIT_SYNTAX : '/meeting cancel <id>');
        if (denied) return denied;
        return word === 'add' ? add(ctx, rest) : word === 'edit' ? edit(ctx, rest) : cancel(ctx, rest);
      }
      const id = normaliseMeetingId(word);
      const meeting = id ? meetings.get(id) : undefined;
      if (!id || !meeting) return unknownMeeting(m[1]!);
      const tail = rest.trim().toLowerCase();
      if (tail === 'ics' || tail === 'ical' || tail === 'calendar') return meetings.icsReply(meeting, ctx.now);
      if (tail) return refusal(para('Write ', { text: `/meeting ${id}`, code: true }, ' or ', { text: `/meeting ${id} ics`, code: true }, '.'));
      return meetings.detailsReply(meeting, ctx.now);
    },
  };

  return [meetingsCmd, meetingCmd];
}
