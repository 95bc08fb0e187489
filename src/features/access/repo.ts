// The access feature's tables: `roles` (granted in chat with /role), `audit` (who did what),
// `allowed_chats` (/chats allow|revoke) and `chat_members` (people seen in an allowed group).
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

export interface AllowedChat {
  chatId: string;
  title?: string;
  allowedBy: string;
  allowedAt: Date;
  revokedAt?: Date;
  revokedBy?: string;
}

interface AllowedChatRow {
  chat_id: string;
  title: string | null;
  allowed_by: string;
  allowed_at: number;
  revoked_by: string | null;
  revoked_at: number | null;
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
  const chatRows = db.prepare<[], AllowedChatRow>('SELECT * FROM allowed_chats ORDER BY allowed_at, chat_id');
  const allowChat = db.prepare<[string, string | null, string, number]>(
    `INSERT INTO allowed_chats (chat_id, title, allowed_by, allowed_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (chat_id) DO UPDATE SET title = coalesce(excluded.title, title), allowed_by = excluded.allowed_by,
       allowed_at = excluded.allowed_at, revoked_by = NULL, revoked_at = NULL
     WHERE revoked_at IS NOT NULL`,
  );
  const revokeChat = db.prepare<[string, number, string]>(
    'UPDATE allowed_chats SET revoked_by = ?, revoked_at = ? WHERE chat_id = ? AND revoked_at IS NULL',
  );
  const memberRows = db.prepare<[string], { chat_id: string }>('SELECT chat_id FROM chat_members WHERE user_id = ? ORDER BY seen_at DESC');
  const addMember = db.prepare<[string, string, number]>(
    'INSERT INTO chat_members (user_id, chat_id, seen_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET seen_at = excluded.seen_at',
  );
  const dropMember = db.prepare<[string, string]>('DELETE FROM chat_members WHERE user_id = ? AND chat_id = ?');

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
    /** Every chat ever allowed in chat (revoked ones keep their row with revokedAt). */
    allowedChats: (): AllowedChat[] =>
      chatRows.all().map((r) => ({
        chatId: r.chat_id,
        ...(r.title ? { title: r.title } : {}),
        allowedBy: r.allowed_by,
        allowedAt: new Date(r.allowed_at),
        ...(r.revoked_at !== null ? { revokedAt: new Date(r.revoked_at), revokedBy: r.revoked_by ?? '' } : {}),
      })),
    /** False when already allowed. */
    allowChat: (chatId: string, title: string | undefined, by: string, at: Date) => allowChat.run(chatId, title ?? null, by, at.getTime()).changes > 0,
    /** False when not allowed in chat. */
    revokeChat: (chatId: string, by: string, at: Date) => revokeChat.run(by, at.getTime(), chatId).changes > 0,
    /** Chats the user was recorded in, most recent first. */
    memberChats: (userId: string) => memberRows.all(userId).map((r) => r.chat_id),
    addMember: (userId: string, chatId: string, at: Date) => void addMember.run(userId, chatId, at.getTime()),
    dropMember: (userId: string, chatId: string) => dropMember.run(userId, chatId).changes > 0,
    /** Deletes audit rows older than `cutoff`; returns how many. */
    purgeAudit: (cutoff: Date) => purgeAudit.run(cutoff.getTime()).changes,
  };
}
