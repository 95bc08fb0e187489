// Who may do what: roles from the configuration (SECRETARIAT, CO_CHAIRS, which always win) plus
// roles granted in chat with /role (persisted), and the chat allow-list (ALLOWED_CHATS).
import type { Config } from '../../config.ts';
import type { AccessControl, Role } from '../../commands/types.ts';
import type { AccessRepo } from './repo.ts';

export const ROLES: readonly Role[] = ['secretariat', 'co-chair'];

export interface CommunityAccess extends AccessControl {
  /** Roles that come from the configuration (cannot be revoked in chat). */
  configRolesOf(userId: string): Set<Role>;
  /** Granted in chat, from the database. */
  grantedRolesOf(userId: string): Set<Role>;
  granted(): { userId: string; role: Role; grantedBy: string; grantedAt: Date }[];
  /** Forget the cached granted roles (after a transaction that wrote the roles table ends). */
  invalidate(): void;
  /** Records a role granted in chat (call inside store.immediate()); false when already held. */
  grant(userId: string, role: Role, grantedBy: string, at: Date): boolean;
  /** Removes a role granted in chat (call inside store.immediate()); false when not held. */
  revoke(userId: string, role: Role): boolean;
}

export function createAccess(repo: AccessRepo, config: Pick<Config, 'allowedChats' | 'secretariat' | 'coChairs'>): CommunityAccess {
  const open = config.allowedChats.length === 0;
  const allowed = new Set(config.allowedChats);
  const secretariat = new Set(config.secretariat);
  const coChairs = new Set(config.coChairs);

  const configRolesOf = (userId: string) => {
    const roles = new Set<Role>();
    if (secretariat.has(userId)) roles.add('secretariat');
    if (coChairs.has(userId)) roles.add('co-chair');
    return roles;
  };
  // Every message checks roles, so granted roles are read from the table once and kept until this
  // process writes the table again (it is the only writer: /role invalidates after each change).
  let cache: Map<string, Role[]> | undefined;
  const grantedRolesOf = (userId: string) => {
    if (!cache) {
      cache = new Map();
      for (const r of repo.roles()) cache.set(r.user_id, [...(cache.get(r.user_id) ?? []), r.role]);
    }
    return new Set(cache.get(userId) ?? []);
  };
  const rolesOf = (userId: string) => {
    const roles = configRolesOf(userId);
    if (userId) for (const r of grantedRolesOf(userId)) roles.add(r);
    return roles;
  };
  return {
    open,
    rolesOf,
    configRolesOf,
    grantedRolesOf,
    isChatAllowed: (chat, userId) => open || allowed.has(chat.id) || (chat.type === 'private' && rolesOf(userId).size > 0),
    invalidate: () => {
      cache = undefined;
    },
    grant(userId, role, grantedBy, at) {
      cache = undefined;
      return repo.grant(userId, role, grantedBy, at);
    },
    revoke(userId, role) {
      cache = undefined;
      return repo.revoke(userId, role);
    },
    granted: () => repo.listRoles(),
  };
}

