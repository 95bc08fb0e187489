import { Speller } from './src/engine/spell.ts';
import { COMMON_WORDS, STOP_WORDS, buildSynonymTable, tokenize } from './src/engine/analyze.ts';
import { defaultKnowledgeDir, loadPracticeBase } from './src/knowledge/load.ts';
import { misspellings } from './test/helpers/spell-reference.ts';
import Fuse from 'fuse.js';
const base = loadPracticeBase(defaultKnowledgeDir());
const vocab = new Map<string, number>();
const add = (text: string) => { for (const t of tokenize(text)) { if (t.norm.length < 3 || STOP_WORDS.has(t.norm) || !/^[a-z]+$/.test(t.norm)) continue; vocab.set(t.norm, (vocab.get(t.norm) ?? 0) + 1); } };
for (const e of base.entries) add(`${e.title} ${e.text} ${e.keywords.join(' ')}`);
for (const w of COMMON_WORDS) if (w.length >= 3 && !vocab.has(w)) vocab.set(w, 0);
const words = misspellings(vocab, 9, { perWord: 4, nonWords: 1000 });
const s = new Speller(vocab) as any;
for (const w of words.slice(0, 3000)) s.correct(w);
const list = words.slice(3000, 13000);
const t: Record<string, number> = { split: 0, bucket: 0, head: 0, match: 0 };
let nm = 0, nfall = 0;
const origMatch = Fuse.match;
for (const w of list) {
  let a = performance.now(); const sp = s.split(w); t.split += performance.now() - a;
  if (sp) continue;
  a = performance.now(); const b = s.fromBucket(w); t.bucket += performance.now() - a;
  if (!b) { a = performance.now(); s.headEdits(w); t.head += performance.now() - a; }
}
// Fuse.match cost alone
a: {
  const a0 = performance.now();
  for (const w of list) origMatch(w, w.slice(0, -1) + 'x', { includeScore: true, threshold: 0.35, ignoreLocation: true });
  t.match = performance.now() - a0;
}
for (const [k, v] of Object.entries(t)) console.log(k, (v / list.length * 1000).toFixed(2), 'us/word');
console.log(list.length, vocab.size);
{
  const by = s.byPrefix as Map<string, string[]>;
  let empty = 0, small = 0, big = 0, keptSum = 0; const tt = { empty: 0, small: 0, big: 0 };
  const s2 = new Speller(vocab) as any;
  for (const w of words.slice(0, 3000)) s2.correct(w);
  for (const w of list) {
    if (s2.split(w)) continue;
    const max = w.length < 8 ? 1 : 2;
    const bucket = by.get(w.slice(0, 2)) ?? [];
    const win = bucket.filter((c) => Math.abs(c.length - w.length) <= max);
    const kept = win.filter((c) => s2.distance(w, c, max) <= max);
    const a = performance.now(); s2.fromBucket(w); const d = performance.now() - a;
    if (kept.length === 0) { empty++; tt.empty += d; } else if (win.length <= 10) { small++; tt.small += d; keptSum += kept.length; } else { big++; tt.big += d; }
  }
  console.log({ empty, small, big, keptAvg: keptSum / small, usEmpty: tt.empty / empty * 1000, usSmall: tt.small / small * 1000, usBig: tt.big / big * 1000 });
}
