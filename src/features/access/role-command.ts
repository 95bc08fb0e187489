// /role grant|revoke|list: roles granted in chat (secretariat only; every change audited).
import type { CommandSpec, Role } from '../../commands/types.ts';
import type { Config } from '../../config.ts';
import type { Clock } from '../../core/ports.ts';
import type { Block, Inline, Reply } from '../../core/reply.ts';
import type { Store } from '../../store/store.ts';
import type { CommunityAccess } from './access.ts';
import type { Audit } from './audit.ts';
import { userIdProblem } from './user-ids.ts';

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

export function createRoleCommand(deps: {
  store: Store;
  access: CommunityAccess;
  audit: Audit;
  clock: Clock;
  config: Pick<Config, 'secretariat' | 'coChairs'>;
}): CommandSpec {
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
    for (const role of ['secretariat', 'co-chair'] as const) {
      for (const id of deps.config[role === 'secretariat' ? 'secretariat' : 'coChairs']) {
        items.push(`${id}: ${role} (configured in ${role === 'secretariat' ? 'SECRETARIAT' : 'CO_CHAIRS'})`);
      }
      for (const g of deps.access.granted().filter((x) => x.role === role)) {
        if (access.configRolesOf(g.userId).has(role)) continue;
        items.push(`${g.userId}: ${role} (granted in chat) by ${g.grantedBy} on ${g.grantedAt.toISOString().slice(0, 10)}`);
      }
    }
    return {
      blocks: [
        { type: 'heading', text: 'Roles' },
        items.length ? { type: 'list', items: items.map((i) => [i]) } : para('No roles are configured or granted.'),
        para('Configured roles change only in the configuration (and a restart); roles granted in chat change with /role.'),
        usageBlock(),
      ],
    };
  }

  return {
    name: 'role',
    aliases: ['roles'],
    usage: ROLE_USAGE,
    subcommands: [{ usage: '/role list', description: 'Roles configured (SECRETARIAT, CO_CHAIRS) and granted in chat', access: 'secretariat' }],
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
