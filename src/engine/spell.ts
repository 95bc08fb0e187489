// Spelling correction of single query words against the base's vocabulary. Candidates come from
// a small bucket: the words that share the first two letters and are within reach in length (the
// window). Of those fuse.js would return for the word (its Bitap score under threshold 0.35, its
// ten best, as `new Fuse(window, { threshold: 0.35, ignoreLocation: true }).search(word, { limit: 10 })`
// gives them), an optimal-string-alignment distance check keeps only close ones (1 edit up to 7
// letters, 2 from 8), preferring frequent words. Typos in the first two letters, which the buckets
// cannot see, are found through deletion indexes of the vocabulary (the words with their letter at
// position 0, 1 or 2 left out), which give every known one-edit variant in those letters.
// Results are cached. Words the caller knows (vocabulary, common English) are never passed in,
// so a real word is not turned into another.
//
// First-seen words are cheap (issue 10's latency tail: each unknown word is new the first time):
// - the distance check runs first, straight over the window; when it keeps no word, whatever fuse
//   returns cannot win, so nothing else is computed;
// - fuse.js scores a word against the word asked (Fuse.match, its one-off comparison with the same
//   options), only for the words the distance check kept, plus, when the window has more than ten
//   words, for the others too, to know whether fuse's limit of ten would leave a kept word out;
// - the first-two-letter variants are read from the deletion indexes, not generated and looked up
//   (hundreds of strings per word before).
// The results are the old algorithm's, word for word (fuse.search over the window, variants
// generated): test/spell-equivalence.test.ts compares the two on some 55,000 misspellings.
import { fuseClass } from './fuse-lazy.ts';

/** fuse.js options the scores follow: threshold 0.35, ignoreLocation (the rest fuse's defaults). */
const FUSE_THRESHOLD = 0.35;
/** Results fuse.search kept (limit). */
const FUSE_LIMIT = 10;

const MATCH_OPTIONS = { threshold: FUSE_THRESHOLD, ignoreLocation: true } as const;

/** fuse.js's score of `text` for the query `pattern` (what `new Fuse([text], options).search(pattern)`
 *  ranks by for one-word strings); -1 when fuse finds no match. */
export function fuseScore(pattern: string, text: string): number {
  const r = fuseClass().match(pattern, text, MATCH_OPTIONS);
  return r.isMatch ? r.score : -1;
}

// Rows of the distance table, reused by every call (the computation is synchronous).
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions), capped at max+1. */
export function osaDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = a.length;
  const m = b.length;
  if (m + 1 > rowA.length) {
    const size = Math.max(m + 1, rowA.length * 2);
    rowA = new Int32Array(size);
    rowB = new Int32Array(size);
    rowC = new Int32Array(size);
  }
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= m; j++) {
    prev2[j] = 0;
    prev[j] = j;
    cur[j] = 0;
  }
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    const ai1 = i > 1 ? a.charCodeAt(i - 2) : -1;
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      const cost = ai === bj ? 0 : 1;
      let v = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      if (ins < v) v = ins;
      const sub = prev[j - 1]! + cost;
      if (sub < v) v = sub;
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && ai1 === bj) {
        const tr = prev2[j - 2]! + 1;
        if (tr < v) v = tr;
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]!;
}

export const maxEdits = (len: number): number => (len < 4 ? 0 : len < 8 ? 1 : 2);

/** The same letters, each as often (a and b of equal length, lower-case a-z). */
function sameLetters(a: string, b: string): boolean {
  const counts = LETTER_COUNTS;
  counts.fill(0);
  for (let i = 0; i < a.length; i++) counts[(a.charCodeAt(i) - 97) & 31]!++;
  for (let i = 0; i < b.length; i++) if (--counts[(b.charCodeAt(i) - 97) & 31]! < 0) return false;
  return true;
}
const LETTER_COUNTS = new Int32Array(32);

export interface SpellerOptions {
  /** Largest number of cached corrections. */
  cacheSize?: number;
}

export class Speller {
  private readonly freq: Map<string, number>;
  private readonly byPrefix = new Map<string, string[]>();
  private readonly cache = new Map<string, string | null>();
  private readonly cacheSize: number;
  /** Lower-case a-z words of three letters or more, by the word without its letter at position 0, 1 and 2. */
  private readonly without: [Map<string, string[]>, Map<string, string[]>, Map<string, string[]>] = [new Map(), new Map(), new Map()];
  /** Scratch lists reused by correct() (never returned). */
  private readonly window: string[] = [];
  private readonly scores: number[] = [];
  private readonly kept: number[] = [];

  /**
   * @param freq surface words (lower-case, American spelling) with how often the base uses them;
   *   everyday English words can be given with frequency 0 so that their typos are fixed to them
   *   ("anthing" -> "anything") rather than to a domain word.
   */
  constructor(freq: Map<string, number>, opts: SpellerOptions = {}) {
    this.freq = freq;
    this.cacheSize = opts.cacheSize ?? 10_000;
    for (const w of freq.keys()) {
      if (w.length < 3 || !/^[a-z]+$/.test(w)) continue;
      const list = this.byPrefix.get(w.slice(0, 2)) ?? [];
      list.push(w);
      this.byPrefix.set(w.slice(0, 2), list);
      for (let p = 0; p < 3; p++) {
        const key = w.slice(0, p) + w.slice(p + 1);
        const index = this.without[p]!;
        const at = index.get(key);
        if (at) at.push(w);
        else index.set(key, [w]);
      }
    }
  }

  has(word: string): boolean {
    return this.freq.has(word);
  }

  /** A candidate offer() would take: not the word itself, close enough, and for a four-letter
   *  word the same letters (any edit but a swap mostly makes another real word: "bake" -> "base",
   *  "kids" -> "kinds"). Its distance, or max+1. */
  private distance(word: string, c: string, max: number): number {
    if (c === word) return max + 1;
    if (word.length === 4 && (c.length !== 4 || !sameLetters(c, word))) return max + 1;
    return osaDistance(word, c, max);
  }

  /** Two known words run together ("cyberpatrol" -> "cyber patrol", "safeguards" -> "safe guards"). */
  splitCompound(word: string): string | undefined {
    return word.length < 6 || word.length > 30 ? undefined : this.split(word);
  }

  private split(word: string): string | undefined {
    let best: string | undefined;
    let bestScore = 0;
    for (let i = 3; i <= word.length - 3; i++) {
      const fa = this.freq.get(word.slice(0, i));
      if (!fa) continue; // both must be words of the base
      const fb = this.freq.get(word.slice(i));
      if (!fb) continue;
      const s = Math.min(fa, fb);
      if (s > bestScore) {
        bestScore = s;
        best = `${word.slice(0, i)} ${word.slice(i)}`;
      }
    }
    return best;
  }

  /**
   * The correction from the word's bucket: the closest word among those fuse.js returns for it
   * over the window (ten at most, best score first, then in window order). Only words within the
   * distance limit can win, so they are found first; fuse's scores then decide which of them it
   * would return, and in what order.
   */
  private fromBucket(word: string): string | undefined {
    const bucket = this.byPrefix.get(word.slice(0, 2));
    if (!bucket) return undefined;
    const max = maxEdits(word.length);
    const window = this.window;
    const kept = this.kept; // positions in the window
    window.length = 0;
    kept.length = 0;
    for (const c of bucket) {
      if (Math.abs(c.length - word.length) > max) continue;
      if (this.distance(word, c, max) <= max) kept.push(window.length);
      window.push(c);
    }
    if (kept.length === 0) return undefined; // whatever fuse returns, none is close enough
    const scores = this.scores;
    scores.length = window.length;
    const all = window.length > FUSE_LIMIT; // fuse's limit can leave a kept word out for ten better ones
    if (all) for (let i = 0; i < window.length; i++) scores[i] = fuseScore(word, window[i]!);
    else for (const i of kept) scores[i] = fuseScore(word, window[i]!);
    let n = 0;
    for (const i of kept) {
      const s = scores[i]!;
      if (s < 0) continue; // no fuse match
      if (all) {
        let before = 0; // matches fuse ranks first: a better score, or the same one earlier in the window
        for (let k = 0; k < window.length && before < FUSE_LIMIT; k++) {
          const o = scores[k]!;
          if (o >= 0 && (o < s || (o === s && k < i))) before++;
        }
        if (before >= FUSE_LIMIT) continue;
      }
      kept[n++] = i;
    }
    kept.length = n;
    // by score, then window order (kept is in window order: a stable insertion sort)
    for (let a = 1; a < n; a++) {
      const i = kept[a]!;
      let b = a - 1;
      while (b >= 0 && scores[kept[b]!]! > scores[i]!) {
        kept[b + 1] = kept[b]!;
        b--;
      }
      kept[b + 1] = i;
    }
    // the closest, the more frequent of equally close ones, the first in that order of equally frequent ones
    this.startPick(max);
    for (let r = 0; r < n; r++) this.offer(word, window[kept[r]!]!, r, max);
    return this.pick;
  }

  /**
   * Known one-edit variants in the first two letters, which the prefix buckets cannot see
   * ("ecnrypted", "enxrypted"): the second letter dropped, swapped with the third, replaced, or a
   * letter inserted before or after it; for words of 7 letters or more also the first letter
   * dropped, swapped, replaced or preceded by another (in shorter words these mostly turn one real
   * word into another: "mount" -> "amount", "tall" -> "all"). Between equally good ones, the order
   * of that list decides, letters a to z within each kind of insertion or replacement.
   */
  private headEdits(word: string): string | undefined {
    const first = word.length >= 7;
    const max = maxEdits(word.length);
    // The choice over the variants in the order they used to be generated, which decides between equally
    // close and frequent ones: these four first, then for each letter a..z: inserted after the first
    // letter, inserted after the second, replacing the second, inserted before the first, replacing
    // the first. Each known variant is offered with its place in that order (a variant made twice
    // counts where it came first: the better of its two offers).
    this.startPick(max);
    const w0 = word[0]!;
    const rest1 = word.slice(1);
    const rest2 = word.slice(2);
    this.offerIfKnown(word, w0 + rest2, 0, max);
    this.offerIfKnown(word, w0 + word[2]! + word[1]! + word.slice(3), 1, max);
    if (first) {
      this.offerIfKnown(word, rest1, 2, max);
      this.offerIfKnown(word, word[1]! + w0 + rest2, 3, max);
    }
    const [without0, without1, without2] = this.without;
    this.offerAll(word, without1.get(word), 1, 0, max); // a letter inserted after the first
    this.offerAll(word, without2.get(word), 2, 1, max); // ... after the second
    this.offerAll(word, without1.get(w0 + rest2), 1, 2, max); // the second replaced (the key is one letter shorter than the word: its words are as long as the word)
    if (first) {
      this.offerAll(word, without0.get(word), 0, 3, max); // a letter inserted before the first
      this.offerAll(word, without0.get(rest1), 0, 4, max); // the first replaced
    }
    return this.pick;
  }

  private pick: string | undefined;
  private pickD = 0;
  private pickF = 0;
  private pickRank = 0;

  /** A new choice among candidates offered one at a time (offer). */
  private startPick(max: number): void {
    this.pick = undefined;
    this.pickD = max + 1;
    this.pickF = -1;
    this.pickRank = Infinity;
  }

  /** The choice so far, one candidate at a time: closer, else more frequent, else earlier in the order (rank). */
  private offer(word: string, c: string, rank: number, max: number): void {
    const d = this.distance(word, c, max);
    if (d > max) return;
    const f = this.freq.get(c) ?? 0;
    if (d < this.pickD || (d === this.pickD && (f > this.pickF || (f === this.pickF && rank < this.pickRank)))) {
      this.pick = c;
      this.pickD = d;
      this.pickF = f;
      this.pickRank = rank;
    }
  }

  private offerIfKnown(word: string, c: string, rank: number, max: number): void {
    if (this.freq.has(c)) this.offer(word, c, rank, max);
  }

  /** The words of a deletion index list, each made by the letter it has at `at` (kind: the edit's place among the five per letter). */
  private offerAll(word: string, list: string[] | undefined, at: number, kind: number, max: number): void {
    if (!list) return;
    for (const v of list) this.offer(word, v, 4 + 5 * (v.charCodeAt(at) - 97) + kind, max);
  }

  /** A correction for an unknown lower-case word (a known word, or two separated by a space), or undefined. */
  correct(word: string): string | undefined {
    if (word.length < 4 || word.length > 30 || !/^[a-z]+$/.test(word)) return undefined;
    const hit = this.cache.get(word);
    if (hit !== undefined) return hit ?? undefined;
    let out = this.split(word);
    if (!out) {
      out = this.fromBucket(word);
      out ??= this.headEdits(word);
    }
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(word, out ?? null);
    return out;
  }
}

