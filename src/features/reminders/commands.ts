// The subscription and reminder commands: /subscribe, /unsubscribe (secretariat, co-chairs) and
// /remind (secretariat: post a reminder now, here and in the subscribed chats).
import type { CommandSpec } from '../../commands/types.ts';
import { notAllowedReply } from '../../commands/refusals.ts';
import type { OutboundRouter } from '../../core/outbound.ts';
import type { Outbound } from '../../core/ports.ts';
import type { Block, Inline, Reply } from '../../core/reply.ts';
import { humanDuration } from '../../shared/text.ts';
import type { Store } from '../../store/store.ts';
import { hasTakenPlace, isTimed, MEETING_SYNTAX, normaliseMeetingId, unknownMeeting, type MeetingRecord } from '../meetings/index.ts';
import type { ReminderAudit, ReminderMeetings } from './ports.ts';
import type { RemindersRepo } from './repo.ts';
import type { Scheduler } from './scheduler.ts';

export interface ReminderCommandsDeps {
  store: Store;
  repo: RemindersRepo;
  audit: ReminderAudit;
  meetings: ReminderMeetings;
  scheduler: Pick<Scheduler, 'enqueueAnnouncement'>;
  /** Deliver what was queued now. */
  wake(): void;
  offsetsMs: number[];
  /** Asked whether the bot can post in a chat before it is subscribed (Outbound.canPost). */
  outbound: OutboundRouter;
}

const para = (...parts: Inline[]): Block => ({ type: 'paragraph', parts });
const refusal = (...blocks: Block[]): Reply => ({ refusal: true, blocks });

/** "7 days, 1 day and 1 hour". */
export function offsetsText(offsets: number[]): string {
  const words = offsets.map(humanDuration);
  return words.length <= 1 ? (words[0] ?? 'none') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

export function createReminderCommands(deps: ReminderCommandsDeps): CommandSpec[] {
  const { store, repo, audit, meetings, scheduler } = deps;

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
        const before = repo.getSubscription(chat.id);
        const isNew = repo.subscribe(chat, ctx.msg.threadId, ctx.actor.id, ctx.now);
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
        const was = repo.unsubscribe(ctx.msg.chat.id, ctx.now);
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
      deps.wake();
      return [
        reminder,
        { blocks: [para(sentTo ? `Also posted to ${sentTo} subscribed chat${sentTo === 1 ? '' : 's'}.` : 'No other subscribed chat to post it to.')] },
      ];
    },
  };

  return [subscribeCmd, unsubscribeCmd, remindCmd];
}
