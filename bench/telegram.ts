// Telegram bench, on loopback against the fake Bot API (test/helpers/fake-telegram.ts):
//
// 1. Webhook throughput: updates a second and p50/p99 latency (POST -> 200, which grammY sends
//    after the handler and its sendMessage are done) of a bare grammY echo bot and of the full bot
//    (real app: core, engine, SQLite; the adapter with dedupe, sequentialize, auto-retry), in the
//    same run. The full bot's rate limiter is off for this row: with Telegram's limits on it is
//    capped at ~29 messages a second by design, which the last row shows. A third row replays the
//    core's answers (computed once per text) to show the adapter's own share of the cost. Two
//    workloads: a mix that repeats eight questions and two commands (so the engine's recent
//    searches answer most of it), and questions that are all different (the core's full cost).
// 2. Reminder fan-out to 1,000 subscribed chats through the real scheduler and adapter, against a
//    fake that enforces Telegram's limits (30 messages/s overall, 20/min per group): 429s, lost,
//    duplicates, and the delivery rate against 30/s.
//
// Run: npm run bench -- telegram
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Bot, webhookCallback } from 'grammy';
import { pino } from 'pino';
import { createTelegramAdapter } from '../adapters/telegram/index.ts';
import { createApp } from '../src/app.ts';
import type { CommunityModule } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { startHttpServer, type HttpRoute } from '../src/core/http-server.ts';
import type { Clock, Core } from '../src/core/ports.ts';
import type { Reply } from '../src/core/reply.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { startFakeTelegram } from '../test/helpers/fake-telegram.ts';
import { queryMix } from './engine.ts';

const SECRET = 'bench-secret';
const QUESTIONS = [
  'how do others handle encrypted data?',
  'good practices for cyber patrols?',
  'how do others get platforms to take down smuggler ads?',
  'smugglers ads on tiktok',
  'removed adverts keep coming back online',
  'training prosecutors on electronic evidence',
  'victims of trafficking recruited online',
  'crypto payments in smuggling cases',
];

const quiet = () => pino({ level: 'warn' }, new Writable({ write: (_c, _e, cb) => cb() }));

function tmpDb(): { file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-bench-'));
  return { file: path.join(dir, 'bench.db'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface LoadResult {
  n: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  lat: number[];
}

/** POSTs `updates` to the webhook with `concurrency` keep-alive connections; measures each request. */
async function load(url: string, updates: string[], concurrency: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const lat: number[] = [];
  let errors = 0;
  let next = 0;
  const post = (body: string) =>
    new Promise<number>((resolve) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': SECRET },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < updates.length) {
        const body = updates[next++]!;
        const s = performance.now();
        const status = await post(body);
        lat.push(performance.now() - s);
        if (status !== 200) errors++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { n: updates.length, seconds, perSecond: updates.length / seconds, p50: pct(lat, 50), p99: pct(lat, 99), errors, lat };
}

let updateId = 1;
function textUpdate(chatId: number, text: string): string {
  const id = updateId++;
  return JSON.stringify({
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: `User${chatId}` },
      from: { id: chatId, is_bot: false, first_name: `User${chatId}` },
      text,
      ...(text.startsWith('/') ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] } : {}),
    },
  });
}

/** Private-chat updates from `users` officers: free questions and a few commands. The eight
 *  questions repeat, so from the second round on the engine answers them from its recent searches. */
function workload(n: number, users: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const chat = 10_000 + (i % users);
    const text = i % 8 === 7 ? '/help' : i % 8 === 6 ? '/challenges encryption' : QUESTIONS[i % QUESTIONS.length]!;
    out.push(textUpdate(chat, text));
  }
  return out;
}

/** Free questions that are all different (generated as in bench/engine.ts: templates over phrases
 *  of the real base, 30% with a typo), so no answer is ever a repeat: the core's full cost. */
function distinctQuestions(): (n: number, users: number) => string[] {
  const pool = queryMix(loadPracticeBase(defaultKnowledgeDir()), 40_000, 11);
  let at = 0;
  return (n, users) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(textUpdate(10_000 + (i % users), pool[at++ % pool.length]!));
    return out;
  };
}

type FakeRef = { token: string; apiRoot: string; botInfo: unknown };

async function echoBot(fake: FakeRef) {
  const bot = new Bot(fake.token, { botInfo: fake.botInfo as never, client: { apiRoot: fake.apiRoot } });
  bot.on('message:text', (ctx) => ctx.reply(ctx.message.text));
  const cb = webhookCallback(bot, 'http', { secretToken: SECRET });
  const routes: HttpRoute[] = [{ method: 'POST', path: '/echo', handler: (req, res) => cb(req, res) }];
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', routes, log: quiet() });
  return { url: `http://127.0.0.1:${server.port}/echo`, close: () => server.close() };
}

/** The full bot; with `cachedCore`, the core's answers are computed once per text and then replayed,
 *  which leaves the adapter's own cost (rendering, splitting, plugins, HTTP) to be measured. */
async function fullBot(fake: FakeRef, limits: boolean, cachedCore = false) {
  const db = tmpDb();
  const config = loadConfig({
    DATABASE_PATH: db.file,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    // The bench measures throughput: a few users send thousands of messages, far past the limits.
    INBOUND_USER_RATE: 'off',
    INBOUND_CHAT_RATE: 'off',
  });
  const log = quiet();
  const app = createApp(config, { log });
  const cache = new Map<string, Promise<Reply[]>>();
  const core: Core = cachedCore
    ? {
        ...app.core,
        handleMessage: (m) => {
          let r = cache.get(m.text);
          if (!r) cache.set(m.text, (r = app.core.handleMessage(m)));
          return r;
        },
      }
    : app.core;
  const adapter = createTelegramAdapter({
    ...config.telegram!,
    core,
    log,
    botInfo: fake.botInfo as never,
    ...(limits ? {} : { api: { limits: false } }),
  });
  app.router.register(adapter.outbound);
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: adapter.routes ?? [], log });
  await adapter.start();
  return {
    url: `http://127.0.0.1:${server.port}${adapter.webhookPath}`,
    close: async () => {
      await adapter.stop();
      await server.close();
      await app.stop();
      db.cleanup();
    },
  };
}

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

/** The fake Bot API in a child process, so its work (JSON, HTML validation) is not billed to the
 *  bot under test, as with the real Telegram. */
interface RemoteFake {
  apiRoot: string;
  token: string;
  botInfo: unknown;
  stats(): Promise<{ sends: number; rateLimited: number }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const CHILD_FLAG = '--telegram-bench-fake';

async function startRemoteFake(): Promise<RemoteFake> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), CHILD_FLAG], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: ((m: Record<string, unknown>) => void)[] = [];
  child.on('message', (m) => replies.shift()?.(m as Record<string, unknown>));
  const ask = (cmd: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      replies.push(resolve);
      if (cmd !== 'hello') child.send({ cmd });
    });
  const hello = await ask('hello');
  return {
    apiRoot: hello.apiRoot as string,
    token: hello.token as string,
    botInfo: hello.botInfo,
    stats: async () => (await ask('stats')) as { sends: number; rateLimited: number },
    reset: async () => void (await ask('reset')),
    close: async () => {
      await ask('close');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}

async function fakeChild(): Promise<void> {
  const fake = await startFakeTelegram({ record: false });
  process.send!({ apiRoot: fake.apiRoot, token: fake.token, botInfo: fake.botInfo });
  process.on('message', (m: { cmd: string }) => {
    void (async () => {
      if (m.cmd === 'stats') process.send!({ sends: fake.stats.sends, rateLimited: fake.stats.rateLimited });
      else if (m.cmd === 'reset') {
        fake.reset();
        fake.calls.length = 0;
        process.send!({});
      } else if (m.cmd === 'close') {
        await fake.close();
        process.send!({}, () => process.exit(0));
      }
    })();
  });
}

async function throughput(): Promise<void> {
  const ROUNDS = 10;
  const PER_ROUND = 500;
  const WARM = 300;
  const CONC = 16;
  const USERS = 400;
  const fake = await startRemoteFake();
  // rates: this bot's rate in each round, so it can be set against the echo bot's in the same round
  type Acc = { name: string; n: number; seconds: number; lat: number[]; errors: number; sends: number; rates: number[] };
  const acc = (name: string): Acc => ({ name, n: 0, seconds: 0, lat: [], errors: 0, sends: 0, rates: [] });
  const echoAcc = acc('bare grammY echo bot');
  const fullAcc = acc('full bot (rate limiter off)');
  const adapterAcc = acc('adapter only: core answers replayed');
  const echoDistinctAcc = acc('bare grammY echo bot');
  const fullDistinctAcc = acc('full bot (rate limiter off)');
  const limitedAcc = acc("full bot (Telegram's limits on)");
  const distinct = distinctQuestions();
  const measure = async (a: Acc, url: string, updates: string[]) => {
    await fake.reset();
    // A pause, so work left by the bot measured before (its timers, either process's garbage
    // collection) is done before this one starts.
    await new Promise((r) => setTimeout(r, 250));
    const r = await load(url, updates, CONC);
    a.n += r.n;
    a.seconds += r.seconds;
    a.lat.push(...r.lat);
    a.errors += r.errors;
    a.rates.push(r.perSecond);
    a.sends += (await fake.stats()).sends;
  };
  try {
    const echo = await echoBot(fake);
    const full = await fullBot(fake, false);
    const cached = await fullBot(fake, false, true);
    await load(echo.url, workload(WARM, USERS), CONC);
    await load(full.url, workload(WARM, USERS), CONC);
    await load(cached.url, workload(WARM, USERS), CONC);
    // and the full bot on new questions too (its spelling corrections and search paths)
    await load(full.url, distinct(WARM, USERS), CONC);
    // Each round measures every bot and workload once; the order turns by one each round, so that
    // over the rounds each takes every place equally often (a place in the order has a cost of its own).
    const steps: (() => Promise<void>)[] = [
      () => measure(echoAcc, echo.url, workload(PER_ROUND, USERS)),
      () => measure(fullAcc, full.url, workload(PER_ROUND, USERS)),
      () => measure(adapterAcc, cached.url, workload(PER_ROUND, USERS)),
      () => measure(echoDistinctAcc, echo.url, distinct(PER_ROUND, USERS)),
      () => measure(fullDistinctAcc, full.url, distinct(PER_ROUND, USERS)),
    ];
    for (let i = 0; i < ROUNDS; i++) {
      for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]!();
    }
    await echo.close();
    await full.close();
    await cached.close();

    const limited = await fullBot(fake, true);
    // Distinct chats, so only the ~30/s overall limit applies.
    const few: string[] = [];
    for (let i = 0; i < 150; i++) few.push(textUpdate(50_000 + i, QUESTIONS[i % QUESTIONS.length]!));
    await measure(limitedAcc, limited.url, few);
    await limited.close();
  } finally {
    await fake.close();
  }
  const rate = (a: Acc) => a.n / a.seconds;
  console.log(
    `Webhook throughput on loopback: ${ROUNDS} rounds of ${PER_ROUND} updates per bot and workload, in turning order (after ${WARM} warm-up each),`,
  );
  console.log(`${CONC} concurrent connections, ${USERS} private chats; every update answered with sendMessage to the fake Bot API (in its`);
  console.log('own process). Workloads: the mix is eight free questions, /help and /challenges encryption, over and over; the other');
  console.log('is free questions that are all different (30% with a typo). Each bot is compared with the echo bot on the same workload.\n');
  console.log('"vs bare" is the rate over all rounds against the echo bot\'s; "per round" sets each round\'s rate against the');
  console.log("echo bot's in the same round (seconds apart, so a change in the machine's load hits both): median (lowest-highest).\n");
  console.log(row(['bot', 'workload', 'updates', 'updates/s', 'p50 ms', 'p99 ms', 'API sends', 'non-200', 'vs bare', 'per round']));
  console.log(row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  const lines: [Acc, string, Acc][] = [
    [echoAcc, 'mix', echoAcc],
    [fullAcc, 'mix', echoAcc],
    [adapterAcc, 'mix', echoAcc],
    [echoDistinctAcc, 'all different', echoDistinctAcc],
    [fullDistinctAcc, 'all different', echoDistinctAcc],
    [limitedAcc, '150 questions, 150 chats', echoAcc],
  ];
  for (const [a, workloadName, base] of lines) {
    a.lat.sort((x, y) => x - y);
    const paired = a.rates.length === base.rates.length ? a.rates.map((r, i) => r / base.rates[i]!).sort((x, y) => x - y) : [];
    const perRound = paired.length > 0 ? `${f2(paired[Math.floor(paired.length / 2)]!)} (${f2(paired[0]!)}-${f2(paired[paired.length - 1]!)})` : '';
    console.log(
      row([a.name, workloadName, a.n, f1(rate(a)), f2(pct(a.lat, 50)), f2(pct(a.lat, 99)), a.sends, a.errors, f2(rate(a) / rate(base)), perRound]),
    );
  }
  console.log('');
}

async function fanOut(): Promise<void> {
  const CHATS = 1000;
  const fake = await startFakeTelegram({ rateLimit: true });
  const db = tmpDb();
  const start = new Date('2026-01-05T08:00:00Z');
  let now = start.getTime();
  // A clock the bench moves by hand; the scheduler's own timers are not used (runDue is called).
  const clock: Clock = { now: () => new Date(now), setTimeout: () => ({ cancel() {} }) };
  const config = loadConfig({
    DATABASE_PATH: db.file,
    SECRETARIAT: 'telegram:1',
    REMINDER_OFFSETS: '1h',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    LOG_LEVEL: 'warn',
  });
  const log = quiet();
  const app = createApp(config, { log, clock });
  const community = app.community as CommunityModule;
  const adapter = createTelegramAdapter({ ...config.telegram!, core: app.core, log, botInfo: fake.botInfo as never });
  app.router.register(adapter.outbound);
  try {
    const added = await app.core.handleMessage({
      platform: 'telegram',
      chat: { id: 'telegram:1', type: 'private' },
      user: { id: 'telegram:1' },
      text: '/meeting add 2026-01-05 12:00 UTC | Bench meeting | online',
      addressed: true,
    });
    if (!JSON.stringify(added).includes('Bench meeting')) throw new Error(`meeting not added: ${JSON.stringify(added).slice(0, 300)}`);
    community.store.immediate(() => {
      for (let i = 0; i < CHATS; i++) community.subscriptions.subscribe({ id: `telegram:${-1_002_000_000 - i}`, type: 'group' }, undefined, 'telegram:1', clock.now());
    });
    now = Date.parse('2026-01-05T11:00:00Z');
    fake.reset();
    const t0 = performance.now();
    await community.runDue();
    const wall = (performance.now() - t0) / 1000;

    const sent = fake.sent('sendMessage').filter((c) => Number(c.params.chat_id) <= -1_002_000_000);
    const perChat = new Map<number, number>();
    for (const c of sent) perChat.set(Number(c.params.chat_id), (perChat.get(Number(c.params.chat_id)) ?? 0) + 1);
    const lost = CHATS - perChat.size;
    const duplicates = [...perChat.values()].reduce((n, k) => n + Math.max(0, k - 1), 0);
    const times = sent.map((c) => c.at).sort((a, b) => a - b);
    const span = times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 : NaN;
    const rate = (times.length - 1) / span;
    // Most messages in any one-second window (Telegram's limit is about 30).
    let maxWindow = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      maxWindow = Math.max(maxWindow, i - j + 1);
    }
    const ledger = community.store.db
      .prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM reminder_deliveries GROUP BY status')
      .all()
      .map((r) => `${r.status}: ${r.n}`)
      .join(', ');
    console.log(`Reminder fan-out to ${CHATS} subscribed groups through the scheduler and the adapter, against a fake enforcing`);
    console.log("Telegram's limits (token buckets: 30 messages/s overall, 20/min per group; 429 with retry_after otherwise).\n");
    console.log(row(['chats', 'delivered', '429s', 'lost', 'duplicates', 'seconds', 'messages/s', 'vs 30/s', 'max in any 1 s', 'ledger']));
    console.log(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
    console.log(row([CHATS, sent.length, fake.stats.rateLimited, lost, duplicates, f1(wall), f1(rate), `${f1((rate / 30) * 100)}%`, maxWindow, ledger]));
    console.log('');
  } finally {
    await adapter.stop();
    await app.stop();
    await fake.close();
    db.cleanup();
  }
}

export async function run(): Promise<void> {
  await throughput();
  await fanOut();
}

if (process.argv.includes(CHILD_FLAG)) await fakeChild();
else if (import.meta.url === `file://${process.argv[1]}`) await run();
