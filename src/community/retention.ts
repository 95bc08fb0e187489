// Retention for everything personal (issue 11, item 9). On the scheduler's wake (at most once an
// hour) it deletes:
// - agenda suggestions (proposer id and name) with their supporters, and closed polls with their
//   options, named votes, totals and ballots, `suggestionsDays` after their meeting (and after they
//   were made); the settled agenda of a meeting (no personal data) stays with the meeting;
// - audit rows older than `auditDays`;
// - delivery logs: announcements (who made them, the message) and their deliveries older than
//   `deliveryLogDays` once nothing is left to send, and reminder deliveries of meetings that began
//   more than `deliveryLogDays` ago (never those of a meeting still to come: the ledger is what
//   keeps a reminder from going out twice).
// A setting left out (undefined) keeps that data for ever, as before. A busy database is retried on
// a later wake.
import type { Logger } from 'pino';
import { errorFields } from '../core/logger.ts';
import { isBusyError } from '../store/busy.ts';
import type { Store } from '../store/store.ts';

const DAY_MS = 86_400_000;
const EVERY_MS = 3_600_000;

export interface RetentionDays {
  suggestionsDays?: number;
  auditDays?: number;
  deliveryLogDays?: number;
}

export interface Retention {
  /** Purges what is past its retention at `now` (at most once an hour; `force` ignores that). */
  purge(now: Date, force?: boolean): void;
}

/** The instant a meeting counts from: its exact start, else the first instant of its dates. */
const MEETING_AT = '(SELECT COALESCE(m.starts_at, m.sort_at) FROM meetings m WHERE m.id = {t}.meeting_id)';
const FINAL = "('sent', 'failed', 'skipped', 'gone')";

export function createRetention(deps: { store: Store; log: Logger; days: RetentionDays }): Retention {
  const { store, days } = deps;
  const log = deps.log.child({ module: 'retention' });
  const db = store.db;
  const suggestions = db.prepare<[number, number]>(
    `DELETE FROM agenda_suggestions WHERE COALESCE(${MEETING_AT.replace('{t}', 'agenda_suggestions')}, created_at) < ? AND created_at < ?`,
  );
  const polls = db.prepare<[number, number]>(
    `DELETE FROM agenda_polls WHERE status = 'closed'
       AND COALESCE(${MEETING_AT.replace('{t}', 'agenda_polls')}, opened_at) < ? AND COALESCE(closed_at, opened_at) < ?`,
  );
  const audit = db.prepare<[number]>('DELETE FROM audit WHERE at < ?');
  const announcements = db.prepare<[number]>(
    `DELETE FROM announcements WHERE created_at < ?
       AND NOT EXISTS (SELECT 1 FROM announcement_deliveries d WHERE d.announcement_id = announcements.id AND d.status NOT IN ${FINAL})`,
  );
  const reminders = db.prepare<[number, number]>(
    `DELETE FROM reminder_deliveries WHERE status IN ${FINAL} AND updated_at < ?
       AND ${MEETING_AT.replace('{t}', 'reminder_deliveries')} < ?`,
  );
  let last = -Infinity;
  let busyLogged = false;

  return {
    purge(now, force = false) {
      const t = now.getTime();
      if (!force && t - last < EVERY_MS) return;
      try {
        const out = store.immediate(() => {
          const n: Record<string, number> = {};
          if (days.suggestionsDays) {
            const cut = t - days.suggestionsDays * DAY_MS;
            n.polls = polls.run(cut, cut).changes;
            n.suggestions = suggestions.run(cut, cut).changes;
          }
          if (days.auditDays) n.audit = audit.run(t - days.auditDays * DAY_MS).changes;
          if (days.deliveryLogDays) {
            const cut = t - days.deliveryLogDays * DAY_MS;
            n.announcements = announcements.run(cut).changes;
            n.reminderDeliveries = reminders.run(cut, cut).changes;
          }
          return n;
        });
        last = t;
        busyLogged = false;
        if (Object.values(out).some((v) => v > 0)) log.info({ ...out, days }, 'purged data past its retention');
      } catch (err) {
        if (isBusyError(err)) {
          if (!busyLogged) log.warn('database busy: retention purge postponed');
          busyLogged = true;
          return;
        }
        log.error({ err: errorFields(err) }, 'retention purge failed');
        last = t;
      }
    },
  };
}
