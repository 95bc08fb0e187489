// The reminders feature: chats subscribed to meeting news (/subscribe, /unsubscribe), the
// announcements of a meeting added, changed or cancelled (asked for by the meetings feature through
// its MeetingNotices port, which this feature implements), the reminders before each meeting
// (REMINDER_OFFSETS), /remind, the delivery ledgers with their retries (./scheduler.ts), the notice
// to the secretariat about deliveries that failed (./delivery-notices.ts), and the purge of old
// delivery logs (DELIVERY_LOG_RETENTION_DAYS), and /remindme (a person's private chat:
// ./remindme-command.ts). Tables `subscriptions`, `reminder_deliveries`,
// `announcements`, `announcement_deliveries`: ./repo.ts only.
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Feature } from '../../core/feature.ts';
import type { OutboundRouter } from '../../core/outbound.ts';
import type { Clock } from '../../core/ports.ts';
import type { Store } from '../../store/store.ts';
import type { MeetingNotices } from '../meetings/index.ts';
import { createReminderCommands, offsetsText } from './commands.ts';
import { createRemindmeCommand } from './remindme-command.ts';
import type { ReminderAccess, ReminderAudit, ReminderMeetings } from './ports.ts';
import { reminderDueAt } from './reminder-times.ts';
import { createRemindersRepo, type Subscription } from './repo.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { DAY_MS } from '../../shared/text.ts';

export type { ReminderAccess, ReminderAudit, ReminderMeetings } from './ports.ts';
export { backoffMs, MAX_ATTEMPTS, reminderDueAt, RETRY_BASE_MS, RETRY_MAX_MS } from './reminder-times.ts';
export type { AnnouncementKind, Subscription } from './repo.ts';
export { offsetsText } from './commands.ts';


export interface RemindersDeps {
  store: Store;
  clock: Clock;
  outbound: OutboundRouter;
  log: Logger;
  config: Pick<Config, 'reminderOffsetsMs' | 'secretariat' | 'deliveryLogRetentionDays'>;
  access: ReminderAccess;
  audit: ReminderAudit;
  meetings: ReminderMeetings;
  /** A delivery found a chat gone: every feature lets go of it (the dispatcher's chatGone). */
  onGone(chatId: string, reason: string): Promise<void>;
  /** Ask the wake loop to run now (something new to deliver). */
  wake(): void;
}

/** The subscribed chats, for tests and tools (bench/telegram.ts subscribes thousands at once). */
export interface SubscriptionsView {
  get(chatId: string): Subscription | undefined;
  all(): Subscription[];
  count(): number;
  /** Inside store.immediate(); false when already subscribed. Not audited: chat users go through /subscribe. */
  subscribe(chat: { id: string; type: Subscription['chatType'] }, threadId: string | undefined, by: string, at: Date): boolean;
  /** Unsubscribes a chat (inside store.immediate()), audited as `unsubscribe` by `actorId`; false when it was not subscribed. */
  drop(chatId: string, actorId: string, reason: string): boolean;
}

export interface RemindersFeature extends Feature, MeetingNotices {
  readonly subscriptions: SubscriptionsView;
  readonly scheduler: Pick<Scheduler, 'enqueueAnnouncement'>;
  tick(now: Date): Promise<void>;
  nextDueAt(): Date | undefined;
  start(): void;
  purge(now: Date): void;
}

export function createReminders(deps: RemindersDeps): RemindersFeature {
  const { store, clock, audit } = deps;
  const log = deps.log.child({ module: 'community' });
  const offsetsMs = deps.config.reminderOffsetsMs;
  const repo = createRemindersRepo(store);
  // A person's private chat subscribed with /remindme gets deliveries while they count as a member
  // (a role, or an allowed group they belong to): revoking the group stops them at once.
  const a = deps.access;
  const deliveryAccess: ReminderAccess = {
    rolesOf: (u) => a.rolesOf(u),
    granted: () => a.granted(),
    communityChatOf: (u) => a.communityChatOf(u),
    recordMember: (u, c, at) => a.recordMember(u, c, at),
    isMember: (u) => a.isMember(u),
    isChatAllowed: (chat, by) => a.isChatAllowed(chat, by) || (chat.type === 'private' && a.isMember(by)),
  };
  const scheduler = createScheduler({
    store,
    repo,
    clock,
    outbound: deps.outbound,
    access: deliveryAccess,
    log: deps.log.child({ module: 'community' }),
    offsetsMs,
    meetings: deps.meetings,
    onGone: deps.onGone,
    secretariatIds: deps.config.secretariat,
  });
  const days = deps.config.deliveryLogRetentionDays;

  return {
    name: 'reminders',
    subscriptions: {
      get: repo.getSubscription,
      all: repo.subscriptions,
      count: repo.countSubscriptions,
      subscribe: repo.subscribe,
      drop(chatId, actorId, reason) {
        const was = repo.unsubscribe(chatId, clock.now());
        if (was) audit(actorId, 'unsubscribe', chatId, { reason });
        return was;
      },
    },
    scheduler,
    commands: [
      ...createReminderCommands({ store, repo, audit, meetings: deps.meetings, scheduler, wake: deps.wake, offsetsMs, outbound: deps.outbound }),
      createRemindmeCommand({ store, repo, audit, access: deps.access, offsetsMs }),
    ],

    // Subscriptions follow the chat: gone, unsubscribed (audited); migrated, moved.
    chatGone(chatId, reason) {
      if (!store.db.open) return;
      const was = store.immediate(() => {
        const was = repo.unsubscribe(chatId, clock.now(), true);
        if (was) audit('system', 'unsubscribe', chatId, { reason: reason.slice(0, 200) });
        return was;
      });
      if (was) log.warn({ chat: chatId, reason }, 'chat is gone: unsubscribed');
    },
    chatMigrated(from, to) {
      const moved = store.immediate(() => {
        const moved = repo.migrate(from, to);
        audit('system', 'chat.migrated', from, { to });
        return moved;
      });
      log.info({ from, to, subscription: moved }, 'chat migrated');
    },

    tick: (now) => scheduler.tick(now),
    nextDueAt: () => scheduler.nextDueAt(),
    start: () => scheduler.recover(),

    purge(now) {
      if (!days) return;
      const cut = now.getTime() - days * DAY_MS;
      const n = repo.purge(cut, deps.meetings.beganBefore(cut));
      if (n.announcements || n.reminderDeliveries) log.info({ ...n, days }, 'purged delivery logs past their retention');
    },

    meetingChanged(c) {
      const now = c.now.getTime();
      if (c.kind === 'changed') {
        if (c.moved) repo.clearReminders(c.meetingId);
        repo.skipAnnouncements(c.meetingId, now);
      } else if (c.kind === 'cancelled') {
        repo.skipReminders(c.meetingId, now);
        repo.skipAnnouncements(c.meetingId, now);
      }
      return scheduler.enqueueAnnouncement(c.kind, c.meetingId, c.reply, c.by, c.exceptChat);
    },
    wake: () => deps.wake(),
    reminderNote(startsAt, zone, moved, now) {
      const future = offsetsMs.filter((o) => reminderDueAt(startsAt.getTime(), zone, o) >= now.getTime());
      if (!offsetsMs.length) return 'No reminder times are configured (REMINDER_OFFSETS).';
      if (!future.length) return 'It is too close for any reminder; the announcement informs the chats.';
      return `Reminders go out ${offsetsText(future)} before${moved || future.length < offsetsMs.length ? ' (reminder times already past are skipped)' : ''}.`;
    },
  };
}
