// Refusals shared by the dispatcher (src/core/core.ts) and subcommand checks in the community module.
import type { Reply } from '../core/reply.ts';
import type { Access, Role } from './types.ts';

const ROLE_WORDS: Record<Exclude<Access, 'public' | 'member'>, string> = {
  organiser: 'the secretariat or a co-chair',
  secretariat: 'the secretariat',
};

export function notAllowedReply(chatId: string): Reply {
  return {
    refusal: true,
    blocks: [
      {
        type: 'paragraph',
        parts: [
          'Meetings, agenda suggestions, polls and reminders are only available in chats the secretariat has approved. ',
          'To have this chat approved, give the secretariat its id: ',
          { text: chatId, code: true },
          '. Questions about the practice base (/ask, /challenges, /practices, /opportunities, /sources) work everywhere.',
        ],
      },
    ],
  };
}

export function roleRefusal(access: Exclude<Access, 'public' | 'member'>, usage: string): Reply {
  return {
    refusal: true,
    blocks: [
      {
        type: 'paragraph',
        parts: [`Sorry, only ${ROLE_WORDS[access]} can use `, { text: usage, code: true }, '. If you should have that role, ask the secretariat.'],
      },
    ],
  };
}

/** True when the actor may run something with this access level (the chat check is separate). */
export function hasAccess(access: Access, roles: Set<Role>): boolean {
  if (access === 'public' || access === 'member') return true;
  if (access === 'secretariat') return roles.has('secretariat');
  return roles.has('secretariat') || roles.has('co-chair');
}
