// Free questions: app mentions (answered in the thread: `thread_ts ?? ts`) and direct messages
// (answered in the DM, in a thread only when the question was asked in one). Bot messages and
// message subtypes (edits, joins, files) are ignored. The App Home tab shows the core's overview.
// A member leaving a channel (member_left_channel) is passed to the core, which revokes the roles
// granted in chat when the channel is an allowed one (the rule is the core's, not the adapter's).
import type { App, types } from '@slack/bolt';

type AppMentionEvent = types.AppMentionEvent;
type AppHomeOpenedEvent = types.AppHomeOpenedEvent;
type GenericMessageEvent = types.GenericMessageEvent;
type MemberLeftChannelEvent = types.MemberLeftChannelEvent;

/** The fields of a message event this adapter reads (any subtype). */
type MessageEvent = Pick<GenericMessageEvent, 'channel' | 'channel_type' | 'ts' | 'thread_ts'> & {
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
};
import { chatOf, originOf, userOf, type Origin, type SlackDeps } from '../context.ts';
import { slackToPlain, stripBotMention } from '../mrkdwn.ts';
import { renderHome } from '../render-blocks.ts';

export function questionText(text: string | undefined, botUserId: string | undefined): string {
  return slackToPlain(stripBotMention(text ?? '', botUserId)).trim();
}

export function register(app: App, deps: SlackDeps): void {
  const { core, poster } = deps;

  async function onMention(event: AppMentionEvent, origin: Origin): Promise<void> {
    // In a DM the message event answers it; a bot's own mention never needs an answer.
    if (event.channel.startsWith('D') || event.bot_id || event.subtype || !event.user) return;
    const threadTs = event.thread_ts ?? event.ts;
    // The answer goes under the mention, but the conversation is the channel unless the mention was
    // in a thread: a subscription or a poll started by a top-level mention belongs to the channel,
    // so later announcements must not land under that one message.
    const replies = await core.handleMessage({
      platform: 'slack',
      chat: chatOf(event.channel, undefined, origin),
      user: userOf(event.user, undefined, origin),
      text: questionText(event.text, deps.botUserId()),
      addressed: true,
      ...(event.thread_ts ? { threadId: event.thread_ts } : {}),
    });
    await poster.post(replies, { channel: event.channel, threadTs, user: event.user });
  }

  async function onMessage(event: MessageEvent, origin: Origin): Promise<void> {
    if (event.channel_type !== 'im' || event.subtype !== undefined) return;
    if (event.bot_id || !event.user || typeof event.text !== 'string') return;
    const threadTs = event.thread_ts;
    const text = questionText(event.text, deps.botUserId());
    const replies = await core.handleMessage({
      platform: 'slack',
      chat: chatOf(event.channel, undefined, origin),
      user: userOf(event.user, undefined, origin),
      text,
      addressed: true,
      ...(threadTs ? { threadId: threadTs } : {}),
    });
    await poster.post(replies, { channel: event.channel, ...(threadTs ? { threadTs } : {}), user: event.user });
  }

  async function onHomeOpened(event: AppHomeOpenedEvent, origin: Origin): Promise<void> {
    if (event.tab !== 'home') return;
    const reply = await core.home({ id: userOf(event.user, undefined, origin).id });
    await deps.web.publishHome(event.user, renderHome(reply, deps.render));
  }

  async function onMemberLeft(event: MemberLeftChannelEvent, origin: Origin): Promise<void> {
    if (!event.user || !event.channel || event.user === deps.botUserId()) return;
    await core.memberLeft?.({
      platform: 'slack',
      chatId: chatOf(event.channel, undefined, origin).id,
      userId: userOf(event.user, undefined, origin).id,
    });
  }

  // One listener for the four events (Bolt runs every listener's matchers on every request).
  app.event(/^(?:app_mention|message|app_home_opened|member_left_channel)$/, async ({ event, context }) => {
    const origin = originOf(context);
    if (event.type === 'app_mention') return onMention(event, origin);
    if (event.type === 'message') return onMessage(event as MessageEvent, origin);
    if (event.type === 'app_home_opened') return onHomeOpened(event, origin);
    if (event.type === 'member_left_channel') return onMemberLeft(event, origin);
  });
}
