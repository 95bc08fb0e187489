// `practice-bot status [--json]`: what the database says about the bot, read-only, for an
// operator's shell: schema version, who holds the instance lease and how fresh its heartbeat is,
// meetings ahead, pending and failed deliveries, and the scheduler's last tick.
import type Database from 'better-sqlite3';
import { deliveryCounts, hasTable, latestSchemaVersion, readLease, readSchedulerTick, userVersion, type DeliveryCounts } from './db-file.ts';

export interface StatusReport {
  database: string;
  schemaVersion: number;
  codeSchemaVersion: number;
  lease: { holder: string; heartbeatAt: string | null; heartbeatAgeSeconds: number | null; expiresAt: string | null; live: boolean } | null;
  meetings: { upcoming: number };
  deliveries: DeliveryCounts & { reminders: DeliveryCounts; announcements: DeliveryCounts };
  scheduler: { lastTick: string | null; ageSeconds: number | null };
}

const ageSeconds = (t: Date | undefined, now: Date) => (t ? Math.max(0, Math.round((now.getTime() - t.getTime()) / 1000)) : null);

export function readStatus(db: Database.Database, now: Date): StatusReport {
  const lease = readLease(db, now);
  const tick = readSchedulerTick(db);
  const upcoming = hasTable(db, 'meetings')
    ? db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM meetings WHERE cancelled = 0 AND starts_at IS NOT NULL AND starts_at > ?').get(now.getTime())!.n
    : 0;
  return {
    database: db.name,
    schemaVersion: userVersion(db),
    codeSchemaVersion: latestSchemaVersion(),
    lease: lease
      ? {
          holder: lease.holder,
          heartbeatAt: lease.heartbeatAt?.toISOString() ?? null,
          heartbeatAgeSeconds: ageSeconds(lease.heartbeatAt, now),
          expiresAt: lease.expiresAt?.toISOString() ?? null,
          live: lease.live,
        }
      : null,
    meetings: { upcoming },
    deliveries: deliveryCounts(db),
    scheduler: { lastTick: tick?.toISOString() ?? null, ageSeconds: ageSeconds(tick, now) },
  };
}

export function formatStatus(s: StatusReport): string {
  const newer = s.schemaVersion > s.codeSchemaVersion ? ' (NEWER than this practice-bot)' : s.schemaVersion < s.codeSchemaVersion ? ' (migrated at next start)' : '';
  const lease = !s.lease
    ? 'none (no bot running on this database)'
    : `${s.lease.holder}${s.lease.heartbeatAgeSeconds != null ? `, heartbeat ${s.lease.heartbeatAgeSeconds} s ago` : ''}${s.lease.live ? '' : ' (expired)'}`;
  const d = s.deliveries;
  return [
    `database:          ${s.database}`,
    `schema version:    ${s.schemaVersion} (this practice-bot: ${s.codeSchemaVersion})${newer}`,
    `instance lease:    ${lease}`,
    `upcoming meetings: ${s.meetings.upcoming}`,
    `deliveries:        ${d.pending} pending, ${d.failed} failed (reminders ${d.reminders.pending}/${d.reminders.failed}, announcements ${d.announcements.pending}/${d.announcements.failed})`,
    `scheduler tick:    ${s.scheduler.lastTick ? `${s.scheduler.lastTick} (${s.scheduler.ageSeconds} s ago)` : 'never recorded'}`,
  ].join('\n');
}
