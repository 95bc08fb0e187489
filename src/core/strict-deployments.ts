// Optional stricter deployments (issue 11; CONTRACT.md: PUBLIC_ANSWERS, LEAVE_UNKNOWN_GROUPS).
// - PUBLIC_ANSWERS=off: practice-base answers (/ask, free questions, the 'Practice base' commands
//   and their buttons) only in allowed chats; a private chat counts when its user holds a role
//   (as for community commands). Others get the chat id to give to the secretariat.
// - LEAVE_UNKNOWN_GROUPS=on: on the first message from a group that is not allowed, or right after
//   the introduction when added to one, the bot posts the chat id once and leaves (Outbound's
//   optional leaveChat). Where the platform cannot leave chats, replies stay as usual (logged once).
//   With ALLOWED_CHATS empty (open) every chat is allowed and nothing is left.
import type { Logger } from 'pino';
import type { AccessControl } from '../commands/types.ts';
import { errorFields } from './logger.ts';
import { createLru } from './lru.ts';
import type { OutboundRouter } from './outbound.ts';
import type { Clock, Incoming, Outbound } from './ports.ts';
import type { Reply } from './reply.ts';

/** How long after its introduction the bot leaves (so the adapter has posted it first). */
export const LEAVE_AFTER_INTRO_MS = 3000;

export function answersNotAllowedReply(chatId: string): Reply {
  return {
    refusal: true,
    blocks: [
      {
        type: 'paragraph',
        parts: [
          'Answers from the practice base are only available in chats the secretariat has approved. ',
          'To have this chat approved, give the secretariat its id: ',
          { text: chatId, code: true },
          '.',
        ],
      },
    ],
  };
}

export function leavingReply(chatId: string): Reply {
  return {
    blocks: [
      {
        type: 'paragraph',
        parts: [
          'This group is not approved for practice-bot, so I am leaving it. To have it approved, give the secretariat its id: ',
          { text: chatId, code: true },
          '. Then add me again.',
        ],
      },
    ],
  };
}

export interface UnknownGroups {
  /** Replies for a message from a group that is not allowed ([] once it has been told and left),
   *  or undefined to handle the message as usual. */
  onMessage(msg: Pick<Incoming, 'platform' | 'chat' | 'threadId'>): Promise<Reply[] | undefined>;
  /** The reply to post instead of the introduction when the bot will leave this group right after
   *  (undefined: introduce as usual). Schedules the leave. */
  onIntroduction(chat: Incoming['chat']): Reply | undefined;
}

export function createUnknownGroups(deps: { access: AccessControl; outbound: OutboundRouter; clock: Clock; log: Logger }): UnknownGroups {
  const { access, outbound, clock, log } = deps;
  /** Groups told and left (or being left) by this process. */
  const told = createLru<string, true>(10_000);
  const cannotLeave = new Set<string>();

  /** The port that can leave this chat, when the policy applies to it. */
  function leaver(chat: Incoming['chat'], platform: string): Outbound | undefined {
    if (chat.type === 'private' || access.isChatAllowed(chat, '')) return undefined;
    let port: Outbound;
    try {
      port = outbound.for(chat.id);
    } catch {
      return undefined;
    }
    if (port.leaveChat) return port;
    if (!cannotLeave.has(platform)) {
      cannotLeave.add(platform);
      log.warn({ platform }, 'LEAVE_UNKNOWN_GROUPS: this platform cannot leave chats; groups that are not allowed get the usual replies');
    }
    return undefined;
  }

  async function leave(port: Outbound, chatId: string, platform: string): Promise<void> {
    try {
      await port.leaveChat!(chatId);
      log.warn({ chat: chatId, platform }, 'left a group that is not allowed (LEAVE_UNKNOWN_GROUPS)');
    } catch (err) {
      log.error({ chat: chatId, platform, err: errorFields(err) }, 'could not leave a group that is not allowed');
    }
  }

  return {
    async onMessage(msg) {
      const port = leaver(msg.chat, msg.platform);
      if (!port) return undefined;
      if (told.has(msg.chat.id)) return [];
      told.set(msg.chat.id, true);
      try {
        await port.send(msg.chat.id, leavingReply(msg.chat.id), msg.threadId ? { threadId: msg.threadId } : undefined);
      } catch (err) {
        log.warn({ chat: msg.chat.id, platform: msg.platform, err: errorFields(err) }, 'could not post the chat id before leaving');
      }
      await leave(port, msg.chat.id, msg.platform);
      return [];
    },
    onIntroduction(chat) {
      const platform = chat.id.slice(0, chat.id.indexOf(':'));
      const port = leaver(chat, platform);
      if (!port) return undefined;
      if (told.has(chat.id)) return undefined;
      told.set(chat.id, true);
      clock.setTimeout(() => void leave(port, chat.id, platform), LEAVE_AFTER_INTRO_MS);
      return leavingReply(chat.id);
    },
  };
}
