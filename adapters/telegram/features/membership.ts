// Group life: added to a group -> a short introduction (chat id, whether it is approved);
// removed, kicked or blocked -> the core unsubscribes the chat.
import { Composer, type Context } from 'grammy';
import type { ChatMember } from 'grammy/types';
import { chatIdOf, chatOf } from '../ids.ts';
import type { FeatureDeps } from './context.ts';

export function isIn(m: ChatMember): boolean {
  return m.status === 'member' || m.status === 'administrator' || m.status === 'creator' || (m.status === 'restricted' && m.is_member);
}

export function membershipFeature(d: FeatureDeps): Composer<Context> {
  const c = new Composer<Context>();
  c.on('my_chat_member', async (ctx) => {
    const u = ctx.myChatMember;
    const was = isIn(u.old_chat_member);
    const now = isIn(u.new_chat_member);
    const chat = u.chat;
    if (!was && now) {
      if (chat.type !== 'group' && chat.type !== 'supergroup') return;
      if (d.migrations.recent(chat.id)) return;
      await d.sender.post(chat.id, d.core.introduction(chatOf(chat)));
      return;
    }
    if (was && !now) {
      if (d.migrations.recent(chat.id)) return;
      const status = u.new_chat_member.status;
      const reason =
        chat.type === 'private'
          ? 'the user blocked the bot'
          : status === 'kicked'
            ? 'the bot was removed from the chat'
            : 'the bot left the chat';
      await d.core.chatGone(chatIdOf(chat.id), reason);
    }
  });
  return c;
}
