// The access feature: who may do what. Roles from the configuration (SECRETARIAT, CO_CHAIRS) and
// granted in chat with /role (./role-command.ts), the chat allow-list (ALLOWED_CHATS, the floor,
// plus /chats allow|revoke at run time: ./chats-command.ts), /whoami, /audit, the audit trail
// every privileged action writes (./audit.ts), a member leaving an allowed chat losing the roles
// granted in chat (./member-left.ts), and the purge of old audit rows (AUDIT_RETENTION_DAYS).
// Tables `roles`, `audit`, `allowed_chats`, `chat_members`: ./repo.ts only.
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Feature } from '../../core/feature.ts';
import type { Clock } from '../../core/ports.ts';
import type { Store } from '../../store/store.ts';
import { createAccess, type CommunityAccess } from './access.ts';
import { createAudit, type Audit } from './audit.ts';
import { createMemberLeft } from './member-left.ts';
import { createAuditCommand } from './audit-command.ts';
import { createChatsCommand } from './chats-command.ts';
import type { AccessSubscriptions, AccessZones } from './ports.ts';
import { createAccessRepo } from './repo.ts';
import { createRoleCommand } from './role-command.ts';
import { createWhoamiCommand } from './whoami-command.ts';
import type { OutboundRouter } from '../../core/outbound.ts';
import { DAY_MS } from '../../shared/text.ts';

export { ROLES, type CommunityAccess } from './access.ts';
export { createAudit, readAudit, type Audit, type AuditRow } from './audit.ts';
export type { AccessSubscriptions, AccessZones } from './ports.ts';
export { chatIdProblem } from './chat-ids.ts';


export interface AccessFeatureDeps {
  store: Store;
  config: Pick<Config, 'allowedChats' | 'secretariat' | 'coChairs' | 'auditRetentionDays'>;
  clock: Clock;
  log: Logger;
  /** Asked whether the bot is in a chat before /chats allow (Outbound.canPost, where a platform has it). */
  outbound?: OutboundRouter;
  /** The reminders feature's subscriptions (late-bound: built after access). */
  subscriptions?: () => AccessSubscriptions | undefined;
  /** Zones for /audit (late-bound: the meetings feature is built after access). */
  zones?: () => AccessZones | undefined;
}

export interface AccessFeature extends Feature {
  readonly access: CommunityAccess;
  /** Records a privileged action (for the other features: pass it as their `audit` port). */
  readonly audit: Audit;
  memberLeft(chatId: string, userId: string): Promise<number>;
  purge(now: Date): void;
}

export function createAccessFeature(deps: AccessFeatureDeps): AccessFeature {
  const { store, config, clock } = deps;
  const log = deps.log.child({ module: 'access' });
  const repo = createAccessRepo(store);
  const access = createAccess(repo, config);
  const audit = createAudit(repo, clock);
  const days = config.auditRetentionDays;
  return {
    name: 'access',
    access,
    audit,
    commands: [
      createRoleCommand({ store, access, audit, clock, config }),
      createWhoamiCommand({ access }),
      createChatsCommand({ store, access, audit, clock, subscriptions: deps.subscriptions ?? (() => undefined), outbound: deps.outbound }),
      createAuditCommand({ repo, zones: deps.zones ?? (() => undefined) }),
    ],
    memberLeft: createMemberLeft({ store, access, audit, log }),
    purge(now) {
      if (!days) return;
      const n = store.immediate(() => repo.purgeAudit(new Date(now.getTime() - days * DAY_MS)));
      if (n) log.info({ audit: n, days }, 'purged audit rows past their retention');
    },
  };
}
