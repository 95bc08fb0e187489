// `npx tsx bench/memory-probe.ts [questions] [--unit] [--snapshot] [--languages] [--batch=N] [--env=K=V] [V8 flags]`:
// where a running Telegram bot's memory goes. Runs the compiled bot (dist/; build it first) the way
// bench/startup.ts does (fake Bot API on 127.0.0.1, long polling, bench/engine.ts's query mix fed 20 at a
// time), with `--expose-gc` and a tiny `--import` hook: on SIGUSR2 the bot collects garbage (global.gc)
// and writes process.memoryUsage() on fd 3, and with --snapshot a heap snapshot (open it in Chrome
// DevTools, Memory tab; writing it inflates the RSS read afterwards). Other --flags (Node and V8 flags)
// and --env=NAME=value go to the bot; --unit adds the systemd unit's node flags and environment (as
// `npm run bench -- startup` does); --languages puts the fixtures' questions in every language first.
// Printed at "ready" and after the questions: RSS and heap before and after a full GC, so retained
// objects (a leak, an oversized cache) can be told from heap V8 just had not collected yet; V8's spaces;
// the RSS per mapping (anonymous memory: V8 heap and malloc; files: node, libraries); and the bot's CPU
// time for the questions (from /proc, so a memory setting's cost in speed shows too).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadPracticeBase } from '../src/knowledge/load.ts';
import { privateChat, startFakeTelegram, user } from '../test/helpers/fake-telegram.ts';
import { queryMix } from './engine.ts';
import { askInBatches, procStatusMb, UNIT_ENV, UNIT_NODE_FLAGS } from './startup.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/practice-bot.js');

const HOOK = `data:text/javascript,${encodeURIComponent(
  "import fs from 'node:fs'; import v8 from 'node:v8'; process.on('SIGUSR2', () => { " +
    'const mb = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 1048576 * 10) / 10])); ' +
    'const before = mb(process.memoryUsage()); globalThis.gc(); globalThis.gc(); const after = mb(process.memoryUsage()); ' +
    'const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name.replace(/_space$/, ""), Math.round(s.space_size / 104857.6) / 10])); ' +
    'let snap; if (process.env.PROBE_SNAPSHOT) snap = v8.writeHeapSnapshot(process.env.PROBE_SNAPSHOT + "/bot-" + Date.now() + ".heapsnapshot"); ' +
    'fs.writeSync(3, JSON.stringify({ before, after, spaces, snap }) + "\\n"); });',
)}`;

interface Sample {
  before: Record<string, number>;
  spaces: Record<string, number>;
  after: Record<string, number>;
  snap?: string;
}

/** Every question of test/fixtures/*.yaml (all the lexicon's languages), one line each. */
function fixtureQuestions(): string[] {
  const dir = path.join(ROOT, 'test/fixtures');
  const out: string[] = [];
  for (const f of fs.readdirSync(dir)) {
    const items = parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { q?: unknown }[] | null;
    for (const it of items ?? []) if (typeof it.q === 'string') out.push(it.q.replace(/\s+/g, ' '));
  }
  return out;
}

/** A process's CPU time (user + system) in ms, from /proc/PID/stat (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function probe(questions: number, snapshotDir?: string, nodeFlags: string[] = [], extraEnv: Record<string, string> = {}, BATCH = 20, languages = false): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-memory-probe-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    DATABASE_PATH: path.join(dir, 'data', 'bot.db'),
    LOG_LEVEL: 'error',
    ...(snapshotDir ? { PROBE_SNAPSHOT: snapshotDir } : {}),
    ...extraEnv,
  };
  const fake = await startFakeTelegram();
  const officer = user(4242);
  fake.enqueue(fake.text({ chat: privateChat(officer), from: officer, text: '/help' }));
  const child = spawn(process.execPath, ['--expose-gc', ...nodeFlags, '--import', HOOK, BIN], {
    cwd: dir,
    env: { ...env, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot },
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const lines: string[] = [];
  let buf = '';
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const rss = (field: 'VmRSS' | 'VmHWM') => Math.round((procStatusMb(child.pid!, field) ?? NaN) * 10) / 10;
  const sample = async (label: string) => {
    const n = lines.length;
    const rssBefore = rss('VmRSS');
    child.kill('SIGUSR2');
    await fake.waitFor(() => lines.length > n || undefined, 120_000, 'the memory report');
    const s = JSON.parse(lines[n]!) as Sample;
    console.log(`${label}: RSS ${rssBefore} MB (peak ${rss('VmHWM')} MB), after GC ${rss('VmRSS')} MB`);
    console.log(`  before GC ${JSON.stringify(s.before)}`);
    console.log(`  after GC  ${JSON.stringify(s.after)}${s.snap ? ` snapshot ${s.snap}` : ''}`);
    console.log(`  V8 spaces after GC (MB reserved): ${JSON.stringify(s.spaces)}`);
    console.log(`  RSS by mapping after GC: ${mappings()}`);
  };
  /** RSS per kind of mapping (/proc/PID/smaps): anonymous memory (V8 heap, malloc) against files (node, libraries, ICU data). */
  const mappings = () => {
    const rssBy = new Map<string, number>();
    let name = '';
    for (const line of fs.readFileSync(`/proc/${child.pid}/smaps`, 'utf8').split('\n')) {
      const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (m) name = m[1] ? path.basename(m[1]) : '[anonymous]';
      else if (line.startsWith('Rss:')) rssBy.set(name, (rssBy.get(name) ?? 0) + Number(line.split(/\s+/)[1]));
    }
    return [...rssBy]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, kb]) => `${k} ${Math.round(kb / 102.4) / 10} MB`)
      .join(', ');
  };
  try {
    await fake.waitFor((calls) => calls.find((c) => c.method === 'sendMessage' && c.outcome === 'ok'), 120_000, 'the first answer');
    await new Promise((r) => setTimeout(r, 500));
    await sample('ready');
    const base = loadPracticeBase(path.join(ROOT, 'knowledge'));
    const cpu0 = cpuMs(child.pid!);
    const wall0 = performance.now();
    // --languages: the fixtures' questions in every language of the lexicon first (every language's
    // phrase matcher and the language detector get built), then the English mix
    const qs = languages ? [...fixtureQuestions(), ...queryMix(base, questions, 11)].slice(0, Math.max(questions, 1)) : queryMix(base, questions, 11);
    await askInBatches(fake, qs, BATCH, (want) => {
      if (want % 250 === 0 && want < qs.length) console.log(`  ${want} answered: RSS ${rss('VmRSS')} MB`);
    });
    console.log(`  the bot's CPU time for them: ${Math.round(cpuMs(child.pid!) - cpu0)} ms (wall ${Math.round(performance.now() - wall0)} ms)`);
    await new Promise((r) => setTimeout(r, 500));
    await sample(`after ${qs.length} questions`);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nbot stderr: ${stderr.slice(0, 500)}`);
  } finally {
    child.kill('SIGTERM');
    await exited;
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 1000);
  const snap = args.includes('--snapshot') ? fs.mkdtempSync(path.join(os.tmpdir(), 'pb-heap-')) : undefined;
  // any other --flag is a Node/V8 flag for the bot (--max-old-space-size=N, --max-semi-space-size=N, --optimize-for-size, ...)
  const own = ['--snapshot', '--languages', '--batch=', '--env=', '--unit'];
  // --unit: the systemd unit's node flags (ExecStart) and environment (NODE_OPTIONS, MALLOC_*), as bench/startup.ts runs the bot
  const unit = args.includes('--unit');
  const flags = [...(unit ? UNIT_NODE_FLAGS : []), ...args.filter((a) => a.startsWith('--') && !own.some((o) => a.startsWith(o)))];
  // --batch=N: questions queued at a time (20, as bench/startup.ts; 1000: all at once, a burst)
  const batch = Number(args.find((a) => a.startsWith('--batch='))?.slice(8) ?? 20);
  // --env=NAME=value: an environment variable for the bot (e.g. --env=MALLOC_ARENA_MAX=2)
  const extra: Record<string, string> = {
    ...(unit ? (UNIT_ENV as Record<string, string>) : {}),
    ...Object.fromEntries(args.filter((a) => a.startsWith('--env=')).map((a) => a.slice(6).split('=', 2) as [string, string])),
  };
  console.log(`Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, node flags ${flags.join(' ') || '(none)'}, batch ${batch}, env ${JSON.stringify(extra)}${args.includes('--languages') ? ', fixtures in every language first' : ''}`);
  await probe(n, snap, flags, extra, batch, args.includes('--languages'));
}
