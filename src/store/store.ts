// The SQLite store: one better-sqlite3 connection on a file, opened the same way every time
// (WAL, synchronous=FULL, foreign keys, a short busy timeout: see ./busy.ts) and migrated to the code's schema version.
// Every write that reads first runs in `immediate()` (BEGIN IMMEDIATE): a deferred read-then-write
// fails at once with SQLITE_BUSY_SNAPSHOT when another connection wrote in between.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { BUSY_TIMEOUT_MS } from './busy.ts';
import { migrations as defaultMigrations, type Migration } from './migrations/index.ts';

export type { Migration } from './migrations/index.ts';

export interface Store {
  readonly db: Database.Database;
  /** Runs fn in a BEGIN IMMEDIATE transaction (nested calls become savepoints). */
  immediate<T>(fn: () => T): T;
  /** Rows this connection has changed since it was opened (SQLite total_changes()). */
  changes(): number;
  /** From now on a statement waits at most BUSY_TIMEOUT_MS for a lock, then throws SQLITE_BUSY. */
  shortBusyTimeout(): void;
  close(): void;
  readonly path: string;
}

/** A database that cannot be opened or used: carries the path and a reason fit for a start-up message. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot use the database at ${path}: ${reason}`, options);
  }
}

export interface OpenStoreOptions {
  log?: Logger;
  /** For tests of the migration machinery; defaults to src/store/migrations/index.ts. */
  migrations?: readonly Migration[];
}

/** Opening, migrating and seeding may wait for a lock (start-up, one-shot CLI commands); the bot
 *  then calls `shortBusyTimeout()` so statements wait only BUSY_TIMEOUT_MS (./busy.ts) and
 *  callers retry asynchronously: the event loop never freezes on another process's lock. */
const OPEN_BUSY_TIMEOUT_MS = 5000;

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? '';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
  if (code === 'SQLITE_NOTADB') return 'the file is not a SQLite database (or it is encrypted or corrupt)';
  if (code === 'SQLITE_CORRUPT') return 'the database file is corrupt';
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY')) return 'the database is read-only';
  if (code === 'SQLITE_CANTOPEN') return 'the file cannot be opened';
  if (code === 'SQLITE_BUSY') return 'the database is locked by another process';
  return String(e?.message ?? err).slice(0, 300);
}

export function openStore(file: string, opts: OpenStoreOptions = {}): Store {
  const log = opts.log?.child({ module: 'store' });
  const list = [...(opts.migrations ?? defaultMigrations)].sort((a, b) => a.version - b.version);
  const memory = file === ':memory:';
  const abs = memory ? file : path.resolve(file);

  if (!memory) {
    const dir = path.dirname(abs);
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new StoreError(abs, `its folder ${dir} cannot be created (${describe(err)})`, { cause: err });
    }
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(abs);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) throw new StoreError(abs, 'the path is a folder, not a file');
    try {
      fs.accessSync(st ? abs : dir, fs.constants.R_OK | fs.constants.W_OK);
    } catch (err) {
      throw new StoreError(
        abs,
        st ? `the file is not readable and writable (${describe(err)})` : `its folder ${dir} is not writable (${describe(err)})`,
        { cause: err },
      );
    }
  }

  let db: Database.Database;
  try {
    db = new Database(abs, { timeout: OPEN_BUSY_TIMEOUT_MS });
  } catch (err) {
    throw new StoreError(abs, describe(err), { cause: err });
  }
  try {
    db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (!memory && String(mode).toLowerCase() !== 'wal') throw new StoreError(abs, `could not switch to WAL mode (got ${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new StoreError(abs, `the database file is corrupt (quick_check: ${String(check).slice(0, 200)})`);
    migrate(db, abs, list, log);
  } catch (err) {
    try {
      db.close();
    } catch {
      /* already unusable */
    }
    if (err instanceof StoreError) throw err;
    throw new StoreError(abs, describe(err), { cause: err });
  }

  let closed = false;
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  return {
    db,
    path: abs,
    immediate<T>(fn: () => T): T {
      return db.transaction(fn).immediate();
    },
    changes: () => (closed ? 0 : Number(totalChanges.get())),
    shortBusyTimeout: () => {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    },
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

function migrate(db: Database.Database, file: string, list: Migration[], log: Logger | undefined): void {
  const latest = list.at(-1)?.version ?? 0;
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > latest) {
    throw new StoreError(
      file,
      `it was written by a newer version of practice-bot (schema ${current}; this version knows up to ${latest}). ` +
        'Upgrade practice-bot, or point DATABASE_PATH at another file.',
    );
  }
  for (const m of list) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      // A number from the code, not a value from outside: pragmas take no parameters.
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    }).immediate();
    log?.info({ version: m.version, name: m.name }, 'database migrated');
  }
}
