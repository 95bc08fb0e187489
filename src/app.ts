// Builds the platform-neutral application, in one readable place: the engine (src/app-engine.ts),
// the store-backed features (createFeatures below: the database, access and feedback of
// src/app-early.ts, then the meetings, reminders, agenda, follow-ups and digest of src/app-late.ts,
// wired through their ports over one database and one wake loop), the practice base, and the
// dispatcher over all of them (src/app-dispatcher.ts, src/core/core.ts). Adapters are created and
// registered by src/cli.ts (or by tests). The console starts in stages instead (src/app-console.ts).
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Feature } from './core/feature.ts';
import { createLogger } from './core/logger.ts';
import { createOutboundRouter, type OutboundRouter } from './core/outbound.ts';
import { systemClock, type Clock, type Core } from './core/ports.ts';
import type { Engine } from './engine/types.ts';
import type { LiveKnowledge } from './knowledge/live.ts';
import type { Store } from './store/store.ts';
import { createKnowledgeAdmin } from './commands/knowledge-admin.ts';
import { createNightlyBackup } from './ops/backup.ts';
import { createAppKnowledge, type KnowledgeOptions } from './app-engine.ts';
import { createEarlyParts, type FeaturesDeps } from './app-early.ts';
import { createLateParts, type AppParts, type CommunityModule } from './app-late.ts';
import { createDispatcher } from './app-dispatcher.ts';

export { createEngineFromDisk, createInterpretFromDisk, loadLexiconCached } from './app-engine.ts';
export { createDispatcher } from './app-dispatcher.ts';
export type { FeaturesDeps } from './app-early.ts';
export type { AppParts, CommunityModule } from './app-late.ts';

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

export interface AppOptions extends KnowledgeOptions {
  clock?: Clock;
  log?: Logger;
  seedsDir?: string;
  /** Take the database's instance lease (the bot and the console chat; not one-shot commands).
   *  `onLost` is called once if another process takes the lease over while this one runs. */
  instanceLease?: boolean | { onLost?: (holder: string) => void };
  /** Watch the knowledge folder from start() and reload on changes (default true; /reload works either way). */
  watchKnowledge?: boolean;
}

export function createApp(config: Config, opts: AppOptions = {}): App {
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  // Live reload (issue 13): one engine object that answers from the base currently in service.
  const knowledge = createAppKnowledge(config, opts, log, clock);
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

/** Opens the store and wires the store-backed features through their ports. */
export function createFeatures(deps: FeaturesDeps): AppParts {
  return createLateParts(createEarlyParts(deps), deps);
}
