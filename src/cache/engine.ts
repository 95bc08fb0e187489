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

/** What the snapshot keeps: the analysed field texts, and the base's spelling vocabulary (query.ts). */
interface EngineSnapshot {
  fieldTerms: Map<string, string[]>;
  vocabulary: { words?: Map<string, number> };
}

function decodeSnapshot(j: unknown): EngineSnapshot {
  if (typeof j !== 'object' || j === null) throw new Error('not an engine snapshot');
  const { fieldTerms, vocabulary } = j as { fieldTerms?: unknown; vocabulary?: unknown };
  if (!Array.isArray(fieldTerms)) throw new Error('not a list of field texts');
  if (!Array.isArray(vocabulary)) throw new Error('not a spelling vocabulary');
  return {
    fieldTerms: new Map(fieldTerms as [string, string[]][]),
    vocabulary: { words: new Map(vocabulary as [string, number][]) },
  };
}

/** createEngine(base), with the analysed field texts and the spelling vocabulary from `cacheDir` when
 *  `knowledgeDir` and the engine are unchanged. `base` must be the base loaded from `knowledgeDir`.
 *  options.fieldTerms (a live reload's memo) is read before the snapshot and filled too;
 *  options.vocabulary is not used (the snapshot's, or a new one, is this base's). */
export function createEngineCached(
  base: PracticeBase,
  knowledgeDir: string,
  cacheDir: string | undefined,
  options: EngineOptions = {},
): { engine: PracticeEngine; outcome: CacheOutcome } {
  const root = path.resolve(knowledgeDir);
  let engine: PracticeEngine | undefined;
  const r = cachedLoad<EngineSnapshot>({
    dir: cacheDir,
    name: 'field-terms',
    root,
    files: filesUnder(root, ['.yaml', '.yml']),
    code: engineCode(),
    version: 'field terms and spelling vocabulary',
    build: () => {
      const snap: EngineSnapshot = { fieldTerms: new Map(), vocabulary: {} };
      engine = createEngine(base, { ...options, fieldTerms: both(snap.fieldTerms, options.fieldTerms), vocabulary: snap.vocabulary });
      return snap;
    },
    encode: (s) => ({ fieldTerms: [...s.fieldTerms], vocabulary: [...(s.vocabulary.words ?? [])] }),
    decode: decodeSnapshot,
  });
  return {
    engine: engine ?? createEngine(base, { ...options, fieldTerms: both(r.value.fieldTerms, options.fieldTerms), vocabulary: r.value.vocabulary }),
    outcome: r.outcome,
  };
}
