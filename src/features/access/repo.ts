// The access feature's tables: `roles` (granted in chat with /role) and `audit` (who did what).
// This module is the only code that reads or writes them.
import type { Role } from '../../commands/types.ts';
import type { Store } from '../../store/store.ts';

export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  details?: Record<string, unknown>;
}

export type AccessRepo = ReturnType<typeof createAccessRepo>;

export function createAccessRepo(store: Store) {
  const db = store.db;
  const allRoles = db.prepare<[], { user_id: string; role: Role }>('SELECT user_id, role FROM roles');
  const listRoles = db.prepare<[], { user_id: string; role: Role; granted_by: string; granted_at: number }>(
    'SELECT user_id, role, granted_by, granted_at FROM roles ORDER BY role, user_id',
  );
  const insertRole = db.prepare<[string, string, string, number]>(
    'INSERT INTO roles (user_id, role, granted_by, granted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const removeRole = db.prepare<[string, string]>('DELETE FROM roles WHERE user_id = ? AND role = ?');
  const insertAudit = db.prepare<[number, string, string, string, string | null]>(
    'INSERT INTO audit (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)',
  );
  const readAuditStmt = db.prepare<
    [string | null, string | null, number],
    { id: number; at: number; actor: string; action: string; subject: string; details: string | null }
  >('SELECT id, at, actor, action, subject, details FROM audit WHERE (? IS NULL OR action = ?) ORDER BY id DESC LIMIT ?');
  const purgeAudit = db.prepare<[number]>('DELETE FROM audit WHERE at < ?');

  return {
    /** Every role granted in chat. */
    roles: () => allRoles.all(),
    listRoles: () =>
      listRoles.all().map((r) => ({ userId: r.user_id, role: r.role, grantedBy: r.granted_by, grantedAt: new Date(r.granted_at) })),
    /** False when already held. */
    grant: (userId: string, role: Role, grantedBy: string, at: Date) => insertRole.run(userId, role, grantedBy, at.getTime()).changes > 0,
    /** False when not held. */
    revoke: (userId: string, role: Role) => removeRole.run(userId, role).changes > 0,
    audit(at: Date, actorId: string, action: string, subject: string, details?: Record<string, unknown>): void {
      insertAudit.run(at.getTime(), actorId, action, subject, details === undefined ? null : JSON.stringify(details));
    },
    /** The trail, newest last. */
    readAudit(opts: { action?: string; limit?: number } = {}): AuditRow[] {
      const rows = readAuditStmt.all(opts.action ?? null, opts.action ?? null, opts.limit ?? 1000);
      return rows.reverse().map((r) => ({
        id: r.id,
        at: new Date(r.at),
        actor: r.actor,
        action: r.action,
        subject: r.subject,
        ...(r.details ? { details: JSON.parse(r.details) as Record<string, unknown> } : {}),
      }));
    },
    /** Deletes audit rows older than `cutoff`; returns how many. */
    purgeAudit: (cutoff: Date) => purgeAudit.run(cutoff.getTime()).changes,
  };
}
