// The practice base and its engine, as the application builds them (src/app.ts and the console's
// staged start, src/app-console.ts): kept apart from the features so that a start can build the
// engine without importing every feature's code.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Clock } from './core/ports.ts';
import { createEngine, createEngineInSteps } from './engine/engine.ts';
import type { Engine } from './engine/types.ts';
import { defaultKnowledgeDir, loadPracticeBase } from './knowledge/load.ts';
import type { PracticeBase } from './knowledge/schema.ts';
import type { CachedLoadResult } from './cache/cached-load.ts';
import { interpretWith, loadLexiconSnapshot } from './cache/lexicon.ts';
import { loadLexicon, type Interpretation, type Lexicon } from './engine/interpret/index.ts';
import { createLiveKnowledge, type EngineBuilder, type LiveKnowledge, type SteppedEngineBuilder } from './knowledge/live.ts';

/** How the application builds and reloads the practice base's engine (part of AppOptions, src/app.ts). */
export interface KnowledgeOptions {
  knowledgeDir?: string;
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
 *  the lexicon from its snapshot in `cacheDir` when given (loadLexiconCached); `vocabulary`, the base's
 *  words when the caller has them from their snapshot (baseWordsCached, src/cache/lexicon.ts). */
export function createInterpretFromDisk(dir: string, base: PracticeBase, cacheDir?: string, vocabulary?: Iterable<string>): (text: string) => Interpretation {
  return interpretWith(cacheDir === undefined ? loadLexicon(dir) : loadLexiconCached(dir, cacheDir).value, base, vocabulary);
}

/** loadLexicon(dir) through the snapshot cache (src/cache/lexicon.ts). */
export function loadLexiconCached(dir: string, cacheDir: string | undefined): CachedLoadResult<Lexicon> {
  return loadLexiconSnapshot(dir, cacheDir, loadLexicon);
}

/** Live reload (issue 13): one engine object that answers from the base currently in service. */
export function createAppKnowledge(config: Pick<Config, 'knowledgeDir'>, opts: KnowledgeOptions, log: Logger, clock: Clock): LiveKnowledge {
  return createLiveKnowledge({
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
}
