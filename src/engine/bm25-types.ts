// The shapes a query and a ranking take in the BM25F index (src/engine/bm25.ts): fields, query slots
// and their alternatives, ranking options and results.

export interface FieldSpec {
  name: string;
  boost: number;
  /** BM25 length normalisation for this field (0 = none, 1 = full). */
  b: number;
}

export interface SlotAlt {
  term: string;
  weight: number;
}

export interface QuerySlot {
  alts: SlotAlt[];
  /** Slot weight (an acronym expanded to k words gives k slots of weight 1/k). */
  weight: number;
  /** The word itself is not in the index (its alternatives are guesses): normalise as for an unseen word. */
  unseen?: boolean;
  /** How many query words the slot stands for when counting the words a document matches (default:
   *  `weight`; a context word weighs less but is still one word). */
  words?: number;
  /** How much this word counts against the score when the base has never seen it (default: the
   *  index's `unknownWeight`): less for a name or a place than for an English word the base lacks. */
  unknownWeight?: number;
  /** An everyday English word the base's curated vocabulary does not hold ("new", "open", "first"):
   *  scored as any word, but no evidence on its own that a hit is on topic (see the engine). */
  everyday?: boolean;
  /** A name typed with a capital inside a sentence ("Bangkok", "Europol", "WhatsApp"; not "OSINT"). */
  name?: boolean;
}

export interface RankOptions {
  /** Return this many best documents (regardless of threshold). */
  topK: number;
  /** Count documents whose normalised score reaches this. */
  countAbove: number;
  /** ... or reaches `score` while matching query words worth at least `words` (two words agreeing). */
  countAboveIfCovered?: { score: number; words: number };
  /** Document filter. */
  accept?: (doc: number) => boolean;
}

export interface Ranked {
  /** Best first; `matched` is the weight of the query words the document matches (1 per word). */
  docs: { doc: number; score: number; matched: number }[];
  total: number;
  /** The normalising denominator (0 when the query has no slots). */
  maxAchievable: number;
  /** Slots none of whose alternatives occur in the index. */
  unknownSlots: number;
}

export interface Bm25Options {
  k1?: number;
  championCap?: number;
  /** Weight of a query word the base has never seen, relative to an unseen term's idf (0..1). */
  unknownWeight?: number;
  /** Postings one query reads at most, shared among its terms (each term still gets at least 256). */
  queryBudget?: number;
}


/** A built index as plain data (Bm25Index.data() / Bm25Index.fromData): kept in the engine's snapshot
 *  (src/cache/engine.ts), so a warm start does not analyse the base's texts nor build the index again. */
export interface Bm25Data {
  /** The options the postings were built with (a different cap or k1 needs another build). */
  k1: number;
  championCap: number;
  /** Documents. */
  N: number;
  /** Term names by term id. */
  terms: string[];
  /** Per term: document frequency, and the best impact any document has. */
  df: Int32Array<ArrayBuffer>;
  maxImpact: Float32Array<ArrayBuffer>;
  /** Champion postings: term t's at postDoc/postImpact[postStart[t] .. postStart[t + 1]). */
  postStart: Int32Array<ArrayBuffer>;
  postDoc: Int32Array<ArrayBuffer>;
  postImpact: Float32Array<ArrayBuffer>;
  /** Forward index: document d's terms at fwdTerm/fwdImpact[fwdStart[d] .. fwdStart[d + 1]). */
  fwdStart: Int32Array<ArrayBuffer>;
  fwdTerm: Int32Array<ArrayBuffer>;
  fwdImpact: Float32Array<ArrayBuffer>;
  /** Typical best impact relative to idf (for words the base has never seen). */
  satRef: number;
}
