// /audit [n] (secretariat): the last n privileged actions (default 10, at most 50): who, what, to
// what, when, in the reader's zone (the member zone known for the user, else the community's zone,
// else UTC; the reply says which).
import type { CommandSpec } from '../../commands/types.ts';
import type { Inline } from '../../core/reply.ts';
import { code, para, refusal } from '../../core/reply-helpers.ts';
import type { AccessRepo } from './repo.ts';
import type { AccessZones } from './ports.ts';

export const AUDIT_DEFAULT = 10;
export const AUDIT_MAX = 50;

const detailsText = (d: Record<string, unknown> | undefined): string => {
  if (!d) return '';
  const parts = Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const s = parts.join(', ');
  return s ? ` (${s.length > 200 ? `${s.slice(0, 199)}…` : s})` : '';
};

export function createAuditCommand(deps: { repo: AccessRepo; zones: () => AccessZones | undefined }): CommandSpec {
  return {
    name: 'audit',
    usage: '/audit [n]',
    description: `The last privileged actions: who, what, when (default ${AUDIT_DEFAULT}, at most ${AUDIT_MAX})`,
    access: 'secretariat',
    group: 'Administration',
    async run(ctx) {
      const args = ctx.args.split(/\s+/).filter(Boolean);
      let n = AUDIT_DEFAULT;
      if (args.length > 1 || (args[0] !== undefined && !/^\d{1,4}$/.test(args[0]))) {
        return refusal(para(`Write /audit or /audit <number from 1 to ${AUDIT_MAX}>, e.g. `, code('/audit 20'), '.'));
      }
      if (args[0] !== undefined) {
        n = Number(args[0]);
        if (n < 1 || n > AUDIT_MAX) return refusal(para(`Give a number from 1 to ${AUDIT_MAX}, e.g. `, code('/audit 20'), '.'));
      }
      const zones = deps.zones();
      const own = zones?.zoneOf?.(ctx.actor.id);
      const community = zones?.communityZone();
      const zone = own ?? community ?? 'UTC';
      const which = own ? 'your zone' : community ? "the community's zone" : 'UTC (no community zone is configured)';
      const rows = deps.repo.readAudit({ limit: n });
      if (!rows.length) return { blocks: [para('The audit log is empty: no privileged action has been recorded yet.')] };
      // the zone formatting (luxon) is loaded with the command, not at start (src/app-console.ts)
      const { formatWithZone } = await import('../../shared/time-zones.ts');
      const items: Inline[][] = rows.map((r) => [`${formatWithZone(r.at, zone)}: ${r.actor} `, code(r.action), ` ${r.subject}${detailsText(r.details)}`]);
      return {
        blocks: [
          { type: 'heading', text: `Audit log: the last ${rows.length} action${rows.length === 1 ? '' : 's'}, oldest first` },
          { type: 'list', items },
          para(`Times are in ${which}${zone === 'UTC' ? '' : ` (${zone})`}.`),
        ],
      };
    },
  };
}
