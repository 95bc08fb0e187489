// The costly part of building an engine (src/engine/engine.ts): the synonym table, the index over the
// analysed field texts of every entry, and each entry's own terms; or all of them as kept by the
// engine's snapshot (src/cache/engine.ts, through EngineOptions' holders), without analysing any text.
import type { PracticeBase } from '../knowledge/schema.ts';
import { analyseField as analyseFieldText, buildSynonymTable, type SynonymTable } from './analyze.ts';
import { Bm25Index } from './bm25.ts';
import type { EngineOptions } from './engine-options.ts';
import { FIELDS, indexFieldTexts } from './fields.ts';
import { createOwnTerms, ownTermsData, ownTermsFrom, type OwnTerms } from './links.ts';
import { UNKNOWN_WEIGHT } from './tuning.ts';

export interface BuiltIndex {
  table: SynonymTable;
  index: Bm25Index;
  own: OwnTerms;
  /** A text's index terms (through options.fieldTerms when given). */
  analyseField: (text: string, table: SynonymTable) => string[];
}

/** The synonym table, index and own terms of `base`, yielding between the parts of a build. */
export function* indexSteps(base: PracticeBase, options: EngineOptions): Generator<void, BuiltIndex> {
  const table = options.synonyms?.table ?? buildSynonymTable(base.synonyms);
  if (options.synonyms) options.synonyms.table = table;
  const memo = options.fieldTerms;
  const analyseField = (text: string, t: SynonymTable): string[] => {
    let terms = memo?.get(text);
    if (!terms) {
      terms = analyseFieldText(text, t);
      memo?.set(text, terms);
    }
    return terms;
  };
  const bm25Options = { championCap: options.championCap ?? 2048, unknownWeight: options.unknownWeight ?? UNKNOWN_WEIGHT };
  const N = base.entries.length;

  // kept from an earlier build of this base: nothing to analyse
  const keptIndex = options.index?.data;
  const keptOwn = options.ownTerms?.data;
  if (keptIndex && keptOwn && keptIndex.N === N && keptOwn.start.length === N + 1) {
    const index = Bm25Index.fromData(FIELDS, bm25Options, keptIndex);
    if (index) return { table, index, own: ownTermsFrom(keptOwn), analyseField };
  }

  const fieldCache = new Map<string, string[]>();
  const analyseCached = (text: string): string[] => {
    let terms = fieldCache.get(text);
    if (!terms) {
      terms = analyseField(text, table);
      fieldCache.set(text, terms);
    }
    return terms;
  };
  const index = new Bm25Index(FIELDS, bm25Options);
  // themes, kind and context repeat across entries: analyse each distinct text once
  const docs = indexFieldTexts(base).map((texts) => texts.map((t, f) => (f === 2 || f === 3 ? analyseField(t, table) : analyseCached(t))));
  yield;
  // each entry's own terms (title, themes, text, keywords), see links.ts
  if (options.ownTerms && options.ownTerms.data?.start.length !== docs.length + 1) options.ownTerms.data = ownTermsData(docs);
  const own = options.ownTerms?.data ? ownTermsFrom(options.ownTerms.data) : createOwnTerms(docs);
  yield;
  yield* index.buildSteps(docs);
  fieldCache.clear();
  if (options.index) options.index.data = index.data();
  return { table, index, own, analyseField };
}
