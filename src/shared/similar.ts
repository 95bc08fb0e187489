// Near-duplicate detection for agenda suggestions (and grouping of unanswered questions).
//
// Two steps: a normal form (case, accents, punctuation, a few English stop words and plural -s
// removed) compared for equality, then fuse.js over the normal forms of the meeting's existing
// suggestions. fuse's Bitap score is one-sided (a short text found inside a long one scores
// well), so a candidate is confirmed by scoring the other way round too and keeping the worse of
// the two; and two texts that mention different numbers ("item 3" vs "item 4") are never merged.
import Fuse from 'fuse.js';

const STOP = new Set(
  'a an the of at on in to for and or with about from by via into our their its is are be this that these those how what'.split(' '),
);

/** Normal form used for equality and fuzzy comparison. Falls back to the lower-cased text when
 *  nothing is left (a text of only stop words or symbols). */
export function normalise(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((w) => w && !STOP.has(w))
    .map((w) => (w.length > 3 && /[^s]s$/.test(w) ? w.slice(0, -1) : w));
  return words.length ? words.join(' ') : text.trim().toLowerCase().replace(/\s+/g, ' ');
}

const numbersOf = (norm: string) => (norm.match(/\p{N}+/gu) ?? []).sort().join(' ');

const FUSE_OPTIONS = { includeScore: true, ignoreLocation: true, ignoreDiacritics: true, threshold: 0.5 } as const;

/** Worse of the two directions' Bitap scores (0 = identical, 1 = unrelated). */
function symmetricScore(a: string, b: string): number {
  const ab = new Fuse([b], FUSE_OPTIONS).search(a)[0]?.score ?? 1;
  const ba = new Fuse([a], FUSE_OPTIONS).search(b)[0]?.score ?? 1;
  return Math.max(ab, ba);
}

/** Accept as the same suggestion at or below this score; stricter for short texts, where one
 *  changed letter is a different word (encryption / decryption). */
const thresholdFor = (norm: string) => (norm.length < 20 ? 0.12 : 0.3);

/** The closest existing item that counts as the same suggestion, if any. */
export function findSimilar<T extends { norm: string }>(norm: string, existing: readonly T[]): T | undefined {
  const equal = existing.find((e) => e.norm === norm);
  if (equal) return equal;
  if (existing.length === 0) return undefined;
  const fuse = new Fuse(existing as T[], { ...FUSE_OPTIONS, keys: ['norm'] });
  let best: { item: T; score: number } | undefined;
  for (const r of fuse.search(norm).slice(0, 5)) {
    if (numbersOf(r.item.norm) !== numbersOf(norm)) continue;
    const score = symmetricScore(norm, r.item.norm);
    const limit = Math.min(thresholdFor(norm), thresholdFor(r.item.norm));
    if (score <= limit && (!best || score < best.score)) best = { item: r.item, score };
  }
  return best?.item;
}
