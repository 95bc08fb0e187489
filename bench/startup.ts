// `npm run bench -- startup`: how fast the compiled `practice-bot` bin starts, and what a running bot
// holds in memory, against `node -e 0` measured in the same run (the machine's load moves both).
//
// - `ask "encrypted data"`: wall time, CPU time and peak RSS of the whole process, with the practice
//   base's snapshot cache warm (the normal case), cold (cache folder removed before each run: YAML
//   parsing and index analysis), and from the sources through tsx (how every start ran before the
//   compiled build). Medians of interleaved runs.
// - the console: time from spawn until the answer to a first line written at once on a pipe (the
//   piped console prints no prompt, so this bounds "ready to read its first line" from above).
// - a Telegram bot with a token, in long polling against the fake Bot API on 127.0.0.1
//   (test/helpers/fake-telegram.ts, in this process): from getMe answered to the first getUpdates.
// - memory of that running bot after 1,000 questions (RSS and peak from /proc, Linux), fed 20 at a time as it
//   answers them (bench/engine.ts's query mix, 30% with a typo), its snapshot cache warm (a restart), with
//   the environment of deploy/practice-bot.service (its V8 heap caps, malloc arenas) as deployed.
// Every child gets a tiny `--import` that writes its own CPU time and peak RSS at exit on fd 3.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleIsCurrent } from '../bin/dist-freshness.js';
import { loadPracticeBase } from '../src/knowledge/load.ts';
import { distIsFresh } from '../test/helpers/cli-command.ts';
import { privateChat, startFakeTelegram, user, type FakeTelegram } from '../test/helpers/fake-telegram.ts';
import { queryMix } from './engine.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/practice-bot.js');
const ROUNDS = 10;
const SOURCE_ROUNDS = 3;
const QUESTIONS = 1000;
/** Questions put in the fake's queue at a time (the next batch once all are answered). */
const BATCH = 20;

const GOALS = { askRatio: 3, consoleMs: 500, pollingMs: 1000, rssMb: 120 };

/** Writes the process's CPU time (ms) and peak RSS (KB) as JSON on fd 3 at exit. */
const REPORTER = `data:text/javascript,${encodeURIComponent(
  "import fs from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); " +
    "try { fs.writeSync(3, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS })); } catch {} });",
)}`;

interface Run {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  stdout: string;
  code: number | null;
}

function runNode(args: string[], env: NodeJS.ProcessEnv, cwd: string, input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', REPORTER, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let report = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (report += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      let r: { cpuMs?: number; maxRssKb?: number } = {};
      try {
        r = JSON.parse(report) as typeof r;
      } catch {
        reject(new Error(`no resource report from ${args.join(' ')} (exit ${code}): ${stderr.slice(0, 300)}`));
        return;
      }
      if (stderr.trim() !== '') process.stderr.write(`  (stderr of ${args.slice(-2).join(' ')}: ${stderr.trim().split('\n')[0]})\n`);
      resolve({ wallMs, cpuMs: r.cpuMs ?? NaN, maxRssKb: r.maxRssKb ?? NaN, stdout, code });
    });
    child.stdin.end(input);
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number, d = 0) => (Number.isNaN(x) ? '—' : x.toFixed(d));

/** Builds dist/ and its bundle when missing or older than the sources (the bench measures the compiled bin as
 *  `npm install` leaves it). */
async function ensureBuilt(): Promise<void> {
  if (distIsFresh() && bundleIsCurrent(ROOT)) return;
  console.log('dist/ or its bundle is missing or older than the sources: npm run build first');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error('the build failed');
}

interface StartupRow {
  what: string;
  runs: number;
  wallMs: number;
  cpuMs: number;
  rssMb: number;
}

async function measureAsk(env: NodeJS.ProcessEnv, cwd: string, cacheDir: string): Promise<StartupRow[]> {
  const ask = [BIN, 'ask', 'encrypted data'];
  const fromSource = { ...env, PRACTICE_BOT_FROM_SOURCE: '1' };
  // warm-up: fills the cache, loads the files into the page cache
  await runNode(['-e', '0'], env, cwd);
  const first = await runNode(ask, env, cwd);
  if (!first.stdout.includes('encrypted data')) throw new Error(`ask gave no answer: ${first.stdout.slice(0, 200)}`);
  const runs: Record<string, Run[]> = { node: [], warm: [], cold: [], source: [] };
  for (let i = 0; i < ROUNDS; i++) {
    runs.node!.push(await runNode(['-e', '0'], env, cwd));
    runs.warm!.push(await runNode(ask, env, cwd));
    fs.rmSync(cacheDir, { recursive: true, force: true });
    runs.cold!.push(await runNode(ask, env, cwd));
    if (i < SOURCE_ROUNDS) {
      fs.rmSync(cacheDir, { recursive: true, force: true });
      runs.source!.push(await runNode(ask, fromSource, cwd));
    }
  }
  const row = (what: string, rs: Run[]): StartupRow => ({
    what,
    runs: rs.length,
    wallMs: median(rs.map((r) => r.wallMs)),
    cpuMs: median(rs.map((r) => r.cpuMs)),
    rssMb: median(rs.map((r) => r.maxRssKb)) / 1024,
  });
  return [
    row('node -e 0', runs.node!),
    row('practice-bot ask "encrypted data" (dist, cache warm)', runs.warm!),
    row('practice-bot ask "encrypted data" (dist, cache cold)', runs.cold!),
    row('practice-bot ask "encrypted data" (sources via tsx, no cache: before)', runs.source!),
  ];
}

/** Spawn to the answer of a first line written at once (the console prints nothing before it when piped), and
 *  the CPU time of the whole run (start, that answer, stop), with `node -e 0` just before each. */
async function measureConsole(env: NodeJS.ProcessEnv, cwd: string): Promise<{ firstMs: number[]; cpuMs: number[]; nodeMs: number[] }> {
  const out = { firstMs: [] as number[], cpuMs: [] as number[], nodeMs: [] as number[] };
  for (let i = 0; i < 5; i++) {
    out.nodeMs.push((await runNode(['-e', '0'], env, cwd)).wallMs);
    await new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, ['--import', REPORTER, BIN, 'console'], { cwd, env, stdio: ['pipe', 'pipe', 'inherit', 'pipe'] });
      let report = '';
      (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (report += d.toString('utf8')));
      let t: number | undefined;
      child.stdout!.once('data', () => {
        t = performance.now() - t0;
        child.stdin!.end();
      });
      child.on('error', reject);
      child.on('close', () => {
        if (t === undefined) return reject(new Error('the console printed nothing'));
        out.firstMs.push(t);
        out.cpuMs.push((JSON.parse(report) as { cpuMs: number }).cpuMs);
        resolve();
      });
      child.stdin!.write('/help\n');
    });
  }
  return out;
}

interface BotResult {
  spawnToGetMeMs: number;
  getMeToPollingMs: number;
  getMeToFirstAnswerMs: number;
  readyRssMb?: number;
  rssMb?: number;
  peakRssMb?: number;
  answered?: number;
  questionsS?: number;
}

/** A process's resident memory (VmRSS) or its peak (VmHWM) in MB, from /proc; undefined where there is none. */
export function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Sends `questions` to the bot through the fake Bot API from 100 private chats, `batch` at a time, each batch
 *  once the previous one is answered: a steady flow the bot keeps up with (Telegram lets it send about 30
 *  messages a second), not one burst. `answered(n)` is called after each batch. Returns the answers counted. */
export async function askInBatches(fake: FakeTelegram, questions: string[], batch = BATCH, answered?: (n: number) => void): Promise<number> {
  const chats = Array.from({ length: 100 }, (_, i) => user(10_000 + i));
  const before = fake.stats.sends;
  for (let i = 0; i < questions.length; i += batch) {
    questions.slice(i, i + batch).forEach((q, k) => {
      const from = chats[(i + k) % chats.length]!;
      fake.enqueue(fake.text({ chat: privateChat(from), from, text: q }));
    });
    const want = Math.min(questions.length, i + batch);
    await fake.waitFor(() => fake.stats.sends - before >= want || undefined, 60_000, `${want} answers`);
    answered?.(want);
  }
  return fake.stats.sends - before;
}

/** The `Environment=NAME=value` lines of deploy/practice-bot.service (one assignment a line, quoted when it holds spaces). */
export const UNIT_ENV: NodeJS.ProcessEnv = (() => {
  const out: NodeJS.ProcessEnv = {};
  for (const m of fs.readFileSync(path.join(ROOT, 'deploy/practice-bot.service'), 'utf8').matchAll(/^Environment=(?:"([^"]*)"|(\S+))\s*$/gm)) {
    const a = m[1] ?? m[2]!;
    out[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  }
  return out;
})();

/** The node flags of the unit's `ExecStart=` line (`/usr/bin/node --flag ... /opt/practice-bot/bin/practice-bot.js`): the flags
 *  NODE_OPTIONS may not carry (`--optimize-for-size` is refused there), given to node on its command line. */
export const UNIT_NODE_FLAGS: string[] = (() => {
  const line = /^ExecStart=(.*)$/m.exec(fs.readFileSync(path.join(ROOT, 'deploy/practice-bot.service'), 'utf8'))?.[1] ?? '';
  const words = line.trim().split(/\s+/);
  const script = words.findIndex((w) => w.endsWith('practice-bot.js'));
  return words.slice(1, script < 0 ? 1 : script).filter((w) => w.startsWith('--'));
})();

let botRuns = 0;

async function measureBot(env: NodeJS.ProcessEnv, cwd: string, questions: string[] | undefined): Promise<BotResult> {
  const fake = await startFakeTelegram();
  const officer = user(4242);
  fake.enqueue(fake.text({ chat: privateChat(officer), from: officer, text: '/help' }));
  const t0 = Date.now();
  // Each bot gets a database of its own beside the others (so the same snapshot cache folder): every fake Bot API
  // numbers its updates from 1001, and the update ledger of a database a previous bot used would take them
  // for updates already handled and answer nothing.
  const database = path.join(path.dirname(env.DATABASE_PATH!), `bot-${++botRuns}.db`);
  const child = spawn(process.execPath, [...(questions ? UNIT_NODE_FLAGS : []), BIN], {
    cwd,
    // the memory run uses the systemd unit's node flags and environment (V8 heap caps, malloc: docs/deploy.md "Memory"), as deployed
    env: { ...env, ...(questions ? UNIT_ENV : {}), DATABASE_PATH: database, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  try {
    const getMe = await fake.waitFor((calls) => calls.find((c) => c.method === 'getMe'), 30_000, 'getMe');
    const poll = await fake.waitFor((calls) => calls.find((c) => c.method === 'getUpdates'), 30_000, 'getUpdates');
    const answer = await fake.waitFor((calls) => calls.find((c) => c.method === 'sendMessage' && c.outcome === 'ok'), 120_000, 'the first answer');
    const result: BotResult = { spawnToGetMeMs: getMe.at - t0, getMeToPollingMs: poll.at - getMe.at, getMeToFirstAnswerMs: answer.at - getMe.at };
    if (questions) {
      await new Promise((r) => setTimeout(r, 500));
      result.readyRssMb = procStatusMb(child.pid!, 'VmRSS');
      const start = Date.now();
      result.answered = await askInBatches(fake, questions);
      result.questionsS = (Date.now() - start) / 1000;
      await new Promise((r) => setTimeout(r, 500));
      result.rssMb = procStatusMb(child.pid!, 'VmRSS');
      result.peakRssMb = procStatusMb(child.pid!, 'VmHWM');
    }
    return result;
  } catch (err) {
    throw new Error(`${(err as Error).message}\nbot stderr: ${stderr.slice(0, 500)}`);
  } finally {
    child.kill('SIGTERM');
    await exited;
    await fake.close();
  }
}

export async function run(): Promise<void> {
  await ensureBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-bench-startup-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    DATABASE_PATH: path.join(dir, 'data', 'bot.db'),
    LOG_LEVEL: 'error',
  };
  const cacheDir = path.join(dir, 'data', 'cache');
  try {
    console.log(`Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const askRows = await measureAsk(env, dir, cacheDir);
    const node = askRows[0]!;
    console.log('\n| process | runs | wall ms (median) | x node -e 0 | CPU ms (median) | x node -e 0 | max RSS MB |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of askRows)
      console.log(`| ${r.what} | ${r.runs} | ${fmt(r.wallMs)} | ${fmt(r.wallMs / node.wallMs, 2)} | ${fmt(r.cpuMs)} | ${fmt(r.cpuMs / node.cpuMs, 2)} | ${fmt(r.rssMb, 1)} |`);

    // the console and the bot open the database: create it once, so each start is a restart
    await runNode([BIN, 'console'], env, dir, '/help\n');
    const con = await measureConsole(env, dir);
    const consoleMs = median(con.firstMs);
    console.log(`\nConsole, 5 starts: first piped line answered after ${fmt(consoleMs)} ms (node -e 0 just before: ${fmt(median(con.nodeMs))} ms), ` +
      `CPU ${fmt(median(con.cpuMs))} ms for the whole run (medians).`);

    // a restarted bot: its snapshots are there, including the English word list, read on the first unknown word
    await runNode([BIN, 'ask', 'encrpyted chanels'], env, dir);
    const bots: BotResult[] = [];
    for (let i = 0; i < 3; i++) bots.push(await measureBot(env, dir, undefined));
    const base = loadPracticeBase(path.join(ROOT, 'knowledge'));
    const mem = await measureBot(env, dir, queryMix(base, QUESTIONS, 11));
    const pollingMs = median([...bots, mem].map((b) => b.getMeToPollingMs));

    console.log(`\nTelegram bot (fake Bot API on 127.0.0.1, long polling), ${bots.length + 1} starts: spawn to getMe ` +
      `${fmt(median([...bots, mem].map((b) => b.spawnToGetMeMs)))} ms, getMe to first getUpdates ${fmt(pollingMs)} ms, ` +
      `getMe to the first answer ${fmt(median([...bots, mem].map((b) => b.getMeToFirstAnswerMs)))} ms (medians).`);
    console.log(`${mem.answered ?? 0} questions answered in ${fmt(mem.questionsS ?? NaN, 1)} s (the adapter keeps Telegram's ~30 messages/s limit); ` +
      `RSS ${fmt(mem.readyRssMb ?? NaN, 1)} MB when ready, ${fmt(mem.rssMb ?? NaN, 1)} MB after them, peak ${fmt(mem.peakRssMb ?? NaN, 1)} MB ` +
      `(${[...UNIT_NODE_FLAGS, ...Object.entries(UNIT_ENV).map(([k, v]) => `${k}=${v ?? ''}`)].join(' ') || 'no flags or environment'}, as the systemd unit; bench/memory-probe.ts splits heap from the rest).`);

    const warm = askRows[1]!;
    const verdict = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'pass' : 'FAIL');
    console.log('\n| goal | measured | target | result |');
    console.log('|---|---:|---:|---|');
    console.log(`| \`practice-bot ask\` wall time vs \`node -e 0\` | ${fmt(warm.wallMs / node.wallMs, 2)}x (${fmt(warm.wallMs)} vs ${fmt(node.wallMs)} ms) | <= ${GOALS.askRatio}x | ${verdict(warm.wallMs / node.wallMs <= GOALS.askRatio)} |`);
    console.log(`| console answers its first piped line | ${fmt(consoleMs)} ms | < ${GOALS.consoleMs} ms | ${verdict(consoleMs < GOALS.consoleMs)} |`);
    console.log(`| bot polling after getMe answered | ${fmt(pollingMs)} ms | < ${GOALS.pollingMs} ms | ${verdict(pollingMs < GOALS.pollingMs)} |`);
    console.log(`| bot RSS after ${QUESTIONS} questions | ${fmt(mem.rssMb ?? NaN, 1)} MB | < ${GOALS.rssMb} MB | ${verdict(mem.rssMb === undefined ? undefined : mem.rssMb < GOALS.rssMb)} |`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
