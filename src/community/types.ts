// The community module's interface (store-backed): meetings, reminders, suggestions, polls,
// roles, audit, unanswered questions. Implementation: src/community/index.ts (createCommunity).
import type { ActionInput, ChatId, VoteInput } from '../core/ports.ts';
import type { PollView, Reply } from '../core/reply.ts';
import type { AccessControl, CommandContext, CommandSpec } from '../commands/types.ts';
import type { FeedbackOutcome, FeedbackVote } from '../features/feedback/index.ts';

export interface Community {
  /** meetings, meeting, subscribe, unsubscribe, remind, suggest, agenda, poll, gaps, role */
  readonly commands: CommandSpec[];
  /** Config roles + roles granted in chat (persisted); ALLOWED_CHATS. */
  readonly access: AccessControl;
  vote(input: VoteInput): Promise<PollView | undefined>;
  pollTotals(platformPollId: string, totals: number[]): Promise<void>;
  chatGone(chatId: ChatId, reason: string): Promise<void>;
  chatMigrated(from: ChatId, to: ChatId): Promise<void>;
  home(userId: string): Promise<Reply>;
  /** Keep a question /ask could not answer (text and time, not the asker). */
  /** An unanswered question and its language (ISO 639-1, when known). */
  recordGap(question: string, language?: string): void;
  /** Helpful / not helpful on the answer to a question (key: the question; personal data is masked). */
  /** One vote per voter and answer (the button's token), which the voter can change. */
  recordFeedback(key: string, helpful: boolean, vote?: FeedbackVote): FeedbackOutcome;
  /** Community buttons (e.g. numbered-choice votes where there are no polls). Undefined = not ours. */
  handleAction?(input: ActionInput, ctx: Omit<CommandContext, 'args' | 'command'>): Promise<Reply[] | undefined>;
  /** Rows written by this process so far (SQLite total_changes()): the core retries a command
   *  that met a locked database only when it wrote nothing (src/store/busy.ts). */
  changes?(): number;
  /** A member left `chatId`: revoke their roles granted in chat if it is an allowed chat (audited).
   *  Returns how many roles were revoked. */
  memberLeft?(chatId: ChatId, userId: string): Promise<number>;
  /** Start the reminder scheduler (sends missed reminders first). */
  start(): void;
  /** Stop the scheduler, wait for in-flight deliveries, close the database. */
  stop(): Promise<void>;
}
