// GET /healthz (issue 16) over real HTTP on 127.0.0.1, on a real bot's database with a fake clock:
// 200 when well; 503 when the database turns read-only, the scheduler stops ticking or an adapter
// is down; 200 again once it recovers. Also the scheduler's tick and the new variables.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import type { HttpServerHandle } from '../src/core/http-server.ts';
import { createHealth, startHealthServer, type AdapterState, type HealthReport } from '../src/ops/health.ts';
import { createFakeClock, createTestBot, createTestLogger, removeTempDirs, type TestBot } from './helpers/community.ts';

afterAll(removeTempDirs);

let server: HttpServerHandle | undefined;
let bot: TestBot | undefined;
afterEach(async () => {
  await server?.close();
  await bot?.stop();
  server = undefined;
  bot = undefined;
});

async function get(port: number): Promise<{ status: number; body: HealthReport; type: string | null }> {
  const r = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as HealthReport };
}

const tickOf = (b: TestBot) =>
  b.community.store.db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'scheduler.last_tick'").get()?.value;

describe('GET /healthz', () => {
  it('is 200 when well and 503 while the database is read-only, the scheduler is silent or an adapter is down', async () => {
    const clock = createFakeClock('2026-01-05T08:00:00Z');
    bot = createTestBot({ clock });
    await bot.community.idle();
    const b = bot;
    let tg: AdapterState = 'connected';
    let conn: Database.Database = b.community.store.db;
    const health = createHealth({
      db: () => conn,
      lastTick: () => b.community.scheduler.lastWakeAt(),
      dbPath: b.config.databasePath,
      clock,
      adapters: () => [{ name: 'telegram', state: () => tg }, { name: 'slack' }],
    });
    server = await startHealthServer({ port: 0, host: '127.0.0.1', health, log: createTestLogger().log });
    const port = server.port;

    const ok = await get(port);
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^application\/json/);
    expect(ok.body).toEqual({
      status: 'ok',
      database: { writable: true },
      scheduler: { lastTick: '2026-01-05T08:00:00.000Z', ageSeconds: 0 },
      adapters: { telegram: 'connected' },
      deliveries: { pending: 0, failed: 0 },
      problems: [],
    });

    // The file is made read-only (as root too: the permission bits are checked).
    fs.chmodSync(b.config.databasePath, 0o444);
    const ro = await get(port);
    expect(ro.status).toBe(503);
    expect(ro.body.status).toBe('unwell');
    expect(ro.body.database.writable).toBe(false);
    expect(ro.body.problems.join()).toMatch(/database not writable: the database file is read-only/);
    expect(JSON.stringify(ro.body)).not.toContain(b.config.databasePath);
    fs.chmodSync(b.config.databasePath, 0o644);
    expect((await get(port)).status).toBe(200);

    // A connection that cannot write (opened read-only).
    const readOnly = new Database(b.config.databasePath, { readonly: true });
    conn = readOnly;
    const roConn = await get(port);
    expect(roConn.status).toBe(503);
    expect(roConn.body.database.writable).toBe(false);
    conn = b.community.store.db;
    readOnly.close();
    expect((await get(port)).status).toBe(200);

    // The platform stops answering: the adapter says it is down.
    tg = 'down';
    const down = await get(port);
    expect(down.status).toBe(503);
    expect(down.body.adapters).toEqual({ telegram: 'down' });
    expect(down.body.problems).toEqual(['telegram is down']);
    tg = 'starting';
    expect((await get(port)).status).toBe(200);
    tg = 'connected';

    // The scheduler has not woken for 4 minutes (time moved on, its timer did not fire).
    clock.set('2026-01-05T08:04:00Z');
    const stale = await get(port);
    expect(stale.status).toBe(503);
    expect(stale.body.scheduler).toEqual({ lastTick: '2026-01-05T08:00:00.000Z', ageSeconds: 240 });
    expect(stale.body.problems.join()).toMatch(/scheduler: no tick for 240 s/);
    await clock.advance(0); // its overdue timer fires: it wakes and records the tick
    await b.community.idle();
    const back = await get(port);
    expect(back.status).toBe(200);
    expect(back.body.scheduler.lastTick).toBe('2026-01-05T08:04:00.000Z');

    // Pending deliveries are counted, not judged.
    b.community.store.db
      .prepare(
        `INSERT INTO announcements (id, meeting_id, kind, reply, created_by, created_at) VALUES (1, NULL, 'remind', '{"blocks":[]}', 'x', 1)`,
      )
      .run();
    b.community.store.db
      .prepare(`INSERT INTO announcement_deliveries (announcement_id, chat_id, status, next_attempt_at, updated_at) VALUES (1, 'slack:C1', 'failed', 1, 1)`)
      .run();
    const counted = await get(port);
    expect(counted.status).toBe(200);
    expect(counted.body.deliveries).toEqual({ pending: 0, failed: 1 });
  });

  it('answers other paths and methods without the health check', async () => {
    const clock = createFakeClock();
    bot = createTestBot({ clock });
    const b = bot;
    const health = createHealth({ db: () => b.community.store.db, dbPath: b.config.databasePath, clock, adapters: () => [] });
    server = await startHealthServer({ port: 0, host: '127.0.0.1', health, log: createTestLogger().log });
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`, { method: 'POST', body: 'x' })).status).toBe(405);
  });
});

describe('scheduler tick', () => {
  it('is kept on every wake and recorded in meta at once, then at most once a minute of real time', async () => {
    const clock = createFakeClock('2026-01-05T08:00:00Z');
    bot = createTestBot({ clock });
    await bot.community.idle();
    expect(tickOf(bot)).toBe('2026-01-05T08:00:00.000Z');
    expect(bot.community.scheduler.lastWakeAt()?.toISOString()).toBe('2026-01-05T08:00:00.000Z');
    // A test clock racing ahead: every wake is known in memory, the table is not rewritten each time.
    await clock.advanceTo('2026-01-05T09:00:30Z');
    expect(bot.community.scheduler.lastWakeAt()!.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-01-05T08:59:30Z'));
    expect(tickOf(bot)).toBe('2026-01-05T08:00:00.000Z');
  });

  it('the health check falls back to the tick in meta (another process: status)', async () => {
    const clock = createFakeClock('2026-01-05T08:00:00Z');
    bot = createTestBot({ clock });
    await bot.community.idle();
    const b = bot;
    const health = createHealth({ db: () => b.community.store.db, dbPath: b.config.databasePath, clock, adapters: () => [] });
    clock.set('2026-01-05T08:02:00Z');
    expect(health.check()).toMatchObject({ status: 'ok', scheduler: { lastTick: '2026-01-05T08:00:00.000Z', ageSeconds: 120 } });
    clock.set('2026-01-05T08:03:01Z');
    expect(health.check()).toMatchObject({ status: 'unwell', scheduler: { ageSeconds: 181 } });
  });
});

describe('configuration', () => {
  it('reads HEALTH_PORT, BACKUP_DIR and BACKUP_KEEP (default 7), and names a bad value', () => {
    expect(loadConfig({})).toMatchObject({ backupKeep: 7 });
    expect(loadConfig({}).healthPort).toBeUndefined();
    expect(loadConfig({}).backupDir).toBeUndefined();
    expect(loadConfig({ HEALTH_PORT: '', BACKUP_DIR: ' ', BACKUP_KEEP: '' })).toMatchObject({ backupKeep: 7 });
    expect(loadConfig({ HEALTH_PORT: '8081', BACKUP_DIR: '/var/backups/pb', BACKUP_KEEP: '14' })).toMatchObject({
      healthPort: 8081,
      backupDir: '/var/backups/pb',
      backupKeep: 14,
    });
    expect(() => loadConfig({ HEALTH_PORT: '70000' })).toThrow(/HEALTH_PORT/);
    expect(() => loadConfig({ BACKUP_KEEP: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ BACKUP_KEEP: 'many' })).toThrow(/BACKUP_KEEP/);
  });
});
