// The meetings and subscription commands: /meetings, /meeting (details, ics, add, edit, cancel),
// /subscribe, /unsubscribe, /remind.
import type { Logger } from 'pino';
import type { CommandContext, CommandSpec } from '../commands/types.ts';
import type { Clock } from '../core/ports.ts';
import { notAllowedReply, roleRefusal } from '../commands/refusals.ts';
import type { Block, Inline, Reply } from '../core/reply.ts';
import type { OutboundRouter } from '../core/outbound.ts';
import type { Outbound } from '../core/ports.ts';
import type { Store } from '../store/store.ts';
import type { Audit } from './audit.ts';
import { hasTakenPlace, isTimed, timeInline, type MeetingRecord, type Meetings } from './meetings.ts';
import { humanDuration, MEETING_EXAMPLE, MEETING_SYNTAX, normaliseMeetingId, parseMeetingSpec, type MeetingSpec } from './parse.ts';
import { reminderDueAt, type Scheduler } from './scheduler.ts';
import type { Subscriptions } from './subscriptions.ts';

export interface CommandsDeps {
  store: Store;
  clock: Clock;
  audit: Audit;
  log: Logger;
  meetings: Meetings;
  subscriptions: Subscriptions;
  scheduler: Scheduler;
  offsetsMs: number[];
  /** Asked whether the bot can post in a chat before it is subscribed (Outbound.canPost). */
  outbound: OutboundRouter;
  /** The agenda's hook: a meeting added takes over the undated agenda (src/features/agenda/ports.ts). */
  agenda?: { adoptUndated(meetingId: string, now: Date): number };
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

const unknownMeeting = (id: string): Reply =>
  refusal(para(`There is no meeting "${id.slice(0, 64)}". `, { text: '/meetings', code: true }, ' lists them with their ids.'));

export function offsetsText(offsets: number[]): string {
  const words = offsets.map(humanDuration);
  return words.length <= 1 ? (words[0] ?? 'none') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

export function createMeetingCommands(deps: CommandsDeps): CommandSpec[] {
  const { store, clock, audit, meetings, subscriptions, scheduler } = deps;
  const db = store.db;
  const clearReminders = db.prepare<[string]>('DELETE FROM reminder_deliveries WHERE meeting_id = ?');
  const skipReminders = db.prepare<[number, string]>(
    "UPDATE reminder_deliveries SET status = 'skipped', last_error = 'meeting cancelled', updated_at = ? WHERE meeting_id = ? AND status = 'pending'",
  );
  const skipAnnouncements = db.prepare<[number, string]>(
    `UPDATE announcement_deliveries SET status = 'skipped', last_error = 'superseded', updated_at = ?
      WHERE status = 'pending' AND announcement_id IN (SELECT id FROM announcements WHERE meeting_id = ?)`,
  );

  const secretariatOnly = (ctx: CommandContext, usage: string): Reply | undefined =>
    ctx.actor.roles.has('secretariat') ? undefined : roleRefusal('secretariat', usage);

  /** What the secretariat sees after add/edit: times, awkward local times, who was told. */
  function scheduledReply(head: string, m: MeetingRecord, spec: MeetingSpec, announced: number, moved: boolean): Reply {
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
    const future = deps.offsetsMs.filter((o) => reminderDueAt(spec.startsAt.getTime(), spec.zone, o) >= clock.now().getTime());
    blocks.push(
      para(
        announced ? `Announced to ${announced} subscribed chat${announced === 1 ? '' : 's'}. ` : 'No other subscribed chat to announce it to. ',
        !deps.offsetsMs.length
          ? 'No reminder times are configured (REMINDER_OFFSETS).'
          : future.length
          ? `Reminders go out ${offsetsText(future)} before${moved || future.length < deps.offsetsMs.length ? ' (reminder times already past are skipped)' : ''}.`
          : 'It is too close for any reminder; the announcement informs the chats.',
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
      const announced = scheduler.enqueueAnnouncement('added', id, meetings.announcementReply('added', m), ctx.actor.id, ctx.msg.chat.id);
      return { id, announced, adopted };
    });
    scheduler.poke();
    const reply = scheduledReply('Meeting added', meetings.get(id)!, spec, announced, false);
    if (adopted) reply.blocks.push(para(`${adopted === 1 ? '1 agenda suggestion' : `${adopted} agenda suggestions`} collected so far now belong${adopted === 1 ? 's' : ''} to this meeting: `, { text: '/agenda', code: true }, '.'));
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
      // A move starts that meeting's reminders again from the new time (offsets already past are skipped).
      if (moved) clearReminders.run(id);
      skipAnnouncements.run(ctx.now.getTime(), id);
      const after = meetings.get(id)!;
      audit(ctx.actor.id, 'meeting.edit', id, {
        before: { title: before.title, startsAt: before.startsAt?.toISOString(), zone: before.zone, place: before.place },
        after: { title: spec.title, startsAt: spec.startsAt.toISOString(), zone: spec.zone, place: spec.place },
      });
      return scheduler.enqueueAnnouncement('changed', id, meetings.announcementReply('changed', after, before), ctx.actor.id, ctx.msg.chat.id);
    });
    if (announced < 0) return unknownMeeting(id);
    scheduler.poke();
    return scheduledReply('Meeting changed', meetings.get(id)!, spec, announced, moved);
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
      skipReminders.run(ctx.now.getTime(), id);
      skipAnnouncements.run(ctx.now.getTime(), id);
      audit(ctx.actor.id, 'meeting.cancel', id, { title: m.title });
      const after = meetings.get(id)!;
      return scheduler.enqueueAnnouncement('cancelled', id, meetings.announcementReply('cancelled', after), ctx.actor.id, ctx.msg.chat.id);
    });
    scheduler.poke();
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

  const subscribeCmd: CommandSpec = {
    name: 'subscribe',
    usage: '/subscribe',
    description: 'Post meeting announcements and reminders in this chat (secretariat, co-chairs)',
    access: 'organiser',
    group: 'Meetings',
    async run(ctx) {
      if (!ctx.chatAllowed) return notAllowedReply(ctx.msg.chat.id);
      const chat = ctx.msg.chat;
      // A command can come from a conversation the bot cannot post in unprompted (Slack: another
      // person's DM, a private channel it was not invited to): reminders would never arrive there.
      let port: Outbound | undefined;
      try {
        port = deps.outbound.for(chat.id);
      } catch {
        port = undefined;
      }
      if (port?.canPost && !(await port.canPost(chat.id))) {
        return refusal(
          para(
            'I cannot post in this conversation on my own, so announcements and reminders could not reach it. ',
            'Add me to it first (in Slack: invite the app to the channel), or subscribe a channel I am in.',
          ),
        );
      }
      const isNew = store.immediate(() => {
        const before = subscriptions.get(chat.id);
        const isNew = subscriptions.subscribe(chat, ctx.msg.threadId, ctx.actor.id, ctx.now);
        // Audit real changes only: a new subscription, or one moved to another thread. A repeated /subscribe changes nothing.
        if (isNew || before?.threadId !== ctx.msg.threadId) {
          audit(ctx.actor.id, 'subscribe', chat.id, ctx.msg.threadId ? { threadId: ctx.msg.threadId } : undefined);
        }
        return isNew;
      });
      return {
        blocks: [
          para(
            isNew ? 'This chat is now subscribed. ' : 'This chat was already subscribed. ',
            deps.offsetsMs.length
              ? `It gets an announcement when a meeting is added, changed or cancelled, and reminders ${offsetsText(deps.offsetsMs)} before each meeting. `
              : 'It gets an announcement when a meeting is added, changed or cancelled (no reminder times are configured). ',
            'To stop: ',
            { text: '/unsubscribe', code: true },
            '.',
          ),
        ],
      };
    },
  };

  const unsubscribeCmd: CommandSpec = {
    name: 'unsubscribe',
    usage: '/unsubscribe',
    description: 'Stop announcements and reminders in this chat (secretariat, co-chairs)',
    access: 'organiser',
    group: 'Meetings',
    run(ctx) {
      if (!ctx.chatAllowed) return notAllowedReply(ctx.msg.chat.id);
      const was = store.immediate(() => {
        const was = subscriptions.unsubscribe(ctx.msg.chat.id, ctx.now);
        if (was) audit(ctx.actor.id, 'unsubscribe', ctx.msg.chat.id);
        return was;
      });
      return {
        blocks: [
          para(
            was ? 'This chat is unsubscribed: no more announcements or reminders here. ' : 'This chat was not subscribed. ',
            'To subscribe: ',
            { text: '/subscribe', code: true },
            '.',
          ),
        ],
      };
    },
  };

  const remindCmd: CommandSpec = {
    name: 'remind',
    usage: '/remind [<meeting id>]',
    description: 'Post a reminder of the next meeting now, here and in subscribed chats (secretariat)',
    access: 'secretariat',
    group: 'Meetings',
    run(ctx) {
      const raw = ctx.args.split(/\s+/).filter(Boolean)[0];
      let meeting: MeetingRecord | undefined;
      if (raw) {
        const id = normaliseMeetingId(raw);
        meeting = id ? meetings.get(id) : undefined;
        if (!meeting) return unknownMeeting(raw);
      } else {
        const next = meetings.nextMeeting(ctx.now);
        meeting = next ? meetings.get(next.id) : undefined;
        if (!meeting) {
          return refusal(para('There is no upcoming meeting with a date to remind about. Add one with ', { text: MEETING_SYNTAX, code: true }, '.'));
        }
      }
      if (meeting.cancelled) return refusal(para(`${meeting.title} (${meeting.id}) was cancelled, so there is nothing to remind about.`));
      if (!isTimed(meeting) && hasTakenPlace(meeting, ctx.now)) {
        return refusal(para(`${meeting.title} (${meeting.id}) has already taken place, so there is nothing to remind about.`));
      }
      if (!isTimed(meeting)) {
        return refusal(para(`${meeting.title} (${meeting.id}) has no exact date and time yet, so there is nothing to remind about.`));
      }
      if (meeting.startsAt.getTime() <= ctx.now.getTime()) {
        return refusal(para(`${meeting.title} (${meeting.id}) has already begun.`));
      }
      const m = meeting;
      const reminder = meetings.reminderReply(m, ctx.now);
      const sentTo = store.immediate(() => {
        const n = scheduler.enqueueAnnouncement('remind', m.id, reminder, ctx.actor.id, ctx.msg.chat.id);
        audit(ctx.actor.id, 'remind', m.id, { chats: n });
        return n;
      });
      scheduler.poke();
      return [
        reminder,
        { blocks: [para(sentTo ? `Also posted to ${sentTo} subscribed chat${sentTo === 1 ? '' : 's'}.` : 'No other subscribed chat to post it to.')] },
      ];
    },
  };

  return [meetingsCmd, meetingCmd, subscribeCmd, unsubscribeCmd, remindCmd];
}
