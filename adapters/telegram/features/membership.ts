// Group life: added to a group -> a short introduction (chat id, whether it is approved);
// removed, kicked or blocked -> the core unsubscribes the chat.
import { Composer, type Context } from 'grammy';
import type { ChatMember } from 'grammy/types';
import { chatIdOf, chatOf, userIdOf } from '../ids.ts';
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
  // Another member left (chat_member where the bot is admin and it is in allowed_updates; the
  // left_chat_member service message otherwise): the core revokes roles granted in chat (issue 11).
  const left = (chatId: number, user: { id: number; is_bot: boolean }) =>
    user.is_bot ? Promise.resolve() : (d.core.memberLeft?.({ platform: 'telegram', chatId: chatIdOf(chatId), userId: userIdOf(user.id) }) ?? Promise.resolve());
  c.on('chat_member', async (ctx) => {
    const u = ctx.chatMember;
    if (isIn(u.old_chat_member) && !isIn(u.new_chat_member)) await left(u.chat.id, u.new_chat_member.user);
  });
  c.on('message:left_chat_member', async (ctx, next) => {
    await left(ctx.chat.id, ctx.message.left_chat_member);
    await next();
  });
  return c;
}
