// The SQLite store on real files: pragmas, migrations (fresh, older, newer), start-up errors.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { m001 } from '../src/store/migrations/001-core.ts';
import { m002 } from '../src/store/migrations/002-agenda.ts';
import { m003 as m003Revision } from '../src/store/migrations/003-meeting-revision.ts';
import { m004 } from '../src/store/migrations/004-gaps-language.ts';
import { migrations } from '../src/store/migrations/index.ts';
import { isBusyError, retryWhileBusy } from '../src/store/busy.ts';
import { openStore, StoreError, type Migration } from '../src/store/store.ts';
import { createTestLogger, removeTempDirs, tempDbPath, tempDir } from './helpers/community.ts';
import { holdLock } from './helpers/db-lock.ts';

afterAll(removeTempDirs);

const LATEST = migrations.at(-1)!.version;
const userVersion = (db: { pragma(s: string, o: { simple: true }): unknown }) => Number(db.pragma('user_version', { simple: true }));

describe('openStore', () => {
  it('creates the folder and a fresh database at the latest schema, with WAL, synchronous=FULL and foreign keys', () => {
    const file = path.join(tempDir(), 'nested', 'deeper', 'bot.db');
    const logger = createTestLogger();
    const store = openStore(file, { log: logger.log });
    try {
      expect(fs.existsSync(file)).toBe(true);
      expect(store.path).toBe(path.resolve(file));
      expect(userVersion(store.db)).toBe(LATEST);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(Number(store.db.pragma('busy_timeout', { simple: true }))).toBeGreaterThanOrEqual(1000);
      const tables = store.db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all()
        .map((r) => r.name);
      for (const t of ['meetings', 'meeting_agenda', 'subscriptions', 'reminder_deliveries', 'announcements', 'roles', 'audit', 'community_zones', 'meta']) {
        expect(tables).toContain(t);
      }
      expect(logger.messages().filter((m) => m === 'database migrated')).toHaveLength(migrations.length);
    } finally {
      store.close();
    }
  });

  it('sets synchronous=FULL again on every open (it does not persist) and migrates nothing twice', () => {
    const file = tempDbPath();
    openStore(file).close();
    const logger = createTestLogger();
    const store = openStore(file, { log: logger.log });
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(logger.messages()).not.toContain('database migrated');
    store.close();
  });

  /** A meeting row as schema version 1 already had it, to see it survive an upgrade. */
  const addKeptMeeting = (db: Database.Database) =>
    db
      .prepare(
        `INSERT INTO meetings (id, title, source, starts_at, zone, date_precision, sort_at, status, created_at, updated_at)
         VALUES ('m1', 'Kept meeting', 'chat', 1, 'Europe/Sofia', 'minute', 1, 'scheduled', 1, 1)`,
      )
      .run();

  it('upgrades an older database in place, keeping its data', () => {
    const file = tempDbPath();
    const old = openStore(file, { migrations: [m001] });
    expect(userVersion(old.db)).toBe(1);
    addKeptMeeting(old.db);
    old.db.prepare("INSERT INTO roles (user_id, role, granted_by, granted_at) VALUES ('telegram:5', 'co-chair', 'telegram:1', 1)").run();
    old.close();
    const inode = fs.statSync(file).ino;

    const m003: Migration = {
      version: LATEST + 1,
      name: 'test-extra',
      up(db) {
        db.exec('ALTER TABLE meetings ADD COLUMN extra TEXT');
      },
    };
    const store = openStore(file, { migrations: [...migrations, m003] });
    try {
      expect(userVersion(store.db)).toBe(LATEST + 1);
      expect(fs.statSync(file).ino).toBe(inode);
      expect(store.db.prepare<[], { title: string; extra: string | null }>("SELECT title, extra FROM meetings WHERE id = 'm1'").get()).toEqual({
        title: 'Kept meeting',
        extra: null,
      });
      expect(store.db.prepare('SELECT count(*) AS n FROM roles').get()).toEqual({ n: 1 });
    } finally {
      store.close();
    }
  });

  it('migration 3 adds a meeting revision (0 for existing meetings) to a version-2 database, in place', () => {
    expect(migrations.map((m) => m.version).slice(0, 3)).toEqual([1, 2, 3]);
    const file = tempDbPath();
    const v2 = openStore(file, { migrations: [m001, m002] });
    expect(userVersion(v2.db)).toBe(2);
    addKeptMeeting(v2.db);
    v2.close();
    const inode = fs.statSync(file).ino;
    const logger = createTestLogger();
    const store = openStore(file, { log: logger.log, migrations: [m001, m002, m003Revision] });
    try {
      expect(userVersion(store.db)).toBe(3);
      expect(fs.statSync(file).ino).toBe(inode);
      expect(logger.lines().filter((l) => l.msg === 'database migrated').map((l) => l.name)).toEqual([m003Revision.name]);
      expect(store.db.prepare("SELECT title, revision FROM meetings WHERE id = 'm1'").get()).toEqual({ title: 'Kept meeting', revision: 0 });
      expect(() => store.db.prepare("UPDATE meetings SET revision = -1 WHERE id = 'm1'").run()).toThrow(/CHECK/);
    } finally {
      store.close();
    }
  });

  it('migration 4 adds a language to unanswered questions (none for those kept before), in place', () => {
    const file = tempDbPath();
    const v3 = openStore(file, { migrations: [m001, m002, m003Revision] });
    v3.db.prepare("INSERT INTO agenda_gaps (question, norm, asked_at) VALUES ('old question', 'old question', 1)").run();
    v3.close();
    const logger = createTestLogger();
    const store = openStore(file, { log: logger.log, migrations: [m001, m002, m003Revision, m004] });
    try {
      expect(userVersion(store.db)).toBe(4);
      expect(logger.lines().filter((l) => l.msg === 'database migrated').map((l) => l.name)).toEqual(['gaps-language']);
      expect(store.db.prepare('SELECT question, language FROM agenda_gaps').get()).toEqual({ question: 'old question', language: null });
      store.db.prepare("INSERT INTO agenda_gaps (question, norm, asked_at, language) VALUES ('q', 'q', 2, 'fr')").run();
      expect(() => store.db.prepare("INSERT INTO agenda_gaps (question, norm, asked_at, language) VALUES ('q', 'q', 3, 'French')").run()).toThrow(/CHECK/);
    } finally {
      store.close();
    }
  });

  it('rolls back a failing migration completely and reports it clearly', () => {
    const file = tempDbPath();
    openStore(file).close();
    const broken: Migration = {
      version: LATEST + 1,
      name: 'broken',
      up(db) {
        db.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('boom in migration');
      },
    };
    expect(() => openStore(file, { migrations: [...migrations, broken] })).toThrow(StoreError);
    const store = openStore(file);
    expect(userVersion(store.db)).toBe(LATEST);
    expect(store.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({ n: 0 });
    store.close();
  });

  it('refuses a database written by a newer version, without touching it', () => {
    const file = tempDbPath();
    const s = openStore(file);
    s.db.pragma(`user_version = ${LATEST + 5}`);
    s.close();
    const before = fs.readFileSync(file);
    let err: unknown;
    try {
      openStore(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).path).toBe(path.resolve(file));
    expect((err as Error).message).toMatch(/newer version of practice-bot/);
    expect((err as Error).message).toContain(file);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('gives a clear StoreError for a read-only database file', () => {
    const file = tempDbPath();
    openStore(file).close();
    const root = process.getuid?.() === 0;
    if (root) execFileSync('chattr', ['+i', file]); // root ignores file modes; the immutable flag stops it
    else fs.chmodSync(file, 0o444);
    try {
      expect(() => openStore(file)).toThrow(StoreError);
      expect(() => openStore(file)).toThrow(/not readable and writable/);
    } finally {
      if (root) execFileSync('chattr', ['-i', file]);
      else fs.chmodSync(file, 0o644);
    }
  });

  it('gives a clear StoreError when the folder cannot be created', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a-file'), 'x');
    const file = path.join(dir, 'a-file', 'sub', 'bot.db');
    expect(() => openStore(file)).toThrow(StoreError);
    expect(() => openStore(file)).toThrow(/folder .* cannot be created/);
  });

  it('gives a clear StoreError for a file that is not a database, and leaves it alone', () => {
    const file = tempDbPath();
    const junk = 'this is not a database '.repeat(100);
    fs.writeFileSync(file, junk);
    expect(() => openStore(file)).toThrow(/not a SQLite database/);
    expect(fs.readFileSync(file, 'utf8')).toBe(junk);
  });

  it('gives a clear StoreError when the path is a folder', () => {
    expect(() => openStore(tempDir())).toThrow(/folder, not a file/);
  });

  it('runs immediate() writes atomically: a throw rolls everything back', () => {
    const store = openStore(tempDbPath());
    try {
      const ins = store.db.prepare("INSERT INTO meta (key, value) VALUES (?, 'v')");
      expect(() =>
        store.immediate(() => {
          ins.run('a');
          ins.run('a'); // primary key violation
        }),
      ).toThrow();
      expect(store.db.prepare('SELECT count(*) AS n FROM meta WHERE key = ?').get('a')).toEqual({ n: 0 });
      store.immediate(() => ins.run('b'));
      expect(store.db.prepare('SELECT count(*) AS n FROM meta WHERE key = ?').get('b')).toEqual({ n: 1 });
    } finally {
      store.close();
    }
  });

  // Another process holds the write lock (test/helpers/db-lock.ts: BEGIN IMMEDIATE and a row, not
  // committed), as a maintenance script or a `sqlite3` shell does.
  it('a write while another process holds the write lock fails fast (short busy timeout), and an async retry succeeds once it lets go', async () => {
    const file = tempDbPath();
    openStore(file).close();
    const lock = await holdLock(file);
    const b = openStore(file);
    b.shortBusyTimeout();
    const write = (key: string) => () => b.immediate(() => b.db.prepare("INSERT INTO meta (key, value) VALUES (?, '1')").run(key));
    try {
      let err: unknown;
      try {
        write('y')();
      } catch (e) {
        err = e;
      }
      expect(isBusyError(err)).toBe(true);
      // Reads are not blocked by the other writer (WAL), and do not see its uncommitted row.
      expect(b.db.prepare("SELECT COUNT(*) AS n FROM meta WHERE key = 'holder'").get()).toEqual({ n: 0 });
      // Retried off the event loop, with backoff: still waiting while the lock is held.
      let attempts = 0;
      let done = false;
      const retried = retryWhileBusy(() => {
        attempts++;
        return write('z')();
      }, { changes: b.changes }).finally(() => (done = true));
      while (attempts < 3 && !done) await new Promise((r) => setTimeout(r, 10));
      expect(done).toBe(false);
      expect(lock.held()).toBe(true);
      await lock.release();
      await retried;
      // Both writes are in, the holder's first: the retry waited for it rather than going around it.
      expect(b.db.prepare<[], { key: string }>('SELECT key FROM meta ORDER BY rowid').all().map((r) => r.key)).toEqual(['holder', 'z']);
    } finally {
      lock.kill();
      b.close();
    }
  });

  it('opening waits for another process\'s write lock (the open busy timeout) and migrates once it is released', async () => {
    const file = tempDbPath();
    const old = openStore(file, { migrations: [m001] });
    old.close();
    // The holder commits by itself a second after taking the lock, while this thread waits in openStore.
    const lock = await holdLock(file, { releaseAfterMs: 1000 });
    try {
      // The lock really is held as openStore starts: a writer that does not wait is refused.
      const probe = new Database(file, { timeout: 0 });
      try {
        expect(() => probe.exec('BEGIN IMMEDIATE')).toThrow(/database is locked/);
      } finally {
        probe.close();
      }
      const store = openStore(file);
      try {
        expect(userVersion(store.db)).toBe(LATEST);
        // The holder's row was committed first: the migrations waited for it.
        expect(store.db.prepare("SELECT value FROM meta WHERE key = 'holder'").get()).toEqual({ value: 'x' });
      } finally {
        store.close();
      }
    } finally {
      lock.kill();
    }
  });
});
