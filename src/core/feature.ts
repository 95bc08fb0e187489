// The one shape every feature module returns (src/features/<feature>/index.ts). The dispatcher
// (src/core/core.ts) registers the commands by name and the button actions by prefix, and fans the
// lifecycle out; the wake loop (src/core/wake-loop.ts) drives the scheduled hooks; src/app.ts lists
// the features and wires their dependencies.
import type { CommandContext, CommandSpec } from '../commands/types.ts';
import type { ActionInput, ChatId, VoteInput } from './ports.ts';
import type { PollView, Reply } from './reply.ts';

/** What a button handler is given: the press and the context of the person pressing. */
export type ActionContext = Omit<CommandContext, 'args' | 'command'>;

/** Handles the presses of buttons whose action starts with `<prefix>:`. Undefined = not handled
 *  (the dispatcher then says the button is no longer active). */
export type ActionHandler = (input: ActionInput, ctx: ActionContext) => Promise<Reply[] | undefined> | Reply[] | undefined;

export interface Feature {
  /** For logs: 'agenda', 'feedback', ... */
  readonly name: string;
  readonly commands?: readonly CommandSpec[];
  /** Button actions by prefix (the text before the first ':'). */
  readonly actions?: Readonly<Record<string, ActionHandler>>;
  /** The bot was removed from a chat, or the chat was deleted. */
  chatGone?(chatId: ChatId, reason: string): void | Promise<void>;
  /** A member left a chat (roles granted in chat are revoked there). */
  memberLeft?(chatId: ChatId, userId: string): unknown;
  /** A vote from any platform (buttons, /vote, native polls); the poll after it, or undefined. */
  vote?(input: VoteInput): Promise<PollView | undefined>;
  /** Totals of a native anonymous poll (Telegram). */
  pollTotals?(platformPollId: string, totals: number[]): Promise<void>;
  /** A chat got a new id (Telegram group -> supergroup). */
  chatMigrated?(from: ChatId, to: ChatId): void | Promise<void>;
  /** Scheduled work due at `now` (called on every scheduler wake). */
  tick?(now: Date): Promise<void>;
  /** The next instant tick() has work, if any. A query: it must not write. */
  nextDueAt?(): Date | undefined;
  /** Deletes this feature's own rows past their retention (the configured days). Called by the
   *  wake loop (src/core/wake-loop.ts) after the ticks, at most once an hour; a busy database
   *  (SQLITE_BUSY thrown) is retried on a later wake. Writes only the feature's own tables. */
  purge?(now: Date): void | Promise<void>;
  /** Called once when the wake loop starts, before its first run (the wake loop drives the
   *  features listed in createFeatures, src/app.ts: tick, nextDueAt, purge, start, stop). */
  start?(): void;
  /** Finishes work in hand (e.g. writes queued rows). */
  stop?(): void | Promise<void>;
}
