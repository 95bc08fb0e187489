// Builds the platform-neutral application, in one readable place: the engine, the store-backed
// features (createFeatures below: meetings, reminders, access, agenda, feedback, wired through
// their ports over one database and one wake loop), the practice base, and the dispatcher over
// all of them (src/core/core.ts). Adapters are created and registered by src/cli.ts (or by tests).
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { CommandSpec } from './commands/types.ts';
import type { Feature } from './core/feature.ts';
import { createAccessFeature, type AccessFeature, type Audit, type CommunityAccess } from './features/access/index.ts';
import { createAgenda, createEngineAnalysis, type AgendaFeature } from './features/agenda/index.ts';
import type { FollowupsFeature } from './features/followups/index.ts';
import { wireFollowupsAndDigest } from './followups-wiring.ts';
import { createFeedback, type FeedbackFeature } from './features/feedback/index.ts';
import { createMeetingsFeature, type Meetings, type MemberZone } from './features/meetings/index.ts';
import { createPracticeBase } from './features/practice-base/index.ts';
import { createReminders, type SubscriptionsView } from './features/reminders/index.ts';
import { createCore } from './core/core.ts';
import { createLogger, errorFields } from './core/logger.ts';
import type { Reply } from './core/reply.ts';
import { createWakeLoop, type WakeLoop } from './core/wake-loop.ts';
import { createOutboundRouter, type OutboundRouter } from './core/outbound.ts';
import { systemClock, type Clock, type Core } from './core/ports.ts';
import { createEngine, createEngineInSteps } from './engine/engine.ts';
import type { Engine } from './engine/types.ts';
import { defaultKnowledgeDir, loadPracticeBase } from './knowledge/load.ts';
import type { PracticeBase } from './knowledge/schema.ts';
import type { CachedLoadResult } from './cache/cached-load.ts';
import { interpretWith, loadLexiconSnapshot } from './cache/lexicon.ts';
import { loadLexicon, type Interpretation, type Lexicon } from './engine/interpret/index.ts';
import { createLiveKnowledge, type EngineBuilder, type LiveKnowledge, type SteppedEngineBuilder } from './knowledge/live.ts';
import { createKnowledgeAdmin } from './commands/knowledge-admin.ts';
import { openStore, type Store } from './store/store.ts';
import { acquireInstanceLease, type InstanceLease } from './store/lease.ts';
import { createNightlyBackup } from './ops/backup.ts';

export interface App {
  core: Core;
  router: OutboundRouter;
  engine: Engine;
  /** The practice base in service, reloaded when its folder changes (watching starts with start()). */
  knowledge: LiveKnowledge;
  community: CommunityModule;
  /** The open database (adapters' update ledger; closed by stop()). */
  store: Store;
  log: Logger;
  /** Starts the reminder scheduler (after the adapters have registered their outbound ports; it
   *  does not wait for them to connect). */
  start(): void;
  /** Stops the scheduler, waits for deliveries in flight, closes the database. */
  stop(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  log?: Logger;
  knowledgeDir?: string;
  seedsDir?: string;
  /** Take the database's instance lease (the bot and the console chat; not one-shot commands).
   *  `onLost` is called once if another process takes the lease over while this one runs. */
  instanceLease?: boolean | { onLost?: (holder: string) => void };
  /** Builds the engine over each generation of the base (src/cli.ts builds it through the snapshot
   *  cache, src/cache/); default: createEngine with the interpreter of the members' languages. */
  buildEngine?: EngineBuilder;
  /** Builds the engine of a reloaded base in steps that let answers run between them (issue 13;
   *  src/knowledge/live.ts). Default: createEngineInSteps with the interpreter, unless buildEngine
   *  is given alone (then reloads use it, in one turn). */
  buildEngineInSteps?: SteppedEngineBuilder;
  /** Loads the first generation's base (src/cli.ts: from its snapshot, src/cache/practice-base.ts); default
   *  loadPracticeBase. Reloads parse the folder. */
  loadFirstBase?: (dir: string) => PracticeBase;
  /** Watch the knowledge folder from start() and reload on changes (default true; /reload works either way). */
  watchKnowledge?: boolean;
  /** Quiet time after a change before reloading (default 1000 ms). */
  reloadDebounceMs?: number;
}

/** The practice base and engine alone (no database): what `practice-bot ask` needs. Questions in
 *  the members' languages go through the interpreter (src/engine/interpret/, knowledge/lexicon/);
 *  its statistical language detector is loaded on demand (preloadEld). The lexicon is validated in
 *  full here (no snapshot: `ask` and the bot go through src/cli.ts, which passes the cache folder);
 *  each language's matcher and the English word list
 *  are prepared on the first question that needs them (docs/languages.md, Start-up). */
export function createEngineFromDisk(knowledgeDir?: string): Engine {
  const dir = knowledgeDir ?? defaultKnowledgeDir();
  const base = loadPracticeBase(dir);
  return createEngine(base, { interpret: createInterpretFromDisk(dir, base) });
}

/** The engine's `interpret` option: the interpreter over `<dir>/lexicon/` and the base's vocabulary,
 *  the lexicon from its snapshot in `cacheDir` when given (loadLexiconCached). */
export function createInterpretFromDisk(dir: string, base: PracticeBase, cacheDir?: string): (text: string) => Interpretation {
  return interpretWith(cacheDir === undefined ? loadLexicon(dir) : loadLexiconCached(dir, cacheDir).value, base);
}

/** loadLexicon(dir) through the snapshot cache (src/cache/lexicon.ts). */
export function loadLexiconCached(dir: string, cacheDir: string | undefined): CachedLoadResult<Lexicon> {
  return loadLexiconSnapshot(dir, cacheDir, loadLexicon);
}

export function createApp(config: Config, opts: AppOptions = {}): App {
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  // Live reload (issue 13): one engine object that answers from the base currently in service.
  const knowledge = createLiveKnowledge({
    dir: opts.knowledgeDir ?? config.knowledgeDir ?? defaultKnowledgeDir(),
    log,
    clock,
    build: opts.buildEngine ?? ((base, root, reuse) => createEngine(base, { interpret: createInterpretFromDisk(root, base), ...(reuse ? { fieldTerms: reuse.fieldTerms } : {}) })),
    ...(opts.buildEngineInSteps || !opts.buildEngine
      ? {
          buildInSteps:
            opts.buildEngineInSteps ??
            ((base, root, { fieldTerms, pause }) => createEngineInSteps(base, { interpret: createInterpretFromDisk(root, base), fieldTerms }, pause)),
        }
      : {}),
    ...(opts.reloadDebounceMs !== undefined ? { debounceMs: opts.reloadDebounceMs } : {}),
    ...(opts.loadFirstBase ? { loadFirst: opts.loadFirstBase } : {}),
  });
  const engine = knowledge.engine;
  const router = createOutboundRouter();
  const community = createFeatures({ config, clock, engine, outbound: router, log, seedsDir: opts.seedsDir, instanceLease: opts.instanceLease });
  const admin = createKnowledgeAdmin({ live: knowledge, access: community.access, outbound: router, audit: community.audit, clock, log });
  knowledge.onReload((o) => {
    if (o.status === 'reloaded' && o.diff.lists.includes('meetings')) community.meetings.seedPracticeBase(engine.base.meetings, clock.now());
  });
  const knowledgeAdmin: Feature = { name: 'knowledge-admin', commands: admin.commands };
  const core = admin.wrapCore(createDispatcher({ config, clock, engine, router, log, community, more: [knowledgeAdmin] }));
  let stopped: Promise<void> | undefined;
  // ops (issue 16): nightly online backups at 03:00 server time when BACKUP_DIR is set.
  const nightly = config.backupDir
    ? createNightlyBackup({ db: () => community.store.db, dbPath: config.databasePath, dir: config.backupDir, keep: config.backupKeep ?? 7, clock, log })
    : undefined;
  return {
    core,
    router,
    engine,
    knowledge,
    community,
    store: community.store,
    log,
    start: () => {
      community.start();
      nightly?.start();
      if (opts.watchKnowledge !== false) knowledge.watch();
    },
    stop: () => {
      knowledge.close();
      return (stopped ??= (nightly?.stop() ?? Promise.resolve()).then(() => community.stop()));
    },
  };
}

// ------------------------------------------------------------------------------------------------
// The store-backed features, wired

export interface FeaturesDeps {
  config: Config;
  clock: Clock;
  engine: Engine;
  outbound: OutboundRouter;
  log: Logger;
  /** Folder holding communities.yaml (default: the repository's seeds/). */
  seedsDir?: string | undefined;
  /** An open store to use instead of opening config.databasePath (it is closed by stop()). */
  store?: Store;
  /** Take the database's instance lease (processes that run adapters): a second process on the
   *  same database then refuses to start (src/store/lease.ts). Released by stop(). */
  instanceLease?: boolean | { onLost?: (holder: string) => void } | undefined;
}

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

/** Opens the store and wires the store-backed features through their ports. */
export function createFeatures(deps: FeaturesDeps): AppParts {
  const { config, clock, engine, outbound } = deps;
  const log = deps.log.child({ module: 'community' });
  const store = deps.store ?? openStore(config.databasePath, { log: deps.log });
  let lease: InstanceLease | undefined;
  let features: Feature[] = [];
  const fLog = (module: string) => deps.log.child({ module });

  // Late-bound ports (features that ask each other are built one after the other).
  let reminders: ReturnType<typeof createReminders> | undefined;
  let agenda: AgendaFeature | undefined;
  let followups: FollowupsFeature | undefined;

  let access: AccessFeature;
  let meetings: ReturnType<typeof createMeetingsFeature> | undefined;
  try {
    if (deps.instanceLease) {
      const onLost = typeof deps.instanceLease === 'object' ? deps.instanceLease.onLost : undefined;
      lease = acquireInstanceLease({ store, clock, log: deps.log, ...(onLost ? { onLost } : {}) });
    }
    access = createAccessFeature({
      store,
      config,
      clock,
      log: deps.log,
      outbound,
      subscriptions: () => reminders && { list: reminders.subscriptions.all, drop: reminders.subscriptions.drop },
      // The community's zone for /audit: where its next meeting is held, else its first member country.
      zones: () => ({
        communityZone: () => {
          const next = meetings?.meetings.nextMeeting(clock.now());
          return (next && meetings?.meetings.get(next.id)?.zone) ?? meetings?.zones()[0]?.zone;
        },
      }),
    });
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
        meetingChanged: (c) => reminders!.meetingChanged(c),
        wake: () => reminders!.wake(),
        reminderNote: (...a) => reminders!.reminderNote(...a),
      },
      polls: { openPolls: () => agenda?.openPolls() ?? [] },
      extraDetails: (m, now, compact) => followups?.detailsFor(m.id, now, compact) ?? [],
      agenda: { adoptUndated: (meetingId: string, now: Date) => agenda?.adoptUndated(meetingId, now) ?? 0 },
      meetingLengthMs: config.meetingLengthMs,
      attendanceRetentionDays: config.suggestionsRetentionDays,
    });
  } catch (err) {
    lease?.release();
    store.close();
    throw err;
  }
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
  reminders = createReminders({
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
  const feedback = createFeedback({ store, clock, log: fLog('feedback'), retentionDays: config.gapsRetentionDays });

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
        lease?.release();
        store.close();
      })());
    },
  };
}

/** The practice base and the store-backed features behind one dispatcher. */
export function createDispatcher(deps: {
  config: Pick<Config, 'publicAnswers' | 'inboundUserRate' | 'inboundChatRate' | 'leaveUnknownGroups'>;
  clock: Clock;
  engine: Engine;
  router: OutboundRouter;
  log: Logger;
  community: CommunityModule;
  /** Features beyond the practice base and the store-backed ones (e.g. /reload and /new). */
  more?: readonly Feature[];
  busyMaxWaitMs?: number;
}): Core {
  const { config, community } = deps;
  let all: Feature[] = [];
  const practiceBase = createPracticeBase({
    engine: deps.engine,
    feedback: community.feedback,
    publicAnswers: config.publicAnswers !== false,
    commands: (): CommandSpec[] => all.flatMap((f) => f.commands ?? []),
    // "When is the next meeting?": the calendar, as /meetings shows it (the chat may see meetings:
    // checked by the caller).
    upcomingMeetings: async (ctx) => [community.meetings.listReply(ctx.now)],
  });
  all = [practiceBase, ...community.features, ...(deps.more ?? [])];
  return createCore({
    clock: deps.clock,
    log: deps.log,
    outbound: deps.router,
    access: community.access,
    features: all,
    answer: (ctx) => practiceBase.answer(ctx),
    closestCommand: (word, names) => deps.engine.closestCommand(word, [...names]),
    home: (userId) => community.home(userId),
    changes: () => community.changes(),
    inboundUserRate: config.inboundUserRate,
    inboundChatRate: config.inboundChatRate,
    leaveUnknownGroups: config.leaveUnknownGroups,
    ...(deps.busyMaxWaitMs ? { busyMaxWaitMs: deps.busyMaxWaitMs } : {}),
  });
}
