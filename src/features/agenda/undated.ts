// The agenda before a date (issue 14). When no upcoming meeting has a date, /suggest, /agenda and
// /poll work on the undated agenda of the community's next meeting: suggestions and polls stored
// under the meeting id `next:<community>` (schema version 8). When the secretariat adds the next
// meeting, the meetings feature calls adopt() (the AgendaHooks port) and everything moves to it:
// the suggestions with their supporters, an open poll (it keeps running), and a poll already closed,
// whose results are then saved as that meeting's agenda. A dated next meeting that appeared some
// other way (a practice base reload) takes the undated agenda over at the next agenda command.
import type { Logger } from 'pino';
import type { Audit } from '../access/index.ts';
import type { Store } from '../../store/store.ts';
import type { MeetingRef, MeetingRefs } from './meeting-ref.ts';
import type { PollViews } from './poll-view.ts';
import type { AgendaMeetings } from './ports.ts';
import type { AgendaRepo } from './repo.ts';

export interface UndatedDeps {
  store: Store;
  log: Logger;
  audit: Audit;
  repo: AgendaRepo;
  refs: MeetingRefs;
  views: PollViews;
  meetings: Pick<AgendaMeetings, 'nextMeeting' | 'saveAgenda'>;
}

export type Undated = ReturnType<typeof createUndated>;

/** The undated agenda's meeting id for a community key ("colep" -> "next:colep"). */
export const undatedKeyOf = (community: string): string => `next:${community.trim().toLowerCase() || 'community'}`;

export function createUndated(deps: UndatedDeps) {
  const { store, log, audit, repo, refs, views, meetings } = deps;
  const key = refs.undatedKey;

  /** Moves the undated agenda to `meetingId` when that is the next dated meeting; returns how
   *  many open suggestions moved. Runs in its own transaction (or the caller's). */
  function adopt(meetingId: string, now: Date, actor = 'system'): number {
    if (key === undefined || meetings.nextMeeting(now)?.id !== meetingId) return 0;
    return store.immediate(() => {
      const open = repo.openCount.get(key)?.n ?? 0;
      const poll = repo.lastPoll.get(key);
      if (open === 0 && !poll) return 0;
      // A meeting that already ran a poll of its own keeps the agenda that poll settled.
      const ownPoll = repo.lastPoll.get(meetingId) !== undefined;
      repo.adoptSuggestions.run(meetingId, key);
      repo.adoptPolls.run(meetingId, key);
      let agendaSaved = false;
      if (poll?.status === 'closed' && !ownPoll) {
        // The vote already happened: its results become the meeting's agenda now.
        const moved = repo.poll.get(poll.id)!;
        meetings.saveAgenda(meetingId, views.ranked(views.viewOf(moved)).map((o) => ({ text: o.text, votes: o.votes ?? 0 })));
        agendaSaved = true;
      }
      audit(actor, 'agenda.adopt', meetingId, { from: key, suggestions: open, ...(poll ? { poll: poll.id, pollStatus: poll.status, agendaSaved } : {}) });
      log.info({ meeting: meetingId, suggestions: open, poll: poll?.id }, 'undated agenda moved to the meeting added');
      return open;
    });
  }

  /** The meeting /suggest, /agenda and /poll work on by default: the next dated meeting (which
   *  takes the undated agenda over if it has not yet), else the undated agenda; undefined only when
   *  the community keeps no undated agenda. */
  function current(now: Date): MeetingRef | undefined {
    const next = meetings.nextMeeting(now);
    if (next) {
      if (key !== undefined && ((repo.openCount.get(key)?.n ?? 0) > 0 || repo.lastPoll.get(key))) adopt(next.id, now);
      return refs.meetingRef(next.id, next.title);
    }
    return key === undefined ? undefined : refs.meetingRef(key);
  }

  return { adopt, current };
}
