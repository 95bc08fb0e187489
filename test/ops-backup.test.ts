// `practice-bot backup` while another process writes, and the nightly backup (issue 16).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createNightlyBackup } from '../src/ops/backup.ts';
import { migrations } from '../src/store/migrations/index.ts';
import { openStore } from '../src/store/store.ts';
import { createFakeClock, createTestLogger, removeTempDirs, tempDbPath, tempDir } from './helpers/community.ts';
import { ROOT } from './helpers/run-cli.ts';
import { runMain } from './helpers/ops.ts';

afterAll(removeTempDirs);

const LATEST = migrations.at(-1)!.version;

/** A second process that commits one audit row per transaction as fast as it can, with automatic
 *  checkpoints off (so committed rows sit in the WAL, where a plain file copy would miss them).
 *  It says "ready" after its first 200 commits and stops at end of stdin. */
function startWriter(db: string): { child: ChildProcess; ready: Promise<void>; done: Promise<void> } {
  const script = `
    const Database = require(${JSON.stringify(path.join(ROOT, 'node_modules/better-sqlite3'))});
    const db = new Database(process.argv[1], { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    const ins = db.prepare("INSERT INTO audit (at, actor, action, subject, details) VALUES (?, 'writer', 'test.write', ?, NULL)");
    let stop = false, n = 0;
    process.stdin.on('end', () => { stop = true; }); process.stdin.resume();
    (function loop() {
      for (let i = 0; i < 50 && !stop; i++) { ins.run(Date.now(), 'row ' + (++n)); if (n === 200) process.stdout.write('ready\\n'); }
      if (stop || n >= 500000) { db.close(); return; }
      setImmediate(loop);
    })();`;
  const child = spawn(process.execPath, ['-e', script, db], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
  });
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, ready, done };
}

describe('practice-bot backup', () => {
  it('copies every row committed before it began while another process keeps writing; the copy passes integrity_check', async () => {
    const db = tempDbPath();
    openStore(db).close();
    const writer = startWriter(db);
    let committedBefore = 0;
    let result;
    const out = path.join(tempDir(), 'nested', 'copy.db');
    try {
      await writer.ready;
      const reader = new Database(db, { readonly: true });
      committedBefore = reader.prepare<[], { n: number }>('SELECT max(id) AS n FROM audit').get()!.n;
      reader.close();
      result = await runMain(['backup', out], db);
    } finally {
      writer.child.stdin!.end();
      await writer.done;
    }
    expect(result.code, result.stderr).toBe(0);
    expect(committedBefore).toBeGreaterThanOrEqual(200);

    const copy = new Database(out, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('user_version', { simple: true })).toBe(LATEST);
      const { n, max } = copy.prepare<[number], { n: number; max: number }>('SELECT count(*) AS n, max(id) AS max FROM audit WHERE id <= ?').get(committedBefore)!;
      expect(n).toBe(committedBefore);
      expect(max).toBe(committedBefore);
      // One self-contained file: not in WAL mode, nothing beside it.
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    } finally {
      copy.close();
    }
    const rows = new Database(out, { readonly: true }).prepare<[], { n: number }>('SELECT count(*) AS n FROM audit').get()!.n;
    expect(result.stdout).toContain(`schema version ${LATEST}, integrity_check ok`);
    expect(result.stdout).toMatch(new RegExp(`\\baudit\\s+${rows}\\n`));
    expect(result.stdout).toMatch(/\bmeetings\s+0\n/);
    // The writer went on committing after the backup's snapshot (it was busy all along).
    const after = new Database(db, { readonly: true });
    expect(after.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit').get()!.n).toBeGreaterThan(committedBefore);
    after.close();
    expect(fs.readdirSync(path.dirname(out))).toEqual(['copy.db']);
  });

  it('refuses to overwrite an existing file unless --force, and a missing database, in one line', async () => {
    const db = tempDbPath();
    openStore(db).close();
    const out = path.join(tempDir(), 'b.db');
    fs.writeFileSync(out, 'keep me');
    const refused = await runMain(['backup', out], db);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`practice-bot backup: ${out} already exists; add --force to replace it\n`);
    expect(fs.readFileSync(out, 'utf8')).toBe('keep me');
    const forced = await runMain(['backup', out, '--force'], db);
    expect(forced.code, forced.stderr).toBe(0);
    expect(new Database(out, { readonly: true }).pragma('integrity_check', { simple: true })).toBe('ok');
    const none = await runMain(['backup', path.join(tempDir(), 'x.db')], path.join(tempDir(), 'absent.db'));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^practice-bot backup: database .*absent\.db: no such file\n$/);
    const usage = await runMain(['backup'], db);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('nightly backup (BACKUP_DIR)', () => {
  it('backs up at 03:00 each night, keeps BACKUP_KEEP copies, logs one line each; a failure logs one error', async () => {
    const dbFile = tempDbPath('bot.db');
    const store = openStore(dbFile);
    const dir = path.join(tempDir(), 'backups');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a backup: never deleted');
    const clock = createFakeClock('2026-03-01T12:00:00Z');
    const logger = createTestLogger('info');
    const nightly = createNightlyBackup({ db: () => store.db, dbPath: dbFile, dir, keep: 2, clock, log: logger.log, zone: 'UTC' });
    try {
      nightly.start();
      expect(nightly.nextAt().toISOString()).toBe('2026-03-02T03:00:00.000Z');
      await clock.advanceTo('2026-03-02T02:59:00Z');
      await nightly.idle();
      expect(fs.readdirSync(dir).sort()).toEqual(['notes.txt']);
      for (const day of ['02', '03', '04', '05']) {
        store.db.prepare("INSERT INTO audit (at, actor, action, subject) VALUES (1, 'a', 'night', ?)").run(day);
        await clock.advanceTo(`2026-03-${day}T03:00:30Z`);
        await nightly.idle();
      }
      expect(fs.readdirSync(dir).sort()).toEqual(['bot-2026-03-04.db', 'bot-2026-03-05.db', 'notes.txt']);
      const last = new Database(path.join(dir, 'bot-2026-03-05.db'), { readonly: true });
      expect(last.prepare<[], { n: number }>("SELECT count(*) AS n FROM audit WHERE action = 'night'").get()!.n).toBe(4);
      last.close();
      const written = logger.lines().filter((l) => l.msg === 'nightly backup written');
      expect(written).toHaveLength(4);
      expect(written.at(-1)).toMatchObject({ file: path.join(dir, 'bot-2026-03-05.db'), removed: ['bot-2026-03-03.db'] });

      // The folder becomes unusable: that night's backup fails with one error line, nothing else.
      fs.rmSync(dir, { recursive: true });
      fs.writeFileSync(dir, 'a file where the folder was');
      await clock.advanceTo('2026-03-06T04:00:00Z');
      await nightly.idle();
      const errors = logger.lines().filter((l) => Number(l.level) >= 50);
      expect(errors.map((l) => l.msg)).toEqual(['nightly backup failed']);
      expect(nightly.nextAt().toISOString()).toBe('2026-03-07T03:00:00.000Z');
    } finally {
      await nightly.stop();
      store.close();
    }
  });
});
