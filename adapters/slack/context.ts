// What the listeners share: the core, the Web API, the reply poster, and id translation.
import type { Logger } from 'pino';
import type { Core, Incoming } from '../../src/core/ports.ts';
import type { ReplyPoster } from './outbound.ts';
import type { RenderOptions } from './render-blocks.ts';
import type { SlackWeb } from './web.ts';

export interface SlackDeps {
  core: Core;
  web: SlackWeb;
  poster: ReplyPoster;
  log: Logger;
  render: RenderOptions;
  /** The slash command, e.g. `/practice`. */
  slashCommand: string;
  /** The bot's user id (from auth.test at start), to strip `<@UBOT>` mentions. */
  botUserId(): string | undefined;
}

/** Where a request came from, as the middleware found it (index.ts): `foreign` is the team (or
 *  enterprise) id of another workspace than the bot token's. */
export interface Origin {
  foreign?: string;
}

/** Reads the origin the middleware left in Bolt's context. */
export function originOf(context: Record<string, unknown>): Origin {
  const f = context[ORIGIN_KEY];
  return typeof f === 'string' ? { foreign: f } : {};
}
export const ORIGIN_KEY = 'practiceBotForeignTeam';

/** `slack:<id>` for our workspace; `slack:<team>.<id>` for another one, so that its users and
 *  conversations match no role and no allowed chat (public commands only). */
const idOf = (id: string, origin?: Origin) => (origin?.foreign ? `slack:${origin.foreign}.${id}` : `slack:${id}`);

/** Slack conversation -> core chat: DMs (ids starting with D) are private, everything else a group. */
export function chatOf(channel: string, name?: string, origin?: Origin): Incoming['chat'] {
  const type = channel.startsWith('D') ? 'private' : 'group';
  const title = name && !['directmessage', 'privategroup', 'mpdm'].includes(name) && !name.startsWith('mpdm-') ? name : undefined;
  return { id: idOf(channel, origin), type, ...(title ? { title } : {}) };
}

export function userOf(id: string, name?: string, origin?: Origin): Incoming['user'] {
  return { id: idOf(id, origin), ...(name ? { name } : {}) };
}
