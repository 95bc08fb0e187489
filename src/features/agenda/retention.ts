// The agenda's retention (SUGGESTIONS_RETENTION_DAYS, issue 11 item 9), run as the agenda
// feature's purge(now) hook: suggestions (proposer id and name) with their supporters, and closed
// polls with their options, named votes, totals and ballots, are deleted that many days after
// their meeting (and after they were made); without a meeting (or one no longer listed), after
// they were made. The settled agenda of a meeting (no personal data) stays with the meeting.
// Meetings are known only through the small port below (the meetings feature).
// NOTE (helper move): new file beside ./repo.ts, kept apart so the agenda helper can fold its
// statements into ./repo.ts; it is the only other code writing agenda_suggestions/agenda_polls.
import type { Logger } from 'pino';
import type { Store } from '../../store/store.ts';

const DAY_MS = 86_400_000;

/** What the purge needs of the meetings (consumer-declared; wired in src/app.ts). */
export interface AgendaRetentionMeetings {
  /** Every meeting id. */
  ids(): string[];
  /** Ids of meetings whose start (or first day) is before `before` (epoch ms). */
  beganBefore(before: number): string[];
}

export function createAgendaRetention(deps: { store: Store; log: Logger; days: number | undefined; meetings: AgendaRetentionMeetings }) {
  const { store, days, meetings } = deps;
  const log = deps.log.child({ module: 'retention' });
  const db = store.db;
  const MEETING_GONE = '(meeting_id IS NULL OR meeting_id NOT IN (SELECT value FROM json_each(@all)))';
  const BEGAN = 'meeting_id IN (SELECT value FROM json_each(@began))';
  const suggestions = db.prepare<{ cut: number; all: string; began: string }>(
    `DELETE FROM agenda_suggestions WHERE created_at < @cut AND (${BEGAN} OR ${MEETING_GONE})`,
  );
  const polls = db.prepare<{ cut: number; all: string; began: string }>(
    `DELETE FROM agenda_polls WHERE status = 'closed' AND COALESCE(closed_at, opened_at) < @cut
       AND (${BEGAN} OR (${MEETING_GONE} AND opened_at < @cut))`,
  );
  return function purge(now: Date): void {
    if (!days) return;
    const cut = now.getTime() - days * DAY_MS;
    const args = { cut, all: JSON.stringify(meetings.ids()), began: JSON.stringify(meetings.beganBefore(cut)) };
    const n = store.immediate(() => ({ polls: polls.run(args).changes, suggestions: suggestions.run(args).changes }));
    if (n.polls || n.suggestions) log.info({ ...n, days }, 'purged agenda suggestions and polls past their retention');
  };
}
