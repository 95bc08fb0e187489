// One instance per database (issue 11): the process that runs the adapters holds a lease row
// (holder, heartbeat, expiry) in the database. A second process on the same database refuses to
// start with a one-line error naming the holder. The holder renews its heartbeat on a timer
// (unref'd through the clock); a holder that crashed stops renewing and its lease expires after
// `ttlMs`, or at once when it ran on this host and its process is gone. Released on a graceful stop.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../core/ports.ts';
import { isBusyError } from './busy.ts';
import type { Store } from './store.ts';

export const LEASE_TTL_MS = 60_000;

export class LeaseError extends Error {
  override name = 'LeaseError';
  constructor(
    message: string,
    readonly holder: string,
  ) {
    super(message);
  }
}

export interface InstanceLease {
  /** "<host> pid <pid> started <ISO time>" of this process. */
  readonly holder: string;
  /** Renews now; false when another process has taken the lease over (or the database is busy). */
  renew(): boolean;
  /** Stops renewing and deletes the row if it is still ours. Idempotent. */
  release(): void;
}

export interface LeaseOptions {
  store: Store;
  clock: Clock;
  log?: Logger;
  ttlMs?: number;
  /** How often the heartbeat is renewed (default a quarter of the TTL). */
  renewEveryMs?: number;
  /** For tests: who we are. */
  host?: string;
  pid?: number;
  /** Is a process of this host alive? Default: process.kill(pid, 0). */
  isAlive?: (pid: number) => boolean;
  /** Called once when renewal finds the lease taken over by another process (then it logs nothing
   *  itself: the listener reports it). */
  onLost?: (holder: string) => void;
}

interface LeaseRow {
  holder: string;
  host: string;
  pid: number;
  token: string;
  heartbeat_at: number;
  expires_at: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Takes the lease or throws LeaseError naming the holder. */
export function acquireInstanceLease(opts: LeaseOptions): InstanceLease {
  const { store, clock } = opts;
  const log = opts.log?.child({ module: 'lease' });
  const ttl = opts.ttlMs ?? LEASE_TTL_MS;
  const every = opts.renewEveryMs ?? Math.max(1000, Math.floor(ttl / 4));
  const host = opts.host ?? os.hostname();
  const pid = opts.pid ?? process.pid;
  const isAlive = opts.isAlive ?? processAlive;
  const token = crypto.randomBytes(16).toString('hex');
  const startedAt = clock.now();
  const holder = `${host} pid ${pid} started ${startedAt.toISOString()}`;
  const db = store.db;
  const read = db.prepare<[], LeaseRow>('SELECT holder, host, pid, token, heartbeat_at, expires_at FROM instance_lease WHERE id = 1');
  const upsert = db.prepare<[string, string, number, string, number, number, number]>(
    `INSERT INTO instance_lease (id, holder, host, pid, token, started_at, heartbeat_at, expires_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid, token = excluded.token,
       started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`,
  );
  const beat = db.prepare<[number, number, string]>('UPDATE instance_lease SET heartbeat_at = ?, expires_at = ? WHERE id = 1 AND token = ?');
  const remove = db.prepare<[string]>('DELETE FROM instance_lease WHERE id = 1 AND token = ?');

  // Taken at start, before the store's short busy timeout is set: a lock held now is waited for.
  const taken: { from?: string; why?: string } = store.immediate(() => {
    const now = clock.now().getTime();
    const row = read.get();
    let why: string | undefined;
    if (row) {
      if (row.expires_at <= now) why = 'expired';
      // Two live processes of one host never share a pid: a row with ours is a previous life of
      // this pid (a restarted container), gone.
      else if (row.host === host && (row.pid === pid || !isAlive(row.pid))) why = 'its process is gone';
      else {
        const last = new Date(row.heartbeat_at).toISOString();
        const until = new Date(row.expires_at).toISOString();
        throw new LeaseError(
          `another practice-bot instance runs on this database: ${row.holder} (last heartbeat ${last}; its lease expires at ${until} unless renewed). Stop it first, or set DATABASE_PATH to another file.`,
          row.holder,
        );
      }
    }
    upsert.run(holder, host, pid, token, startedAt.getTime(), now, now + ttl);
    return row ? { from: row.holder, why } : {};
  });
  if (taken.from) log?.warn({ previous: taken.from, reason: taken.why }, 'took over the instance lease of a stopped instance');
  log?.info({ holder }, 'instance lease taken');

  let timer: { cancel(): void } | undefined;
  let released = false;
  let lost = false;
  let busyLogged = false;

  function renew(): boolean {
    if (released || lost || !db.open) return false;
    const now = clock.now().getTime();
    try {
      if (beat.run(now, now + ttl, token).changes === 1) {
        busyLogged = false;
        return true;
      }
    } catch (err) {
      if (!isBusyError(err)) throw err;
      if (!busyLogged) log?.warn('database busy: instance lease heartbeat delayed');
      busyLogged = true;
      return false;
    }
    lost = true;
    const by = read.get()?.holder ?? 'nobody';
    // With a listener (the bot's composition root), it says so in its one line while it stops.
    if (opts.onLost) opts.onLost(by);
    else log?.fatal({ holder: by }, 'instance lease lost: another instance took over this database');
    return false;
  }

  function schedule(): void {
    timer = clock.setTimeout(() => {
      try {
        renew();
      } catch (err) {
        log?.error({ err: { message: (err as Error).message } }, 'instance lease heartbeat failed');
      }
      if (!released && !lost) schedule();
    }, busyLogged ? Math.min(every, 2000) : every);
  }
  schedule();

  return {
    holder,
    renew,
    release() {
      if (released) return;
      released = true;
      timer?.cancel();
      if (lost || !db.open) return;
      try {
        remove.run(token);
        log?.info('instance lease released');
      } catch (err) {
        // It expires by itself.
        log?.warn({ err: { message: (err as Error).message } }, 'could not release the instance lease; it will expire');
      }
    },
  };
}
