// The engine built over a practice base, with its index's text analysis (the costliest part of building it)
// read from a snapshot when neither the knowledge files (synonyms) nor the engine's code changed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, type EngineOptions, type PracticeEngine } from '../engine/engine.ts';
import type { PracticeBase } from '../knowledge/schema.ts';
import { cachedLoad, filesUnder, type CacheOutcome } from './cached-load.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXT = path.extname(fileURLToPath(import.meta.url));

/** The engine's own code (every module under engine/, as .ts from the sources or .js from dist/). */
function engineCode(): string[] {
  return filesUnder(path.join(here, '../engine'), [EXT]);
}

/** createEngine(base), with the analysed field texts from `cacheDir` when `knowledgeDir` and the engine are unchanged.
 *  `base` must be the base loaded from `knowledgeDir`. */
export function createEngineCached(
  base: PracticeBase,
  knowledgeDir: string,
  cacheDir: string | undefined,
  options: EngineOptions = {},
): { engine: PracticeEngine; outcome: CacheOutcome } {
  const root = path.resolve(knowledgeDir);
  let engine: PracticeEngine | undefined;
  const r = cachedLoad<Map<string, string[]>>({
    dir: cacheDir,
    name: 'field-terms',
    root,
    files: filesUnder(root, ['.yaml', '.yml']),
    code: engineCode(),
    build: () => {
      const memo = new Map<string, string[]>();
      engine = createEngine(base, { ...options, fieldTerms: memo });
      return memo;
    },
    encode: (m) => [...m],
    decode: (j) => {
      if (!Array.isArray(j)) throw new Error('not a list of field texts');
      return new Map(j as [string, string[]][]);
    },
  });
  return { engine: engine ?? createEngine(base, { ...options, fieldTerms: r.value }), outcome: r.outcome };
}
