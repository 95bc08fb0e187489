// The audit trail: who did what, to what, when. Every privileged action writes one row.
import type { Clock } from '../core/ports.ts';
import type { Store } from '../store/store.ts';

export type Audit = (actorId: string, action: string, subject: string, details?: Record<string, unknown>) => void;

export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  details?: Record<string, unknown>;
}

export function createAudit(store: Store, clock: Clock): Audit {
  const insert = store.db.prepare('INSERT INTO audit (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)');
  return (actorId, action, subject, details) => {
    insert.run(clock.now().getTime(), actorId, action, subject, details === undefined ? null : JSON.stringify(details));
  };
}

/** Reads the trail, newest last (for tests and an eventual /audit command). */
export function readAudit(store: Store, opts: { action?: string; limit?: number } = {}): AuditRow[] {
  const rows = store.db
    .prepare<[string | null, string | null, number], { id: number; at: number; actor: string; action: string; subject: string; details: string | null }>(
      'SELECT id, at, actor, action, subject, details FROM audit WHERE (? IS NULL OR action = ?) ORDER BY id DESC LIMIT ?',
    )
    .all(opts.action ?? null, opts.action ?? null, opts.limit ?? 1000);
  return rows.reverse().map((r) => ({
    id: r.id,
    at: new Date(r.at),
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    ...(r.details ? { details: JSON.parse(r.details) as Record<string, unknown> } : {}),
  }));
}
