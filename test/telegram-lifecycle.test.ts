// Loud start and loud death (issue 11, items 3 and 4), with Slack in the same process (the bot run
// in this process, then the real bin for the death that ends it): while Telegram does not answer at
// start, Slack and the reminder scheduler run; a start that fails for good is one clear line and exit
// 1; a 409 from another instance stops the whole
// process gracefully with one clear line and exit 1. The bounded getMe attempts (one log line each)
// are checked on the adapter in process, with a short backoff (the real one waits 15 s in all).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../adapters/telegram/index.ts';
import { AdapterFatalError } from '../src/core/adapter.ts';
import { createLogger } from '../src/core/logger.ts';
import type { Core } from '../src/core/ports.ts';
import { openStore } from '../src/store/store.ts';
import { createUpdateLedger } from '../src/store/update-ledger.ts';
import { startFakeSlack } from './helpers/fake-slack.ts';
import { privateChat, startFakeTelegram, user } from './helpers/fake-telegram.ts';
import { postSigned, slashCommand } from './helpers/slack-sign.ts';
import { startMain } from './helpers/cli-command.ts';
import { startBin, tempDir } from './helpers/telegram-bin.ts';

const SLACK_TOKEN = 'xoxb-9999-8888-lifecycletoken';
const SLACK_SECRET = 'lifecycle-signing-secret';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback port nothing listens on: connections are refused, as for an unreachable Bot API. */
async function deadPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function slackAndDir() {
  const slack = await startFakeSlack({ botToken: SLACK_TOKEN });
  cleanups.push(() => slack.close());
  const dir = tempDir();
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return { slack, dir };
}

const lines = (out: string) => out.split('\n').filter(Boolean);

/** A Bot API that holds every call unanswered until answer(), then refuses the token (401) to those
 *  and to every later call. */
async function startHeldBotApi() {
  const held: http.ServerResponse[] = [];
  let answered = false;
  let seen = 0;
  const waiters: (() => void)[] = [];
  const refuse = (res: http.ServerResponse) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"ok":false,"error_code":401,"description":"Unauthorized"}');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (/\/getMe$/.test(req.url ?? '')) {
        seen++;
        for (const w of waiters.splice(0)) w();
      }
      if (answered) refuse(res);
      else held.push(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    root: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    waitForGetMe: () => (seen > 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    answer() {
      answered = true;
      for (const res of held.splice(0)) refuse(res);
    },
    close: () =>
      new Promise<void>((r) => {
        for (const res of held.splice(0)) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('Telegram start and death are loud, and do not hold up Slack or the scheduler', () => {
  it('Telegram not answering at start does not hold up Slack or the scheduler; a start that fails for good is one clear line and exit 1', async () => {
    const { slack, dir } = await slackAndDir();
    const token = '123456789:AAUnreachableTokenForTests_abcdefghijk';
    const api = await startHeldBotApi();
    cleanups.push(() => api.close());
    // In this process (src/cli.ts main): the exit code is what the bin would exit with; the 409 case
    // below shows on the real bin that a fatal adapter error ends the process.
    const bin = startMain([], {
      DATABASE_PATH: path.join(dir, 'data', 'bot.db'),
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: api.root,
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: slack.url,
      PORT: '0',
    });
    cleanups.push(async () => void (await bin.stop()));
    let stopped = false;
    void bin.exited.then(() => (stopped = true));
    const port = Number((await bin.waitForOutput(/"port":(\d+)[^\n]*http server listening/, 'the http server'))[1]);
    await bin.waitForOutput(/"adapter":"slack"[^\n]*adapter started/, 'the Slack adapter');
    // Slack answers while Telegram's getMe is still unanswered.
    await api.waitForGetMe();
    const r = await postSigned(`http://127.0.0.1:${port}/slack/events`, SLACK_SECRET, slashCommand({ text: 'help', user_id: 'U1', channel_id: 'C100', response_url: slack.responseUrl() }));
    expect(r.status).toBe(200);
    expect(stopped).toBe(false);
    // The scheduler started without waiting for Telegram (community start logs this warning).
    await bin.waitForOutput(/ALLOWED_CHATS is empty/, 'the scheduler to start');
    expect(bin.out()).not.toMatch(/Telegram could not start/);
    // Telegram answers at last, refusing the token: that cannot be retried.
    api.answer();
    expect(await bin.exited).toBe(1);
    const out = bin.out();
    const fatal = lines(out).filter((l) => l.includes('"level":60'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(/Telegram could not start: Telegram refused the bot token \(401 Unauthorized\)/);
    // The stop was graceful.
    expect(out.indexOf('"msg":"stopped"')).toBeGreaterThan(out.indexOf(fatal[0]!));
    expect(out).not.toContain(token.split(':')[1]!);
    expect(out).not.toContain(SLACK_TOKEN);
  }, 180_000);

  it('Telegram unreachable at start: a bounded number of getMe attempts, one log line each, then one clear error', async () => {
    // The adapter alone (in process, short backoff): the bin above shows what the process does with the error.
    const port = await deadPort();
    const logs: string[] = [];
    const log = createLogger('info', new Writable({ write: (c: Buffer, _e, cb) => (logs.push(c.toString('utf8')), cb()) }));
    const dir = tempDir();
    const store = openStore(path.join(dir, 'bot.db'));
    cleanups.push(async () => {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const adapter = createTelegramAdapter({
      token: '123456789:AAUnreachableTokenForTests_abcdefghijk',
      apiRoot: `http://127.0.0.1:${port}`,
      // Never reached: the start fails before the first update.
      core: {} as Core,
      log,
      ledger: createUpdateLedger(store, { log }),
      startRetry: { firstDelayMs: 5, maxDelayMs: 20 },
    });
    cleanups.push(() => adapter.stop());
    const err = await adapter.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AdapterFatalError);
    expect((err as Error).message).toMatch(/^Telegram could not start: the Bot API at 127\.0\.0\.1:\d+ did not answer getMe after 5 attempts \(last: .*ECONNREFUSED.*\); check the network or TELEGRAM_API_ROOT/);
    const retries = lines(logs.join('')).filter((l) => l.includes('getMe failed; retrying'));
    expect(retries).toHaveLength(4);
    expect(retries[0]).toMatch(/ECONNREFUSED/);
    expect(logs.join('')).not.toContain('AAUnreachableTokenForTests');
  });

  it('a 409 Conflict while polling (another instance) stops the whole process, Slack included: one clear line, exit 1', async () => {
    const { slack, dir } = await slackAndDir();
    const fake = await startFakeTelegram();
    cleanups.push(() => fake.close());
    const bin = startBin(dir, {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: slack.url,
      ALLOWED_CHATS: 'slack:C100',
      PORT: '0',
    }, cleanups);
    const port = Number((await bin.waitForOutput(/"port":(\d+)[^\n]*http server listening/, 'the http server'))[1]);
    await bin.waitForOutput(/"adapter":"slack"[^\n]*adapter started/, 'the Slack adapter');
    await bin.waitForOutput(/"adapter":"telegram"[^\n]*adapter started/, 'the Telegram adapter');
    const r = await postSigned(`http://127.0.0.1:${port}/slack/events`, SLACK_SECRET, slashCommand({ text: 'help', user_id: 'U1', channel_id: 'C100', response_url: slack.responseUrl() }));
    expect(r.status).toBe(200);

    const u = user(42);
    fake.enqueue(fake.text({ chat: privateChat(u), from: u, text: '/start' }));
    await fake.waitFor(() => fake.textsIn(42).length === 1 || undefined, 30_000, 'the Telegram answer');

    // Another instance takes over: a getUpdates gets 409 (a message ends a long poll in progress).
    fake.fail('getUpdates', { kind: 'conflict' });
    fake.enqueue(fake.text({ chat: privateChat(u), from: u, text: '/help' }));
    expect(await bin.exited).toBe(1);
    const out = bin.out();
    const fatal = lines(out).filter((l) => l.includes('"level":60'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(/Telegram polling stopped: another instance is polling with this bot token \(409 Conflict\)/);
    // Graceful: the adapters stopped, then the database closed.
    expect(out).toMatch(/telegram adapter stopped/);
    expect(out.indexOf('"msg":"stopped"')).toBeGreaterThan(out.indexOf(fatal[0]!));
    expect(out).not.toContain(fake.token.split(':')[1]!);
  }, 180_000);
});
