// Posting to Telegram: replies (HTML, split, keyboards, documents), native polls, and the
// Outbound port the core uses for reminders, announcements and polls.
import { InputFile, type Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { Logger } from 'pino';
import { errorFields } from '../../src/core/logger.ts';
import { DeliveryError, type Core, type Outbound, type SentRef } from '../../src/core/ports.ts';
import type { PollView, Reply } from '../../src/core/reply.ts';
import { isThreadGone, migratedTo, toDeliveryError } from './errors.ts';
import { chatIdOf, parseChatId, threadOf } from './ids.ts';
import { captionOf, clipLine, renderReply, type RenderOptions } from './render.ts';

/** Telegram's limits for polls. */
export const POLL_QUESTION_MAX = 300;
export const POLL_OPTION_MAX = 100;
export const POLL_OPTIONS_MAX = 12;
export const POLL_DESCRIPTION_MAX = 1024;

export interface PostOptions {
  threadId?: number;
  /** Reply to this message (first message of the reply), if it still exists. */
  replyTo?: number;
}

export interface Sender {
  /** Posts one reply; returns the messages sent (text chunks, then the document). Throws grammY errors. */
  post(chat: number, reply: Reply, opts?: PostOptions): Promise<Message[]>;
  /** Posts plain text (apologies), no markup. */
  postPlain(chat: number, text: string, opts?: PostOptions): Promise<Message>;
}

/** grammY writes the file name into a multipart header: keep it to one safe line. */
export function safeFilename(name: string): string {
  const s = name.replace(/[\r\n"\\/;]+/g, '_').replace(/\s+/g, '_').slice(0, 120);
  return s === '' ? 'file.txt' : s;
}

export function createSender(api: Api, log: Logger, render: RenderOptions): Sender {
  async function post(chat: number, reply: Reply, opts: PostOptions = {}): Promise<Message[]> {
    const r = renderReply(reply, render);
    if (r.droppedButtons > 0) log.warn({ chat: chatIdOf(chat), dropped: r.droppedButtons }, 'buttons dropped: callback data over 64 bytes');
    const thread = opts.threadId ? { message_thread_id: opts.threadId } : {};
    const replyTo = (first: boolean) =>
      first && opts.replyTo ? { reply_parameters: { message_id: opts.replyTo, allow_sending_without_reply: true } } : {};
    const sent: Message[] = [];
    const doc = reply.document;
    for (let i = 0; i < r.chunks.length; i++) {
      const last = i === r.chunks.length - 1;
      sent.push(
        await api.sendMessage(chat, r.chunks[i]!, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...thread,
          ...replyTo(i === 0),
          ...(last && r.keyboard && !doc ? { reply_markup: r.keyboard } : {}),
        }),
      );
    }
    if (doc) {
      const caption = captionOf(doc.caption);
      sent.push(
        await api.sendDocument(chat, new InputFile(Buffer.from(doc.content, 'utf8'), safeFilename(doc.filename)), {
          ...(caption ? { caption } : {}),
          ...thread,
          ...replyTo(r.chunks.length === 0),
          ...(r.keyboard ? { reply_markup: r.keyboard } : {}),
        }),
      );
    }
    return sent;
  }
  return {
    post,
    postPlain: (chat, text, opts = {}) =>
      api.sendMessage(chat, text, {
        ...(opts.threadId ? { message_thread_id: opts.threadId } : {}),
        ...(opts.replyTo ? { reply_parameters: { message_id: opts.replyTo, allow_sending_without_reply: true } } : {}),
      }),
  };
}

/** The poll as Telegram takes it: question (with the note when it fits), options within limits. */
export function pollPayload(poll: PollView): { question: string; description?: string; options: string[] } {
  const combined = `${poll.question}\n${poll.note}`.trim();
  const fits = poll.note.trim() !== '' && combined.length <= POLL_QUESTION_MAX;
  const question = fits ? combined : clipLine(poll.question, POLL_QUESTION_MAX);
  const seen = new Set<string>();
  const options: string[] = [];
  for (const o of poll.options.slice(0, POLL_OPTIONS_MAX)) {
    let text = clipLine(o.text, POLL_OPTION_MAX) || `Option ${o.index + 1}`;
    // Options must differ; truncation can make two equal.
    for (let n = 2; seen.has(text); n++) text = `${clipLine(o.text, POLL_OPTION_MAX - 5)} (${n})`;
    seen.add(text);
    options.push(text);
  }
  return {
    question,
    ...(!fits && poll.note.trim() !== '' ? { description: clipLine(poll.note, POLL_DESCRIPTION_MAX) } : {}),
    options,
  };
}

export function createTelegramOutbound(deps: { api: Api; sender: Sender; core: Core; log: Logger }): Outbound {
  const { api, sender, core, log } = deps;

  /** Runs a send; a group that became a supergroup is followed (and the core told), a deleted
   *  forum topic falls back to the chat itself. Errors come out as DeliveryError. */
  async function deliver<T>(chatId: string, threadId: string | undefined, fn: (chat: number, thread?: number) => Promise<T>): Promise<T> {
    let chat = parseChatId(chatId);
    let thread = threadOf(threadId);
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(chat, thread);
      } catch (err) {
        const to = migratedTo(err);
        if (to !== undefined && attempt < 2) {
          await core.chatMigrated(chatIdOf(chat), chatIdOf(to));
          chat = to;
          continue;
        }
        if (thread !== undefined && isThreadGone(err) && attempt < 2) {
          log.info({ chat: chatIdOf(chat) }, 'forum topic gone: posting in the chat itself');
          thread = undefined;
          continue;
        }
        throw toDeliveryError(err);
      }
    }
  }

  const refOf = (chat: number, msgs: Message[]): SentRef => {
    const last = msgs[msgs.length - 1];
    return { chatId: chatIdOf(chat), messageId: last ? String(last.message_id) : '' };
  };

  return {
    platform: 'telegram',
    capabilities: { polls: 'native', documents: true, editMessages: true },
    async send(chatId, reply, opts) {
      return deliver(chatId, opts?.threadId, async (chat, thread) => refOf(chat, await sender.post(chat, reply, { threadId: thread })));
    },
    async sendDocument(chatId, doc, opts) {
      return deliver(chatId, opts?.threadId, async (chat, thread) =>
        refOf(chat, await sender.post(chat, { blocks: [], document: doc }, { threadId: thread })),
      );
    },
    async sendPoll(chatId, poll, opts) {
      const p = pollPayload(poll);
      if (p.options.length < 2) throw new DeliveryError('permanent', 'a Telegram poll needs at least 2 options');
      return deliver(chatId, opts?.threadId, async (chat, thread) => {
        const msg = await api.sendPoll(
          chat,
          p.question,
          p.options.map((text) => ({ text })),
          {
            is_anonymous: poll.anonymous,
            allows_multiple_answers: true,
            ...(p.description ? { description: p.description } : {}),
            ...(thread ? { message_thread_id: thread } : {}),
          },
        );
        return { chatId: chatIdOf(chat), messageId: String(msg.message_id), platformPollId: msg.poll.id };
      });
    },
    async leaveChat(chatId) {
      await deliver(chatId, undefined, async (chat) => {
        await api.leaveChat(chat);
      });
    },
    async updatePoll() {
      // Native polls update themselves.
    },
    async closePoll(ref) {
      const messageId = Number(ref.messageId);
      if (!Number.isSafeInteger(messageId) || messageId <= 0) throw new DeliveryError('permanent', 'no Telegram message for this poll');
      try {
        return await deliver(ref.chatId, undefined, async (chat) => {
          const p = await api.stopPoll(chat, messageId);
          return { totals: p.options.map((o) => o.voter_count) };
        });
      } catch (err) {
        // Closed already (e.g. by hand in the client): the core keeps its stored counts.
        if (err instanceof DeliveryError && err.failure === 'permanent' && /already been closed|poll has already/i.test(err.message)) {
          log.info({ chat: ref.chatId }, 'poll was already closed on Telegram');
          return;
        }
        log.warn({ chat: ref.chatId, err: errorFields(err) }, 'stopPoll failed');
        throw err;
      }
    },
  };
}
