// The engine built over a practice base, with what its build computes (the synonym table, the index
// over the analysed field texts, each entry's own terms, the spelling vocabulary, the everyday words the
// base curates, the names it knows) read from a snapshot when neither the knowledge files nor the engine's code changed: a
// warm start analyses no text and builds no index (issue 16). The body's encoding: engine-codec.ts.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SynonymTable } from '../engine/analyze.ts';
import type { Bm25Data } from '../engine/bm25-types.ts';
import { createEngine, type EngineOptions, type PracticeEngine } from '../engine/engine.ts';
import type { FieldTermsMemo } from '../engine/field-terms-memo.ts';
import { indexFieldTexts } from '../engine/fields.ts';
import type { OwnTermsData } from '../engine/links.ts';
import type { PracticeBase } from '../knowledge/schema.ts';
import { cachedLoad, filesUnder, type CacheOutcome } from './cached-load.ts';
import { Packer, Unpacker, checkBelow, checkStarts, decodeIndex, decodeOwnTerms, decodeTable, decodeVocabulary, encodeIndex, encodeOwnTerms, encodeTable, encodeVocabulary, listOf, wordsOf } from './engine-codec.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXT = path.extname(fileURLToPath(import.meta.url));

/** The engine's own code (every module under engine/, as .ts from the sources or .js from dist/), and
 *  the code that writes and reads the snapshot. */
function engineCode(): string[] {
  return [...filesUnder(path.join(here, '../engine'), [EXT]), path.join(here, `engine${EXT}`), path.join(here, `engine-codec${EXT}`)];
}

/** Bumped with the body's layout; the byte order of the typed arrays goes into the key too. */
const VERSION = `engine snapshot 4, binary (index, synonym table, own terms, vocabulary, curated words, base names, field terms), ${os.endianness()}`;

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

/** What the snapshot keeps: the parts of a build (EngineOptions' holders), and the analysed field texts,
 *  which only a live reload's memo needs (decoded then, for the base's texts). */
interface EngineSnapshot {
  fieldTerms: Map<string, string[]> | ((texts: readonly string[]) => Map<string, string[]> | undefined);
  vocabulary: { words?: Map<string, number> };
  ownTerms: { data?: OwnTermsData };
  index: { data?: Bm25Data };
  synonyms: { table?: SynonymTable };
  curated: { words?: ReadonlySet<string> };
  names: { words?: ReadonlySet<string> };
}

/** The analysed field texts, in the order the build analysed them (the order of indexFieldTexts), as ids
 *  of index terms (every term of a field text is one): not the texts, which the base holds. */
function encodeFieldTerms(fieldTerms: Map<string, string[]>, terms: readonly string[], p: Packer): unknown {
  const termId = new Map<string, number>();
  terms.forEach((t, i) => termId.set(t, i));
  const start = new Int32Array(fieldTerms.size + 1);
  const ids: number[] = [];
  let k = 0;
  for (const list of fieldTerms.values()) {
    for (const t of list) {
      const id = termId.get(t);
      if (id === undefined) return null; // not an index term: the texts are not kept (a reload analyses them)
      ids.push(id);
    }
    start[++k] = ids.length;
  }
  return { start: p.int32(start), ids: p.int32(Int32Array.from(ids)) };
}

function encodeSnapshot(s: EngineSnapshot): Buffer {
  const { fieldTerms, vocabulary, ownTerms, index, synonyms, curated, names } = s;
  if (!(fieldTerms instanceof Map) || !vocabulary.words || !ownTerms.data || !index.data || !synonyms.table || !curated.words || !names.words) throw new Error('engine not built');
  const p = new Packer();
  return p.body({
    index: encodeIndex(index.data, p),
    ownTerms: encodeOwnTerms(ownTerms.data, p),
    vocabulary: encodeVocabulary(vocabulary.words, p),
    table: encodeTable(synonyms.table),
    curated: wordsOf([...curated.words]),
    names: wordsOf([...names.words]),
    fieldTerms: encodeFieldTerms(fieldTerms, index.data.terms, p),
  });
}

/** The snapshot's parts; throws on anything malformed. The field texts' terms are decoded only when
 *  asked for, for the texts of the base (undefined when they are not the texts the snapshot has). */
function decodeSnapshot(body: unknown): EngineSnapshot {
  if (!Buffer.isBuffer(body)) throw new Error('not an engine snapshot');
  const u = new Unpacker(body);
  const o = u.head;
  const index = decodeIndex(o.index, u);
  const kept = o.fieldTerms as { start?: unknown; ids?: unknown } | null;
  const fieldStart = kept === null ? undefined : u.int32(kept?.start, 'field texts');
  const fieldIds = kept === null ? undefined : u.int32(kept?.ids, 'field texts');
  return {
    fieldTerms: (texts) => {
      if (!fieldStart || !fieldIds || fieldStart.length !== texts.length + 1) return undefined;
      checkStarts(fieldStart, texts.length, fieldIds.length, 'field texts');
      checkBelow(fieldIds, index.terms.length, 'field texts');
      const out = new Map<string, string[]>();
      texts.forEach((text, i) => out.set(text, Array.from(fieldIds.subarray(fieldStart[i], fieldStart[i + 1]), (id) => index.terms[id]!)));
      return out;
    },
    index: { data: index },
    ownTerms: { data: decodeOwnTerms(o.ownTerms, u) },
    vocabulary: { words: decodeVocabulary(o.vocabulary, u) },
    synonyms: { table: decodeTable(o.table) },
    curated: { words: new Set(listOf(o.curated, 'curated words')) },
    names: { words: new Set(listOf(o.names, 'names')) },
  };
}

/** createEngine(base), with the parts of its build from `cacheDir` when `knowledgeDir` and the engine are
 *  unchanged. `base` must be the base loaded from `knowledgeDir`. options.fieldTerms (a live reload's
 *  memo) gets every field text of the base (from the snapshot, or as analysed) and is read before the
 *  snapshot's; options.vocabulary, ownTerms, index, synonyms, curated and names are not used (the snapshot's,
 *  or new ones, are this base's). */
export function createEngineCached(
  base: PracticeBase,
  knowledgeDir: string,
  cacheDir: string | undefined,
  options: EngineOptions = {},
): { engine: PracticeEngine; outcome: CacheOutcome } {
  const root = path.resolve(knowledgeDir);
  const handed = options.fieldTerms;
  let engine: PracticeEngine | undefined;
  const withParts = (s: EngineSnapshot, fieldTerms: FieldTermsMemo): PracticeEngine =>
    createEngine(base, { ...options, fieldTerms, vocabulary: s.vocabulary, ownTerms: s.ownTerms, index: s.index, synonyms: s.synonyms, curated: s.curated, names: s.names });
  const r = cachedLoad<EngineSnapshot>({
    dir: cacheDir,
    name: 'field-terms',
    root,
    files: filesUnder(root, ['.yaml', '.yml']),
    code: engineCode(),
    version: VERSION,
    build: () => {
      const fieldTerms = new Map<string, string[]>();
      const snap: EngineSnapshot = { fieldTerms, vocabulary: {}, ownTerms: {}, index: {}, synonyms: {}, curated: {}, names: {} };
      engine = withParts(snap, both(fieldTerms, handed));
      return snap;
    },
    raw: true,
    encode: encodeSnapshot,
    decode: decodeSnapshot,
  });
  if (engine) return { engine, outcome: r.outcome };
  // from the snapshot: a live reload's memo gets the base's analysed texts, as a build would give it
  const { fieldTerms } = r.value;
  let kept = fieldTerms instanceof Map ? fieldTerms : undefined;
  if (handed && !kept && typeof fieldTerms === 'function') {
    try {
      kept = fieldTerms([...new Set(indexFieldTexts(base).flat())]);
    } catch {
      kept = undefined; // not filled: the next reload analyses the texts
    }
  }
  const memo = both(kept ?? new Map<string, string[]>(), handed);
  if (handed && kept) for (const text of [...kept.keys()]) memo.get(text);
  return { engine: withParts(r.value, memo), outcome: r.outcome };
}
