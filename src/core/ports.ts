// The small ports between the core and the outside: time, the chat platforms (outbound),
// and the API the adapters call (inbound). No platform import is allowed in src/.
import type { Platform } from './platforms.ts';
import type { DocumentAttachment, PollView, Reply } from './reply.ts';

/** Platform-neutral ids: `telegram:<id>`, `slack:<id>`, `console:<id>` (the list: ./platforms.ts). */
export { platformOf, type Platform } from './platforms.ts';
export type ChatId = string;
export type UserId = string;

/** Injectable clock: the scheduler and everything time-dependent use it, tests replace it. */
export interface Clock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout(fn, ms) {
    // Node fires timers longer than 2^31-1 ms at once: never wait that long in one go.
    const t = setTimeout(fn, Math.min(Math.max(0, ms), 2_147_483_647));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

// ---------------------------------------------------------------------------------------------
// Outbound: how the core posts to chats it is not currently answering (reminders,
// announcements, polls). One implementation per adapter; `createOutboundRouter` in
// src/core/outbound.ts routes by the chat id's platform prefix.

export interface Capabilities {
  /** 'native': the platform has polls (Telegram); 'buttons': rendered with vote buttons and
   *  updated in place (Slack); 'none': numbered choices in text (console). */
  polls: 'native' | 'buttons' | 'none';
  documents: boolean;
  /** Can edit a message it sent (Slack chat.update, Telegram editMessageText). */
  editMessages: boolean;
}

/** Where a message went, so it can be edited or a poll closed later. Opaque to the core. */
export interface SentRef {
  chatId: ChatId;
  /** Platform message id / ts, as a string. */
  messageId: string;
  /** Telegram's poll id for native polls. */
  platformPollId?: string;
}

/** Why a delivery failed, so the scheduler knows what to do. */
export type DeliveryFailure =
  /** The bot was removed, blocked, kicked, the channel archived or not found: unsubscribe. */
  | 'gone'
  /** Rate limited: retry after `retryAfterMs`. */
  | 'rate-limited'
  /** Network error or 5xx: retry with backoff. */
  | 'transient'
  /** Anything else (bad request): do not retry. */
  | 'permanent';

export class DeliveryError extends Error {
  constructor(
    readonly failure: DeliveryFailure,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface SendOptions {
  /** Thread / forum topic to post in, as the adapter gave it in `Incoming.threadId`. */
  threadId?: string;
}

export interface Outbound {
  readonly platform: Platform;
  readonly capabilities: Capabilities;
  /** Send a reply to a chat. Throws DeliveryError. */
  send(chatId: ChatId, reply: Reply, opts?: SendOptions): Promise<SentRef>;
  sendDocument?(chatId: ChatId, doc: DocumentAttachment, opts?: SendOptions): Promise<SentRef>;
  /** Open a poll (native polls or vote buttons). */
  sendPoll?(chatId: ChatId, poll: PollView, opts?: SendOptions): Promise<SentRef>;
  /** Re-render a poll in place with new counts (buttons platforms). */
  updatePoll?(ref: SentRef, poll: PollView): Promise<void>;
  /** Close a poll; for native anonymous polls returns the final totals per option index. */
  closePoll?(ref: SentRef, poll: PollView): Promise<{ totals?: number[] } | void>;
  /** Can the bot post to this chat on its own, later (reminders, announcements)? Asked before a
   *  subscription is stored. Only platforms where a command can come from a conversation the bot
   *  is not in (Slack: another person's DM, a private channel it was not invited to) implement it;
   *  "cannot tell" (an error) counts as yes. */
  canPost?(chatId: ChatId): Promise<boolean>;
  /** Leave a chat (Telegram leaveChat). For a policy such as LEAVE_UNKNOWN_GROUPS; throws DeliveryError. */
  leaveChat?(chatId: ChatId): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Inbound: what adapters call.

export interface Incoming {
  platform: Platform;
  chat: { id: ChatId; type: 'private' | 'group' | 'channel'; title?: string };
  user: { id: UserId; name?: string };
  /** The text with any bot mention removed; commands start with '/', e.g. '/challenges encryption'.
   *  Adapters strip `@botname` from `/cmd@botname`; Slack turns `/practice challenges x` into `/challenges x`. */
  text: string;
  /** True when the message is addressed to the bot: a private chat, a mention, a reply to the bot,
   *  or a command. A free (non-command) text that is not addressed is ignored by the core. */
  addressed: boolean;
  threadId?: string;
}

export interface ActionInput {
  platform: Platform;
  chat: { id: ChatId; type: 'private' | 'group' | 'channel'; title?: string };
  user: { id: UserId; name?: string };
  /** Button `action` data as the core produced it. */
  action: string;
  threadId?: string;
}

/** A vote as a platform reports it. Exactly one of pollId/platformPollId is set. */
export interface VoteInput {
  /** Core poll id (Slack buttons carry it). */
  pollId?: number;
  /** Telegram native poll id (poll_answer updates carry it). */
  platformPollId?: string;
  user: { id: UserId; name?: string };
  /** The option indexes the user now votes for (empty = vote retracted). For button platforms
   *  a single press toggles: use `toggle: true` with one index. */
  optionIndexes: number[];
  toggle?: boolean;
}

export interface Core {
  /** Handle a message; returns the replies to post in the same chat/thread (possibly none). */
  handleMessage(msg: Incoming): Promise<Reply[]>;
  /** Handle a button press; returns replies to post (adapters may instead edit the message). */
  handleAction(input: ActionInput): Promise<Reply[]>;
  /** Record a vote (named Telegram polls, Slack buttons). Returns the poll's new view (for updating in place), or undefined for an unknown/closed poll. */
  vote(input: VoteInput): Promise<PollView | undefined>;
  /** Anonymous native polls report totals, not voters (Telegram `poll` updates). */
  pollTotals(platformPollId: string, totals: number[]): Promise<void>;
  /** The bot was removed from / blocked in a chat: unsubscribe, stop polls there. */
  chatGone(chatId: ChatId, reason: string): Promise<void>;
  /** A chat changed id (Telegram group -> supergroup). Moves subscriptions, suggestions, polls. */
  chatMigrated(from: ChatId, to: ChatId): Promise<void>;
  /** A member (not the bot) left a chat (Telegram chat_member / left_chat_member): roles granted
   *  in chat are revoked when it is an allowed chat; configuration roles stay. Audited. */
  memberLeft?(m: { platform: Platform; chatId: ChatId; userId: UserId }): Promise<void>;
  /** Short introduction when the bot is added to a chat (includes the chat id and whether it is allowed). */
  introduction(chat: { id: ChatId; type: 'private' | 'group' | 'channel'; title?: string }): Reply;
  /** App-Home-like overview for one user: upcoming meetings, open polls (Slack App Home). */
  home(user: { id: UserId }): Promise<Reply>;
  /** The command list (for Telegram setMyCommands, Slack manifest/help). */
  commandMenu(scope: 'private' | 'group'): { command: string; description: string }[];
  /** Every registered command name and alias, menus or not (Slack spells them `/practice <name>`).
   *  createCore always provides it. */
  commandNames?(): string[];
  /** A vote pressed on a button (Slack): the poll's new view to show in place, or the reply for the
   *  voter when the vote was not counted (the poll is closed or gone, or something failed), worded
   *  by the core. createCore always provides it. */
  castVote?(input: VoteInput): Promise<{ view: PollView } | { reply: Reply }>;
}
