// `practice-bot backup <file>` and the nightly backup (BACKUP_DIR, BACKUP_KEEP).
//
// The copy is made with SQLite's online backup API (better-sqlite3's db.backup()), which reads a
// consistent snapshot: every transaction committed before it began, WAL included, and nothing
// half-written, while the bot goes on writing. It is written to a temporary file beside the
// target, switched to a single-file journal mode, checked (integrity_check, user_version), synced,
// and only then renamed into place: a failed backup never leaves a half file under the real name.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../core/ports.ts';
import { errorFields } from '../core/logger.ts';
import { fsyncPath, integrityCheck, OpsError, reasonOf, rowCounts, userVersion } from './db-file.ts';

export interface BackupReport {
  file: string;
  bytes: number;
  schemaVersion: number;
  integrity: 'ok';
  tables: { table: string; rows: number }[];
}

export interface BackupOptions {
  /** Replace an existing file. */
  force?: boolean;
  /** Pages copied per step. Default: all in one step, so writes by other processes (which make
   *  SQLite restart a backup that spans several steps) cannot keep it from finishing. */
  pagesPerStep?: number;
}

const SIDE_FILES = ['-wal', '-shm', '-journal'];

function removeQuietly(file: string): void {
  for (const f of [file, ...SIDE_FILES.map((s) => file + s)]) {
    try {
      fs.rmSync(f, { force: true });
    } catch {
      /* best effort */
    }
  }
}

/** Opens a finished copy, checks it and counts what it holds. `writable` also switches it to
 *  journal_mode=DELETE, so the copy is one self-contained file. */
export function inspectCopy(file: string, opts: { writable?: boolean } = {}): Omit<BackupReport, 'file' | 'bytes'> {
  const db = new Database(file, { readonly: !opts.writable, fileMustExist: true });
  try {
    if (opts.writable) db.pragma('journal_mode = DELETE');
    const integrity = integrityCheck(db);
    if (integrity !== 'ok') throw new OpsError(`the copy failed integrity_check: ${integrity}`);
    return { schemaVersion: userVersion(db), integrity: 'ok', tables: rowCounts(db) };
  } finally {
    db.close();
  }
}

/** Copies the database behind `source` to `dest` (online, consistent), checks the copy and
 *  reports what it holds. Throws OpsError with a one-line reason. */
export async function backupDatabase(source: Database.Database, dest: string, opts: BackupOptions = {}): Promise<BackupReport> {
  const file = path.resolve(dest);
  let exists = false;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new OpsError(`${file} is a folder: give a file name for the backup`);
    exists = true;
  } catch (err) {
    if (err instanceof OpsError) throw err;
  }
  if (exists && !opts.force) throw new OpsError(`${file} already exists; add --force to replace it`);
  if (source.name === path.resolve(file)) throw new OpsError('the backup cannot be written over the database itself');
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw new OpsError(`cannot create the folder ${path.dirname(file)}: ${reasonOf(err)}`);
  }
  const tmp = `${file}.partial-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const step = opts.pagesPerStep ?? 0x7fffffff;
  try {
    await source.backup(tmp, { progress: () => step });
    const inspected = inspectCopy(tmp, { writable: true });
    fsyncPath(tmp);
    // A stale -wal beside an old copy would be replayed into the new one: remove side files first.
    for (const s of SIDE_FILES) fs.rmSync(file + s, { force: true });
    fs.renameSync(tmp, file);
    fsyncPath(path.dirname(file), true);
    return { file, bytes: fs.statSync(file).size, ...inspected };
  } catch (err) {
    removeQuietly(tmp);
    if (err instanceof OpsError) throw err;
    throw new OpsError(`backup to ${file} failed: ${reasonOf(err)}`);
  }
}

/** What a backup holds, for the terminal. */
export function describeBackup(r: BackupReport): string {
  const width = Math.max(5, ...r.tables.map((t) => t.table.length));
  const lines = [
    `Backup written: ${r.file}`,
    `  ${r.bytes.toLocaleString('en-US')} bytes, schema version ${r.schemaVersion}, integrity_check ok`,
    `  rows per table:`,
    ...r.tables.map((t) => `    ${t.table.padEnd(width)}  ${String(t.rows).padStart(8)}`),
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Nightly backup

export interface NightlyBackupOptions {
  /** The running bot's connection (the copy is taken through it). */
  db: () => Database.Database;
  /** The database file, for the backup files' names (`<name>-YYYY-MM-DD.db`). */
  dbPath: string;
  dir: string;
  /** How many nightly copies are kept (older ones are deleted). */
  keep: number;
  clock: Clock;
  log: Logger;
  /** Local hour of the backup (default 3, i.e. 03:00). */
  hour?: number;
  /** IANA zone of that hour (default: the server's zone). */
  zone?: string;
}

export interface NightlyBackup {
  start(): void;
  /** Cancels the timer and waits for a backup in progress. */
  stop(): Promise<void>;
  /** Takes tonight's backup now (as the timer does); resolves with the file, or undefined when it failed (logged). */
  runNow(): Promise<string | undefined>;
  /** When the next backup is due. */
  nextAt(): Date;
  /** Resolves when the backup in progress (if any) is done. */
  idle(): Promise<void>;
}

/** The longest single timer: the due time is re-checked at least this often (survives clock
 *  changes and suspended machines). */
const MAX_WAIT_MS = 15 * 60_000;

export function createNightlyBackup(opts: NightlyBackupOptions): NightlyBackup {
  const log = opts.log.child({ module: 'backup' });
  const hour = opts.hour ?? 3;
  const zone = opts.zone ?? DateTime.local().zoneName ?? 'UTC';
  const dir = path.resolve(opts.dir);
  const base = path.basename(opts.dbPath).replace(/\.[^.]*$/, '') || 'practice-bot';
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{4}-\\d{2}-\\d{2}\\.db$`);

  const nextAfter = (t: Date): Date => {
    const now = DateTime.fromJSDate(t, { zone });
    let due = now.set({ hour, minute: 0, second: 0, millisecond: 0 });
    if (due <= now) due = due.plus({ days: 1 }).set({ hour, minute: 0, second: 0, millisecond: 0 });
    return due.toJSDate();
  };

  let due = nextAfter(opts.clock.now());
  let timer: { cancel(): void } | undefined;
  let started = false;
  let stopped = false;
  let running: Promise<string | undefined> = Promise.resolve(undefined);

  function prune(): string[] {
    const files = fs
      .readdirSync(dir)
      .filter((f) => pattern.test(f))
      .sort()
      .reverse();
    const removed: string[] = [];
    for (const f of files.slice(Math.max(1, opts.keep))) {
      fs.rmSync(path.join(dir, f), { force: true });
      removed.push(f);
    }
    return removed;
  }

  async function takeBackup(at: Date): Promise<string | undefined> {
    const date = DateTime.fromJSDate(at, { zone }).toISODate() ?? at.toISOString().slice(0, 10);
    const file = path.join(dir, `${base}-${date}.db`);
    try {
      fs.mkdirSync(dir, { recursive: true });
      const r = await backupDatabase(opts.db(), file, { force: true, pagesPerStep: 1000 });
      const removed = prune();
      log.info(
        { file, bytes: r.bytes, schemaVersion: r.schemaVersion, rows: r.tables.reduce((n, t) => n + t.rows, 0), removed },
        'nightly backup written',
      );
      return file;
    } catch (err) {
      log.error({ file, err: errorFields(err) }, 'nightly backup failed');
      return undefined;
    }
  }

  function run(at: Date): Promise<string | undefined> {
    running = running.then(() => takeBackup(at));
    return running;
  }

  function arm(): void {
    timer?.cancel();
    timer = undefined;
    if (!started || stopped) return;
    const wait = Math.max(1000, Math.min(due.getTime() - opts.clock.now().getTime(), MAX_WAIT_MS));
    timer = opts.clock.setTimeout(() => {
      timer = undefined;
      const now = opts.clock.now();
      if (now.getTime() >= due.getTime()) {
        const at = due;
        due = nextAfter(now);
        void run(at).then(arm);
      } else arm();
    }, wait);
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      log.info({ dir, keep: opts.keep, next: due.toISOString() }, 'nightly backups on');
      arm();
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      timer = undefined;
      await running;
    },
    runNow: () => run(opts.clock.now()),
    nextAt: () => due,
    idle: () => running.then(() => undefined),
  };
}
