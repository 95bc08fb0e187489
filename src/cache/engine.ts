// The engine built over a practice base, with its index's text analysis (the costliest part of building it)
// read from a snapshot when neither the knowledge files (synonyms) nor the engine's code changed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, type EngineOptions, type PracticeEngine } from '../engine/engine.ts';
import type { FieldTermsMemo } from '../engine/field-terms-memo.ts';
import type { PracticeBase } from '../knowledge/schema.ts';
import { cachedLoad, filesUnder, type CacheOutcome } from './cached-load.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXT = path.extname(fileURLToPath(import.meta.url));

/** The engine's own code (every module under engine/, as .ts from the sources or .js from dist/). */
function engineCode(): string[] {
  return filesUnder(path.join(here, '../engine'), [EXT]);
}

/** The snapshot's memo, and the one handed over by a live reload (options.fieldTerms) kept up to date:
 *  a text is looked up in the handed one first, then in the snapshot's. */
function both(own: Map<string, string[]>, handed: FieldTermsMemo | undefined): FieldTermsMemo {
  if (!handed) return own;
  return {
    get(text) {
      const kept = handed.get(text);
      if (kept !== undefined) {
        own.set(text, kept);
        return kept;
      }
      const terms = own.get(text);
      if (terms !== undefined) handed.set(text, terms);
      return terms;
    },
    set(text, terms) {
      own.set(text, terms);
      handed.set(text, terms);
    },
  };
}

/** createEngine(base), with the analysed field texts from `cacheDir` when `knowledgeDir` and the engine are unchanged.
 *  `base` must be the base loaded from `knowledgeDir`. options.fieldTerms (a live reload's memo) is read
 *  before the snapshot and filled too. */
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
      engine = createEngine(base, { ...options, fieldTerms: both(memo, options.fieldTerms) });
      return memo;
    },
    encode: (m) => [...m],
    decode: (j) => {
      if (!Array.isArray(j)) throw new Error('not a list of field texts');
      return new Map(j as [string, string[]][]);
    },
  });
  return { engine: engine ?? createEngine(base, { ...options, fieldTerms: both(r.value, options.fieldTerms) }), outcome: r.outcome };
}
