// Reload bench (issue 13): how long a live reload of the practice base takes on synthetic bases of 1k
// and 10k entries written as YAML files (100 entries a file, like one file per document), and what
// answers cost while it runs. Goal: a reload under 2 s at 10k, answers served throughout.
//
//   start       the first load: every file parsed, the engine built (what the bot does at start)
//   reload      one entry file added: the changed file parsed (unchanged ones come from the parse
//               cache), the engine built again in steps that yield to the event loop (the analysis
//               of entries unchanged since the last generation reused), swapped in
//   answers     a question arrives every 10 ms during the reload; latency = answered - arrived
//               (waiting behind the reload included), against the same stream with no reload
//
// Run: npm run bench -- reload
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { systemClock } from '../src/core/ports.ts';
import { createLiveKnowledge, type LiveKnowledge } from '../src/knowledge/live.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import type { Entry } from '../src/knowledge/schema.ts';
import { queryMix, synthBase } from './engine.ts';

const PER_FILE = 100;
const ARRIVAL_MS = 10;

const item = (e: Entry) => ({
  id: e.id,
  kind: e.kind,
  title: e.title.slice(0, 90).padEnd(3, '.'),
  text: e.text.slice(0, 600).padEnd(20, '.'),
  themes: e.themes,
  source: e.source,
  ...(e.keywords.length ? { keywords: e.keywords } : {}),
});

function writeBase(n: number): string {
  const real = loadPracticeBase(defaultKnowledgeDir());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-bench-reload-'));
  fs.cpSync(defaultKnowledgeDir(), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}drafts`) });
  const synth = synthBase(real, n).entries.filter((e) => e.id.startsWith('synthetic-'));
  for (let i = 0; i < synth.length; i += PER_FILE) {
    const file = path.join(dir, 'entries', `9${String(i / PER_FILE).padStart(4, '0')}-synthetic.yaml`);
    fs.writeFileSync(file, `# synthetic entries for the reload bench\n${stringify(synth.slice(i, i + PER_FILE).map(item), { aliasDuplicateObjects: false })}`);
  }
  return dir;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

/** Questions arriving every ARRIVAL_MS while `work` runs (or for `ms` when there is no work). Every
 *  arrival counts: one that came while the event loop was busy is answered when it is free again, and
 *  its latency includes the wait. */
async function answersDuring(live: LiveKnowledge, questions: string[], work: (() => Promise<unknown>) | number) {
  const lat: number[] = [];
  let stop = false;
  let k = 0;
  const t0 = performance.now();
  const due = (i: number) => t0 + (i + 1) * ARRIVAL_MS;
  const pump = () => {
    if (stop) return;
    while (due(k) <= performance.now()) {
      live.engine.search(questions[k % questions.length]!, { limit: 3 });
      lat.push(performance.now() - due(k));
      k++;
    }
    setTimeout(pump, Math.max(0, due(k) - performance.now()));
  };
  setTimeout(pump, ARRIVAL_MS);
  if (typeof work === 'number') await new Promise((r) => setTimeout(r, work));
  else await work();
  stop = true;
  // the arrivals up to the end of the work are answered too
  while (due(k) <= performance.now()) {
    live.engine.search(questions[k % questions.length]!, { limit: 3 });
    lat.push(performance.now() - due(k));
    k++;
  }
  return lat;
}

export async function run(): Promise<void> {
  const log = pino({ level: 'silent' });
  const real = loadPracticeBase(defaultKnowledgeDir());
  const questions = queryMix(real, 200);
  const rows: string[][] = [];
  const lat: string[][] = [];
  for (const n of [1000, 10_000]) {
    const dir = writeBase(n);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const live = createLiveKnowledge({ dir, log, clock: systemClock });
    const startMs = performance.now() - t0;
    const startCpu = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1000;
    const entries = live.current().base.entries.length;
    // warm up the query path, then the baseline stream
    for (const q of questions.slice(0, 50)) live.engine.search(q);
    const idle = await answersDuring(live, questions, 1500);

    const reloads: { total: number; load: number; build: number; cpu: number }[] = [];
    let during: number[] = [];
    for (let k = 0; k < 3; k++) {
      fs.writeFileSync(
        path.join(dir, 'entries', `99999-added-${k}.yaml`),
        `# one more\n${stringify([item({ ...real.entries[k]!, id: `bench-added-${k}` })], { aliasDuplicateObjects: false })}`,
      );
      const c0 = process.cpuUsage();
      let outcome: Awaited<ReturnType<LiveKnowledge['reload']>> | undefined;
      const l = await answersDuring(live, questions, async () => {
        outcome = await live.reload('command');
      });
      const c = process.cpuUsage(c0);
      if (outcome?.status !== 'reloaded') throw new Error(`reload ${outcome?.status ?? 'did not run'}`);
      reloads.push({ ...outcome.ms, cpu: (c.user + c.system) / 1000 });
      during = during.concat(l);
    }
    const med = (k: 'total' | 'load' | 'build' | 'cpu') => pct(reloads.map((r) => r[k]), 50);
    rows.push([
      `${n}`,
      `${entries}`,
      `${Math.round(startMs)} (${Math.round(startCpu)})`,
      `${Math.round(med('total'))} (${Math.round(med('cpu'))})`,
      `${Math.round(med('load'))}`,
      `${Math.round(med('build'))}`,
      med('total') < 2000 ? 'yes' : 'NO',
    ]);
    lat.push([
      `${n}`,
      `${idle.length}: ${pct(idle, 50).toFixed(1)} / ${pct(idle, 99).toFixed(1)} / ${Math.max(...idle).toFixed(0)}`,
      `${during.length}: ${pct(during, 50).toFixed(1)} / ${pct(during, 99).toFixed(1)} / ${Math.max(...during).toFixed(0)}`,
    ]);
    live.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const table = (head: string[], body: string[][]) =>
    [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  console.log(`Reload of the practice base (median of 3 reloads, each after one entry file was added; ms wall (cpu); ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)})\n`);
  console.log(table(['synthetic', 'entries', 'start: full load', 'reload', 'of which load+check', 'engine build', '< 2 s'], rows));
  console.log(`\nAnswers while reloading (a question every ${ARRIVAL_MS} ms; n: p50 / p99 / max latency in ms, waiting included)\n`);
  console.log(table(['synthetic', 'no reload', 'during the 3 reloads'], lat));
}
