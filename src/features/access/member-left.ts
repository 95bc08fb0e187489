// A member who leaves a group loses the roles granted in chat (issue 11, item 9): platforms that
// see members leave (Telegram chat_member / left_chat_member) call Core.memberLeft. Only a chat
// that gets community features counts (leaving an unrelated group the bot is also in does not);
// roles from the configuration stay (the configuration always wins). Every revocation is audited.
import type { Logger } from 'pino';
import type { Store } from '../../store/store.ts';
import type { CommunityAccess } from './access.ts';
import type { Audit } from './audit.ts';

export function createMemberLeft(deps: { store: Store; access: CommunityAccess; audit: Audit; log: Logger }) {
  const { store, access, audit, log } = deps;
  /** Revokes `userId`'s roles granted in chat when `chatId` is an allowed chat; returns how many. */
  return async function memberLeft(chatId: string, userId: string): Promise<number> {
    if (!userId || !access.isChatAllowed({ id: chatId, type: 'group' }, '')) return 0;
    // No longer a member there: private reminders (/remindme) stop unless another allowed chat counts.
    store.immediate(() => access.forgetMember(userId, chatId));
    const roles = [...access.grantedRolesOf(userId)];
    if (roles.length === 0) return 0;
    let n = 0;
    try {
      n = store.immediate(() => {
        let done = 0;
        for (const role of roles) {
          if (!access.revoke(userId, role)) continue;
          audit('system', 'role.revoke', userId, { role, reason: 'left the chat', chat: chatId });
          done++;
        }
        return done;
      });
    } finally {
      access.invalidate();
    }
    if (n) log.info({ chat: chatId, roles: n }, 'a member left: roles granted in chat revoked');
    return n;
  };
}
