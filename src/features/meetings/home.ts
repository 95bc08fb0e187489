// The home tab (Slack's App Home): the upcoming meetings and the open polls, for users who may see
// community data (like a private chat: a user with a role, or any user when the bot runs open).
import type { AccessControl } from '../../commands/types.ts';
import type { Block, Reply } from '../../core/reply.ts';
import type { Meetings } from './meetings.ts';
import type { HomePolls } from './ports.ts';

export function createHome(deps: { meetings: Meetings; access: Pick<AccessControl, 'isChatAllowed'>; polls: HomePolls }) {
  const { meetings, access, polls } = deps;
  return function home(userId: string, now: Date): Reply {
    const blocks: Block[] = [{ type: 'heading', text: 'Practice bot' }];
    if (!access.isChatAllowed({ id: `home:${userId}`, type: 'private' }, userId)) {
      blocks.push({
        type: 'paragraph',
        parts: ['Ask questions about the practice base with /ask. Meetings and polls are shown in the chats the secretariat has approved.'],
      });
      return { blocks };
    }
    const up = meetings.upcoming(now).slice(0, 5);
    blocks.push({ type: 'paragraph', parts: [{ text: 'Upcoming meetings', bold: true }] });
    blocks.push(up.length ? { type: 'list', items: up.map(meetings.listItem) } : { type: 'paragraph', parts: ['No upcoming meeting is scheduled yet.'] });
    const open = polls.openPolls();
    blocks.push({ type: 'paragraph', parts: [{ text: 'Open polls', bold: true }] });
    blocks.push(
      open.length
        ? {
            type: 'list',
            items: open.map((p) => [
              p.question,
              ` (${p.options.length} options${p.closesAt ? `, closes ${new Date(p.closesAt).toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''})`,
            ]),
          }
        : { type: 'paragraph', parts: ['No poll is open.'] },
    );
    return { blocks };
  };
}
