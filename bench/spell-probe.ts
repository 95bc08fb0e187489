// First-seen spelling corrections, the old algorithm (test/helpers/spell-reference.ts) against the
// current Speller (src/engine/spell.ts), in the same process, alternating: CPU time and allocation
// per correct() call over fresh misspellings of the vocabulary the engine corrects against (the 10k
// synthetic base's, taken from the engine itself). Every word is new to both spellers (first use:
// nothing cached), and both have already corrected other words (their per-bucket state is as in a
// running bot); a separate line gives a cold start (fresh spellers, first 500 words).
// Also checks that both give the same corrections on these words.
// Run: npx tsx bench/spell-probe.ts [--words 5000] [--rounds 10]
import { Speller } from '../src/engine/spell.ts';
import { createEngine } from '../src/engine/engine.ts';
import { loadLexicon } from '../src/engine/interpret/index.ts';
import { interpretWith } from '../src/cache/lexicon.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { ReferenceSpeller, misspellings, seeded } from '../test/helpers/spell-reference.ts';
import { queryMix, synthBase } from './engine.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const nWords = arg('--words', 5000);
const rounds = arg('--rounds', 10);

// the engine's own vocabulary: the first Speller it asks (bench-only hook on the prototype)
let captured: Speller | undefined;
const original = Speller.prototype.correct;
Speller.prototype.correct = function (this: Speller, w: string) {
  captured ??= this;
  return original.call(this, w);
};
const dir = defaultKnowledgeDir();
const real = loadPracticeBase(dir);
const base = synthBase(real, 10_000);
const engine = createEngine(base, { resultCache: 0, interpret: interpretWith(loadLexicon(dir), base) });
for (const q of queryMix(real, 300)) engine.search(q);
Speller.prototype.correct = original;
if (!captured) throw new Error('the engine corrected no word');
const freq = (captured as unknown as { freq: Map<string, number> }).freq;

const rnd = seeded(11);
const all = misspellings(freq, 5, { perWord: 6, nonWords: 1500 });
// shuffled, then split: warm-up words, then fresh words for the measured rounds
for (let i = all.length - 1; i > 0; i--) {
  const j = Math.floor(rnd() * (i + 1));
  [all[i], all[j]] = [all[j]!, all[i]!];
}
const warm = all.slice(0, 2000);
const words = all.slice(2000, 2000 + nWords);
console.log(`vocabulary ${freq.size} words; ${all.length} misspellings made, ${warm.length} for warm-up, ${words.length} timed (each new to both spellers)`);

type Correct = (w: string) => string | undefined;
/** CPU microseconds and heap bytes per call over `list` (heap: batches of 25 with no collection in them). */
function measure(correct: Correct, list: string[]): { cpu: number; wall: number; bytes: number[] } {
  const bytes: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let b = 0; b < list.length; b += 25) {
    const before = process.memoryUsage().heapUsed;
    for (let i = b; i < b + 25 && i < list.length; i++) correct(list[i]!);
    const after = process.memoryUsage().heapUsed;
    if (after >= before) bytes.push((after - before) / Math.min(25, list.length - b));
  }
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / list.length, wall: (wall * 1000) / list.length, bytes };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

// cold: fresh spellers, first 500 words of their life, old first then new, then the other way
const coldList = words.slice(0, 500);
const cold = { old: [] as number[], now: [] as number[] };
for (const order of [0, 1]) {
  const ref = new ReferenceSpeller(freq);
  const cur = new Speller(freq);
  const runs: [keyof typeof cold, Correct][] = [
    ['old', (w) => ref.correct(w)],
    ['now', (w) => cur.correct(w)],
  ];
  if (order) runs.reverse();
  for (const [k, f] of runs) cold[k].push(measure(f, coldList).cpu);
}

// warm: both spellers correct the warm-up words, then alternate over fresh chunks
const ref = new ReferenceSpeller(freq);
const cur = new Speller(freq);
for (const w of warm) {
  ref.correct(w);
  cur.correct(w);
}
let differ = 0;
const res = { old: { cpu: [] as number[], wall: [] as number[], bytes: [] as number[] }, now: { cpu: [] as number[], wall: [] as number[], bytes: [] as number[] } };
const chunk = Math.ceil(words.length / rounds);
for (let r = 0; r < rounds; r++) {
  const list = words.slice(r * chunk, (r + 1) * chunk);
  const runs: ['old' | 'now', Correct][] = [
    ['old', (w) => ref.correct(w)],
    ['now', (w) => cur.correct(w)],
  ];
  if (r % 2) runs.reverse();
  for (const [k, f] of runs) {
    const m = measure(f, list);
    res[k].cpu.push(m.cpu);
    res[k].wall.push(m.wall);
    res[k].bytes.push(...m.bytes);
  }
  for (const w of list) if (ref.correct(w) !== cur.correct(w)) differ++;
}
const line = (k: 'old' | 'now', name: string) =>
  `${name}: CPU ${median(res[k].cpu).toFixed(1)} us per first-seen word (median of ${rounds} rounds of ${chunk}; min ${Math.min(...res[k].cpu).toFixed(1)}), ` +
  `wall ${median(res[k].wall).toFixed(1)} us, allocation ${(median(res[k].bytes) / 1024).toFixed(2)} KB per word (median of ${res[k].bytes.length} gc-free batches of 25); ` +
  `cold start (fresh speller, first 500 words) CPU ${median(cold[k]).toFixed(1)} us`;
console.log(line('old', 'old (fuse over the bucket, variants generated)'));
console.log(line('now', 'now (distance first, fuse scores computed for the kept words, deletion indexes)'));
// building: the deletion indexes are made when the speller is (at engine build, not on a question)
const build = (make: () => unknown) => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < 20; i++) make();
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) / 20 / 1000).toFixed(2);
};
console.log(`building a speller over the ${freq.size} words: old ${build(() => new ReferenceSpeller(freq))} ms, now ${build(() => new Speller(freq))} ms (CPU, mean of 20)`);
console.log(`different corrections: ${differ} of ${words.length}`);
console.log(`(measured under whatever load the machine has; CPU time is per process, so other processes matter less than for wall time)`);
