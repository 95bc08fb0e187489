// The store-backed features, wired: meetings and reminders, access (roles, allow-list, audit),
// agenda (suggestions, polls) and feedback (gaps, helpful / not helpful), over one database and one
// scheduler. createApp (src/app.ts) calls createCommunity and hands `features` to the dispatcher;
// tests and tools reach the parts (store, meetings, scheduler ...) directly.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { OutboundRouter } from '../core/outbound.ts';
import type { Clock } from '../core/ports.ts';
import type { Block, Reply } from '../core/reply.ts';
import type { Engine } from '../engine/types.ts';
import { errorFields } from '../core/logger.ts';
import { openStore, type Store } from '../store/store.ts';
import { acquireInstanceLease, type InstanceLease } from '../store/lease.ts';
import { createAccess, createRoleCommand, type CommunityAccess } from './access.ts';
import { createAgenda, type AgendaFeature } from '../features/agenda/index.ts';
import { createFeedback, type FeedbackFeature } from '../features/feedback/index.ts';
import { createAudit, type Audit } from './audit.ts';
import { createMeetingCommands } from './commands.ts';
import { createMeetings, type Meetings } from './meetings.ts';
import { createMemberLeft } from './membership.ts';
import { createRetention } from './retention.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { createSubscriptions, type Subscriptions } from './subscriptions.ts';
import type { Feature } from '../core/feature.ts';
import { wireFollowupsAndDigest } from '../features/followups/wire.ts';
import type { FollowupsFeature } from '../features/followups/index.ts';
import { defaultSeedsDir, memberZones, syncCommunitySeeds, type MemberZone } from './zones.ts';

export { StoreError } from '../store/store.ts';
export { SeedError } from './zones.ts';

export interface CommunityDeps {
  config: Config;
  clock: Clock;
  engine: Engine;
  outbound: OutboundRouter;
  log: Logger;
  /** Folder holding communities.yaml (default: the repository's seeds/). */
  seedsDir?: string;
  /** An open store to use instead of opening config.databasePath (it is closed by stop()). */
  store?: Store;
  /** Take the database's instance lease (processes that run adapters): a second process on the
   *  same database then refuses to start (src/store/lease.ts). Released by stop(). */
  instanceLease?: boolean | { onLost?: (holder: string) => void };
}

/** The store-backed features and the parts tests and tools reach. */
export interface CommunityModule {
  /** For the dispatcher: meetings and reminders, access, agenda, feedback. */
  readonly features: readonly Feature[];
  readonly access: CommunityAccess;
  readonly store: Store;
  readonly meetings: Meetings;
  readonly subscriptions: Subscriptions;
  readonly scheduler: Scheduler;
  readonly agenda: AgendaFeature;
  readonly feedback: FeedbackFeature;
  readonly audit: Audit;
  /** The member zones of the configured community. */
  zones(): MemberZone[];
  /** Runs everything due at `now` (reminders, announcements, retries, agenda tick). */
  runDue(now?: Date): Promise<void>;
  /** Resolves when queued scheduler runs are done. */
  idle(): Promise<void>;
  /** The home tab: upcoming meetings and open polls. */
  home(userId: string): Promise<Reply>;
  /** Rows written by this process so far (SQLite total_changes()): the core retries a command
   *  that met a locked database only when it wrote nothing (src/store/busy.ts). */
  changes(): number;
  /** Start the reminder scheduler (sends missed reminders first). */
  start(): void;
  /** Stop the scheduler, wait for in-flight deliveries, write what is queued, close the database. */
  stop(): Promise<void>;
}

export function createCommunity(deps: CommunityDeps): CommunityModule {
  const { config, clock, engine, outbound } = deps;
  const log = deps.log.child({ module: 'community' });
  const store = deps.store ?? openStore(config.databasePath, { log: deps.log });
  let lease: InstanceLease | undefined;
  try {
    if (deps.instanceLease) {
      const onLost = typeof deps.instanceLease === 'object' ? deps.instanceLease.onLost : undefined;
      lease = acquireInstanceLease({ store, clock, log: deps.log, ...(onLost ? { onLost } : {}) });
    }
    const known = syncCommunitySeeds(store, deps.seedsDir ?? defaultSeedsDir(), log);
    if (!known.includes(config.community)) {
      log.warn({ community: config.community, known }, 'COMMUNITY is not in seeds/communities.yaml: no member time zones will be shown');
    }
  } catch (err) {
    lease?.release();
    store.close();
    throw err;
  }
  let zoneCache: MemberZone[] | undefined;
  const zones = () => (zoneCache ??= memberZones(store, config.community));

  const access = createAccess(store, config);
  const audit = createAudit(store, clock);
  let followups: FollowupsFeature | undefined; // issue 15: open follow-ups in meeting details and reminders
  const meetings = createMeetings({ store, engine, log, zones, extraDetails: (m, now, compact) => followups?.detailsFor(m.id, now, compact) ?? [] });
  meetings.seedPracticeBase(engine.base.meetings, clock.now());
  // Start-up waited for locks; from here on a locked database fails fast and is retried off the
  // event loop (src/store/busy.ts).
  store.shortBusyTimeout();
  const subscriptions = createSubscriptions(store);

  const agenda = createAgenda({
    store,
    clock,
    outbound,
    log: deps.log.child({ module: 'agenda' }),
    audit,
    meetings: { nextMeeting: meetings.nextMeeting, meetingExists: meetings.meetingExists, get: meetings.get, ids: meetings.ids, saveAgenda: meetings.saveAgenda },
    ...(config.maxOpenSuggestions !== undefined ? { maxOpenSuggestions: config.maxOpenSuggestions } : {}),
  });
  const feedback = createFeedback({ store, clock, log: deps.log.child({ module: 'feedback' }), retentionDays: config.gapsRetentionDays });

  // Reminder subscriptions follow the chat: gone, unsubscribed (audited); migrated, moved.
  const subscriptionLifecycle: Feature = {
    name: 'subscriptions',
    chatGone(chatId, reason) {
      if (!store.db.open) return;
      const was = store.immediate(() => {
        const was = subscriptions.unsubscribe(chatId, clock.now(), true);
        if (was) audit('system', 'unsubscribe', chatId, { reason: reason.slice(0, 200) });
        return was;
      });
      if (was) log.warn({ chat: chatId, reason }, 'chat is gone: unsubscribed');
    },
    chatMigrated(from, to) {
      const moved = store.immediate(() => {
        const moved = subscriptions.migrate(from, to);
        audit('system', 'chat.migrated', from, { to });
        return moved;
      });
      log.info({ from, to, subscription: moved }, 'chat migrated');
    },
  };

  /** A chat found gone while delivering: every feature lets go of it. */
  async function chatGone(chatId: string, reason: string): Promise<void> {
    for (const f of features) {
      try {
        await f.chatGone?.(chatId, reason);
      } catch (err) {
        log.error({ err: errorFields(err), chat: chatId, feature: f.name }, 'chatGone failed');
      }
    }
  }

  // Retention (issue 11): purged on the scheduler's wake, after the agenda's own (gaps) purge.
  const retention = createRetention({
    store,
    log: deps.log,
    days: {
      suggestionsDays: config.suggestionsRetentionDays,
      auditDays: config.auditRetentionDays,
      deliveryLogDays: config.deliveryLogRetentionDays,
    },
  });
  const memberLeft = createMemberLeft({ store, access, audit, log });

  const scheduler = createScheduler({
    store,
    clock,
    outbound,
    access,
    log,
    offsetsMs: config.reminderOffsetsMs,
    meetings,
    subscriptions,
    // Scheduled work of the other features, fanned out on every wake; then retention's purge.
    agenda: {
      tick: async (now) => {
        for (const f of features) {
          try {
            await f.tick?.(now);
          } catch (err) {
            log.error({ err: errorFields(err), feature: f.name }, 'tick failed');
          }
        }
        retention.purge(now);
      },
      nextDueAt: () => {
        const times = features.map((f) => f.nextDueAt?.()?.getTime()).filter((t): t is number => t !== undefined);
        return times.length ? new Date(Math.min(...times)) : undefined;
      },
    },
    onGone: chatGone,
    secretariatIds: config.secretariat,
  });

  const meetingsFeature: Feature = {
    name: 'meetings',
    commands: createMeetingCommands({ store, clock, audit, log, meetings, subscriptions, scheduler, offsetsMs: config.reminderOffsetsMs, outbound }),
  };
  const accessFeature: Feature = { name: 'access', commands: [createRoleCommand({ store, access, audit, clock })], memberLeft };
  const between = wireFollowupsAndDigest({ store, clock, log: deps.log, engine, outbound, digestAt: config.digestAt, community: config.community, zones, meetings, subscriptions, access, agenda, feedback, audit, onGone: chatGone });
  followups = between.followups;
  const features: Feature[] = [meetingsFeature, subscriptionLifecycle, accessFeature, agenda, feedback, between.followups, between.digest];

  let stopping: Promise<void> | undefined;

  const community: CommunityModule = {
    features,
    access,
    store,
    meetings,
    subscriptions,
    scheduler,
    agenda,
    feedback,
    audit,
    zones,
    runDue: (now) => scheduler.runDue(now),
    idle: () => scheduler.idle(),
    async home(userId) {
      const now = clock.now();
      const blocks: Block[] = [{ type: 'heading', text: 'Practice bot' }];
      // Like a private chat: community data only for users with a role, or when the bot runs open.
      if (!access.isChatAllowed({ id: `home:${userId}`, type: 'private' }, userId)) {
        blocks.push({
          type: 'paragraph',
          parts: ['Ask questions about the practice base with /ask. Meetings and polls are shown in the chats the secretariat has approved.'],
        });
        return { blocks };
      }
      const up = meetings.upcoming(now).slice(0, 5);
      blocks.push({ type: 'paragraph', parts: [{ text: 'Upcoming meetings', bold: true }] });
      blocks.push(
        up.length ? { type: 'list', items: up.map(meetings.listItem) } : { type: 'paragraph', parts: ['No upcoming meeting is scheduled yet.'] },
      );
      const polls = agenda.openPolls();
      blocks.push({ type: 'paragraph', parts: [{ text: 'Open polls', bold: true }] });
      blocks.push(
        polls.length
          ? {
              type: 'list',
              items: polls.map((p) => [
                p.question,
                ` (${p.options.length} options${p.closesAt ? `, closes ${new Date(p.closesAt).toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''})`,
              ]),
            }
          : { type: 'paragraph', parts: ['No poll is open.'] },
      );
      return { blocks } satisfies Reply;
    },
    changes: () => store.changes(),
    start() {
      if (access.open) {
        log.warn('ALLOWED_CHATS is empty: every chat gets community features (development mode). Set ALLOWED_CHATS in production.');
      }
      scheduler.start();
    },
    stop() {
      return (stopping ??= (async () => {
        await scheduler.stop();
        feedback.flush();
        lease?.release();
        store.close();
      })());
    },
  };
  return community;
}
