// Builds the platform-neutral application: practice base, engine, community (store, scheduler),
// outbound router and core. Adapters are created and registered by src/cli.ts (or by tests).
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { createCommunity } from './community/index.ts';
import type { Community } from './community/types.ts';
import { createCore } from './core/core.ts';
import { createLogger } from './core/logger.ts';
import { createOutboundRouter, type OutboundRouter } from './core/outbound.ts';
import { systemClock, type Clock, type Core } from './core/ports.ts';
import { createEngine } from './engine/engine.ts';
import type { Engine } from './engine/types.ts';
import { defaultKnowledgeDir, loadPracticeBase } from './knowledge/load.ts';
import type { PracticeBase } from './knowledge/schema.ts';
import { createInterpreter, loadLexicon } from './engine/interpret/index.ts';
import type { Store } from './store/store.ts';
import { createNightlyBackup } from './ops/backup.ts';

export interface App {
  core: Core;
  router: OutboundRouter;
  engine: Engine;
  community: Community;
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
}

/** The practice base and engine alone (no database): what `practice-bot ask` needs. Questions in
 *  the members' languages go through the interpreter (src/engine/interpret/, knowledge/lexicon/);
 *  its statistical language detector is loaded on demand (preloadEld). The lexicon is validated in
 *  full here (from its snapshot when unchanged); each language's matcher and the English word list
 *  are prepared on the first question that needs them (docs/languages.md, Start-up). */
export function createEngineFromDisk(knowledgeDir?: string): Engine {
  const dir = knowledgeDir ?? defaultKnowledgeDir();
  const base = loadPracticeBase(dir);
  const interpreter = createInterpreter(loadLexicon(dir), { vocabulary: baseVocabulary(base) });
  return createEngine(base, { interpret: (text) => interpreter.interpret(text) });
}

/** The words the English engine knows: entry titles, texts and keywords, theme labels and terms. */
function* baseVocabulary(base: PracticeBase): Iterable<string> {
  for (const e of base.entries) {
    yield e.title;
    yield e.text;
    yield* e.keywords;
  }
  for (const t of base.themes) {
    yield t.label;
    yield* t.terms;
  }
  for (const s of base.synonyms) {
    yield s.canonical;
    yield* s.terms;
  }
}

export function createApp(config: Config, opts: AppOptions = {}): App {
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const engine = createEngineFromDisk(opts.knowledgeDir ?? config.knowledgeDir);
  const router = createOutboundRouter();
  const community = createCommunity({ config, clock, engine, outbound: router, log, seedsDir: opts.seedsDir, instanceLease: opts.instanceLease });
  const core = createCore({ config, clock, engine, outbound: router, log, community });
  let stopped: Promise<void> | undefined;
  // ops (issue 16): nightly online backups at 03:00 server time when BACKUP_DIR is set.
  const nightly = config.backupDir
    ? createNightlyBackup({ db: () => community.store.db, dbPath: config.databasePath, dir: config.backupDir, keep: config.backupKeep ?? 7, clock, log })
    : undefined;
  return {
    core,
    router,
    engine,
    community,
    store: community.store,
    log,
    start: () => {
      community.start();
      nightly?.start();
    },
    stop: () => (stopped ??= (nightly?.stop() ?? Promise.resolve()).then(() => community.stop())),
  };
}
