// Interpreter bench: the cost of reading a question's language and mapping it onto the lexicon's
// concepts (src/engine/interpret/), per question, for English (fast path) and each member language,
// on the real lexicon (knowledge/lexicon/). Also the one-off costs at start: loading the modules
// (the eld detector's n-gram tables), reading and validating the lexicon, building the matchers.
//
// Questions are made from the lexicon itself (seeded, so every run is the same): per language, 300
// distinct messages of one to three concept terms with an intent phrase, sometimes a greeting and a
// name typed in Latin letters (Telegram, OSINT), and some small talk. Each is timed once after a
// warm-up on other questions. "language right" is the share read as the language they were made in
// (a sanity check, not a quality measure: the held-out questions are in test/fixtures/).
//
// Run: npm run bench -- interpret
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { seeded } from '../test/helpers/seeded.ts';

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const ENGLISH_TEMPLATES = [
  'how do other countries handle {a}?',
  'our unit struggles with {a} on Telegram, what do others do?',
  'Good morning colleagues! Has anyone managed to deal with {a} and {b}? Thanks',
  'what challenges were reported about {a}',
  'any good practices on {a} in {b} cases?',
  'What did the meetings conclude on {a}?',
];
const ENGLISH_SMALL_TALK = ['thanks!', 'ok', '👍', 'good morning all', 'is anyone there?', 'Thank you very much, colleagues'];

export async function run(): Promise<void> {
  const t0 = performance.now();
  const { createInterpreter, loadLexicon } = await import('../src/engine/interpret/index.ts');
  const { defaultKnowledgeDir } = await import('../src/knowledge/load.ts');
  const t1 = performance.now();
  const lexicon = loadLexicon(process.env.KNOWLEDGE_DIR ?? defaultKnowledgeDir());
  const t2 = performance.now();
  const interpreter = createInterpreter(lexicon);
  const t3 = performance.now();

  const rnd = seeded(7);
  const content = lexicon.concepts.filter((c) => !c.id.startsWith('chat-') && !c.id.startsWith('ask-'));
  const sets: { language: string; questions: string[] }[] = [];
  const english = new Set<string>();
  while (english.size < 300) {
    const tpl = rnd() < 0.1 ? pick(rnd, ENGLISH_SMALL_TALK) : pick(rnd, ENGLISH_TEMPLATES);
    english.add(tpl.replace('{a}', pick(rnd, pick(rnd, content).en)).replace('{b}', pick(rnd, pick(rnd, content).en)) + (english.size > 250 ? ` #${english.size}` : ''));
  }
  sets.push({ language: 'en', questions: [...english] });
  for (const lang of lexicon.languages) {
    if (lang.language === 'en') continue;
    const terms = (id: string) => lang.terms.get(id) ?? [];
    const topics = [...lang.terms.entries()].filter(([id, l]) => !id.startsWith('chat-') && !id.startsWith('ask-') && l.length > 0).map(([, l]) => l);
    const intents = ['ask-solutions', 'ask-problems', 'ask-facts', 'ask-follow-ups'].flatMap(terms);
    const greetings = terms('chat-greeting');
    const thanks = terms('chat-thanks');
    if (topics.length === 0) continue;
    const qs = new Set<string>();
    for (let guard = 0; qs.size < 300 && guard < 5000; guard++) {
      if (rnd() < 0.1 && thanks.length > 0) {
        qs.add(`${pick(rnd, thanks)}${rnd() < 0.5 ? '!' : ''}${qs.size > 200 ? ' 🙏'.repeat(1 + (qs.size % 3)) : ''}`);
        continue;
      }
      const parts: string[] = [];
      if (rnd() < 0.3 && greetings.length > 0) parts.push(`${pick(rnd, greetings)},`);
      if (intents.length > 0) parts.push(pick(rnd, intents));
      for (let k = 0, n = 1 + Math.floor(rnd() * 3); k < n; k++) parts.push(pick(rnd, pick(rnd, topics)));
      if (rnd() < 0.3) parts.push(pick(rnd, ['Telegram', 'OSINT', 'TikTok', '2023']));
      qs.add(`${parts.join(' ')}?`);
    }
    sets.push({ language: lang.language, questions: [...qs] });
  }

  // warm-up on every set, then time each question once
  for (let round = 0; round < 2; round++) for (const s of sets) for (const q of s.questions) interpreter.interpret(`${q} ${round}`);
  const rows: { language: string; n: number; p50: number; p99: number; mean: number; batch: number; right: number; small: number }[] = [];
  const all: number[] = [];
  for (const s of sets) {
    gc();
    const times: number[] = [];
    let right = 0;
    let small = 0;
    for (const q of s.questions) {
      const a = performance.now();
      const r = interpreter.interpret(q);
      times.push((performance.now() - a) * 1000);
      if (r.language === s.language) right++;
      if (r.smallTalk) small++;
    }
    all.push(...times);
    times.sort((a, b) => a - b);
    // the whole set in one go, best of 5: per-question cost with less of the machine's other work in it
    let batch = Infinity;
    for (let round = 0; round < 5; round++) {
      const a = performance.now();
      for (const q of s.questions) interpreter.interpret(q);
      batch = Math.min(batch, ((performance.now() - a) * 1000) / s.questions.length);
    }
    rows.push({
      language: s.language,
      n: times.length,
      p50: percentile(times, 0.5),
      p99: percentile(times, 0.99),
      mean: times.reduce((x, y) => x + y, 0) / times.length,
      batch,
      right: right / times.length,
      small: small / times.length,
    });
  }
  all.sort((a, b) => a - b);

  const fmt = (us: number) => (us < 10 ? us.toFixed(1) : us.toFixed(0));
  console.log(`start: modules ${(t1 - t0).toFixed(0)} ms (eld n-grams, snowball, stop words), lexicon ${(t2 - t1).toFixed(0)} ms, matchers ${(t3 - t2).toFixed(0)} ms`);
  console.log(`lexicon: ${lexicon.concepts.length} concepts, ${lexicon.languages.length} language files`);
  console.log('');
  console.log('| language | questions | p50 (µs) | p99 (µs) | mean (µs) | batch, best of 5 (µs/question) | language right | small talk |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.language} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.mean)} | ${fmt(r.batch)} | ${(r.right * 100).toFixed(0)}% | ${(r.small * 100).toFixed(0)}% |`,
    );
  console.log(`| all | ${all.length} | ${fmt(percentile(all, 0.5))} | ${fmt(percentile(all, 0.99))} | ${fmt(all.reduce((x, y) => x + y, 0) / all.length)} | | | |`);
  console.log('');
  console.log(`(Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}: p99 is sensitive to other work on the machine)`);
}
