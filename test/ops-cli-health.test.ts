// The wiring in src/cli.ts and src/app.ts (issue 16), in one run of the real bin against the fake
// Bot API (long polling, so no PORT is served): GET /healthz on HEALTH_PORT, nightly backups on
// with BACKUP_DIR, and a clean stop on SIGTERM. Then /healthz following the platform down and up
// again, with the bot run in this process (src/cli.ts main, stopped as SIGTERM would).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { privateChat, startFakeTelegram, user } from './helpers/fake-telegram.ts';
import { ROOT } from './helpers/run-cli.ts';
import { cliEnv, startMain } from './helpers/cli-command.ts';

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

it('serves GET /healthz on HEALTH_PORT in polling mode and turns nightly backups on with BACKUP_DIR', async () => {
  const fake = await startFakeTelegram();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-opscli-'));
  dirs.push(dir);
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/practice-bot.js')], {
    cwd: dir,
    env: cliEnv({
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_PATH: path.join(dir, 'data', 'bot.db'),
      LOG_LEVEL: 'info',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      HEALTH_PORT: String(port),
      BACKUP_DIR: path.join(dir, 'backups'),
      BACKUP_KEEP: '3',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    await fake.waitFor(() => (out.includes('health server listening') && out.includes('nightly backups on') ? true : undefined), 20_000, 'start-up');
    const r = await fetch(`http://127.0.0.1:${port}/healthz`);
    const body = (await r.json()) as { status: string; database: { writable: boolean } };
    expect(r.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ status: 'ok', database: { writable: true } });
    expect(out).toMatch(/"keep":3/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    await fake.close();
  }
});

async function healthOf(port: number): Promise<{ status: number; body: { status: string; adapters: Record<string, string>; problems: string[] } }> {
  const r = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: r.status, body: (await r.json()) as { status: string; adapters: Record<string, string>; problems: string[] } };
}

/** Asks /healthz until it answers `status` (the bot's own retries take seconds of real time). */
async function healthBecomes(port: number, status: number): Promise<{ status: number; body: { status: string; adapters: Record<string, string>; problems: string[] } }> {
  for (let i = 0; ; i++) {
    const h = await healthOf(port);
    if (h.status === status) return h;
    if (i > 600) throw new Error(`/healthz never answered ${status}: ${JSON.stringify(h.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('GET /healthz turns 503 when the Bot API stops answering getUpdates, and 200 again once it answers', async () => {
  const fake = await startFakeTelegram();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-opscli-'));
  dirs.push(dir);
  const port = await freePort();
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const bin = startMain([], { DATABASE_PATH: path.join(dir, 'data', 'bot.db'), TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, HEALTH_PORT: String(port) });
    cleanups.push(async () => void (await bin.stop()));
    await bin.waitForOutput(/adapter started/, 'start-up');
    const ok = await healthOf(port);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.adapters.telegram).toBe('connected');

    // Every getUpdates from now on has its connection cut. An update ends the long poll in hand.
    fake.fail('getUpdates', { kind: 'drop' }, { times: 1_000_000 });
    fake.enqueue(fake.text({ chat: privateChat(user(3201)), from: user(3201), text: '/help' }));
    const down = await healthBecomes(port, 503);
    expect(down.body.adapters.telegram).toBe('down');
    expect(down.body.problems).toContain('telegram is down');
    expect(fake.callsOf('getUpdates').filter((c) => c.outcome === 'dropped').length).toBeGreaterThanOrEqual(3);

    // It answers again: the next getUpdates succeeds (an update makes it return at once).
    fake.reset();
    fake.enqueue(fake.text({ chat: privateChat(user(3202)), from: user(3202), text: '/help' }));
    const up = await healthBecomes(port, 200);
    expect(up.body.adapters.telegram).toBe('connected');
    expect(await bin.stop()).toBe(0);
  } finally {
    for (const c of cleanups) await c();
    await fake.close();
  }
}, 120_000);
