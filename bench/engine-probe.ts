// Deterministic proxies for the engine's latency tail, for a loaded machine where wall-clock p99 means
// little: after a warm-up of W questions, over the 1000 timed questions of the engine bench (10k
// synthetic base, the members' languages interpreter in the path unless --english), it prints
// - allocation per search (heap growth over batches of searches with no garbage collection in them),
// - CPU time per search (this process's, so less sensitive to other work on the machine than wall time),
// - with --alloc-profile, where it is allocated (sampling heap profile, bytes per search by function),
// - with node's --trace-opt --trace-deopt (or --trace-gc), the lines between "=== timed" and "=== end"
//   are the JIT's work (or the collections) during the timed questions: count them with grep.
// Run: npx tsx bench/engine-probe.ts [--warm 500] [--size 10000 (0: the real base)] [--english] [--alloc-profile]
//      node --trace-opt --trace-deopt --import tsx bench/engine-probe.ts | awk '/=== timed/,/=== end/' | grep -c 'bailout (kind'
//      node --trace-gc --import tsx bench/engine-probe.ts | awk '/=== timed/,/=== end/' | grep -c Scavenge
import inspector from 'node:inspector';
import v8 from 'node:v8';
import { loadLexicon } from '../src/engine/interpret/index.ts';
import { interpretWith } from '../src/cache/lexicon.ts';
import { createEngine } from '../src/engine/engine.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { queryMix, synthBase } from './engine.ts';

interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: Node[];
}
const post = (s: inspector.Session, method: string, params: object) =>
  new Promise<unknown>((resolve, reject) => s.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const warm = arg('--warm', 500);
const size = arg('--size', 10_000);
const english = process.argv.includes('--english');

const dir = defaultKnowledgeDir();
const real = loadPracticeBase(dir);
const base = size === 0 ? real : synthBase(real, size);
const engine = createEngine(base, { resultCache: 0, ...(english ? {} : { interpret: interpretWith(loadLexicon(dir), base) }) });
const queries = queryMix(real, 1000);
const warmup = queryMix(real, Math.max(warm, 500), 99);
// a warm-up longer than the 500 distinct warm-up questions repeats them
for (let i = 0; i < warm; i++) engine.search(warmup[i % warmup.length]!);

const profile = process.argv.includes('--alloc-profile');
const session = new inspector.Session();
if (profile) {
  session.connect();
  await post(session, 'HeapProfiler.startSampling', { samplingInterval: 128, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
console.log('=== timed');
// allocation: heap growth over batches of 50 searches, kept only when no gc ran during the batch
const perSearch: number[] = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let b = 0; b < queries.length; b += 50) {
  const before = process.memoryUsage().heapUsed;
  for (let i = b; i < b + 50 && i < queries.length; i++) engine.search(queries[i]!);
  const after = process.memoryUsage().heapUsed;
  // a batch with a garbage collection in it shows a drop in heap use (a scavenge frees megabytes): left out
  if (after >= before) perSearch.push((after - before) / 50);
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log('=== end');
if (profile) {
  const { profile: prof } = (await post(session, 'HeapProfiler.getSamplingProfile', {})) as { profile: { head: Node } };
  await post(session, 'HeapProfiler.stopSampling', {});
  // bytes allocated by each function itself (self size), per search
  const self = new Map<string, number>();
  const name = (f: Node['callFrame']) => `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${f.lineNumber + 1}:${f.columnNumber}`;
  // a built-in (Map.set, Array.push, an iterator's next) is named with its caller
  const walk = (n: Node, parent: string) => {
    const f = n.callFrame;
    const key = f.url === '' ? `${name(f)} in ${parent}` : name(f);
    self.set(key, (self.get(key) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c, f.url === '' ? parent : name(f));
  };
  walk(prof.head, '');
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, 40);
  for (const [k, v] of rows) console.log(`${(v / queries.length / 1024).toFixed(2).padStart(7)} KB/search  ${k}`);
}
const ns = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
perSearch.sort((a, b) => a - b);
const med = perSearch[Math.floor(perSearch.length / 2)] ?? NaN;
console.log(
  `size ${size || 'real'}, warm-up ${warm}, ${english ? 'English only' : 'with the interpreter'}: allocation ${(med / 1024).toFixed(1)} KB per search (median of ${perSearch.length} gc-free batches of 50), ` +
    `new space ${((ns?.space_size ?? 0) / 1048576).toFixed(1)} MB; mean ${(ms / queries.length).toFixed(3)} ms, CPU ${((cpu.user + cpu.system) / 1000 / queries.length).toFixed(3)} ms per search (both under load)`,
);
