// `practice-bot restore` (issue 16): checks the copy, refuses while a bot holds the database,
// keeps the replaced file (with what its WAL held) beside it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/store/migrations/index.ts';
import { openStore } from '../src/store/store.ts';
import { removeTempDirs, tempDbPath, tempDir } from './helpers/community.ts';
import { runMain } from './helpers/ops.ts';
import { ROOT } from './helpers/run-cli.ts';

afterAll(removeTempDirs);

const LATEST = migrations.at(-1)!.version;

const audits = (file: string): string[] => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], { subject: string }>('SELECT subject FROM audit ORDER BY id').all().map((r) => r.subject);
  } finally {
    db.close();
  }
};

/** A database with one audit row, and a backup of it. */
async function setup(): Promise<{ db: string; backup: string }> {
  const db = tempDbPath();
  const s = openStore(db);
  s.db.prepare("INSERT INTO audit (at, actor, action, subject) VALUES (1, 'a', 'x', 'in the backup')").run();
  s.close();
  const backup = path.join(tempDir(), 'backup.db');
  const r = await runMain(['backup', backup], db);
  expect(r.code, r.stderr).toBe(0);
  return { db, backup };
}

const sideFiles = (db: string) => fs.readdirSync(path.dirname(db)).filter((f) => f !== path.basename(db)).sort();

describe('practice-bot restore', () => {
  it('puts the backup in place and keeps the replaced database, with what its WAL held, beside it', async () => {
    const { db, backup } = await setup();
    // A process that died without closing leaves committed rows in the -wal only.
    const script = `
      const Database = require(${JSON.stringify(path.join(ROOT, 'node_modules/better-sqlite3'))});
      const db = new Database(process.argv[1]);
      db.pragma('wal_autocheckpoint = 0');
      db.prepare("INSERT INTO audit (at, actor, action, subject) VALUES (2, 'a', 'x', 'after the backup')").run();
      process.exit(0);`;
    execFileSync(process.execPath, ['-e', script, db]);
    expect(fs.statSync(`${db}-wal`).size).toBeGreaterThan(0);
    expect(audits(db)).toEqual(['in the backup', 'after the backup']);

    const r = await runMain(['restore', backup], db);
    expect(r.code, r.stderr).toBe(0);
    expect(audits(db)).toEqual(['in the backup']);
    const kept = sideFiles(db).filter((f) => /\.replaced-\d{8}T\d{6}Z$/.test(f));
    expect(kept).toHaveLength(1);
    expect(r.stdout).toContain(`The replaced database is kept at ${path.join(path.dirname(db), kept[0]!)}`);
    // The replaced file alone (its WAL was checkpointed into it) holds the row written after the backup.
    for (const s of ['-wal', '-shm']) fs.rmSync(path.join(path.dirname(db), kept[0]! + s), { force: true });
    expect(audits(path.join(path.dirname(db), kept[0]!))).toEqual(['in the backup', 'after the backup']);
    // No stale -wal of the old database next to the restored one, and the bot opens it.
    const s = openStore(db);
    expect(s.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit').get()!.n).toBe(1);
    s.close();
  });

  it('refuses a backup written by a newer version, leaving the database as it was', async () => {
    const { db, backup } = await setup();
    const w = new Database(backup);
    w.pragma(`user_version = ${LATEST + 1}`);
    w.close();
    const before = sideFiles(db);
    const r = await runMain(['restore', backup], db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^practice-bot restore: backup .* has schema version ${LATEST + 1}, newer than this practice-bot knows \\(${LATEST}\\): upgrade practice-bot first\\n$`));
    expect(sideFiles(db)).toEqual(before);
    expect(audits(db)).toEqual(['in the backup']);
  });

  it('refuses a corrupt or foreign file in one line', async () => {
    const { db, backup } = await setup();
    const dir = tempDir();
    const garbage = path.join(dir, 'garbage.db');
    fs.writeFileSync(garbage, 'this is not a database at all, just text '.repeat(200));
    const truncated = path.join(dir, 'truncated.db');
    const bytes = fs.readFileSync(backup);
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const damaged = path.join(dir, 'damaged.db');
    const d = Buffer.from(bytes);
    // Scribble over the middle pages (b-tree pages of the schema's tables).
    for (let i = 4096 * 2; i < Math.min(d.length, 4096 * 6); i += 7) d[i] = 0xa5;
    fs.writeFileSync(damaged, d);
    const empty = path.join(dir, 'empty.db');
    new Database(empty).close();
    const partial = path.join(dir, 'partial.db');
    const p = new Database(partial);
    p.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    p.pragma('user_version = 3');
    p.close();
    for (const [file, re] of [
      [garbage, /not a SQLite database/],
      [truncated, /corrupt|malformed|not a SQLite/],
      [damaged, /corrupt|malformed|integrity_check/],
      [empty, /not a practice-bot database/],
      [partial, /lacks tables of schema version 3: .*meetings/],
      [path.join(dir, 'absent.db'), /no such file/],
    ] as const) {
      const r = await runMain(['restore', file], db);
      expect(r.code, file).toBe(1);
      expect(r.stderr, file).toMatch(re);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    }
    expect(audits(db)).toEqual(['in the backup']);
    expect(sideFiles(db).filter((f) => f.includes('replaced'))).toEqual([]);
  });

  it('refuses while a bot holds the instance lease, naming it, and while another process has the database open', async () => {
    const { db, backup } = await setup();
    const w = new Database(db);
    w.exec(`CREATE TABLE IF NOT EXISTS instance_lease (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, host TEXT NOT NULL,
      pid INTEGER NOT NULL, token TEXT NOT NULL, started_at INTEGER NOT NULL, heartbeat_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`);
    const now = Date.now();
    w.prepare("INSERT OR REPLACE INTO instance_lease VALUES (1, 'server-1 pid 77 started 2026-01-05T08:00:00.000Z', 'server-1', 77, 't', ?, ?, ?)").run(now, now, now + 3_600_000);
    w.close();
    const held = await runMain(['restore', backup], db);
    expect(held.code).toBe(1);
    expect(held.stderr).toMatch(/^practice-bot restore: refused: a practice-bot instance holds the database \(server-1 pid 77 started 2026-01-05T08:00:00.000Z, last heartbeat .*\); stop it first\n$/);

    // The lease expired (the bot stopped long ago) but something still has the file open.
    const x = new Database(db);
    x.prepare('UPDATE instance_lease SET expires_at = ?').run(now - 1000);
    const open = await runMain(['restore', backup], db);
    expect(open.code).toBe(1);
    expect(open.stderr).toMatch(/^practice-bot restore: refused: the database .* is open in another process .*; stop the bot first\n$/);
    expect(sideFiles(db).filter((f) => f.includes('replaced') || f.includes('restoring'))).toEqual([]);
    x.close();

    const ok = await runMain(['restore', backup], db);
    expect(ok.code, ok.stderr).toBe(0);
    expect(sideFiles(db).filter((f) => f.includes('replaced'))).toHaveLength(1);
  });
});
