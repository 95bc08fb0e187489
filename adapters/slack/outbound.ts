// The Slack side of the core's Outbound port (reminders, announcements, polls), and the reply
// poster the listeners use to answer where the user asked.
import type { Logger } from 'pino';
import { DeliveryError, type Outbound, type SentRef } from '../../src/core/ports.ts';
import type { PollView, Reply } from '../../src/core/reply.ts';
import { renderPoll, renderReply, type RenderOptions, type SlackMessage } from './render-blocks.ts';
import { SlackDeliveryError, type SlackWeb } from './web.ts';

export const SLACK_PREFIX = 'slack:';

/** `slack:C123` -> `C123`; anything else is a permanent failure. */
export function channelOf(chatId: string): string {
  const id = chatId.startsWith(SLACK_PREFIX) ? chatId.slice(SLACK_PREFIX.length) : '';
  if (!/^[A-Z0-9]{2,40}$/i.test(id)) throw new DeliveryError('permanent', `not a Slack chat id: ${chatId.slice(0, 60)}`);
  return id;
}

export interface SlackOutboundDeps {
  web: SlackWeb;
  log: Logger;
  render: RenderOptions;
}

export function createSlackOutbound(deps: SlackOutboundDeps): Outbound {
  const { web, render } = deps;
  const log = deps.log;

  async function guard<T>(chatId: string, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof SlackDeliveryError) {
        // Debug only: every caller (the scheduler, the agenda) logs the failure once itself.
        log.debug({ chat: chatId, what, failure: err.failure, code: err.slackCode }, 'slack: delivery failed');
      }
      throw err;
    }
  }

  return {
    platform: 'slack',
    capabilities: { polls: 'buttons', documents: true, editMessages: true },
    async send(chatId, reply, opts) {
      const channel = channelOf(chatId);
      return guard(chatId, 'send', async () => {
        let first: string | undefined;
        for (const m of renderReply(reply, render)) {
          const ts = await web.postMessage(channel, m, opts?.threadId);
          first ??= ts;
        }
        if (reply.document) {
          const id = await web.uploadFile(channel, reply.document, opts?.threadId);
          first ??= id;
        }
        return { chatId, messageId: first ?? '' } satisfies SentRef;
      });
    },
    canPost: (chatId) => web.canPost(channelOf(chatId)),
    async sendDocument(chatId, doc, opts) {
      const channel = channelOf(chatId);
      return guard(chatId, 'document', async () => ({ chatId, messageId: await web.uploadFile(channel, doc, opts?.threadId) }));
    },
    async sendPoll(chatId, poll, opts) {
      const channel = channelOf(chatId);
      return guard(chatId, 'poll', async () => ({ chatId, messageId: await web.postMessage(channel, renderPoll(poll, render), opts?.threadId, true) }));
    },
    async updatePoll(ref, poll) {
      const channel = channelOf(ref.chatId);
      return guard(ref.chatId, 'poll update', () => web.updateMessage(channel, ref.messageId, renderPoll(poll, render)));
    },
    async closePoll(ref, poll) {
      const channel = channelOf(ref.chatId);
      await guard(ref.chatId, 'poll close', () => web.updateMessage(channel, ref.messageId, renderPoll({ ...poll, closed: true }, render)));
      // Button polls keep their counts in the core: no totals to report.
      return undefined;
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Answering in place (listeners)

/** Where an answer goes: the channel (and thread) it was asked in; for slash commands also the
 *  response_url, used when the bot cannot post there (a private channel or another person's DM
 *  the bot is not in) and for refusals, which only the asker needs to see. */
export interface ReplyTarget {
  channel: string;
  threadTs?: string;
  user: string;
  responseUrl?: string;
  /** Refusals and private replies go to the asker only (ephemeral through response_url). Slash commands. */
  refusalsEphemeral?: boolean;
}

/** Errors meaning "the bot is not in this conversation", where the response_url still works. */
const NOT_A_MEMBER = new Set(['not_in_channel', 'channel_not_found']);

export interface ReplyPoster {
  post(replies: Reply[], target: ReplyTarget): Promise<void>;
  postPollUpdate(channel: string, ts: string, poll: PollView): Promise<void>;
}

export function createReplyPoster(deps: SlackOutboundDeps): ReplyPoster {
  const { web, render, log } = deps;

  const respondAll = async (url: string, msgs: SlackMessage[], visibility: 'ephemeral' | 'in_channel') => {
    for (const m of msgs) await web.respond(url, { response_type: visibility, replace_original: false, text: m.text, blocks: m.blocks });
  };

  return {
    async post(replies, target) {
      let viaResponseUrl = false;
      for (const reply of replies) {
        const msgs = renderReply(reply, render);
        const toAsker = (reply.refusal || reply.private) && target.refusalsEphemeral;
        if (target.responseUrl && (viaResponseUrl || toAsker)) {
          await respondAll(target.responseUrl, msgs, toAsker ? 'ephemeral' : 'in_channel');
          if (reply.document) await respondAll(target.responseUrl, noUploadHere(), 'ephemeral');
          continue;
        }
        let posted = 0;
        try {
          for (const m of msgs) {
            await web.postMessage(target.channel, m, target.threadTs);
            posted++;
          }
          if (reply.document) await web.uploadFile(target.channel, reply.document, target.threadTs);
        } catch (err) {
          const code = err instanceof SlackDeliveryError ? err.slackCode : undefined;
          if (!target.responseUrl || !code || !NOT_A_MEMBER.has(code)) throw err;
          // Not a member here (private channel, someone else's DM): answer through response_url.
          log.info({ channel: target.channel, code }, 'slack: not a member of the channel; answering through response_url');
          viaResponseUrl = true;
          await respondAll(target.responseUrl, msgs.slice(posted), 'in_channel');
          if (reply.document) await respondAll(target.responseUrl, noUploadHere(), 'ephemeral');
        }
      }
    },
    postPollUpdate(channel, ts, poll) {
      return web.updateMessage(channel, ts, renderPoll(poll, render));
    },
  };

  function noUploadHere(): SlackMessage[] {
    return renderReply(
      {
        blocks: [
          {
            type: 'notice',
            level: 'info',
            text: 'I cannot upload files in a conversation I am not a member of. Invite me to this channel (/invite @practice-bot) or ask me in a direct message.',
          },
        ],
      },
      {},
    );
  }
}
