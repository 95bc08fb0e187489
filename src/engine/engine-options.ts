// The options of an engine (src/engine/engine.ts createEngine): thresholds and ranking knobs, the
// interpreter of the members' languages, and the parts of a build kept between starts by the engine's
// snapshot (src/cache/engine.ts). Each kept part is a holder: read when its value is set (it must be
// this base's: the snapshot is keyed by the knowledge files and the engine's code), else built and
// stored there, so that the snapshot can keep it.
import type { SynonymTable } from './analyze.ts';
import type { Bm25Data } from './bm25-types.ts';
import type { FieldTermsMemo } from './field-terms-memo.ts';
import type { OwnTermsData } from './links.ts';
import type { Interpretation } from './types.ts';

export interface EngineOptions {
  /** Score threshold override (0..1), mainly for experiments. */
  threshold?: number;
  /** Lower threshold for hits that match at least two query words (0..1). */
  coveredThreshold?: number;
  /** Threshold for a hit that matches one word of a question of several (0..1). */
  oneWordThreshold?: number;
  /** Postings read per query term at most (see Bm25Index). */
  championCap?: number;
  /** How much a query word the base has never seen counts against the score (see Bm25Index). */
  unknownWeight?: number;
  /** How many recent searches are kept for repeated questions and "more" pages (0: none). */
  resultCache?: number;
  /** Reads a message: its language, an English query, small talk (default: English only, see
   *  src/engine/small-talk.ts; the app wires in the multilingual interpreter). */
  interpret?: (text: string) => Interpretation;
  /** Analysed index field texts kept between starts (src/cache/engine.ts); read and filled while building. */
  fieldTerms?: FieldTermsMemo;
  /** The base's spelling vocabulary kept between starts (src/cache/engine.ts): read when `words` is set
   *  (it must be this base's: spellingVocabulary in query.ts), else built and stored there. */
  vocabulary?: { words?: Map<string, number> };
  /** Each entry's own terms kept between starts (src/cache/engine.ts): read when `data` is set (it must
   *  be this base's: ownTermsData in links.ts), else built and stored there. */
  ownTerms?: { data?: OwnTermsData };
  /** The base's synonym table (buildSynonymTable in analyze.ts). */
  synonyms?: { table?: SynonymTable };
  /** The built index (Bm25Index.data()); used only when built with the same champion cap. With
   *  `ownTerms.data` also set, no field text of the base is analysed at all. */
  index?: { data?: Bm25Data };
  /** The everyday words that are the base's own (curatedCommonWords in query.ts); when the holder is
   *  given, computed during the build rather than on the first question that needs them. */
  curated?: { words?: ReadonlySet<string> };
  /** The names the base knows as names (baseNameWords in query.ts). */
  names?: { words?: ReadonlySet<string> };
}
