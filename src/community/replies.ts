// Refusals used inside community commands (subcommand checks). Same wording as the core's
// dispatcher (src/core/core.ts), kept here so the community module does not import the core.
import type { Reply } from '../core/reply.ts';

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

const ROLE_WORDS = { organiser: 'the secretariat or a co-chair', secretariat: 'the secretariat' } as const;

export function roleRefusal(access: 'organiser' | 'secretariat', usage: string): Reply {
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
