// Buttons. Vote buttons (`pb-vote:<i>`, value `<poll id>:<i>`) feed core.vote - the same function
// Telegram's poll answers feed - and the poll message is edited in place with the new counts.
// Every other button (`pb:<row>:<col>`, value = the core's action data) goes to core.handleAction,
// and its replies are posted where the button was (same thread), or in the user's DM for a button
// on the App Home tab.
import type { App, BlockButtonAction, ButtonAction } from '@slack/bolt';
import { chatOf, originOf, userOf, type Origin, type SlackDeps } from '../context.ts';
import { ACTION_PREFIX, renderReply, VOTE_PREFIX } from '../render-blocks.ts';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function parseVote(value: string | undefined): { pollId: number; index: number } | undefined {
  const m = /^(\d{1,12}):(\d{1,3})$/.exec(value ?? '');
  return m ? { pollId: Number(m[1]), index: Number(m[2]) } : undefined;
}

export function register(app: App, deps: SlackDeps): void {
  const { core, poster, web, render } = deps;

  async function onVote({ body, action, origin }: { body: BlockButtonAction; action: ButtonAction; origin: Origin }): Promise<void> {
    const vote = parseVote(action.value);
    const channel = body.channel?.id;
    const ts = body.message?.ts ?? (body.container?.message_ts as string | undefined);
    if (!vote) return;
    const input = {
      pollId: vote.pollId,
      user: userOf(body.user.id, body.user.name ?? body.user.username, origin),
      optionIndexes: [vote.index],
      toggle: true,
    };
    // The core words a vote it did not count (poll closed, gone, or a failure): shown to the voter only.
    const result = core.castVote ? await core.castVote(input) : { view: await core.vote(input) };
    if ('reply' in result) {
      const [m] = renderReply(result.reply, render);
      if (body.response_url && m) await web.respond(body.response_url, { response_type: 'ephemeral', replace_original: false, ...m });
      return;
    }
    // The core has usually edited the message already (Outbound.updatePoll); an identical edit is skipped.
    if (result.view && channel && ts) await poster.postPollUpdate(channel, ts, result.view);
  }

  async function onButton({ body, action, origin }: { body: BlockButtonAction; action: ButtonAction; origin: Origin }): Promise<void> {
    if (!action.value) return;
    const channel = body.channel?.id ?? (await web.openIm(body.user.id));
    const threadTs = (body.message?.thread_ts as string | undefined) ?? (body.container?.thread_ts as string | undefined);
    const replies = await core.handleAction({
      platform: 'slack',
      chat: chatOf(channel, body.channel?.name, origin),
      user: userOf(body.user.id, body.user.name ?? body.user.username, origin),
      action: action.value,
      ...(threadTs ? { threadId: threadTs } : {}),
    });
    await poster.post(replies, {
      channel,
      user: body.user.id,
      ...(threadTs ? { threadTs } : {}),
      ...(body.response_url ? { responseUrl: body.response_url } : {}),
      refusalsEphemeral: true,
    });
  }

  // One listener for both kinds of button (Bolt runs every listener's matchers on every request).
  const vote = new RegExp(`^${escapeRe(VOTE_PREFIX)}\\d+$`);
  const other = new RegExp(`^${escapeRe(ACTION_PREFIX)}`);
  app.action<BlockButtonAction>(new RegExp(`^(?:${escapeRe(VOTE_PREFIX)}|${escapeRe(ACTION_PREFIX)})`), async ({ ack, body, action, context }) => {
    await ack();
    if (action.type !== 'button') return;
    const origin = originOf(context);
    if (vote.test(action.action_id)) return onVote({ body, action, origin });
    if (other.test(action.action_id)) return onButton({ body, action, origin });
  });
}
