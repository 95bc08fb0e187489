// The agenda feature (issue 3, part B): suggestions and polls on them.
//
// - /suggest [<meeting id>] <text> and /agenda [<meeting id>] (./suggest.ts).
// - /poll [named] [<meeting id>] [close-at <YYYY-MM-DD> <HH:MM> <zone>] / /poll close [<poll id>]:
//   the top suggestions (at most 10) as a poll; anonymous by default (totals only), named on request.
//   Polls close by command or in tick() at their close time; the results are posted ranked and
//   saved as the meeting's agenda (through the meetings port). /vote <n> where a chat has no poll
//   buttons (./poll-commands.ts).
// - vote()/pollTotals(): the one entry point every platform's votes come through (./polls.ts).
// - Before a date (issue 14): with no dated meeting ahead, the undated agenda of the community's
//   next meeting; adoptUndated() (the AgendaHooks port) hands it to the meeting added (./undated.ts).
// - Housekeeping: near-duplicates count as a +1 (./near-duplicate.ts, through the engine's analysis
//   port); /agenda merge|remove for co-chairs and the secretariat (./housekeeping.ts).
// Tables: ./repo.ts. Meetings are read only through the AgendaMeetings port (./ports.ts).
import type { Logger } from 'pino';
import type { Feature } from '../../core/feature.ts';
import { errorFields } from '../../core/logger.ts';
import type { OutboundRouter } from '../../core/outbound.ts';
import type { Clock, VoteInput } from '../../core/ports.ts';
import type { PollView } from '../../core/reply.ts';
import type { Audit } from '../access/index.ts';
import type { Store } from '../../store/store.ts';
import { createHousekeeping } from './housekeeping.ts';
import { createMeetingRefs } from './meeting-ref.ts';
import { createNearDuplicates } from './near-duplicate.ts';
import { createPollCommands } from './poll-commands.ts';
import { createPollViews } from './poll-view.ts';
import { createPolls } from './polls.ts';
import type { AgendaAnalysis, AgendaHooks, AgendaMeetings } from './ports.ts';
import { createAgendaRepo } from './repo.ts';
import { createSuggestCommands } from './suggest.ts';
import { createUndated, undatedKeyOf } from './undated.ts';

export type { AgendaAnalysis, AgendaHooks, AgendaMeetings, MeetingInfo, TopicWord } from './ports.ts';
export { createEngineAnalysis } from './engine-analysis.ts';
export { MERGE_USAGE, REMOVE_USAGE } from './housekeeping.ts';
export { undatedKeyOf } from './undated.ts';
export { MAX_POLL_OPTIONS } from './polls.ts';
export { MAX_SUGGESTION, MIN_SUGGESTION, MIN_SUGGESTION_ALNUM, SUGGEST_USAGE } from './suggest.ts';
export { POLL_USAGE, VOTE_USAGE } from './poll-commands.ts';

import { createAgendaRetention, type AgendaRetentionMeetings } from './retention.ts';

export interface AgendaDeps {
  store: Store;
  clock: Clock;
  outbound: OutboundRouter;
  log: Logger;
  audit: Audit;
  meetings: AgendaMeetings;
  /** Suggestions one person may have for one meeting (absent = no cap). */
  maxOpenSuggestions?: number;
  /** The community's key (config COMMUNITY): with it, suggestions made while no meeting ahead has a
   *  date go to the community's undated agenda; without it they are refused as before. */
  community?: string;
  /** The engine's text analysis, for near-duplicate suggestions (absent: src/shared/similar.ts). */
  analysis?: AgendaAnalysis;
  /** SUGGESTIONS_RETENTION_DAYS and what the purge needs of the meetings (./retention.ts); absent = no purge. */
  retention?: { days: number | undefined; meetings: AgendaRetentionMeetings };
}

export interface AgendaFeature extends Feature, AgendaHooks {
  vote(input: VoteInput): Promise<PollView | undefined>;
  pollTotals(platformPollId: string, totals: number[]): Promise<void>;
  openPolls(): PollView[];
  /** The open suggestions for a meeting, best supported first (the weekly digest). A query. */
  suggestionsFor(meetingId: string): { text: string; support: number }[];
  /** Closes polls whose close time has passed. */
  tick(now: Date): Promise<void>;
  /** The next poll close time, if any. */
  nextDueAt(): Date | undefined;
  chatGone(chatId: string): void;
  chatMigrated(from: string, to: string): void;
}

export function createAgenda(deps: AgendaDeps): AgendaFeature {
  const { store, clock, log, audit } = deps;
  const repo = createAgendaRepo(store);
  const refs = createMeetingRefs(deps.meetings, deps.community !== undefined ? undatedKeyOf(deps.community) : undefined);
  const views = createPollViews(repo);
  const polls = createPolls({ ...deps, repo, views, refs });
  const undated = createUndated({ store, log, audit, repo, refs, views, meetings: deps.meetings });
  const duplicates = createNearDuplicates(deps.analysis);
  const housekeeping = createHousekeeping({ store, log, audit, outbound: deps.outbound, repo, refs });
  const commands = [
    ...createSuggestCommands({
      store,
      log,
      repo,
      refs,
      polls,
      undated,
      duplicates,
      housekeeping,
      ...(deps.maxOpenSuggestions !== undefined ? { maxOpenSuggestions: deps.maxOpenSuggestions } : {}),
    }),
    ...createPollCommands({ ...deps, repo, refs, views, polls, undated }),
  ];

  return {
    name: 'agenda',
    commands,
    adoptUndated: (meetingId, now) => undated.adopt(meetingId, now),
    ...(deps.retention ? { purge: createAgendaRetention({ store, repo, log: deps.log, ...deps.retention }) } : {}),
    vote: polls.vote,
    pollTotals: polls.pollTotals,
    openPolls: () => repo.openPolls.all().map((r) => views.viewOf(r)),
    suggestionsFor: (meetingId) => repo.suggestionsOf.all(meetingId).map((s) => ({ text: s.text, support: s.support })),

    chatMigrated(from, to) {
      const r = store.immediate(() => ({
        suggestions: repo.moveSuggestions.run(to, from).changes,
        polls: repo.movePolls.run(to, from).changes,
      }));
      if (r.suggestions || r.polls) log.info({ from, to, ...r }, 'agenda moved to the new chat id');
    },

    chatGone(chatId) {
      const now = clock.now().getTime();
      const closed = store.immediate(() => {
        const ids: number[] = [];
        for (const poll of repo.openPollsIn.all(chatId)) {
          if (repo.markClosed.run(now, 'system', 'chat-gone', poll.id).changes === 0) continue;
          repo.deleteBallots.run(poll.id);
          audit('system', 'poll.close', `poll:${poll.id}`, { meeting: poll.meeting_id, chat: chatId, reason: 'chat-gone' });
          ids.push(poll.id);
        }
        return ids;
      });
      if (closed.length) log.info({ chat: chatId, polls: closed }, 'closed the polls of a chat the bot left');
    },

    async tick(now) {
      for (const due of repo.duePolls.all(now.getTime())) {
        try {
          const result = await polls.closePoll(due.id, 'system', 'timer');
          if (result) await polls.postTo(result.poll, result.reply);
        } catch (err) {
          log.error({ err: errorFields(err), poll: due.id }, 'could not close a poll at its close time');
        }
      }
    },

    nextDueAt() {
      const close = repo.nextClose.get()?.at;
      return close != null ? new Date(close) : undefined;
    },
  };
}
