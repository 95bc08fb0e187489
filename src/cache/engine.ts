// The engine built over a practice base, with its index's text analysis (the costliest part of building it)
// read from a snapshot when neither the knowledge files (synonyms) nor the engine's code changed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, type EngineOptions, type PracticeEngine } from '../engine/engine.ts';
import type { FieldTermsMemo } from '../engine/field-terms-memo.ts';
import type { OwnTermsData } from '../engine/links.ts';
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

/** What the snapshot keeps: the analysed field texts, the base's spelling vocabulary (query.ts) and each
 *  entry's own terms (links.ts). */
interface EngineSnapshot {
  fieldTerms: Map<string, string[]>;
  vocabulary: { words?: Map<string, number> };
  ownTerms: { data?: OwnTermsData };
}

const isNumbers = (a: unknown): a is number[] => Array.isArray(a) && a.every((n) => Number.isInteger(n));

function decodeSnapshot(j: unknown): EngineSnapshot {
  if (typeof j !== 'object' || j === null) throw new Error('not an engine snapshot');
  const { fieldTerms, vocabulary, ownTerms } = j as { fieldTerms?: unknown; vocabulary?: unknown; ownTerms?: { terms?: unknown; start?: unknown; ids?: unknown } };
  if (!Array.isArray(fieldTerms)) throw new Error('not a list of field texts');
  if (!Array.isArray(vocabulary)) throw new Error('not a spelling vocabulary');
  if (!ownTerms || !Array.isArray(ownTerms.terms) || !isNumbers(ownTerms.start) || !isNumbers(ownTerms.ids)) throw new Error('not own terms');
  return {
    fieldTerms: new Map(fieldTerms as [string, string[]][]),
    vocabulary: { words: new Map(vocabulary as [string, number][]) },
    ownTerms: { data: { terms: ownTerms.terms as string[], start: Int32Array.from(ownTerms.start), ids: Int32Array.from(ownTerms.ids) } },
  };
}

/** createEngine(base), with the analysed field texts and the spelling vocabulary from `cacheDir` when
 *  `knowledgeDir` and the engine are unchanged. `base` must be the base loaded from `knowledgeDir`.
 *  options.fieldTerms (a live reload's memo) is read before the snapshot and filled too;
 *  options.vocabulary and options.ownTerms are not used (the snapshot's, or new ones, are this base's). */
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
    version: 'field terms, spelling vocabulary, own terms',
    build: () => {
      const snap: EngineSnapshot = { fieldTerms: new Map(), vocabulary: {}, ownTerms: {} };
      engine = createEngine(base, { ...options, fieldTerms: both(snap.fieldTerms, options.fieldTerms), vocabulary: snap.vocabulary, ownTerms: snap.ownTerms });
      return snap;
    },
    encode: (s) => {
      const own = s.ownTerms.data;
      return {
        fieldTerms: [...s.fieldTerms],
        vocabulary: [...(s.vocabulary.words ?? [])],
        ownTerms: own ? { terms: own.terms, start: [...own.start], ids: [...own.ids] } : undefined,
      };
    },
    decode: decodeSnapshot,
  });
  return {
    engine:
      engine ??
      createEngine(base, { ...options, fieldTerms: both(r.value.fieldTerms, options.fieldTerms), vocabulary: r.value.vocabulary, ownTerms: r.value.ownTerms }),
    outcome: r.outcome,
  };
}
