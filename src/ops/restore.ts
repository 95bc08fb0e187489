// `practice-bot restore <file>`: puts a backup in place of the database.
//
// 1. The copy is checked: it opens as SQLite, passes integrity_check, its schema version is not
//    newer than this code's migrations, and it has the tables its version must have.
// 2. The database must be free: no unexpired instance lease (a running bot holds one and renews it),
//    and no other connection at all (an exclusive lock is tried briefly; in WAL mode every open
//    connection holds a shared lock, so even an idle bot or a `sqlite3` shell is seen).
// 3. Holding that lock, the WAL is checkpointed into the file; then the file (with any -wal/-shm
//    left) is moved aside as `<db>.replaced-<timestamp>`, and the copy is written to a temporary
//    file, synced and renamed into place.
// Refusals are one line (OpsError, exit 1) and leave everything as it was.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expectedTables, fileStamp, fsyncPath, integrityCheck, latestSchemaVersion, OpsError, openReadOnly, readLease, reasonOf, tableNames, userVersion } from './db-file.ts';

export interface RestoreResult {
  database: string;
  /** Where the replaced database was moved (undefined when there was none). */
  replaced?: string;
  schemaVersion: number;
}

export interface RestoreOptions {
  /** The backup to put in place. */
  from: string;
  /** The database file (DATABASE_PATH). */
  database: string;
  now?: Date;
  /** How long to wait for the exclusive lock (default 500 ms). */
  lockTimeoutMs?: number;
}

/** Checks a backup file; returns its schema version or throws OpsError naming the problem. */
export function checkBackupFile(file: string): number {
  const db = openReadOnly(file, 'backup');
  try {
    let integrity: string;
    try {
      integrity = integrityCheck(db);
    } catch (err) {
      throw new OpsError(`backup ${path.resolve(file)}: ${reasonOf(err)}`);
    }
    if (integrity !== 'ok') throw new OpsError(`backup ${path.resolve(file)} is corrupt (integrity_check: ${integrity})`);
    const version = userVersion(db);
    const latest = latestSchemaVersion();
    if (version > latest) {
      throw new OpsError(
        `backup ${path.resolve(file)} has schema version ${version}, newer than this practice-bot knows (${latest}): upgrade practice-bot first`,
      );
    }
    if (version < 1) throw new OpsError(`backup ${path.resolve(file)} is not a practice-bot database (schema version 0)`);
    const have = new Set(tableNames(db));
    const missing = expectedTables(version).filter((t) => !have.has(t));
    if (missing.length) {
      throw new OpsError(`backup ${path.resolve(file)} lacks tables of schema version ${version}: ${missing.join(', ')}`);
    }
    return version;
  } finally {
    db.close();
  }
}

function exists(p: string): boolean {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Refuses while a bot holds the database; otherwise checkpoints it under an exclusive lock and
 *  closes it, so the file alone holds every committed row. */
function quiesce(dbFile: string, now: Date, lockTimeoutMs: number): void {
  let db: Database.Database;
  try {
    db = new Database(dbFile, { fileMustExist: true, timeout: lockTimeoutMs });
  } catch (err) {
    throw new OpsError(`database ${dbFile}: ${reasonOf(err)}`);
  }
  try {
    let lease;
    try {
      lease = readLease(db, now);
    } catch (err) {
      // A corrupt or foreign file is replaced all the same (it is kept aside), but a lock is not.
      if (/locked/.test(reasonOf(err))) throw err;
      lease = undefined;
    }
    if (lease?.live) {
      const beat = lease.heartbeatAt ? `, last heartbeat ${lease.heartbeatAt.toISOString()}` : '';
      throw new OpsError(`refused: a practice-bot instance holds the database (${lease.holder}${beat}); stop it first`);
    }
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
      db.exec('COMMIT');
    } catch (err) {
      throw new OpsError(`refused: the database ${dbFile} is open in another process (${reasonOf(err)}); stop the bot first`);
    }
    try {
      if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal') db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      /* a damaged file is moved aside with its -wal as it is */
    }
  } catch (err) {
    db.close();
    if (err instanceof OpsError) throw err;
    throw new OpsError(`database ${dbFile}: ${reasonOf(err)}`);
  }
  db.close();
}

/** Checks the backup, refuses while the database is in use, moves the database aside and puts the
 *  copy in its place. The copy is prepared (with the online backup API, so a backup left in WAL
 *  mode with its -wal is copied whole) before the database is touched, so the swap itself is two
 *  renames. */
export async function restoreDatabase(opts: RestoreOptions): Promise<RestoreResult> {
  const now = opts.now ?? new Date();
  const from = path.resolve(opts.from);
  const dbFile = path.resolve(opts.database);
  if (from === dbFile) throw new OpsError('the backup is the database itself');
  const schemaVersion = checkBackupFile(from);
  try {
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  } catch (err) {
    throw new OpsError(`cannot create the folder ${path.dirname(dbFile)}: ${reasonOf(err)}`);
  }

  const tmp = `${dbFile}.restoring-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const removeTmp = () => {
    for (const s of ['', '-wal', '-shm', '-journal']) fs.rmSync(tmp + s, { force: true });
  };
  try {
    const src = openReadOnly(from, 'backup');
    try {
      await src.backup(tmp, { progress: () => 0x7fffffff });
    } finally {
      src.close();
    }
    fsyncPath(tmp);
  } catch (err) {
    removeTmp();
    throw err instanceof OpsError ? err : new OpsError(`cannot copy ${from} beside the database: ${reasonOf(err)}`);
  }

  let replaced: string | undefined;
  try {
    if (exists(dbFile)) {
      quiesce(dbFile, now, opts.lockTimeoutMs ?? 500);
      replaced = `${dbFile}.replaced-${fileStamp(now)}`;
      if (exists(replaced)) replaced = `${replaced}-${crypto.randomBytes(3).toString('hex')}`;
      try {
        fs.renameSync(dbFile, replaced);
        for (const s of ['-wal', '-shm', '-journal']) {
          if (exists(dbFile + s)) fs.renameSync(dbFile + s, replaced + s);
        }
      } catch (err) {
        throw new OpsError(`cannot move ${dbFile} aside: ${reasonOf(err)}`);
      }
    }
    fs.renameSync(tmp, dbFile);
    fsyncPath(path.dirname(dbFile), true);
  } catch (err) {
    removeTmp();
    // Put the old database back, so a failed restore changes nothing.
    if (replaced && !exists(dbFile)) {
      try {
        fs.renameSync(replaced, dbFile);
        for (const s of ['-wal', '-shm', '-journal']) if (exists(replaced + s)) fs.renameSync(replaced + s, dbFile + s);
        replaced = undefined;
      } catch {
        /* the message below names where it is */
      }
    }
    if (err instanceof OpsError) throw err;
    throw new OpsError(`restore failed: ${reasonOf(err)}${replaced ? ` (the previous database is at ${replaced})` : ''}`);
  }
  return { database: dbFile, ...(replaced ? { replaced } : {}), schemaVersion };
}
