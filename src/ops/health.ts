// GET /healthz: is the running bot well? Mounted on PORT when the process serves HTTP (Telegram
// webhook, Slack HTTP mode), or on HEALTH_PORT by a small server of its own (polling, Socket Mode).
//
// 200 with {status: 'ok', ...}, or 503 with {status: 'unwell', ...} when
// - the database is not writable: the file or its folder lost write permission (checked with
//   access(2) and the permission bits, so a `chmod a-w` shows even for root) or a write
//   transaction cannot begin (a read-only connection or file system);
// - the scheduler's last wake (in memory, or as recorded in meta) is older than 3 minutes;
// - an adapter reports 'down' (AdapterHandle.state()).
// Pending and failed deliveries are reported, not judged.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Clock } from '../core/ports.ts';
import { startHttpServer, type HttpRoute, type HttpServerHandle } from '../core/http-server.ts';
import { deliveryCounts, readSchedulerTick } from './db-file.ts';

export type AdapterState = 'connected' | 'starting' | 'down';

export interface HealthReport {
  status: 'ok' | 'unwell';
  database: { writable: boolean; reason?: string };
  scheduler: { lastTick: string | null; ageSeconds: number | null };
  adapters: Partial<Record<string, AdapterState>>;
  deliveries: { pending: number; failed: number };
  /** Why the status is 'unwell' (empty when ok). */
  problems: string[];
}

export interface HealthDeps {
  /** The running bot's connection (undefined or closed: not writable). */
  db: () => Database.Database | undefined;
  dbPath: string;
  clock: Clock;
  /** Adapters that can tell their connection state; ones without state() are left out. */
  adapters: () => readonly { readonly name: string; state?(): AdapterState }[];
  /** The scheduler's last wake in this process (default: the tick it records in the meta table). */
  lastTick?: () => Date | undefined;
  /** Default 3 minutes (the scheduler wakes at least once a minute). */
  maxTickAgeMs?: number;
}

export const MAX_TICK_AGE_MS = 3 * 60_000;

export interface Health {
  check(): HealthReport;
  /** GET /healthz */
  readonly route: HttpRoute;
}

/** Why `p` is not writable (no path in the text: /healthz may be public), or undefined. */
function writeBlocked(p: string, label: string): string | undefined {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    if ((fs.statSync(p).mode & 0o222) === 0) return `${label} is read-only (mode ${(fs.statSync(p).mode & 0o777).toString(8)})`;
  } catch (err) {
    return `${label}: ${(err as { code?: string }).code ?? 'not writable'}`;
  }
  return undefined;
}

const isBusy = (err: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown } | null)?.code ?? ''));

export function createHealth(deps: HealthDeps): Health {
  const maxAge = deps.maxTickAgeMs ?? MAX_TICK_AGE_MS;
  const startedAt = deps.clock.now();
  const file = path.resolve(deps.dbPath);

  function databaseWritable(db: Database.Database | undefined): { writable: boolean; reason?: string } {
    if (!db?.open) return { writable: false, reason: 'the database is closed' };
    const blocked = writeBlocked(file, 'the database file') ?? writeBlocked(path.dirname(file), 'its folder');
    if (blocked) return { writable: false, reason: blocked };
    if (db.readonly) return { writable: false, reason: 'the connection is read-only' };
    if (db.inTransaction) return { writable: true };
    // Begin a write (it takes the write lock) and roll it back: nothing reaches the disk.
    try {
      db.exec("SAVEPOINT healthz; UPDATE meta SET value = value WHERE key = 'healthz.probe'; ROLLBACK TO healthz; RELEASE healthz");
      return { writable: true };
    } catch (err) {
      try {
        if (db.inTransaction) db.exec('ROLLBACK TO healthz; RELEASE healthz');
      } catch {
        /* nothing open */
      }
      // Another process writing right now is not a fault.
      if (isBusy(err)) return { writable: true };
      return { writable: false, reason: String((err as Error).message ?? err).slice(0, 200) };
    }
  }

  function check(): HealthReport {
    const now = deps.clock.now();
    const db = deps.db();
    const problems: string[] = [];
    const database = databaseWritable(db);
    if (!database.writable) problems.push(`database not writable: ${database.reason ?? 'unknown'}`);

    let tick: Date | undefined;
    let deliveries = { pending: 0, failed: 0 };
    try {
      if (db?.open) {
        tick = deps.lastTick?.() ?? readSchedulerTick(db);
        const d = deliveryCounts(db);
        deliveries = { pending: d.pending, failed: d.failed };
      }
    } catch (err) {
      problems.push(`database not readable: ${String((err as Error).message ?? err).slice(0, 200)}`);
    }
    const since = tick && tick.getTime() > startedAt.getTime() ? tick : startedAt;
    const ageMs = now.getTime() - since.getTime();
    if (ageMs > maxAge) problems.push(`scheduler: no tick for ${Math.round(ageMs / 1000)} s`);

    const adapters: Partial<Record<string, AdapterState>> = {};
    for (const a of deps.adapters()) {
      if (!a.state) continue;
      let s: AdapterState;
      try {
        s = a.state();
      } catch {
        s = 'down';
      }
      adapters[a.name] = s;
      if (s === 'down') problems.push(`${a.name} is down`);
    }
    return {
      status: problems.length ? 'unwell' : 'ok',
      database,
      scheduler: { lastTick: tick?.toISOString() ?? null, ageSeconds: tick ? Math.max(0, Math.round((now.getTime() - tick.getTime()) / 1000)) : null },
      adapters,
      deliveries,
      problems,
    };
  }

  return {
    check,
    route: {
      method: 'GET',
      path: '/healthz',
      handler: (_req, res) => {
        const r = check();
        res
          .writeHead(r.status === 'ok' ? 200 : 503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
          .end(`${JSON.stringify(r)}\n`);
      },
    },
  };
}

/** The health route on a port of its own (HEALTH_PORT), for processes that serve no other HTTP. */
export async function startHealthServer(opts: { port: number; host?: string; health: Health; log: Logger }): Promise<HttpServerHandle> {
  return startHttpServer({ port: opts.port, routes: [opts.health.route], log: opts.log, ...(opts.host ? { host: opts.host } : {}) });
}
