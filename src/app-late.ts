// The second half of createFeatures (src/app.ts): the meetings, reminders, agenda, follow-ups and
// weekly digest, wired through their ports onto the first half (src/app-early.ts: the database,
// access, feedback), and the wake loop over all of them. Returns the plain record of the parts
// (`app.community`). The console's staged start (src/app-console.ts) imports this module only
// after its first question is answered.
import type { Audit, CommunityAccess } from './features/access/index.ts';
import { createAgenda, createEngineAnalysis, type AgendaFeature } from './features/agenda/index.ts';
import type { FollowupsFeature } from './features/followups/index.ts';
import { wireFollowupsAndDigest } from './followups-wiring.ts';
import type { FeedbackFeature } from './features/feedback/index.ts';
import { createMeetingsFeature, type Meetings, type MemberZone } from './features/meetings/index.ts';
import { createReminders, type SubscriptionsView } from './features/reminders/index.ts';
import type { Feature } from './core/feature.ts';
import { errorFields } from './core/logger.ts';
import type { Reply } from './core/reply.ts';
import { createWakeLoop, type WakeLoop } from './core/wake-loop.ts';
import type { Store } from './store/store.ts';
import type { EarlyParts, FeaturesDeps } from './app-early.ts';

/** The store-backed features and the parts tests and tools reach (`app.community`): a plain record
 *  of what createFeatures built, no logic of its own. */
export interface AppParts {
  /** For the dispatcher, in order: meetings, reminders, access, agenda, feedback. */
  readonly features: readonly Feature[];
  readonly store: Store;
  readonly access: CommunityAccess;
  readonly audit: Audit;
  readonly meetings: Meetings;
  readonly subscriptions: SubscriptionsView;
  readonly agenda: AgendaFeature;
  readonly feedback: FeedbackFeature;
  /** The wake loop (src/core/wake-loop.ts): ticks and purges of every feature. */
  readonly scheduler: WakeLoop;
  /** The member zones of the configured community. */
  zones(): MemberZone[];
  /** Runs everything due at `now` (reminders, announcements, retries, poll closes, purges). */
  runDue(now?: Date): Promise<void>;
  /** Resolves when queued wake-loop runs are done. */
  idle(): Promise<void>;
  /** The home tab: upcoming meetings and open polls. */
  home(userId: string): Promise<Reply>;
  /** Rows written by this process so far (SQLite total_changes()): the core retries a command
   *  that met a locked database only when it wrote nothing (src/store/busy.ts). */
  changes(): number;
  /** Starts the wake loop (sends missed reminders first). */
  start(): void;
  /** Stops the wake loop, waits for in-flight deliveries, writes what is queued, closes the database. */
  stop(): Promise<void>;
}

/** The former name of AppParts (tests and tools say `app.community`). */
export type CommunityModule = AppParts;

/** Builds the meetings, reminders, agenda, follow-ups and digest onto `early`, and the wake loop. */
export function createLateParts(early: EarlyParts, deps: FeaturesDeps): AppParts {
  const { config, clock, engine, outbound } = deps;
  const { store, access, feedback, later } = early;
  const log = deps.log.child({ module: 'community' });
  let features: Feature[] = [];
  const fLog = (module: string) => deps.log.child({ module });

  // Late-bound ports (features that ask each other are built one after the other).
  let agenda: AgendaFeature | undefined;
  let followups: FollowupsFeature | undefined;

  let meetings: ReturnType<typeof createMeetingsFeature>;
  try {
    meetings = createMeetingsFeature({
      store,
      engine,
      clock,
      log: deps.log,
      community: config.community,
      seedsDir: deps.seedsDir,
      audit: access.audit,
      access: access.access,
      notices: {
        meetingChanged: (c) => later.reminders!.meetingChanged(c),
        wake: () => later.reminders!.wake(),
        reminderNote: (...a) => later.reminders!.reminderNote(...a),
      },
      polls: { openPolls: () => agenda?.openPolls() ?? [] },
      extraDetails: (m, now, compact) => followups?.detailsFor(m.id, now, compact) ?? [],
      agenda: { adoptUndated: (meetingId: string, now: Date) => agenda?.adoptUndated(meetingId, now) ?? 0 },
      meetingLengthMs: config.meetingLengthMs,
      attendanceRetentionDays: config.suggestionsRetentionDays,
    });
  } catch (err) {
    early.abandon();
    throw err;
  }
  later.meetings = meetings;
  // Start-up waited for locks; from here on a locked database fails fast and is retried off the
  // event loop (src/store/busy.ts).
  store.shortBusyTimeout();

  const loop = createWakeLoop({ store, clock, log: deps.log.child({ module: 'community' }), features: () => features });

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

  const m = meetings.meetings;
  const reminders = createReminders({
    store,
    clock,
    outbound,
    log: deps.log,
    config,
    access: access.access,
    audit: access.audit,
    meetings: m,
    onGone: chatGone,
    wake: () => loop.poke(),
  });
  later.reminders = reminders;
  agenda = createAgenda({
    store,
    clock,
    outbound,
    log: fLog('agenda'),
    audit: access.audit,
    meetings: { nextMeeting: m.nextMeeting, meetingExists: m.meetingExists, get: m.get, ids: m.ids, saveAgenda: m.saveAgenda },
    ...(config.maxOpenSuggestions !== undefined ? { maxOpenSuggestions: config.maxOpenSuggestions } : {}),
    community: config.community,
    analysis: createEngineAnalysis(() => engine.base),
    retention: { days: config.suggestionsRetentionDays, meetings: m },
  });

  // Between meetings (issue 15): follow-ups of each meeting's next steps, and the weekly digest.
  const between = wireFollowupsAndDigest({
    store,
    clock,
    log: deps.log,
    engine,
    outbound,
    digestAt: config.digestAt,
    community: config.community,
    zones: meetings.zones,
    meetings: m,
    subscriptions: reminders.subscriptions,
    access: access.access,
    agenda,
    feedback,
    audit: access.audit,
    onGone: chatGone,
  });
  followups = between.followups;

  features = [meetings, reminders, access, agenda, feedback, between.followups, between.digest];

  let stopping: Promise<void> | undefined;
  return {
    features,
    store,
    access: access.access,
    audit: access.audit,
    meetings: m,
    subscriptions: reminders.subscriptions,
    agenda,
    feedback,
    scheduler: loop,
    zones: meetings.zones,
    runDue: (now) => loop.runDue(now),
    idle: () => loop.idle(),
    home: (userId) => meetings.home(userId),
    changes: () => store.changes(),
    start() {
      if (access.access.open) {
        log.warn('ALLOWED_CHATS is empty: every chat gets community features (development mode). Set ALLOWED_CHATS in production.');
      }
      loop.start();
    },
    stop() {
      return (stopping ??= (async () => {
        await loop.stop();
        for (const f of features) {
          try {
            await f.stop?.();
          } catch (err) {
            log.error({ err: errorFields(err), feature: f.name }, 'stop failed');
          }
        }
        early.release();
        store.close();
      })());
    },
  };
}
