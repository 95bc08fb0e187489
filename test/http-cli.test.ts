// The exact attack of issue 11, item 1, against the real `practice-bot` process (Slack HTTP mode
// and the Telegram webhook on one PORT): an unsigned chunked POST just over 1 MB to /slack/events
// (and the same to the webhook, an unknown path, with a Content-Length, 5 MB) gets 413, and the
// process stays up and keeps answering on both platforms.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../src/core/http-server.ts';
import { privateChat, startFakeTelegram, user } from './helpers/fake-telegram.ts';
import { startFakeSlack } from './helpers/fake-slack.ts';
import { cliArgs, cliEnv } from './helpers/cli-command.ts';
import { postSigned, sendBody, slashCommand } from './helpers/slack-sign.ts';

const TOKEN = 'xoxb-7777-6666-bodylimittoken';
const SECRET = 'body-limit-signing-secret';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('npx practice-bot: oversized bodies do not take the process down', () => {
  it('a chunked unsigned POST just over 1 MB to /slack/events gets 413; the process answers Slack and Telegram after it', async () => {
    const slack = await startFakeSlack({ botToken: TOKEN });
    cleanups.push(() => slack.close());
    const tg = await startFakeTelegram();
    cleanups.push(() => tg.close());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-bodycli-'));
    const child = spawn(process.execPath, cliArgs(), {
      cwd: dir,
      env: cliEnv({
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        DATABASE_PATH: path.join(dir, 'data', 'bot.db'),
        LOG_LEVEL: 'info',
        PORT: '0',
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.url,
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.apiRoot,
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg/webhook',
        TELEGRAM_WEBHOOK_SECRET: 'tg-secret',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const port = await slack.waitFor(() => Number(/"port":(\d+)[^\n]*http server listening/.exec(out)?.[1]) || undefined, 'the http server', 60_000);
    await slack.waitFor(() => (out.match(/adapter started/g) ?? []).length >= 2 || undefined, 'both adapters', 60_000);
    const base = `http://127.0.0.1:${port}`;

    // The exact attack, several times, then variations on every path.
    for (let i = 0; i < 3; i++) {
      const r = await sendBody(base, { path: '/slack/events', size: MAX_BODY_BYTES + 1 + i * 4096, chunked: true, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(r.status, `attack ${i + 1}; exit code ${child.exitCode}; ${r.error ?? ''}`).toBe(413);
    }
    for (const p of ['/slack/events', '/tg/webhook', '/elsewhere']) {
      for (const chunked of [true, false]) {
        const r = await sendBody(base, { path: p, size: 5_000_000, chunked });
        expect(r.status, `${p} chunked=${chunked}`).toBe(413);
      }
    }
    expect(child.exitCode).toBeNull();

    // Still answering: a signed Slack command and a Telegram webhook update.
    const s = await postSigned(`${base}/slack/events`, SECRET, slashCommand({ text: 'help', user_id: 'U1', channel_id: 'C100', response_url: slack.responseUrl() }));
    expect(s.status).toBe(200);
    await slack.waitFor(() => slack.messagesIn('C100')[0], 'the Slack answer', 10_000);
    const u = user(42);
    expect(await tg.postWebhook(`${base}/tg/webhook`, tg.text({ chat: privateChat(u), from: u, text: '/start' }), 'tg-secret')).toBe(200);
    expect(tg.textsIn(42)).toHaveLength(1);

    expect(out).not.toMatch(/ERR_HTTP_HEADERS_SENT/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000); // a start of the bin: generous on a loaded machine (liveness, not timing)
});
