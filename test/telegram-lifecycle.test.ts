// Loud start and loud death (issue 11, items 3 and 4), on the real bin with Slack in the same
// process: Telegram unreachable at start gets a bounded number of getMe attempts (one log line
// each) while Slack and the reminder scheduler run, then one clear line and exit 1; a 409 from
// another instance stops the whole process gracefully with one clear line and exit 1.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlack } from './helpers/fake-slack.ts';
import { privateChat, startFakeTelegram, user } from './helpers/fake-telegram.ts';
import { postSigned, slashCommand } from './helpers/slack-sign.ts';
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

describe('Telegram start and death are loud, and do not hold up Slack or the scheduler', () => {
  it('Telegram unreachable at start: 5 getMe attempts logged, Slack answers meanwhile, then one clear line and exit 1', async () => {
    const { slack, dir } = await slackAndDir();
    const token = '123456789:AAUnreachableTokenForTests_abcdefghijk';
    const bin = startBin(dir, {
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${await deadPort()}`,
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: slack.url,
      PORT: '0',
    }, cleanups);
    const port = Number((await bin.waitForOutput(/"port":(\d+)[^\n]*http server listening/, 'the http server'))[1]);
    await bin.waitForOutput(/"adapter":"slack"[^\n]*adapter started/, 'the Slack adapter');
    // Slack answers while Telegram is still retrying.
    const r = await postSigned(`http://127.0.0.1:${port}/slack/events`, SLACK_SECRET, slashCommand({ text: 'help', user_id: 'U1', channel_id: 'C100', response_url: slack.responseUrl() }));
    expect(r.status).toBe(200);
    expect(bin.child.exitCode).toBeNull();
    expect(bin.out()).not.toMatch(/did not answer getMe/);
    expect(await bin.exited).toBe(1);
    const out = bin.out();
    const retries = lines(out).filter((l) => l.includes('getMe failed; retrying'));
    expect(retries).toHaveLength(4);
    expect(retries[0]).toMatch(/ECONNREFUSED/);
    const fatal = lines(out).filter((l) => l.includes('"level":60'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(/Telegram could not start: the Bot API at 127\.0\.0\.1:\d+ did not answer getMe after 5 attempts/);
    // The scheduler started without waiting (community start logs this warning), and the stop was graceful.
    expect(out.indexOf('ALLOWED_CHATS is empty')).toBeGreaterThan(-1);
    expect(out.indexOf('ALLOWED_CHATS is empty')).toBeLessThan(out.indexOf(retries[1]!));
    expect(out).toMatch(/"msg":"stopped"/);
    expect(out).not.toContain(token.split(':')[1]!);
    expect(out).not.toContain(SLACK_TOKEN);
  }, 120_000);

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
  }, 120_000);
});
