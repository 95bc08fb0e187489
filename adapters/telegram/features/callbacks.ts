// Inline keyboard presses -> core.handleAction. Every callback query is answered (the client
// shows a spinner until it is), even when handling fails.
import { Composer, type Context } from 'grammy';
import { errorFields } from '../../../src/core/logger.ts';
import { chatOf, userOf } from '../ids.ts';
import type { FeatureDeps } from './context.ts';
import { threadIdOf } from './messages.ts';

export function callbacksFeature(d: FeatureDeps): Composer<Context> {
  const c = new Composer<Context>();
  c.on('callback_query', async (ctx) => {
    let answered = false;
    const answer = async () => {
      if (answered) return;
      answered = true;
      await ctx.answerCallbackQuery().catch((err: unknown) => d.log.warn({ err: errorFields(err) }, 'answerCallbackQuery failed'));
    };
    try {
      const q = ctx.callbackQuery;
      const msg = q.message;
      if (q.data === undefined || !msg || q.from.is_bot) return;
      const threadId = 'is_topic_message' in msg ? threadIdOf(msg) : undefined;
      const replies = await d.core.handleAction({
        platform: 'telegram',
        chat: chatOf(msg.chat),
        user: userOf(q.from),
        action: q.data,
        ...(threadId ? { threadId } : {}),
      });
      await answer();
      for (const reply of replies) {
        await d.sender.post(msg.chat.id, reply, threadId ? { threadId: Number(threadId) } : {});
      }
    } finally {
      await answer();
    }
  });
  return c;
}
