// Issue 11, item 4: one instance per database. A lease row (holder, heartbeat, expiry) is taken by
// processes that run adapters; a second one refuses to start naming the holder; a crashed
// holder's lease expires (fake clock) or, on the same host, is taken over once its process is gone.
// One real process (the holder, killed with SIGKILL); the other starts run in this process.
import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { runBots } from '../src/cli.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/core/logger.ts';
import { systemClock } from '../src/core/ports.ts';
import { acquireInstanceLease, LEASE_TTL_MS, LeaseError } from '../src/store/lease.ts';
import { openStore } from '../src/store/store.ts';
import { createFakeClock, removeTempDirs, tempDbPath } from './helpers/community.ts';
import { runMain, startMain } from './helpers/cli-command.ts';
import { startFakeTelegram } from './helpers/fake-telegram.ts';
import { startBin, tempDir } from './helpers/telegram-bin.ts';

afterAll(() => removeTempDirs());

describe('instance lease (fake clock)', () => {
  it('refuses a second holder, renews on a timer, and lets the next start take over once a silent holder expires', async () => {
    const file = tempDbPath();
    const a = openStore(file);
    const b = openStore(file);
    const clockA = createFakeClock('2026-03-01T10:00:00Z');
    const clockB = createFakeClock('2026-03-01T10:00:30Z');
    const alive = () => true;
    let lostTo: string | undefined;
    try {
      const leaseA = acquireInstanceLease({ store: a, clock: clockA, host: 'box', pid: 111, isAlive: alive, onLost: (h) => (lostTo = h) });
      expect(leaseA.holder).toBe('box pid 111 started 2026-03-01T10:00:00.000Z');
      const take = () => acquireInstanceLease({ store: b, clock: clockB, host: 'box', pid: 222, isAlive: alive });
      expect(take).toThrow(LeaseError);
      expect(take).toThrow(/another practice-bot instance runs on this database: box pid 111 started 2026-03-01T10:00:00\.000Z/);
      // A renews every 15 s: after 45 s its lease runs to 10:01:45.
      await clockA.advance(45_000);
      clockB.set('2026-03-01T10:01:10Z');
      expect(take).toThrow(LeaseError);
      // A stops renewing (frozen or crashed on another host): B takes over after the expiry.
      clockB.set('2026-03-01T10:01:46Z');
      const leaseB = take();
      expect(leaseB.holder).toMatch(/^box pid 222/);
      // A's next heartbeat finds the lease gone and says so.
      await clockA.advance(15_000);
      expect(lostTo).toMatch(/^box pid 222/);
      leaseB.release();
      // Released: anyone may take it at once.
      const again = acquireInstanceLease({ store: a, clock: clockA, host: 'box', pid: 333, isAlive: alive });
      again.release();
    } finally {
      a.close();
      b.close();
    }
  });

  it('takes over at once from a holder of this host whose process is gone', () => {
    const file = tempDbPath();
    const s = openStore(file);
    const clock = createFakeClock();
    try {
      acquireInstanceLease({ store: s, clock, host: 'box', pid: 111, isAlive: () => true });
      expect(() => acquireInstanceLease({ store: s, clock, host: 'box', pid: 222, isAlive: () => true })).toThrow(LeaseError);
      const l = acquireInstanceLease({ store: s, clock, host: 'box', pid: 222, isAlive: (pid) => pid !== 111 });
      expect(l.holder).toMatch(/pid 222/);
      // Another host's live-looking holder is not judged by pid: it waits for the expiry.
      expect(() => acquireInstanceLease({ store: s, clock, host: 'other', pid: 5, isAlive: () => false })).toThrow(/box pid 222/);
    } finally {
      s.close();
    }
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('instance lease (a real process and this one)', () => {
  it('a second start on the same database refuses, naming the holder; a holder killed with SIGKILL does not keep the next start out; a graceful stop releases it', async () => {
    const db = tempDbPath();
    const dir = tempDir();
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    // The holder: the console chat in a process of its own, its stdin kept open.
    const first = startBin(dir, { DATABASE_PATH: db, LOG_LEVEL: 'warn' }, cleanups, ['console']);
    first.child.stdin!.write('/help\n');
    await first.waitForOutput(/\/challenges/, 'the console to answer');

    // A second start (this process: src/cli.ts main) is refused with one line naming the holder.
    const second = await runMain(['console'], { input: '/help\n', env: { DATABASE_PATH: db } });
    expect(second.code).not.toBe(0);
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`another practice-bot instance runs on this database: .* pid ${first.child.pid} started `));
    expect(second.stdout).not.toMatch(/\/challenges/);

    // The holder is killed: its lease stays behind...
    first.child.kill('SIGKILL');
    await first.exited;
    const store = openStore(db);
    try {
      expect(store.db.prepare<[], { pid: number }>('SELECT pid FROM instance_lease').get()?.pid).toBe(first.child.pid);
    } finally {
      store.close();
    }
    // ...and the next start (this process, with the real host name and process check a start uses)
    // takes it over at once.
    const stdin = new PassThrough();
    const next = startMain(['console'], { DATABASE_PATH: db, LOG_LEVEL: 'warn' }, stdin);
    stdin.write('/help\n');
    await next.waitForOutput(/\/challenges/, 'the next start to answer');
    const held = openStore(db);
    try {
      expect(held.db.prepare<[], { pid: number }>('SELECT pid FROM instance_lease').get()?.pid).toBe(process.pid);
    } finally {
      held.close();
    }

    // A graceful stop (the end of its input) releases it: the row is gone, so a start takes the lease
    // although the holder's pid is not checked here (isAlive always true: a lease left behind would refuse).
    stdin.end();
    expect(await next.exited).toBe(0);
    const after = openStore(db);
    try {
      expect(after.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM instance_lease').get()?.n).toBe(0);
      acquireInstanceLease({ store: after, clock: systemClock, isAlive: () => true }).release();
    } finally {
      after.close();
    }
  }, 120_000);
});

describe('instance lease lost while the bot runs', () => {
  it('stops the whole process gracefully with one line and a non-zero exit, as an adapter failing for good does', async () => {
    const fake = await startFakeTelegram();
    const db = tempDbPath();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    });
    const clock = createFakeClock(new Date());
    const config = loadConfig({ DATABASE_PATH: db, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, LOG_LEVEL: 'info' });
    const running = runBots(config, { log: createLogger('info', sink), clock });
    const other = openStore(db);
    try {
      for (let i = 0; !lines.some((l) => l.includes('adapter started')); i++) {
        if (i > 1000) throw new Error(`the bot did not start:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      // Another process takes the lease over (as a second instance does once it thinks ours expired).
      other.db
        .prepare("UPDATE instance_lease SET holder = 'elsewhere pid 42 started 2026-01-01T00:00:00.000Z', host = 'elsewhere', pid = 42, token = 'theirs' WHERE id = 1")
        .run();
      // Our next heartbeat finds it gone.
      await clock.advance(LEASE_TTL_MS / 4);
      expect(await running).toBe(1);
      const fatal = lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 60);
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toMatch(/instance lease lost: another practice-bot instance took this database over \(elsewhere pid 42 started/);
      // Graceful: adapters stopped and the database closed, after that line.
      expect(lines.findIndex((l) => l.includes('"msg":"telegram adapter stopped"'))).toBeGreaterThan(lines.indexOf(fatal[0]!));
      expect(lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
      // The lease row is theirs still: a lost lease is not released.
      expect(other.db.prepare<[], { holder: string }>('SELECT holder FROM instance_lease').get()?.holder).toMatch(/^elsewhere/);
    } finally {
      other.close();
      await fake.close();
    }
  }, 120_000);
});
