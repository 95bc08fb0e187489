// CPU per start-up step of `practice-bot ask` (process.cpuUsage, user+sys): practice base, lexicon,
// interpreter, engine, first question. `npx tsx bench/interpret-startup.ts ["question"]`
// (BENCH_NO_CACHE=1: the lexicon parsed, as without a cache folder; the practice base is always parsed here).
import { createEngine } from '../src/engine/engine.ts';
import { createInterpreter, loadLexicon } from '../src/engine/interpret/index.ts';
import { loadLexiconCached } from '../src/app.ts';
import { cacheDirFor } from '../src/cache/cached-load.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { baseVocabulary } from '../src/cache/lexicon.ts';

const question = process.argv[2] ?? 'encrypted data';
const ms = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1000).toFixed(0).padStart(6) + ' ms';
function step<T>(name: string, f: () => T): T {
  const c = process.cpuUsage();
  const v = f();
  console.log(`${name.padEnd(20)}${ms(process.cpuUsage(c))}`);
  return v;
}
const all = process.cpuUsage();
const dir = defaultKnowledgeDir();
const base = step('loadPracticeBase', () => loadPracticeBase(dir));
// with a cache folder (the one `ask` uses: cache/ beside DATABASE_PATH), the lexicon comes from its snapshot
const cacheDir = process.env.BENCH_NO_CACHE ? undefined : cacheDirFor(process.env.DATABASE_PATH ?? './data/practice-bot.db');
const lexicon = step(cacheDir ? 'loadLexicon (cache)' : 'loadLexicon', () => (cacheDir ? loadLexiconCached(dir, cacheDir).value : loadLexicon(dir)));
const vocabulary: string[] = [...baseVocabulary(base)];
const interpreter = step('createInterpreter', () => createInterpreter(lexicon, { vocabulary }));
const engine = step('createEngine', () => createEngine(base, { interpret: (text) => interpreter.interpret(text) }));
step('first search', () => engine.search(question));
console.log(`${'total (since start)'.padEnd(20)}${ms(process.cpuUsage())}`);
console.log(`${'total (steps)'.padEnd(20)}${ms(process.cpuUsage(all))}`);
