// The agenda's retention (SUGGESTIONS_RETENTION_DAYS, issue 11 item 9), run as the agenda
// feature's purge(now) hook: suggestions (proposer id and name) with their supporters, and closed
// polls with their options, named votes, totals and ballots, are deleted that many days after
// their meeting (and after they were made); without a meeting (or one no longer listed), after
// they were made. The settled agenda of a meeting (no personal data) stays with the meeting.
// Meetings are known only through the small port below (the meetings feature).
// The statements are ./repo.ts's (the only SQL on the agenda's tables).
import type { Logger } from 'pino';
import type { Store } from '../../store/store.ts';
import type { AgendaRepo } from './repo.ts';
import { DAY_MS } from '../../shared/text.ts';


/** What the purge needs of the meetings (consumer-declared; wired in src/app.ts). */
export interface AgendaRetentionMeetings {
  /** Every meeting id. */
  ids(): string[];
  /** Ids of meetings whose start (or first day) is before `before` (epoch ms). */
  beganBefore(before: number): string[];
}

export function createAgendaRetention(deps: { store: Store; repo: AgendaRepo; log: Logger; days: number | undefined; meetings: AgendaRetentionMeetings }) {
  const { store, repo, days, meetings } = deps;
  const log = deps.log.child({ module: 'retention' });
  return function purge(now: Date): void {
    if (!days) return;
    const cut = now.getTime() - days * DAY_MS;
    const args = { cut, all: JSON.stringify(meetings.ids()), began: JSON.stringify(meetings.beganBefore(cut)) };
    const n = store.immediate(() => ({ polls: repo.purgePolls.run(args).changes, suggestions: repo.purgeSuggestions.run(args).changes }));
    if (n.polls || n.suggestions) log.info({ ...n, days }, 'purged agenda suggestions and polls past their retention');
  };
}
