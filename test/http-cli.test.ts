// The exact attack of issue 11, item 1, against the running bot (src/cli.ts main in this process:
// Slack HTTP mode and the Telegram webhook on one PORT; an error nobody handles would fail the run here
// as it would end the real process): an unsigned chunked POST just over 1 MB to /slack/events
// (and the same to the webhook, an unknown path, with a Content-Length, 5 MB) gets 413, and the
// bot stays up and keeps answering on both platforms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../src/core/http-server.ts';
import { privateChat, startFakeTelegram, user } from './helpers/fake-telegram.ts';
import { startFakeSlack } from './helpers/fake-slack.ts';
import { startMain } from './helpers/cli-command.ts';
import { postSigned, sendBody, slashCommand } from './helpers/slack-sign.ts';

const TOKEN = 'xoxb-7777-6666-bodylimittoken';
const SECRET = 'body-limit-signing-secret';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('npx practice-bot: oversized bodies do not take the process down', () => {
  it('a chunked unsigned POST just over 1 MB to /slack/events gets 413; the bot answers Slack and Telegram after it', async () => {
    const slack = await startFakeSlack({ botToken: TOKEN });
    cleanups.push(() => slack.close());
    const tg = await startFakeTelegram();
    cleanups.push(() => tg.close());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-bodycli-'));
    const bot = startMain([], {
      DATABASE_PATH: path.join(dir, 'data', 'bot.db'),
      PORT: '0',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg/webhook',
      TELEGRAM_WEBHOOK_SECRET: 'tg-secret',
    });
    let stopped = false;
    void bot.exited.then(() => (stopped = true));
    cleanups.push(async () => {
      await bot.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const port = Number((await bot.waitForOutput(/"port":(\d+)[^\n]*http server listening/, 'the http server'))[1]);
    await bot.waitForOutput(/adapter started[\s\S]*adapter started/, 'both adapters');
    const base = `http://127.0.0.1:${port}`;

    // The exact attack, several times, then variations on every path.
    for (let i = 0; i < 3; i++) {
      const r = await sendBody(base, { path: '/slack/events', size: MAX_BODY_BYTES + 1 + i * 4096, chunked: true, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(r.status, `attack ${i + 1}; stopped: ${stopped}; ${r.error ?? ''}`).toBe(413);
    }
    for (const p of ['/slack/events', '/tg/webhook', '/elsewhere']) {
      for (const chunked of [true, false]) {
        const r = await sendBody(base, { path: p, size: 5_000_000, chunked });
        expect(r.status, `${p} chunked=${chunked}`).toBe(413);
      }
    }
    expect(stopped).toBe(false);

    // Still answering: a signed Slack command and a Telegram webhook update.
    const s = await postSigned(`${base}/slack/events`, SECRET, slashCommand({ text: 'help', user_id: 'U1', channel_id: 'C100', response_url: slack.responseUrl() }));
    expect(s.status).toBe(200);
    await slack.waitFor(() => slack.messagesIn('C100')[0], 'the Slack answer', 10_000);
    const u = user(42);
    expect(await tg.postWebhook(`${base}/tg/webhook`, tg.text({ chat: privateChat(u), from: u, text: '/start' }), 'tg-secret')).toBe(200);
    expect(tg.textsIn(42)).toHaveLength(1);

    expect(bot.out()).not.toMatch(/ERR_HTTP_HEADERS_SENT/);
    expect(await bot.stop()).toBe(0);
  }, 120_000); // a start of the bin: generous on a loaded machine (liveness, not timing)
});
