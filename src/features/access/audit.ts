// The audit trail: who did what, to what, when. Every privileged action writes one row (through
// the `Audit` function other features are given; the rows are written by ./repo.ts).
import type { Audit } from '../../commands/types.ts';
import type { Clock } from '../../core/ports.ts';
import type { Store } from '../../store/store.ts';
import { createAccessRepo, type AccessRepo, type AuditRow } from './repo.ts';

export type { AuditRow } from './repo.ts';
export type { Audit } from '../../commands/types.ts';


export function createAudit(store: Store | AccessRepo, clock: Clock): Audit {
  const repo = 'db' in store ? createAccessRepo(store) : store;
  return (actorId, action, subject, details) => repo.audit(clock.now(), actorId, action, subject, details);
}

/** Reads the trail, newest last (for tests and an eventual /audit command). */
export function readAudit(store: Store, opts: { action?: string; limit?: number } = {}): AuditRow[] {
  return createAccessRepo(store).readAudit(opts);
}
