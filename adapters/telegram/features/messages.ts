// Text messages -> core.handleMessage; replies go back to the same chat and forum topic.
// Also: a group upgraded to a supergroup (migrate_to_chat_id) keeps its data under the new id.
import { Composer, type Context } from 'grammy';
import type { Message, UserFromGetMe } from 'grammy/types';
import type { Incoming } from '../../../src/core/ports.ts';
import { chatIdOf, chatOf, userIdOf, userOf } from '../ids.ts';
import type { FeatureDeps } from './context.ts';

export interface Interpreted {
  text: string;
  addressed: boolean;
}

const COMMAND = /^\/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{1,64}))?(?=$|\s)/;

/** What the core should see of a message, or undefined when it is not for this bot:
 *  a command addressed to another bot, a free text in a group without a mention of or reply to
 *  this bot, a message from a bot. `/cmd@thisbot` becomes `/cmd`; a mention is cut out. */
export function interpret(msg: Message, me: UserFromGetMe): Interpreted | undefined {
  const raw = msg.text;
  if (raw === undefined || senderOf(msg) === undefined) return undefined;
  const cmd = COMMAND.exec(raw);
  if (cmd) {
    if (cmd[2] && cmd[2].toLowerCase() !== me.username.toLowerCase()) return undefined;
    return { text: `/${cmd[1]}${raw.slice(cmd[0].length)}`, addressed: true };
  }
  if (msg.chat.type === 'private') return { text: raw.trim(), addressed: true };

  // Groups: a mention (entity or plain @name) or a reply to one of our messages.
  const ranges: [number, number][] = [];
  const handle = `@${me.username}`.toLowerCase();
  for (const e of msg.entities ?? []) {
    const s = raw.slice(e.offset, e.offset + e.length);
    if ((e.type === 'mention' && s.toLowerCase() === handle) || (e.type === 'text_mention' && e.user.id === me.id)) {
      ranges.push([e.offset, e.offset + e.length]);
    }
  }
  if (ranges.length === 0) {
    const re = new RegExp(`(^|[^\\w@])(@${me.username})(?![\\w])`, 'gi');
    for (const m of raw.matchAll(re)) {
      const start = (m.index ?? 0) + m[1]!.length;
      ranges.push([start, start + m[2]!.length]);
    }
  }
  const reply = msg.reply_to_message;
  const repliesToUs = !!reply && reply.from?.id === me.id && !reply.forum_topic_created;
  if (ranges.length === 0 && !repliesToUs) return undefined;
  let text = raw;
  for (const [a, b] of ranges.sort((x, y) => y[0] - x[0])) text = `${text.slice(0, a)} ${text.slice(b)}`;
  text = text
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/^[\s,:;.!-]+/u, '')
    .trim();
  return { text, addressed: true };
}

/** Who wrote a message: a person, or an admin posting anonymously as the group (Telegram sends those
 *  from the GroupAnonymousBot account, with the group as `sender_chat`). They get the group's id as
 *  their user id, which holds no role unless one is granted to it, so public commands work for them
 *  and privileged ones are refused as for any member. Other bots and channel posts: undefined. */
export function senderOf(msg: Pick<Message, 'from' | 'sender_chat' | 'chat'>): Incoming['user'] | undefined {
  if (msg.sender_chat && msg.sender_chat.id === msg.chat.id) return { id: userIdOf(msg.chat.id), name: 'Anonymous admin' };
  if (msg.from === undefined || msg.from.is_bot || msg.sender_chat) return undefined;
  return userOf(msg.from);
}

export function threadIdOf(msg: Pick<Message, 'is_topic_message' | 'message_thread_id'>): string | undefined {
  return msg.is_topic_message && msg.message_thread_id ? String(msg.message_thread_id) : undefined;
}

export function messagesFeature(d: FeatureDeps): Composer<Context> {
  const c = new Composer<Context>();

  c.on('message:migrate_to_chat_id', async (ctx) => {
    const from = ctx.chat.id;
    const to = ctx.message.migrate_to_chat_id;
    d.migrations.note(from, to);
    await d.core.chatMigrated(chatIdOf(from), chatIdOf(to));
  });

  c.on('message:text', async (ctx) => {
    const msg = ctx.message;
    const what = interpret(msg, d.me());
    if (!what) return;
    const threadId = threadIdOf(msg);
    const incoming: Incoming = {
      platform: 'telegram',
      chat: chatOf(msg.chat),
      user: senderOf(msg)!,
      text: what.text,
      addressed: what.addressed,
      ...(threadId ? { threadId } : {}),
    };
    const replies = await d.core.handleMessage(incoming);
    const inGroup = msg.chat.type !== 'private';
    let first = true;
    for (const reply of replies) {
      await d.sender.post(msg.chat.id, reply, {
        ...(threadId ? { threadId: Number(threadId) } : {}),
        ...(inGroup && first ? { replyTo: msg.message_id } : {}),
      });
      first = false;
    }
  });

  return c;
}
