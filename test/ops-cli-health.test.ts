// The wiring in src/cli.ts and src/app.ts (issue 16), in one run of the real bin against the fake
// Bot API (long polling, so no PORT is served): GET /healthz on HEALTH_PORT, nightly backups on
// with BACKUP_DIR, and a clean stop.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startFakeTelegram } from './helpers/fake-telegram.ts';
import { ROOT } from './helpers/run-cli.ts';

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
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_PATH: path.join(dir, 'data', 'bot.db'),
      LOG_LEVEL: 'info',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      HEALTH_PORT: String(port),
      BACKUP_DIR: path.join(dir, 'backups'),
      BACKUP_KEEP: '3',
    },
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
