// `/practice <subcommand> [args]` -> the core's `/<subcommand> [args]`; `/practice` alone -> `/help`.
// Acknowledged at once (Slack wants an answer within 3 s), answered after: with chat.postMessage
// in the channel (slash commands carry no thread), or through the response_url where the bot is
// not a member (a private channel, a DM between other people). Refusals go to the asker only.
import type { App } from '@slack/bolt';
import type { Incoming } from '../../../src/core/ports.ts';
import { chatOf, originOf, userOf, type SlackDeps } from '../context.ts';
import { slackToPlain } from '../mrkdwn.ts';

/** Slash command text -> core command text. */
export function toCoreText(text: string | undefined): string {
  const t = slackToPlain(text ?? '')
    .trim()
    .replace(/^\/+/, '');
  return t === '' ? '/help' : `/${t}`;
}

export function register(app: App, deps: SlackDeps): void {
  app.command(deps.slashCommand, async ({ command, ack, context }) => {
    await ack();
    const origin = originOf(context);
    const msg: Incoming = {
      platform: 'slack',
      chat: chatOf(command.channel_id, command.channel_name, origin),
      user: userOf(command.user_id, command.user_name, origin),
      text: toCoreText(command.text),
      addressed: true,
    };
    const replies = await deps.core.handleMessage(msg);
    await deps.poster.post(replies, {
      channel: command.channel_id,
      user: command.user_id,
      responseUrl: command.response_url,
      refusalsEphemeral: true,
    });
  });
}
