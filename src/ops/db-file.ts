// Shared pieces of the operator commands (backup, restore, export, status, health): opening a
// database file without migrating it, reading what it holds, and one-line errors.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from '../store/migrations/index.ts';

/** An operator command failed for a reason fit for one line on stderr (exit 1). */
export class OpsError extends Error {
  override name = 'OpsError';
}

/** The schema version this code migrates to. */
export function latestSchemaVersion(): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

/** A short reason for a SQLite or file-system error. */
export function reasonOf(err: unknown): string {
  const e = err as { code?: string; message?: string } | null;
  const code = e?.code ?? '';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'SQLITE_NOTADB') return 'not a SQLite database (or encrypted or corrupt)';
  if (code.startsWith('SQLITE_CORRUPT')) return 'the database file is corrupt';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'the database is locked by another process';
  if (code.startsWith('SQLITE_READONLY')) return 'the database is read-only';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'the file cannot be opened';
  return String(e?.message ?? err).replace(/\s+/g, ' ').slice(0, 200);
}

/** Opens an existing database file read-only (no migration, no pragma that writes). */
export function openReadOnly(file: string, what = 'database'): Database.Database {
  const abs = path.resolve(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch (err) {
    throw new OpsError(`${what} ${abs}: ${reasonOf(err)}`);
  }
  if (!st.isFile()) throw new OpsError(`${what} ${abs}: not a file`);
  try {
    const db = new Database(abs, { readonly: true, fileMustExist: true, timeout: 2000 });
    // Reading the header here turns "not a database" into an error at open, not at first use.
    db.pragma('user_version', { simple: true });
    return db;
  } catch (err) {
    throw new OpsError(`${what} ${abs}: ${reasonOf(err)}`);
  }
}

export function userVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** `PRAGMA integrity_check`: 'ok', or the first problems joined on one line. */
export function integrityCheck(db: Database.Database): string {
  const rows = db.pragma('integrity_check(20)') as { integrity_check: string }[];
  const lines = rows.map((r) => r.integrity_check);
  return lines.length === 1 && lines[0] === 'ok' ? 'ok' : lines.join('; ').replace(/\s+/g, ' ').slice(0, 300);
}

export function tableNames(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((r) => r.name);
}

export function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?").get(name)!.n > 0;
}

export function columnsOf(db: Database.Database, table: string): string[] {
  return (db.pragma(`table_info(${quoteIdent(table)})`) as { name: string }[]).map((c) => c.name);
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Rows per table, in name order. */
export function rowCounts(db: Database.Database): { table: string; rows: number }[] {
  return tableNames(db).map((table) => ({
    table,
    rows: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`).get()!.n,
  }));
}

/** The tables a database at schema `version` must have: the migrations up to it, applied to an
 *  empty in-memory database. */
export function expectedTables(version: number): string[] {
  const mem = new Database(':memory:');
  try {
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version > version) break;
      m.up(mem);
    }
    return tableNames(mem);
  } finally {
    mem.close();
  }
}

export interface LeaseInfo {
  holder: string;
  heartbeatAt?: Date;
  expiresAt?: Date;
  /** The holder's claim is still valid at `now`. */
  live: boolean;
}

/** The instance lease a running bot holds (issue 11: table `instance_lease`; a table named
 *  `lease` with `holder` and `expires_at` is read the same way), or undefined when there is none. */
export function readLease(db: Database.Database, now: Date): LeaseInfo | undefined {
  for (const table of ['instance_lease', 'lease']) {
    if (!hasTable(db, table)) continue;
    const cols = columnsOf(db, table);
    if (!cols.includes('holder') || !cols.includes('expires_at')) continue;
    const beat = cols.includes('heartbeat_at') ? 'heartbeat_at' : 'NULL';
    const row = db
      .prepare<[], { holder: string; heartbeat_at: number | null; expires_at: number }>(
        `SELECT holder, ${beat} AS heartbeat_at, expires_at FROM ${quoteIdent(table)} ORDER BY expires_at DESC LIMIT 1`,
      )
      .get();
    if (!row) continue;
    return {
      holder: String(row.holder),
      ...(row.heartbeat_at != null ? { heartbeatAt: new Date(Number(row.heartbeat_at)) } : {}),
      expiresAt: new Date(Number(row.expires_at)),
      live: Number(row.expires_at) > now.getTime(),
    };
  }
  return undefined;
}

/** The meta key the scheduler writes on wake (at most once a minute): an ISO time. */
export const SCHEDULER_TICK_KEY = 'scheduler.last_tick';

export function readSchedulerTick(db: Database.Database): Date | undefined {
  if (!hasTable(db, 'meta')) return undefined;
  const row = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(SCHEDULER_TICK_KEY);
  if (!row) return undefined;
  const t = new Date(row.value);
  return Number.isNaN(t.getTime()) ? undefined : t;
}

export interface DeliveryCounts {
  /** Waiting or being sent. */
  pending: number;
  /** Given up after retries (or refused permanently by the platform). */
  failed: number;
}

/** Pending and failed rows of the reminder and announcement delivery ledgers. */
export function deliveryCounts(db: Database.Database): DeliveryCounts & { reminders: DeliveryCounts; announcements: DeliveryCounts } {
  const count = (table: string): DeliveryCounts => {
    if (!hasTable(db, table)) return { pending: 0, failed: 0 };
    const r = db
      .prepare<[], { pending: number | null; failed: number | null }>(
        `SELECT sum(status IN ('pending', 'sending')) AS pending, sum(status = 'failed') AS failed FROM ${quoteIdent(table)}`,
      )
      .get();
    return { pending: Number(r?.pending ?? 0), failed: Number(r?.failed ?? 0) };
  };
  const reminders = count('reminder_deliveries');
  const announcements = count('announcement_deliveries');
  return {
    pending: reminders.pending + announcements.pending,
    failed: reminders.failed + announcements.failed,
    reminders,
    announcements,
  };
}

/** `20261207T134203Z`: a timestamp fit for a file name. */
export function fileStamp(t: Date): string {
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** fsync a file (or, with `dir`, a folder) so a rename or a copy survives a power cut; best effort. */
export function fsyncPath(p: string, dir = false): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, dir ? 'r' : 'r+');
    fs.fsyncSync(fd);
  } catch {
    /* some file systems cannot sync a folder */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
