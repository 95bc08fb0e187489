// The engine's tuning: score thresholds, the weight of words the base or the lexicon does not know, and
// the weights of curated links and folding. Read by the search (src/engine/engine.ts); the figures in
// test/recall.test.ts and test/answers.test.ts are measured with these values.
import type { Interpretation } from './types.ts';

/**
 * Normalised score (share of the query's maximum achievable BM25F score) below which a hit is
 * noise. A query word the base has never seen counts as a word worth an unseen term, so a query
 * that is mostly off-topic ("recipe for banana bread") stays below it even when one word matches.
 */
export const SCORE_THRESHOLD = 0.35;
/**
 * A hit that matches at least two different words of the question is accepted from this lower
 * score: two words agreeing is evidence an isolated match ("stock market today" -> "market") is not.
 */
export const COVERED_THRESHOLD = 0.25;

/** A hit that matches a single word of a question of several words needs this score: sharing one
 *  word with the base ("Sofia weather", "grooming my dog") is not an answer. */
export const ONE_WORD_THRESHOLD = 0.5;

/** A question of more than this many words (context words count by their weight) gets a lower bar
 *  for hits that match two or more of its words, in proportion ... */
export const LONG_WORDS = 6;
/** ... down to this share of COVERED_THRESHOLD. */
export const LONG_FLOOR = 0.4;

/** A query word the base has never seen counts as this share of an unseen term's best score. */
export const UNKNOWN_WEIGHT = 1;
/** ... when it is a name, a place or a word no English dictionary has ("Rashad", "Baku"). */
export const NAME_WEIGHT = 0.2;


/** A content word of a question in another language that the interpreter did not understand counts
 *  against the score as this share of a word the base has never seen: "comment installer WhatsApp sur
 *  mon nouveau téléphone" is read as "WhatsApp" plus two words not understood, not as "WhatsApp"
 *  alone. A quarter of what an English word the base lacks counts (UNKNOWN_WEIGHT): the lexicon lists
 *  the domain's words, not every everyday verb or adjective ("large", "permanent"), so a word it does
 *  not know says less than an English word the base does not use. */
export const UNMAPPED_WEIGHT = 0.25;
/** A hit matching one concept of a question in another language of which this many words were not
 *  understood is not an answer: one concept cannot stand for the question. */
export const ONE_CONCEPT_UNMAPPED = 3;
/** Most words not understood that are counted (a long message's context should not sink it). */
export const MAX_UNMAPPED = 6;

/** How many content words of an interpreted message were not understood: the interpreter's count
 *  when it gives one, else estimated from its coverage and the concepts it understood. */
export function unmappedWords(read: Interpretation): number {
  if (read.language === 'en' && read.understood.length === 0) return 0;
  if (typeof read.unmapped === 'number' && Number.isFinite(read.unmapped)) return Math.max(0, Math.min(MAX_UNMAPPED, read.unmapped));
  const c = read.coverage;
  if (!(c > 0) || c >= 1) return 0;
  const known = Math.max(1, read.understood.length);
  return Math.min(MAX_UNMAPPED, Math.round((known * (1 - c)) / c));
}

/** A challenge's addressing entries (`addressed_by`) enter a solutions answer at this share of the
 *  challenge's score (when they do not match better on their own). */
export const LINK_WEIGHT = 0.9;
/** ... when the question is clearly about that challenge (its relevance at least this). */
export const ANCHOR_MIN = 0.7;
/** Each later place in a challenge's `addressed_by` list (curated best first) costs this share. */
export const LINK_RANK_STEP = 0.03;
/** Each further matched challenge an entry addresses adds this share of what that link brings. */
export const LINK_SUPPORT = 0.1;
/** An addressing entry's own relevance to the question adds this share of it. */
export const LINK_OWN_SHARE = 0.2;
/** The nearest practices shown after "recorded as a challenge" must score at least this. */
export const NEAREST_FLOOR = 0.12;
/** Two hits of the same kind from different documents whose title and text share this share of their
 *  words (Jaccard) are one point recorded twice: shown once, with both sources. */
export const FOLD_SIMILARITY = 0.5;
