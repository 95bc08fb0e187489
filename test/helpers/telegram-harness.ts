// Test harness for the Telegram adapter: the real app (createApp: core, engine, community, SQLite
// in a temp folder), the real adapter (grammY over real HTTP), and the fake Bot API on 127.0.0.1.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect, onTestFinished } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter, type TelegramAdapterOptions } from '../../adapters/telegram/index.ts';
import type { ApiPipelineOptions } from '../../adapters/telegram/api-plugins.ts';
import type { APIThrottlerOptions } from '@grammyjs/transformer-throttler';
import { createApp, type App } from '../../src/app.ts';
import type { CommunityModule } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { startHttpServer, type HttpServerHandle } from '../../src/core/http-server.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Clock } from '../../src/core/ports.ts';
import { createUpdateLedger } from '../../src/store/update-ledger.ts';
import { testTmpRoot, type FakeClock } from './community.ts';
import { sharedApp } from './shared-engine.ts';
import {
  checkTelegramHtml,
  groupChat,
  startFakeTelegram,
  supergroup,
  user,
  type ApiCall,
  type ChatSpec,
  type FakeTelegram,
  type FakeTelegramOptions,
  type UserSpec,
} from './fake-telegram.ts';

export type Mode = 'polling' | 'webhook';

export const SEC = user(1001, 'Sofia');
export const CHAIR = user(1002, 'Chen');
export const OFFICER = user(2001, 'Omar');
export const OFFICER2 = user(2002, 'Olga');
export const OFFICER3 = user(2003, 'Oskar');
export const G1 = supergroup(-1001001, 'COLEP officers');
export const G2 = supergroup(-1001002, 'Bali Process officers');
export const FORUM = supergroup(-1001003, 'Forum', true);
export const OLD_GROUP = groupChat(-5005, 'Small group');
export const NEW_SUPERGROUP = -1005005;
export const BOT_USERNAME = 'practice_test_bot';


export interface Harness {
  mode: Mode;
  fake: FakeTelegram;
  app: App;
  community: CommunityModule;
  adapter: TelegramAdapter;
  clock?: FakeClock;
  logs: string[];
  webhookUrl?: string;
  secret?: string;
  /** Delivers an update (getUpdates or webhook POST) and waits until the bot has handled it. */
  deliver(update: Record<string, unknown>): Promise<void>;
  /** Sends a text message and returns the Bot API calls that took effect in that chat meanwhile. */
  say(chat: ChatSpec, from: UserSpec, text: string, extra?: { replyTo?: unknown; threadId?: number }): Promise<ApiCall[]>;
  stop(): Promise<void>;
}


/** The throttler of the harness unless a test asks for Telegram's own limits (TELEGRAM_LIMITS, one
 *  message a second per chat): one call at a time per chat, so a chat's messages keep their order,
 *  but no spacing, which would only make every test wait. The spacing itself is checked once, in
 *  test/telegram-faults.test.ts. */
export const TEST_LIMITS: APIThrottlerOptions = {
  global: { minTime: 0 },
  group: { maxConcurrent: 1, minTime: 0 },
  out: { maxConcurrent: 1, minTime: 0 },
};

export interface HarnessOptions {
  mode: Mode;
  clock?: FakeClock;
  rateLimit?: boolean;
  api?: ApiPipelineOptions;
  env?: Record<string, string>;
  /** Use this fake Bot API (e.g. kept across a restart) instead of starting one; not closed by stop(). */
  fake?: FakeTelegram;
  fakeOptions?: FakeTelegramOptions;
  /** Use this folder for the database (e.g. the same one across a restart). */
  dir?: string;
  /** More adapter options (webhook budget, start retries). */
  adapter?: Partial<Pick<TelegramAdapterOptions, 'webhookBudgetMs' | 'startRetry'>>;
  /** Kept across the tests of a file (not stopped after each test): the caller stops it. */
  keep?: boolean;
}

export async function startHarness(o: HarnessOptions): Promise<Harness> {
  const ownFake = !o.fake;
  const fake = o.fake ?? (await startFakeTelegram({ rateLimit: o.rateLimit, ...o.fakeOptions }));
  const dir = o.dir ?? fs.mkdtempSync(path.join(testTmpRoot(), 'pb-tg-'));
  const secret = 'test-secret_123';
  const webhookUrl = o.mode === 'webhook' ? 'https://bot.example.org/telegram/hook' : undefined;
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, 'bot.db'),
    ALLOWED_CHATS: ['telegram:-1001001', 'telegram:-1001002', 'telegram:-1001003', 'telegram:-5005', 'telegram:-1005005'].join(','),
    SECRETARIAT: 'telegram:1001',
    CO_CHAIRS: 'telegram:1002',
    REMINDER_OFFSETS: '1h',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    ...(webhookUrl ? { TELEGRAM_WEBHOOK_URL: webhookUrl, TELEGRAM_WEBHOOK_SECRET: secret } : {}),
    LOG_LEVEL: 'info',
    ...o.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const log = createLogger('info', sink);
  const app = createApp(config, { log, ...sharedApp, ...(o.clock ? { clock: o.clock as Clock } : {}) });
  const adapter = createTelegramAdapter({
    ...config.telegram!,
    core: app.core,
    log,
    pollTimeoutSeconds: 5,
    api: { limits: TEST_LIMITS, ...o.api },
    ledger: createUpdateLedger(app.store, { log }),
    ...o.adapter,
  });
  app.router.register(adapter.outbound);
  let http: HttpServerHandle | undefined;
  let postUrl: string | undefined;
  if (adapter.routes) {
    http = await startHttpServer({ port: 0, host: '127.0.0.1', routes: adapter.routes, log });
    postUrl = `http://127.0.0.1:${http.port}${adapter.webhookPath}`;
  }
  await adapter.start();
  app.start();
  let stopped = false;
  const h: Harness = {
    mode: o.mode,
    fake,
    app,
    community: app.community as CommunityModule,
    adapter,
    clock: o.clock,
    logs,
    webhookUrl: postUrl,
    secret,
    async deliver(update) {
      const id = update.update_id as number;
      if (o.mode === 'webhook') {
        const status = await fake.postWebhook(postUrl!, update, secret);
        expect(status).toBe(200);
      } else {
        fake.enqueue(update);
      }
      await adapter.whenProcessed(id);
    },
    async say(chat, from, text, extra = {}) {
      const before = fake.calls.length;
      await h.deliver(fake.text({ chat, from, text, ...extra }));
      return fake.calls.slice(before).filter((c) => Number(c.params.chat_id) === chat.id && (c.outcome === 'ok' || c.outcome === 'dropped-after'));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await adapter.stop();
      await http?.close();
      await app.stop();
      if (ownFake) await fake.close();
      if (!o.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  // Stopped when the test that started it finishes. A hook registered here at import would only
  // serve the first file of a worker: with isolate: false the module is evaluated once per worker.
  if (!o.keep) onTestFinished(() => h.stop());
  return h;
}

export function fakeText(h: Harness, chat: ChatSpec, from: UserSpec, text: string) {
  return h.fake.text({ chat, from, text });
}

export async function deliverAndCollect(h: Harness, update: Record<string, unknown>, chatId: number): Promise<ApiCall[]> {
  const before = h.fake.calls.length;
  await h.deliver(update);
  return h.fake.calls.slice(before).filter((c) => Number(c.params.chat_id) === chatId && c.outcome === 'ok');
}

export const texts = (calls: ApiCall[]) => calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.params.text));
export const visible = (html: string) => checkTelegramHtml(html).text;

/** Every HTML message the fake accepted parsed; none was refused for its markup or length. */
export function expectNoRejectedHtml(fake: FakeTelegram) {
  const refused = fake.calls.filter((c) => c.errorCode === 400 && /parse entities|too long|BUTTON_DATA/i.test(c.description ?? ''));
  expect(refused.map((c) => c.description)).toEqual([]);
  for (const c of fake.sent('sendMessage')) {
    if (c.params.parse_mode === 'HTML') expect(checkTelegramHtml(String(c.params.text)).ok).toBe(true);
  }
}

//
