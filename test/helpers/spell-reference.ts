// The spelling corrector as it was before the first-use work of issue 10 (src/engine/spell.ts at
// commit 07c8280), kept verbatim as the reference the new one must agree with, word for word
// (test/spell-equivalence.test.ts, bench/spell-probe.ts). Not used by the product.
import Fuse from 'fuse.js';

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions), capped at max+1. */
export function referenceOsaDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

const maxEdits = (len: number): number => (len < 4 ? 0 : len < 8 ? 1 : 2);

interface SpellerOptions {
  /** Largest number of cached corrections. */
  cacheSize?: number;
}

export class ReferenceSpeller {
  private readonly freq: Map<string, number>;
  private readonly byPrefix = new Map<string, string[]>();
  private readonly fuses = new Map<string, Fuse<string> | null>();
  private readonly cache = new Map<string, string | null>();
  private readonly cacheSize: number;

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
    }
  }

  has(word: string): boolean {
    return this.freq.has(word);
  }

  /** Fuse over the words that share the first two letters and are within reach in length (built once per bucket). */
  private fuseFor(word: string): Fuse<string> | undefined {
    const key = `${word.slice(0, 2)}${word.length}`;
    let f = this.fuses.get(key);
    if (f === undefined) {
      const max = maxEdits(word.length);
      const list = (this.byPrefix.get(word.slice(0, 2)) ?? []).filter((w) => Math.abs(w.length - word.length) <= max);
      f = list.length > 0 ? new Fuse(list, { includeScore: true, threshold: 0.35, ignoreLocation: true }) : null;
      this.fuses.set(key, f);
    }
    return f ?? undefined;
  }

  private best(word: string, cands: Iterable<string>): string | undefined {
    const max = maxEdits(word.length);
    let best: string | undefined;
    let bestD = max + 1;
    let bestF = -1;
    for (const c of cands) {
      if (c === word) continue;
      // four-letter words: any edit but a swap mostly makes another real word ("bake" -> "base", "kids" -> "kinds")
      if (word.length === 4 && (c.length !== 4 || [...c].sort().join('') !== [...word].sort().join(''))) continue;
      const d = referenceOsaDistance(word, c, max);
      if (d > max) continue;
      const f = this.freq.get(c) ?? 0;
      if (d < bestD || (d === bestD && f > bestF)) {
        best = c;
        bestD = d;
        bestF = f;
      }
    }
    return best;
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
      const fb = this.freq.get(word.slice(i));
      if (!fa || !fb) continue; // both must be words of the base
      const s = Math.min(fa, fb);
      if (s > bestScore) {
        bestScore = s;
        best = `${word.slice(0, i)} ${word.slice(i)}`;
      }
    }
    return best;
  }

  /**
   * One-edit variants in the first two letters, which the prefix buckets cannot see ("ecnrypted",
   * "enxrypted"). Edits of the very first letter only for words of 7 letters or more: in shorter
   * words they mostly turn one real word into another ("mount" -> "amount", "tall" -> "all").
   */
  private headEdits(word: string): string | undefined {
    const first = word.length >= 7;
    const cands = new Set<string>([word[0]! + word.slice(2)]);
    if (word.length > 2) cands.add(word[0]! + word[2]! + word[1]! + word.slice(3));
    if (first) cands.add(word.slice(1)).add(word[1]! + word[0]! + word.slice(2));
    for (let c = 97; c <= 122; c++) {
      const ch = String.fromCharCode(c);
      cands.add(word[0]! + ch + word.slice(1));
      cands.add(word.slice(0, 2) + ch + word.slice(2));
      cands.add(word[0]! + ch + word.slice(2));
      if (first) cands.add(ch + word).add(ch + word.slice(1));
    }
    const known: string[] = [];
    for (const c of cands) if (this.freq.has(c)) known.push(c);
    return this.best(word, known);
  }

  /** A correction for an unknown lower-case word (a known word, or two separated by a space), or undefined. */
  correct(word: string): string | undefined {
    if (word.length < 4 || word.length > 30 || !/^[a-z]+$/.test(word)) return undefined;
    const hit = this.cache.get(word);
    if (hit !== undefined) return hit ?? undefined;
    let out = this.split(word);
    if (!out) {
      const fuse = this.fuseFor(word);
      out = fuse ? this.best(word, fuse.search(word, { limit: 10 }).map((r) => r.item)) : undefined;
      out ??= this.headEdits(word);
    }
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(word, out ?? null);
    return out;
  }
}

// ---------- inputs for comparing the two ----------
import { seeded } from './seeded.ts';

export { seeded };

const ABC = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Misspellings of the vocabulary's words, deterministic for a seed: every dropped letter and every
 * swap of neighbours, insertions and replacements in the first three positions and one elsewhere,
 * two edits in long words, two words run together, random non-words, and some known words. Words
 * the vocabulary holds are left out unless `keepKnown`, as the engine never asks about them.
 */
export function misspellings(vocab: Map<string, number>, seed: number, opts: { perWord?: number; nonWords?: number; keepKnown?: number } = {}): string[] {
  const rnd = seeded(seed);
  const letter = () => ABC[Math.floor(rnd() * 26)]!;
  const words = [...vocab.keys()].filter((w) => /^[a-z]{4,30}$/.test(w));
  const out = new Set<string>();
  const ins = (w: string, i: number) => w.slice(0, i) + letter() + w.slice(i);
  const sub = (w: string, i: number) => w.slice(0, i) + letter() + w.slice(i + 1);
  const del = (w: string, i: number) => w.slice(0, i) + w.slice(i + 1);
  const swap = (w: string, i: number) => w.slice(0, i) + w[i + 1]! + w[i]! + w.slice(i + 2);
  for (const w of words) {
    const mine: string[] = [];
    for (let i = 0; i < w.length; i++) mine.push(del(w, i));
    for (let i = 0; i + 1 < w.length; i++) mine.push(swap(w, i));
    for (let i = 0; i < 3; i++) mine.push(ins(w, i), ins(w, i), sub(w, i), sub(w, i));
    const j = Math.floor(rnd() * w.length);
    mine.push(ins(w, j), sub(w, j), ins(w, w.length));
    if (w.length >= 7) {
      const a = Math.floor(rnd() * w.length);
      mine.push(sub(del(w, a), Math.floor(rnd() * (w.length - 1))), swap(ins(w, a), Math.floor(rnd() * w.length)));
    }
    const keep = opts.perWord ?? mine.length;
    for (let k = 0; k < keep && mine.length > 0; k++) out.add(mine.splice(Math.floor(rnd() * mine.length), 1)[0]!);
  }
  for (let k = 0; k < (opts.nonWords ?? 2000); k++) {
    const len = 4 + Math.floor(rnd() * 12);
    out.add(Array.from({ length: len }, letter).join(''));
    out.add(words[Math.floor(rnd() * words.length)]! + words[Math.floor(rnd() * words.length)]!);
  }
  const result = [...out].filter((w) => !vocab.has(w));
  for (let k = 0; k < (opts.keepKnown ?? 0); k++) result.push(words[Math.floor(rnd() * words.length)]!);
  return result;
}
