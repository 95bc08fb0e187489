import { Speller } from './src/engine/spell.ts';
import { COMMON_WORDS, STOP_WORDS, tokenize } from './src/engine/analyze.ts';
import { defaultKnowledgeDir, loadPracticeBase } from './src/knowledge/load.ts';
import { misspellings } from './test/helpers/spell-reference.ts';
const base = loadPracticeBase(defaultKnowledgeDir());
const vocab = new Map<string, number>();
const add = (text: string) => { for (const t of tokenize(text)) { if (t.norm.length < 3 || STOP_WORDS.has(t.norm) || !/^[a-z]+$/.test(t.norm)) continue; vocab.set(t.norm, (vocab.get(t.norm) ?? 0) + 1); } };
for (const e of base.entries) add(`${e.title} ${e.text} ${e.keywords.join(' ')}`);
for (const w of COMMON_WORDS) if (w.length >= 3 && !vocab.has(w)) vocab.set(w, 0);
const words = misspellings(vocab, 9, { perWord: 4, nonWords: 1000 });
for (let rep = 0; rep < 3; rep++) {
const s = new Speller(vocab) as any;
for (const w of words.slice(0, 2000)) s.correct(w);
const list = words.slice(2000 + rep * 4000, 6000 + rep * 4000);
const t: Record<string, number> = { total: 0, split: 0, bucket: 0, head: 0 };
let a = performance.now();
for (const w of list) s.correct(w);
t.total = performance.now() - a;
for (const w of list) {
  a = performance.now(); const sp = s.split(w); t.split += performance.now() - a;
  if (sp) continue;
  a = performance.now(); const b = s.fromBucket(w); t.bucket += performance.now() - a;
  if (!b) { a = performance.now(); s.headEdits(w); t.head += performance.now() - a; }
}
console.log(Object.entries(t).map(([k, v]) => `${k} ${(v / list.length * 1000).toFixed(2)}`).join('  '), 'us/word');
}
