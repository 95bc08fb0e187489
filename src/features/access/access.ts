// Who may do what: roles from the configuration (SECRETARIAT, CO_CHAIRS, which always win) plus
// roles granted in chat with /role (persisted), and the chat allow-list: ALLOWED_CHATS (the floor,
// never revoked in chat) plus the chats allowed in chat with /chats allow (persisted).
//
// Open mode: with ALLOWED_CHATS empty and no chat ever allowed in chat, every chat gets community
// features (development). The first /chats allow ends open mode for good (a later revoke of the
// last stored chat does not reopen the deployment): from then on only listed chats are allowed.
import type { Config } from '../../config.ts';
import type { AccessControl, Role } from '../../commands/types.ts';
import { createLru } from '../../core/lru.ts';
import type { AccessRepo, AllowedChat } from './repo.ts';

export const ROLES: readonly Role[] = ['secretariat', 'co-chair'];

/** How many group chats and people seen in allowed groups are kept in memory. */
const SEEN_MAX = 5000;

export interface CommunityAccess extends AccessControl {
  /** Roles that come from the configuration (cannot be revoked in chat). */
  configRolesOf(userId: string): Set<Role>;
  /** Granted in chat, from the database. */
  grantedRolesOf(userId: string): Set<Role>;
  granted(): { userId: string; role: Role; grantedBy: string; grantedAt: Date }[];
  /** Forget the cached granted roles and allowed chats (after a transaction that wrote them ends). */
  invalidate(): void;
  /** Records a role granted in chat (call inside store.immediate()); false when already held. */
  grant(userId: string, role: Role, grantedBy: string, at: Date): boolean;
  /** Removes a role granted in chat (call inside store.immediate()); false when not held. */
  revoke(userId: string, role: Role): boolean;
  /** ALLOWED_CHATS (cannot be revoked in chat). */
  readonly floor: readonly string[];
  /** Chats allowed in chat, still allowed. */
  storedChats(): AllowedChat[];
  /** Allows a chat (inside store.immediate()); false when it already was. */
  allowChat(chatId: string, by: string, at: Date): boolean;
  /** Revokes a chat allowed in chat (inside store.immediate()); false when it was not. */
  revokeChat(chatId: string, by: string, at: Date): boolean;
  /** The chat's name as last seen (stored on allow, else from messages seen since start). */
  chatTitle(chatId: string): string | undefined;
  /** An allowed group this user was seen in (since start, or recorded), if any. */
  communityChatOf(userId: string): string | undefined;
  /** Records that the user belongs to an allowed group (inside store.immediate()). */
  recordMember(userId: string, chatId: string, at: Date): void;
  /** True when the user holds a role or is recorded in a chat that is allowed now. */
  isMember(userId: string): boolean;
  /** Forgets the user's membership of a chat (they left it); false when none was recorded. */
  forgetMember(userId: string, chatId: string): boolean;
}

export function createAccess(repo: AccessRepo, config: Pick<Config, 'allowedChats' | 'secretariat' | 'coChairs'>): CommunityAccess {
  const floor = new Set(config.allowedChats);
  const secretariat = new Set(config.secretariat);
  const coChairs = new Set(config.coChairs);
  // Names of group chats and the allowed groups people were seen in, from the messages the
  // dispatcher checks (kept in memory, bounded; /remindme records a membership for good).
  const titles = createLru<string, string>(SEEN_MAX);
  const seenIn = createLru<string, string>(SEEN_MAX);

  const configRolesOf = (userId: string) => {
    const roles = new Set<Role>();
    if (secretariat.has(userId)) roles.add('secretariat');
    if (coChairs.has(userId)) roles.add('co-chair');
    return roles;
  };
  // Every message checks roles and chats, so the tables are read once and kept until this process
  // writes them again (it is the only writer: the commands invalidate after each change).
  let cache: Map<string, Role[]> | undefined;
  const grantedRolesOf = (userId: string) => {
    if (!cache) {
      cache = new Map();
      for (const r of repo.roles()) cache.set(r.user_id, [...(cache.get(r.user_id) ?? []), r.role]);
    }
    return new Set(cache.get(userId) ?? []);
  };
  let chats: { all: AllowedChat[]; active: Map<string, AllowedChat> } | undefined;
  const chatCache = () => {
    if (!chats) {
      const all = repo.allowedChats();
      chats = { all, active: new Map(all.filter((c) => !c.revokedAt).map((c) => [c.chatId, c])) };
    }
    return chats;
  };
  const isOpen = () => floor.size === 0 && chatCache().all.length === 0;
  const listed = (chatId: string) => isOpen() || floor.has(chatId) || chatCache().active.has(chatId);
  const rolesOf = (userId: string) => {
    const roles = configRolesOf(userId);
    if (userId) for (const r of grantedRolesOf(userId)) roles.add(r);
    return roles;
  };
  const invalidate = () => {
    cache = undefined;
    chats = undefined;
  };
  return {
    get open() {
      return isOpen();
    },
    floor: [...floor],
    rolesOf,
    configRolesOf,
    grantedRolesOf,
    isChatAllowed(chat, userId) {
      const ok = listed(chat.id) || (chat.type === 'private' && rolesOf(userId).size > 0);
      if (chat.type !== 'private') {
        if (chat.title) titles.set(chat.id, chat.title.slice(0, 200));
        if (ok && userId) seenIn.set(userId, chat.id);
      }
      return ok;
    },
    invalidate,
    grant(userId, role, grantedBy, at) {
      cache = undefined;
      return repo.grant(userId, role, grantedBy, at);
    },
    revoke(userId, role) {
      cache = undefined;
      return repo.revoke(userId, role);
    },
    granted: () => repo.listRoles(),
    storedChats: () => [...chatCache().active.values()],
    allowChat(chatId, by, at) {
      chats = undefined;
      return repo.allowChat(chatId, titles.get(chatId), by, at);
    },
    revokeChat(chatId, by, at) {
      chats = undefined;
      return repo.revokeChat(chatId, by, at);
    },
    chatTitle: (chatId) => titles.get(chatId) ?? chatCache().active.get(chatId)?.title,
    communityChatOf(userId) {
      const recent = seenIn.get(userId);
      if (recent && listed(recent)) return recent;
      return repo.memberChats(userId).find((c) => listed(c));
    },
    recordMember: (userId, chatId, at) => repo.addMember(userId, chatId, at),
    isMember: (userId) => !!userId && (rolesOf(userId).size > 0 || repo.memberChats(userId).some((c) => listed(c))),
    forgetMember(userId, chatId) {
      if (seenIn.get(userId) === chatId) seenIn.set(userId, '');
      return repo.dropMember(userId, chatId);
    },
  };
}
