// Builds the platform-neutral application, in one readable place: the engine, the store-backed
// features (src/community/index.ts: meetings and reminders, access, agenda, feedback), the practice
// base, and the dispatcher over all of them (src/core/core.ts). Adapters are created and
// registered by src/cli.ts (or by tests).
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { createCommunity, type CommunityModule } from './community/index.ts';
import type { CommandSpec } from './commands/types.ts';
import type { Feature } from './core/feature.ts';
import { createPracticeBase } from './features/practice-base/index.ts';
import { createCore } from './core/core.ts';
import { createLogger } from './core/logger.ts';
import { createOutboundRouter, type OutboundRouter } from './core/outbound.ts';
import { systemClock, type Clock, type Core } from './core/ports.ts';
import { createEngine } from './engine/engine.ts';
import type { Engine } from './engine/types.ts';
import { defaultKnowledgeDir, loadPracticeBase } from './knowledge/load.ts';
import type { PracticeBase } from './knowledge/schema.ts';
import type { CachedLoadResult } from './cache/cached-load.ts';
import { interpretWith, loadLexiconSnapshot } from './cache/lexicon.ts';
import { loadLexicon, type Interpretation, type Lexicon } from './engine/interpret/index.ts';
import { createLiveKnowledge, type EngineBuilder, type LiveKnowledge } from './knowledge/live.ts';
import { createKnowledgeAdmin } from './commands/knowledge-admin.ts';
import type { Store } from './store/store.ts';
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
    build: opts.buildEngine ?? ((base, root) => createEngine(base, { interpret: createInterpretFromDisk(root, base) })),
    ...(opts.reloadDebounceMs !== undefined ? { debounceMs: opts.reloadDebounceMs } : {}),
  });
  const engine = knowledge.engine;
  const router = createOutboundRouter();
  const community = createCommunity({ config, clock, engine, outbound: router, log, seedsDir: opts.seedsDir, instanceLease: opts.instanceLease });
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
  const meetingsCommand = community.features.flatMap((f) => f.commands ?? []).find((c) => c.name === 'meetings');
  const practiceBase = createPracticeBase({
    engine: deps.engine,
    feedback: community.feedback,
    publicAnswers: config.publicAnswers !== false,
    commands: (): CommandSpec[] => all.flatMap((f) => f.commands ?? []),
    // "When is the next meeting?": the calendar first (the chat may see meetings: checked by the caller).
    ...(meetingsCommand
      ? {
          upcomingMeetings: async (ctx) => {
            const out = await meetingsCommand.run({ ...ctx, command: meetingsCommand.name, args: '' });
            return Array.isArray(out) ? out : [out];
          },
        }
      : {}),
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
