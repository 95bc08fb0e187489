// The wiring in src/cli.ts and src/app.ts (issue 16), in one run of the bot (src/cli.ts main in this
// process, stopped as SIGTERM would; SIGTERM on the real bin is test/telegram-cli.test.ts's) against the
// fake Bot API (long polling, so no PORT is served): GET /healthz on HEALTH_PORT answering with the
// Telegram adapter's own state, and nightly backups on with BACKUP_DIR. Then that state following the
// Bot API down and up again, on the adapter with a short retry backoff (the bot's own waits 1 s, 2 s,
// 4 s...): how /healthz turns a 'down' adapter into 503 is test/ops-health.test.ts's.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DOWN_AFTER_POLL_FAILURES } from '../adapters/telegram/index.ts';
import { privateChat, startFakeTelegram, user } from './helpers/fake-telegram.ts';
import { startMain } from './helpers/cli-command.ts';
import { startHarness } from './helpers/telegram-harness.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

it('serves GET /healthz on HEALTH_PORT in polling mode, with the Telegram adapter state, and turns nightly backups on with BACKUP_DIR', async () => {
  const fake = await startFakeTelegram();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-opscli-'));
  dirs.push(dir);
  const port = await freePort();
  const bot = startMain([], {
    DATABASE_PATH: path.join(dir, 'data', 'bot.db'),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    HEALTH_PORT: String(port),
    BACKUP_DIR: path.join(dir, 'backups'),
    BACKUP_KEEP: '3',
  });
  try {
    await bot.waitForOutput(/health server listening/, 'the health server');
    await bot.waitForOutput(/nightly backups on/, 'nightly backups');
    await bot.waitForOutput(/"adapter":"telegram"[^\n]*adapter started/, 'the Telegram adapter');
    const r = await fetch(`http://127.0.0.1:${port}/healthz`);
    const body = (await r.json()) as { status: string; database: { writable: boolean }; adapters: Record<string, string> };
    expect(r.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ status: 'ok', database: { writable: true }, adapters: { telegram: 'connected' } });
    expect(bot.out()).toMatch(/"keep":3/);
    expect(await bot.stop()).toBe(0);
  } finally {
    await bot.stop();
    await fake.close();
  }
});

it('the Telegram adapter turns down when the Bot API stops answering getUpdates, and connected again once it answers', async () => {
  const h = await startHarness({ mode: 'polling', adapter: { startRetry: { firstDelayMs: 5, maxDelayMs: 20 } } });
  const { fake, adapter } = h;
  expect(adapter.state?.()).toBe('connected');

  // Every getUpdates from now on has its connection cut. An update ends the long poll in hand.
  fake.fail('getUpdates', { kind: 'drop' }, { times: 1_000_000 });
  fake.enqueue(fake.text({ chat: privateChat(user(3201)), from: user(3201), text: '/help' }));
  await fake.waitFor(() => adapter.state?.() === 'down' || undefined, 30_000, 'the adapter to report down');
  expect(fake.callsOf('getUpdates').filter((c) => c.outcome === 'dropped').length).toBeGreaterThanOrEqual(DOWN_AFTER_POLL_FAILURES);

  // It answers again: the next getUpdates succeeds (an update makes it return at once).
  fake.reset();
  fake.enqueue(fake.text({ chat: privateChat(user(3202)), from: user(3202), text: '/help' }));
  await fake.waitFor(() => adapter.state?.() === 'connected' || undefined, 30_000, 'the adapter to report connected');
  await fake.waitFor(() => fake.textsIn(3202).length > 0 || undefined, 30_000, 'the answer after the Bot API came back');
});
