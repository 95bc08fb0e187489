// The spelling corrector gives the same corrections as the straightforward algorithm it replaced
// (test/helpers/spell-reference.ts: fuse.js search over the bucket, one-edit variants of the first
// two letters generated and looked up), word for word, on some 55,000 misspellings of the
// base's vocabulary and random non-words, and on a crowded vocabulary where fuse's limit of ten
// and ties between equally frequent words decide.
import { describe, expect, it } from 'vitest';
import { COMMON_WORDS, STOP_WORDS, buildSynonymTable, tokenize } from '../src/engine/analyze.ts';
import Fuse from 'fuse.js';
import { Speller, fuseScore, maxEdits, osaDistance } from '../src/engine/spell.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { ReferenceSpeller, misspellings, referenceOsaDistance, seeded } from './helpers/spell-reference.ts';

/** The vocabulary the engine corrects against (src/engine/query.ts): the base's words with their
 *  frequency, everyday English words at 0. */
function baseVocabulary(): Map<string, number> {
  const base = loadPracticeBase(defaultKnowledgeDir());
  const vocab = new Map<string, number>();
  const add = (text: string) => {
    for (const t of tokenize(text)) {
      if (t.norm.length < 3 || STOP_WORDS.has(t.norm) || !/^[a-z]+$/.test(t.norm)) continue;
      vocab.set(t.norm, (vocab.get(t.norm) ?? 0) + 1);
    }
  };
  for (const e of base.entries) add(`${e.title} ${e.text} ${e.keywords.join(' ')}`);
  for (const t of base.themes) add(`${t.label} ${t.terms.join(' ')}`);
  for (const w of buildSynonymTable(base.synonyms).words) if (/^[a-z]{3,}$/.test(w)) vocab.set(w, (vocab.get(w) ?? 0) + 1);
  for (const w of COMMON_WORDS) if (w.length >= 3 && !vocab.has(w)) vocab.set(w, 0);
  return vocab;
}

/** Compares the two on every word; returns what the comparison covered. */
function compare(vocab: Map<string, number>, words: string[]) {
  const ref = new ReferenceSpeller(vocab);
  const now = new Speller(vocab);
  const differ: string[] = [];
  let corrected = 0;
  let headFixes = 0; // corrected in the first two letters
  let crowded = 0; // corrected from a bucket window of more than ten words (fuse's limit can bite)
  const byPrefix = new Map<string, string[]>();
  for (const w of vocab.keys()) {
    if (!/^[a-z]{3,}$/.test(w)) continue;
    const list = byPrefix.get(w.slice(0, 2));
    if (list) list.push(w);
    else byPrefix.set(w.slice(0, 2), [w]);
  }
  for (const w of words) {
    const want = ref.correct(w);
    const got = now.correct(w);
    if (got !== want) differ.push(`${w}: ${String(got)} instead of ${String(want)}`);
    if (want === undefined) continue;
    corrected++;
    if (want.slice(0, 2) !== w.slice(0, 2)) headFixes++;
    const window = (byPrefix.get(w.slice(0, 2)) ?? []).filter((c) => Math.abs(c.length - w.length) <= maxEdits(w.length)).length;
    if (window > 10 && want.slice(0, 2) === w.slice(0, 2)) crowded++;
  }
  // asked again, the cached answers are the same
  for (const w of words.slice(0, 500)) expect(now.correct(w)).toBe(ref.correct(w));
  return { differ, corrected, headFixes, crowded };
}

describe('spelling correction: same results as the reference algorithm', () => {
  it('on 16 misspellings of each word of the base vocabulary (dropped letters, swaps, insertions and replacements, in the first letters too), words run together and random non-words', () => {
    const vocab = baseVocabulary();
    const words = misspellings(vocab, 1, { perWord: 16, keepKnown: 300 });
    expect(words.length).toBeGreaterThan(20_000);
    const r = compare(vocab, words);
    expect(r.differ.slice(0, 10)).toEqual([]);
    expect(r.differ).toHaveLength(0);
    // the comparison covers each way a word is corrected
    expect(r.corrected).toBeGreaterThan(8000);
    expect(r.headFixes).toBeGreaterThan(500);
    expect(r.crowded).toBeGreaterThan(500);
  });

  it('on a crowded vocabulary: many near neighbours with equal frequencies, so fuse limit and order decide', () => {
    const base = baseVocabulary();
    const rnd = seeded(7);
    const vocab = new Map<string, number>();
    const words = [...base.keys()].filter((w) => /^[a-z]{4,12}$/.test(w));
    // 300 words each with 20 one-edit neighbours (some in the first two letters), frequencies 0-2
    for (let k = 0; k < 300; k++) {
      const w = words[Math.floor(rnd() * words.length)]!;
      vocab.set(w, Math.floor(rnd() * 3));
      for (let n = 0; n < 20; n++) {
        const i = Math.floor(rnd() * w.length);
        const ch = String.fromCharCode(97 + Math.floor(rnd() * 26));
        const v = rnd() < 0.5 ? w.slice(0, i) + ch + w.slice(i + 1) : w.slice(0, i) + ch + w.slice(i);
        if (!vocab.has(v)) vocab.set(v, Math.floor(rnd() * 3));
      }
    }
    const miss = misspellings(vocab, 2, { perWord: 4, nonWords: 500 });
    expect(miss.length).toBeGreaterThan(20_000);
    const r = compare(vocab, miss);
    expect(r.differ.slice(0, 10)).toEqual([]);
    expect(r.differ).toHaveLength(0);
    expect(r.corrected).toBeGreaterThan(10_000);
    expect(r.headFixes).toBeGreaterThan(1000);
    expect(r.crowded).toBeGreaterThan(3000);
  });

  it('osaDistance gives the same distances as before (reused rows, no allocation)', () => {
    const rnd = seeded(3);
    const word = () => Array.from({ length: Math.floor(rnd() * 14) }, () => 'abcde'[Math.floor(rnd() * 5)]).join('');
    for (let k = 0; k < 20_000; k++) {
      const a = word();
      const b = rnd() < 0.5 ? word() : a.slice(0, Math.floor(rnd() * a.length)) + word().slice(0, 2) + a.slice(Math.floor(rnd() * a.length));
      const max = Math.floor(rnd() * 4);
      expect(osaDistance(a, b, max)).toBe(referenceOsaDistance(a, b, max));
    }
    // longer than the reused rows at first
    const long = 'x'.repeat(100);
    expect(osaDistance(long, `${long}y`, 2)).toBe(referenceOsaDistance(long, `${long}y`, 2));
  });
});
