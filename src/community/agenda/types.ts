// The seam between the community module (part A: store, meetings, reminders, roles) and the
// agenda module (part B: suggestions, polls, votes, unanswered-question gaps, feedback).
// src/community/index.ts calls createAgenda(deps) from ./index.ts and composes the result.
import type { Logger } from 'pino';
import type { CommandContext, CommandSpec } from '../../commands/types.ts';
import type { OutboundRouter } from '../../core/outbound.ts';
import type { ActionInput, Clock, VoteInput } from '../../core/ports.ts';
import type { PollView, Reply } from '../../core/reply.ts';
import type { Engine } from '../../engine/types.ts';
import type { Store } from '../../store/store.ts';
import type { Audit } from '../audit.ts';

/** The meetings API the agenda needs (implemented by src/community/meetings.ts). */
export interface AgendaMeetings {
  /** Next upcoming meeting with an exact start, not cancelled. */
  nextMeeting(now: Date): { id: string; title: string; startsAt: Date } | undefined;
  meetingExists(id: string): boolean;
  /** Saves the settled agenda (replaces any earlier one); shown by /meeting <id>. */
  saveAgenda(meetingId: string, items: { text: string; votes: number }[]): void;
}

/** What recordFeedback did with a press, so the caller can word its answer. */
export type FeedbackOutcome = 'new' | 'changed' | 'same' | 'ignored';

/** Who gave feedback on which answer: the answer's button token and the person's platform id. */
export interface FeedbackVote {
  token: string;
  voter: string;
}

export interface AgendaDeps {
  store: Store;
  clock: Clock;
  engine: Engine;
  outbound: OutboundRouter;
  log: Logger;
  audit: Audit;
  meetings: AgendaMeetings;
  gapsRetentionDays: number;
  /** Suggestions one person may have for one meeting (absent = no cap). */
  maxOpenSuggestions?: number;
}

export interface Agenda {
  /** suggest, agenda, poll, vote, gaps */
  commands: CommandSpec[];
  vote(input: VoteInput): Promise<PollView | undefined>;
  pollTotals(platformPollId: string, totals: number[]): Promise<void>;
  chatMigrated(from: string, to: string): void;
  chatGone(chatId: string): void;
  /** Queues an unanswered question; written within a second, or before /gaps, tick or flush. */
  recordGap(q: string, language?: string): void;
  /** Helpful / not helpful on one answer. With `vote` (the answer's button token and the person
   *  pressing), it counts once per person per answer and can be changed: 'new' (counted), 'changed'
   *  (their earlier vote now counts the other way), 'same' (already counted that way; nothing
   *  changes), 'ignored' (nothing to count: empty key or token). Voters are kept only in memory,
   *  as keyed hashes, while the token can still be pressed (see FEEDBACK_TOKENS in ./index.ts).
   *  Without `vote` every call counts (no identity to deduplicate on). */
  recordFeedback(key: string, helpful: boolean, vote?: FeedbackVote): FeedbackOutcome;
  handleAction?(input: ActionInput, ctx: Omit<CommandContext, 'args' | 'command'>): Promise<Reply[] | undefined>;
  /** Closes polls whose close time has passed, purges old gaps. Called on every scheduler wake. */
  tick(now: Date): Promise<void>;
  /** The next instant tick() has work (e.g. a poll's close time), if any. */
  nextDueAt(): Date | undefined;
  openPolls(): PollView[];
  /** Writes queued gaps and feedback now (they are written behind; see recordGap). */
  flush(): void;
}
