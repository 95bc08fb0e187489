// `practice-bot` with TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT pointing at the fake Bot API: the real bin
// in long polling, answering and stopping cleanly on SIGTERM; webhook mode run in this process (src/cli.ts
// main, stopped as SIGINT would), serving the webhook on PORT with its secret.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMain } from './helpers/cli-command.ts';
import { checkTelegramHtml, privateChat, startFakeTelegram, supergroup, user, type FakeTelegram } from './helpers/fake-telegram.ts';
import { startBin, tempDir } from './helpers/telegram-bin.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function fakeFor(): Promise<FakeTelegram> {
  const fake = await startFakeTelegram();
  cleanups.push(() => fake.close());
  return fake;
}

const SEC = user(1001, 'Sofia');
const G = supergroup(-1001001, 'COLEP officers');

describe('npx practice-bot with TELEGRAM_BOT_TOKEN', () => {
  it('long polling: answers, subscribes an allowed group, and stops cleanly on SIGTERM', async () => {
    const fake = await fakeFor();
    const dir = tempDir('pb-tgcli-');
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const bin = startBin(dir, {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      ALLOWED_CHATS: 'telegram:-1001001',
      SECRETARIAT: 'telegram:1001',
      REMINDER_OFFSETS: '1d,1h',
    }, cleanups);
    await fake.waitFor((calls) => calls.some((c) => c.method === 'getUpdates' && c.params.timeout > 0) || undefined, 60_000, 'long polling');
    fake.enqueue(fake.text({ chat: privateChat(SEC), from: SEC, text: '/start' }));
    fake.enqueue(fake.text({ chat: G, from: SEC, text: '/subscribe@practice_test_bot' }));
    const [welcome, subscribed] = await fake.waitFor(() => {
      const a = fake.textsIn(SEC.id);
      const b = fake.textsIn(G.id);
      return a.length && b.length ? [a[0]!, b[0]!] : undefined;
    }, 60_000, 'replies');
    expect(checkTelegramHtml(welcome).text).toMatch(/practice-bot/i);
    expect(checkTelegramHtml(subscribed).text).toMatch(/subscribed/i);
    bin.child.kill('SIGTERM');
    expect(await bin.exited).toBe(0);
    expect(bin.out()).not.toContain(fake.token.split(':')[1]!);
  }, 120_000);

  it('webhook mode: registers the webhook with its secret and serves it on PORT; a wrong secret gets 401', async () => {
    const fake = await fakeFor();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-tgcli-'));
    const bin = startMain([], {
      DATABASE_PATH: path.join(dir, 'data', 'bot.db'),
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg/webhook',
      TELEGRAM_WEBHOOK_SECRET: 'cli-secret',
      PORT: '0',
    });
    cleanups.push(async () => {
      await bin.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await fake.waitFor(() => fake.webhook() ?? undefined, 60_000, 'setWebhook');
    expect(fake.webhook()).toMatchObject({ url: 'https://bot.example.org/tg/webhook', secret: 'cli-secret' });
    const port = Number((await bin.waitForOutput(/"port":(\d+)[^\n]*http server listening/, 'the http server'))[1]);
    const url = `http://127.0.0.1:${port}/tg/webhook`;
    const u = user(42);
    expect(await fake.postWebhook(url, fake.text({ chat: privateChat(u), from: u, text: '/start' }), 'nope')).toBe(401);
    expect(fake.textsIn(42)).toHaveLength(0);
    expect(await fake.postWebhook(url, fake.text({ chat: privateChat(u), from: u, text: '/start' }), 'cli-secret')).toBe(200);
    expect(fake.textsIn(42)).toHaveLength(1);
    expect(await bin.stop()).toBe(0);
    expect(bin.out()).not.toContain(fake.token.split(':')[1]!);
  }, 120_000);
});
