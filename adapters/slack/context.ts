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

/** Slack conversation -> core chat: DMs (ids starting with D) are private, everything else a group. */
export function chatOf(channel: string, name?: string): Incoming['chat'] {
  const type = channel.startsWith('D') ? 'private' : 'group';
  const title = name && !['directmessage', 'privategroup', 'mpdm'].includes(name) && !name.startsWith('mpdm-') ? name : undefined;
  return { id: `slack:${channel}`, type, ...(title ? { title } : {}) };
}

export function userOf(id: string, name?: string): Incoming['user'] {
  return { id: `slack:${id}`, ...(name ? { name } : {}) };
}
