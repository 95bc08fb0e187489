// Who may do what: roles from the configuration (SECRETARIAT, CO_CHAIRS, which always win) plus
// roles granted in chat with /role (persisted), and the chat allow-list (ALLOWED_CHATS).
import type { Config } from '../config.ts';
import type { AccessControl, CommandSpec, Role } from '../commands/types.ts';
import type { Clock } from '../core/ports.ts';
import type { Block, Inline, Reply } from '../core/reply.ts';
import type { Store } from '../store/store.ts';
import type { Audit } from './audit.ts';
import { userIdProblem } from './parse.ts';

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

export function createAccess(store: Store, config: Config): CommunityAccess {
  const open = config.allowedChats.length === 0;
  const allowed = new Set(config.allowedChats);
  const secretariat = new Set(config.secretariat);
  const coChairs = new Set(config.coChairs);
  const all = store.db.prepare<[], { user_id: string; role: Role }>('SELECT user_id, role FROM roles');
  const list = store.db.prepare<[], { user_id: string; role: Role; granted_by: string; granted_at: number }>(
    'SELECT user_id, role, granted_by, granted_at FROM roles ORDER BY role, user_id',
  );
  // The only writes to the roles table (the role command and a member leaving come through here).
  const insert = store.db.prepare<[string, string, string, number]>(
    'INSERT INTO roles (user_id, role, granted_by, granted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const remove = store.db.prepare<[string, string]>('DELETE FROM roles WHERE user_id = ? AND role = ?');

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
      for (const r of all.all()) cache.set(r.user_id, [...(cache.get(r.user_id) ?? []), r.role]);
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
      return insert.run(userId, role, grantedBy, at.getTime()).changes > 0;
    },
    revoke(userId, role) {
      cache = undefined;
      return remove.run(userId, role).changes > 0;
    },
    granted: () =>
      list.all().map((r) => ({ userId: r.user_id, role: r.role, grantedBy: r.granted_by, grantedAt: new Date(r.granted_at) })),
  };
}

const ROLE_USAGE = '/role grant|revoke <secretariat|co-chair> <user id>';

function parseRole(s: string | undefined): Role | undefined {
  const r = (s ?? '').toLowerCase().replace(/[_\s]/g, '-');
  if (r === 'secretariat' || r === 'secretary') return 'secretariat';
  if (r === 'co-chair' || r === 'cochair' || r === 'co-chairs' || r === 'cochairs' || r === 'chair') return 'co-chair';
  return undefined;
}

const refusal = (...blocks: Block[]): Reply => ({ refusal: true, blocks });
const para = (...parts: Inline[]): Block => ({ type: 'paragraph', parts });
const usageBlock = (): Block => para('Write ', { text: ROLE_USAGE, code: true }, ', e.g. ', { text: '/role grant co-chair telegram:123456789', code: true }, '.');

export function createRoleCommand(deps: { store: Store; access: CommunityAccess; audit: Audit; clock: Clock }): CommandSpec {
  const { store, access, audit, clock } = deps;
  /** A write to the roles table; the access cache is dropped once it has committed or rolled back. */
  const write = <T>(fn: () => T): T => {
    try {
      return store.immediate(fn);
    } finally {
      access.invalidate();
    }
  };

  function listReply(): Reply {
    const items: string[] = [];
    for (const [role, ids] of [
      ['secretariat', [...new Set(deps.access.granted().filter((g) => g.role === 'secretariat').map((g) => g.userId))]],
      ['co-chair', [...new Set(deps.access.granted().filter((g) => g.role === 'co-chair').map((g) => g.userId))]],
    ] as const) {
      for (const id of ids) items.push(`${id}: ${role} (granted in chat)`);
    }
    return {
      blocks: [
        { type: 'heading', text: 'Roles' },
        items.length
          ? { type: 'list', items: items.map((i) => [i]) }
          : para('No roles have been granted in chat. Roles set in the configuration (SECRETARIAT, CO_CHAIRS) are not listed here.'),
        usageBlock(),
      ],
    };
  }

  return {
    name: 'role',
    aliases: ['roles'],
    usage: ROLE_USAGE,
    description: 'Grant or revoke the secretariat or co-chair role (secretariat)',
    access: 'secretariat',
    group: 'Administration',
    run(ctx) {
      const [verbRaw, roleRaw, user, ...extra] = ctx.args.split(/\s+/).filter(Boolean);
      const verb = (verbRaw ?? '').toLowerCase();
      if (!verb || verb === 'list') return listReply();
      if (verb !== 'grant' && verb !== 'revoke') return refusal(para(`I don't know "${verb.slice(0, 40)}".`), usageBlock());
      const role = parseRole(roleRaw);
      if (!role) {
        return refusal(para(`"${(roleRaw ?? '').slice(0, 40)}" is not a role: the roles are secretariat and co-chair.`), usageBlock());
      }
      if (!user) return refusal(para('The user id is missing.'), usageBlock());
      if (extra.length) return refusal(para('Give exactly one user id.'), usageBlock());
      const problem = userIdProblem(user);
      if (problem) return refusal(para(problem), usageBlock());
      const now = clock.now();
      if (verb === 'grant') {
        const fromConfig = access.configRolesOf(user).has(role);
        const done = write(() => {
          if (fromConfig || access.grantedRolesOf(user).has(role)) return false;
          access.grant(user, role, ctx.actor.id, now);
          audit(ctx.actor.id, 'role.grant', user, { role });
          return true;
        });
        if (!done) return { blocks: [para(`${user} already holds the ${role} role${fromConfig ? ' (from the configuration)' : ''}.`)] };
        return { blocks: [para(`${user} is now ${role === 'secretariat' ? 'a member of the secretariat' : 'a co-chair'}. This is recorded in the audit log.`)] };
      }
      if (access.configRolesOf(user).has(role)) {
        return refusal(
          para(
            `${user} holds the ${role} role through the configuration (${role === 'secretariat' ? 'SECRETARIAT' : 'CO_CHAIRS'}), which always wins. `,
            'To remove it, change that setting and restart the bot.',
          ),
        );
      }
      const done = write(() => {
        const revoked = access.revoke(user, role);
        if (revoked) audit(ctx.actor.id, 'role.revoke', user, { role });
        return revoked;
      });
      if (!done) return { blocks: [para(`${user} does not hold the ${role} role, so there is nothing to revoke.`)] };
      return { blocks: [para(`${user} no longer holds the ${role} role. This is recorded in the audit log.`)] };
    },
  };
}
