// Slack throughput: signed slash commands a second and p50/p99 acknowledgement latency, on
// loopback, of (1) a bare Bolt app (HTTPReceiver, a listener that only acks), (2) our adapter on
// the shared HTTP server with a no-op core (what the HTTP ack path itself costs: shared server,
// Bolt's signature check, our de-duplication middleware, authorize), and (3) the full app
// (createApp: store, engine, community, core) answering `/practice help` and `/practice ask ...`.
// Goal: (3) at least 0.8 of (1).
//
// The load generator and a minimal fake Slack Web API run in a worker thread, so the main thread
// holds only the app under test. Each request is freshly signed. Bounded: a fixed number of
// requests per run, each variant measured twice (alternating), best run reported. For the full
// app, "answered/s" also counts until every answer was posted to the fake chat.postMessage
// (posting pace set to 0 here; in production it is one message a second per channel).
//
// Run: npm run bench -- slack
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { App, HTTPReceiver } from '@slack/bolt';
import { pino } from 'pino';
import { createSlackAdapter } from '../adapters/slack/index.ts';
import { boltLogger } from '../adapters/slack/web.ts';
import { createApp } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import { startHttpServer } from '../src/core/http-server.ts';
import type { Core } from '../src/core/ports.ts';

const SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench-0000-token';
const REQUESTS = Number(process.env.BENCH_SLACK_REQUESTS ?? 3000);
const WARMUP = 300;
const CONCURRENCY = 32;

// ------------------------------------------------------------------------------------------------
// The worker: load generator + minimal fake Web API. Plain JS (eval), so it needs no TS loader.

const WORKER_JS = String.raw`
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const crypto = require('node:crypto');
let posts = 0;
const api = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const method = (req.url || '').split('?')[0].replace('/api/', '');
    res.setHeader('content-type', 'application/json');
    if (method === 'auth.test') return res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' }));
    if (method === 'chat.postMessage') { posts++; return res.end(JSON.stringify({ ok: true, channel: 'C1', ts: String(1700000000 + posts) + '.000001' })); }
    res.end(JSON.stringify({ ok: true }));
  });
});
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function send(url, secret, body) {
  const ts = Math.floor(Date.now() / 1000);
  const sig = 'v0=' + crypto.createHmac('sha256', secret).update('v0:' + ts + ':' + body).digest('hex');
  const u = new URL(url);
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const r = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: {
      'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body),
      'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    r.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    r.end(body);
  });
}
function body(text, i) {
  return new URLSearchParams({ token: 'x', team_id: 'T1', team_domain: 'b', channel_id: 'C' + (100 + (i % 50)), channel_name: 'general',
    user_id: 'U' + (i % 200), user_name: 'u', command: '/practice', text, api_app_id: 'A1', is_enterprise_install: 'false',
    response_url: 'http://127.0.0.1:9/response', trigger_id: '1' }).toString();
}
async function load({ url, secret, n, concurrency, text }) {
  const lat = new Array(n);
  const statuses = {};
  let next = 0;
  const t0 = process.hrtime.bigint();
  async function lane() {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const r = await send(url, secret, body(text, i));
      lat[i] = r.ms;
      statuses[r.status] = (statuses[r.status] || 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { elapsedMs: Number(process.hrtime.bigint() - t0) / 1e6, lat, statuses };
}
parentPort.on('message', async (m) => {
  if (m.cmd === 'fake') api.listen(0, '127.0.0.1', () => parentPort.postMessage({ apiUrl: 'http://127.0.0.1:' + api.address().port + '/api/' }));
  else if (m.cmd === 'load') parentPort.postMessage(await load(m));
  else if (m.cmd === 'posts') parentPort.postMessage({ posts });
  else if (m.cmd === 'close') { agent.destroy(); api.close(); parentPort.postMessage({ closed: true }); }
});
`;

function ask<T>(w: Worker, msg: Record<string, unknown>): Promise<T> {
  return new Promise((resolve) => {
    w.once('message', (m: T) => resolve(m));
    w.postMessage(msg);
  });
}

interface Target {
  url: string;
  close(): Promise<void>;
  /** Resolves when the app has finished everything the requests started. */
  settle?(): Promise<void>;
}

const silent = pino({ level: 'silent' });

/** A bare Bolt app: HTTPReceiver, one /practice listener. `answer`: it also replies with a fixed
 *  one-line message through Bolt's own WebClient (`say()`), as the Bolt starter app does. */
async function bareBolt(apiUrl: string, answer: boolean): Promise<Target> {
  const receiver = new HTTPReceiver({ signingSecret: SECRET, processBeforeResponse: false, logger: boltLogger(silent) });
  const app = new App({
    receiver,
    logger: boltLogger(silent),
    convoStore: false,
    clientOptions: { slackApiUrl: apiUrl },
    authorize: async () => ({ botToken: TOKEN, botId: 'BBOT', botUserId: 'UBOT' }),
  });
  let pending = 0;
  const waiters: (() => void)[] = [];
  app.command('/practice', async ({ ack, say }) => {
    await ack();
    if (!answer) return;
    pending++;
    try {
      await say({ text: 'Hello from a bare Bolt app.' });
    } finally {
      if (--pending === 0) for (const w of waiters.splice(0)) w();
    }
  });
  const server = http.createServer((req, res) => receiver.requestListener(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    ...(answer ? { settle: () => (pending === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))) } : {}),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

function config(dir: string, apiUrl: string): Config {
  return {
    databasePath: path.join(dir, 'bench.db'),
    allowedChats: [],
    secretariat: [],
    coChairs: [],
    reminderOffsetsMs: [86_400_000],
    port: 0,
    logLevel: 'silent',
    community: 'colep',
    gapsRetentionDays: 180,
    slack: { botToken: TOKEN, signingSecret: SECRET, apiUrl },
  };
}

async function adapterTarget(apiUrl: string, core: Core | 'full'): Promise<Target> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-bench-slack-'));
  const app = core === 'full' ? createApp(config(dir, apiUrl), { log: silent }) : undefined;
  const adapter = createSlackAdapter({
    botToken: TOKEN,
    signingSecret: SECRET,
    apiUrl,
    core: app ? app.core : (core as Core),
    log: silent,
    minPostIntervalMs: 0,
  });
  app?.router.register(adapter.outbound);
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: adapter.routes ?? [], log: silent });
  await adapter.start();
  app?.start();
  return {
    url: `http://127.0.0.1:${server.port}/slack/events`,
    settle: () => adapter.idle(),
    async close() {
      await adapter.stop();
      await server.close();
      await app?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const noopCore: Core = {
  handleMessage: async () => [],
  handleAction: async () => [],
  vote: async () => undefined,
  pollTotals: async () => {},
  chatGone: async () => {},
  chatMigrated: async () => {},
  introduction: () => ({ blocks: [] }),
  home: async () => ({ blocks: [] }),
  commandMenu: () => [],
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  answeredRps?: number;
  errors: number;
}

async function measure(w: Worker, name: string, make: () => Promise<Target>, text: string): Promise<Row> {
  const t = await make();
  try {
    await ask(w, { cmd: 'load', url: t.url, secret: SECRET, n: WARMUP, concurrency: CONCURRENCY, text });
    await t.settle?.();
    const before = (await ask<{ posts: number }>(w, { cmd: 'posts' })).posts;
    const start = performance.now();
    const r = await ask<{ elapsedMs: number; lat: number[]; statuses: Record<string, number> }>(w, {
      cmd: 'load',
      url: t.url,
      secret: SECRET,
      n: REQUESTS,
      concurrency: CONCURRENCY,
      text,
    });
    let answeredRps: number | undefined;
    if (t.settle) {
      await t.settle();
      const posted = (await ask<{ posts: number }>(w, { cmd: 'posts' })).posts - before;
      answeredRps = posted / ((performance.now() - start) / 1000);
    }
    const errors = REQUESTS - (r.statuses['200'] ?? 0);
    return { name, rps: REQUESTS / (r.elapsedMs / 1000), p50: pct(r.lat, 50), p99: pct(r.lat, 99), ...(answeredRps !== undefined ? { answeredRps } : {}), errors };
  } finally {
    await t.close();
  }
}

export async function run(): Promise<void> {
  const w = new Worker(WORKER_JS, { eval: true });
  try {
    const { apiUrl } = await ask<{ apiUrl: string }>(w, { cmd: 'fake' });
    const variants: [string, () => Promise<Target>, string][] = [
      ['bare Bolt (ack only)', () => bareBolt(apiUrl, false), 'help'],
      ['bare Bolt (ack + say() one line)', () => bareBolt(apiUrl, true), 'help'],
      ['adapter, no-op core', () => adapterTarget(apiUrl, noopCore), 'help'],
      ['full app: /practice help', () => adapterTarget(apiUrl, 'full'), 'help'],
      ['full app: /practice ask ...', () => adapterTarget(apiUrl, 'full'), 'ask how do others handle encrypted data?'],
    ];
    // BENCH_SLACK_ONLY=<text>: only the variants whose name contains it (profiling); bare always runs.
    const only = process.env.BENCH_SLACK_ONLY;
    if (only) variants.splice(2, variants.length, ...variants.slice(2).filter(([n]) => n.includes(only)));
    const best = new Map<string, Row>();
    for (let round = 0; round < 2; round++) {
      for (const [name, make, text] of variants) {
        const row = await measure(w, name, make, text);
        const prev = best.get(name);
        if (!prev || row.rps > prev.rps) best.set(name, row);
      }
    }
    const bare = best.get(variants[0]![0])!.rps;
    const bareSay = best.get(variants[1]![0])!.rps;
    console.log(`${REQUESTS} signed slash commands per run, ${CONCURRENCY} concurrent, keep-alive, loopback; best of 2 runs; Node ${process.version}, ${os.cpus().length} CPUs`);
    console.log('');
    console.log('| variant | acks/s | vs bare (ack only) | vs bare (ack + say) | p50 ms | p99 ms | answered/s | non-200 |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [name] of variants) {
      const r = best.get(name)!;
      console.log(
        `| ${r.name} | ${r.rps.toFixed(0)} | ${(r.rps / bare).toFixed(2)} | ${(r.rps / bareSay).toFixed(2)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.answeredRps !== undefined ? r.answeredRps.toFixed(0) : '-'} | ${r.errors} |`,
      );
    }
    const fulls = variants.filter(([n]) => n.startsWith('full')).map(([n]) => best.get(n)!.rps);
    if (fulls.length > 0) {
      const full = Math.min(...fulls);
      console.log('');
      console.log(
        `Goal: full app >= 0.8 x bare Bolt. Worst full-app ratio: ${(full / bare).toFixed(2)} of the ack-only app ${full / bare >= 0.8 ? '(met)' : '(NOT met)'}, ` +
          `${(full / bareSay).toFixed(2)} of the app that also answers ${full / bareSay >= 0.8 ? '(met)' : '(NOT met)'}.`,
      );
    }
  } finally {
    await ask(w, { cmd: 'close' });
    await w.terminate();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
