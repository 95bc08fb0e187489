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
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedLoad, filesUnder, type CachedLoadResult } from './cache/cached-load.ts';
import { createInterpreter, loadLexicon, type Interpretation, type Lexicon } from './engine/interpret/index.ts';
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
  const lexicon = cacheDir === undefined ? loadLexicon(dir) : loadLexiconCached(dir, cacheDir).value;
  const interpreter = createInterpreter(lexicon, { vocabulary: baseVocabulary(base) });
  return (text) => interpreter.interpret(text);
}

const LEXICON_CODE = fileURLToPath(new URL(`./engine/interpret/lexicon${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/**
 * loadLexicon(dir) through the snapshot cache (src/cache/): parsing the YAML and validating ~20,000
 * terms costs about 0.6 s, reading the snapshot about 20 ms. The key covers every file under
 * `<dir>/lexicon/` and the loader's code, so any change parses and validates everything again. A
 * lexicon with problems throws LexiconError and is never written, so its problems are reported at
 * every start; a missing or corrupt snapshot is rebuilt.
 */
export function loadLexiconCached(dir: string, cacheDir: string | undefined): CachedLoadResult<Lexicon> {
  const root = path.resolve(dir);
  return cachedLoad<Lexicon>({
    dir: cacheDir,
    name: 'lexicon',
    root,
    files: filesUnder(path.join(root, 'lexicon'), ['.yaml', '.yml']),
    code: [LEXICON_CODE],
    build: () => loadLexicon(root),
    encode: (l) => ({ concepts: l.concepts, languages: l.languages.map((x) => ({ language: x.language, name: x.name, terms: [...x.terms] })) }),
    decode: (j) => {
      const o = j as { concepts?: unknown; languages?: unknown };
      if (!Array.isArray(o.concepts) || !Array.isArray(o.languages)) throw new Error('not a lexicon');
      const languages = (o.languages as { language: Lexicon['languages'][number]['language']; name: string; terms: [string, string[]][] }[]).map((x) => ({
        language: x.language,
        name: x.name,
        terms: new Map(x.terms),
      }));
      return { concepts: o.concepts as Lexicon['concepts'], languages };
    },
  });
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
  const core = admin.wrapCore(createCore({ config, clock, engine, outbound: router, log, community, commands: admin.commands }));
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
