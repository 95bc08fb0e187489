// /whoami (anyone): the user's platform id, the chat's id, the user's roles and whether the chat
// gets community features; what a member gives the secretariat (/role grant, /chats allow).
// Marked `private`: Slack shows it to the asker only; Telegram and the console answer in the chat
// (a Telegram bot cannot write first to someone who never opened a private chat with it, and the
// ids are no secret to the group: every member's client already knows them).
import type { CommandSpec } from '../../commands/types.ts';
import type { Inline } from '../../core/reply.ts';
import { code, para } from '../../core/reply-helpers.ts';
import type { CommunityAccess } from './access.ts';

export function createWhoamiCommand(deps: { access: CommunityAccess }): CommandSpec {
  const { access } = deps;
  return {
    name: 'whoami',
    usage: '/whoami',
    description: 'Your user id, this chat\'s id, your roles, and whether this chat is allowed',
    access: 'public',
    group: 'Practice base',
    run(ctx) {
      const user = ctx.actor.id;
      const chat = ctx.msg.chat;
      const config = access.configRolesOf(user);
      const granted = access.grantedRolesOf(user);
      const roles: string[] = [
        ...[...config].map((r) => `${r} (configured)`),
        ...[...granted].filter((r) => !config.has(r)).map((r) => `${r} (granted in chat)`),
      ];
      const allowedWhy = ctx.chatAllowed
        ? access.open
          ? 'yes (every chat is, ALLOWED_CHATS is empty)'
          : access.floor.includes(chat.id)
            ? 'yes (ALLOWED_CHATS)'
            : access.storedChats().some((c) => c.chatId === chat.id)
              ? 'yes (allowed in chat)'
              : 'yes (a private chat of someone with a role)'
        : 'no: community features (meetings, agenda, polls, reminders) are off here';
      const items: Inline[][] = [
        ['Your user id: ', code(user)],
        ['This chat\'s id: ', code(chat.id), chat.type === 'private' ? ' (private chat)' : chat.title ? ` (${chat.title.slice(0, 100)})` : ''],
        ['Your roles: ', roles.length ? roles.join(', ') : 'none'],
        ['Chat allowed: ', allowedWhy],
      ];
      const blocks = [{ type: 'heading' as const, text: 'Who you are here' }, { type: 'list' as const, items }];
      const hint = ctx.chatAllowed
        ? []
        : [para('To have this chat approved, give the secretariat its id; they send ', code(`/chats allow ${chat.id}`), '.')];
      return { blocks: [...blocks, ...hint], private: true };
    },
  };
}
