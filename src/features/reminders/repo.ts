// The reminders feature's tables: `subscriptions` (chats that get announcements and reminders),
// the reminder ledger `reminder_deliveries`, and `announcements` with their ledger
// `announcement_deliveries`. This module is the only code that reads or writes them.
import type { Incoming } from '../../core/ports.ts';
import type { Store } from '../../store/store.ts';

export type AnnouncementKind = 'added' | 'changed' | 'cancelled' | 'remind';
export type Ledger = 'reminder_deliveries' | 'announcement_deliveries';

export interface Subscription {
  chatId: string;
  chatType: Incoming['chat']['type'];
  threadId?: string;
  subscribedBy: string;
  subscribedAt: Date;
}

interface SubRow {
  chat_id: string;
  chat_type: Incoming['chat']['type'];
  thread_id: string | null;
  subscribed_by: string;
  subscribed_at: number;
}

const toSub = (r: SubRow): Subscription => ({
  chatId: r.chat_id,
  chatType: r.chat_type,
  ...(r.thread_id ? { threadId: r.thread_id } : {}),
  subscribedBy: r.subscribed_by,
  subscribedAt: new Date(r.subscribed_at),
});

/** A ledger row claimed for sending. */
export interface Work {
  ledger: Ledger;
  rowid: number;
  chatId: string;
  attempts: number;
  meetingId: string | null;
  offsetMs?: number;
  dueAt?: number;
  reply?: string;
  createdAt?: number;
  kind?: AnnouncementKind;
}

export type DueChat = { chat_id: string; chat_type: Incoming['chat']['type']; subscribed_by: string; thread_id: string | null };

const FINAL = "('sent', 'failed', 'skipped', 'gone')";

export type RemindersRepo = ReturnType<typeof createRemindersRepo>;

export function createRemindersRepo(store: Store) {
  const db = store.db;

  // --- subscriptions ---------------------------------------------------------------------------
  const getSub = db.prepare<[string], SubRow>('SELECT * FROM subscriptions WHERE chat_id = ?');
  const allSubs = db.prepare<[], SubRow>('SELECT * FROM subscriptions ORDER BY subscribed_at, chat_id');
  const countSubs = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM subscriptions');
  const insertSub = db.prepare(
    `INSERT INTO subscriptions (chat_id, chat_type, thread_id, subscribed_by, subscribed_at) VALUES (@chatId, @chatType, @threadId, @by, @at)
     ON CONFLICT (chat_id) DO UPDATE SET thread_id = excluded.thread_id, chat_type = excluded.chat_type`,
  );
  const delSub = db.prepare<[string]>('DELETE FROM subscriptions WHERE chat_id = ?');
  const skipPending = [
    db.prepare<[number, string]>(
      "UPDATE reminder_deliveries SET status = 'skipped', last_error = 'unsubscribed', updated_at = ? WHERE chat_id = ? AND status = 'pending'",
    ),
    db.prepare<[number, string]>(
      "UPDATE announcement_deliveries SET status = 'skipped', last_error = 'unsubscribed', updated_at = ? WHERE chat_id = ? AND status = 'pending'",
    ),
  ];
  const markGone = [
    db.prepare<[number, string]>(
      "UPDATE reminder_deliveries SET status = 'gone', updated_at = ? WHERE chat_id = ? AND status IN ('pending', 'sending')",
    ),
    db.prepare<[number, string]>(
      "UPDATE announcement_deliveries SET status = 'gone', updated_at = ? WHERE chat_id = ? AND status IN ('pending', 'sending')",
    ),
  ];
  const moveSub = db.prepare<[string, string]>('UPDATE subscriptions SET chat_id = ? WHERE chat_id = ?');
  const moveLedger = [
    db.prepare<[string, string]>('UPDATE OR IGNORE reminder_deliveries SET chat_id = ? WHERE chat_id = ?'),
    db.prepare<[string]>('DELETE FROM reminder_deliveries WHERE chat_id = ?'),
    db.prepare<[string, string]>('UPDATE OR IGNORE announcement_deliveries SET chat_id = ? WHERE chat_id = ?'),
    db.prepare<[string]>('DELETE FROM announcement_deliveries WHERE chat_id = ?'),
  ] as const;

  // --- the ledgers -----------------------------------------------------------------------------
  const dueChats = db.prepare<{ meetingId: string; offsetMs: number; dueAt: number }, DueChat>(
    `SELECT s.chat_id, s.chat_type, s.subscribed_by, s.thread_id FROM subscriptions s
      WHERE s.subscribed_at <= @dueAt
        AND NOT EXISTS (SELECT 1 FROM reminder_deliveries d
                         WHERE d.meeting_id = @meetingId AND d.offset_ms = @offsetMs AND d.chat_id = s.chat_id)`,
  );
  const insertReminder = db.prepare(
    `INSERT INTO reminder_deliveries (meeting_id, offset_ms, chat_id, thread_id, due_at, status, attempts, next_attempt_at, last_error, updated_at)
     VALUES (@meetingId, @offsetMs, @chatId, @threadId, @dueAt, @status, 0, @now, @note, @now)
     ON CONFLICT (meeting_id, offset_ms, chat_id) DO NOTHING`,
  );
  const nextRetryStmt = db.prepare<[], { next: number | null }>(
    `SELECT min(n) AS next FROM (
       SELECT min(next_attempt_at) AS n FROM reminder_deliveries WHERE status = 'pending'
       UNION ALL SELECT min(next_attempt_at) FROM announcement_deliveries WHERE status = 'pending')`,
  );
  const pendingReminders = db.prepare<[number, number], Omit<Work, 'ledger'>>(
    `SELECT rowid, chat_id AS chatId, attempts, meeting_id AS meetingId, offset_ms AS offsetMs, due_at AS dueAt
       FROM reminder_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, due_at, rowid LIMIT ?`,
  );
  const pendingAnnouncements = db.prepare<[number, number], Omit<Work, 'ledger'>>(
    `SELECT d.rowid AS rowid, d.chat_id AS chatId, d.attempts, a.meeting_id AS meetingId, a.reply, a.created_at AS createdAt, a.kind
       FROM announcement_deliveries d JOIN announcements a ON a.id = d.announcement_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.rowid LIMIT ?`,
  );
  const st = (ledger: Ledger) => ({
    claim: db.prepare<[number, number]>(
      `UPDATE ${ledger} SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE rowid = ? AND status = 'pending'`,
    ),
    finish: db.prepare<[string, string | null, number, number]>(
      `UPDATE ${ledger} SET status = ?, last_error = ?, updated_at = ? WHERE rowid = ? AND status = 'sending'`,
    ),
    retry: db.prepare<[number, string, number, number]>(
      `UPDATE ${ledger} SET status = 'pending', next_attempt_at = ?, last_error = ?, updated_at = ? WHERE rowid = ? AND status = 'sending'`,
    ),
    park: db.prepare<[number, number, number]>(
      `UPDATE ${ledger} SET status = 'pending', attempts = attempts - 1, next_attempt_at = ?, updated_at = ? WHERE rowid = ? AND status = 'sending'`,
    ),
    recover: db.prepare<[number, number]>(
      `UPDATE ${ledger} SET status = 'pending', next_attempt_at = ?, last_error = 'resent after an interrupted send', updated_at = ? WHERE status = 'sending'`,
    ),
  });
  const ledgers = { reminder_deliveries: st('reminder_deliveries'), announcement_deliveries: st('announcement_deliveries') };
  const insertAnnouncement = db.prepare<[string | null, string, string, string, number]>(
    'INSERT INTO announcements (meeting_id, kind, reply, created_by, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertAnnDelivery = db.prepare<[number, string, string | null, number, number]>(
    `INSERT INTO announcement_deliveries (announcement_id, chat_id, thread_id, status, attempts, next_attempt_at, updated_at)
     VALUES (?, ?, ?, 'pending', 0, ?, ?)`,
  );
  const clearReminders = db.prepare<[string]>('DELETE FROM reminder_deliveries WHERE meeting_id = ?');
  const skipReminders = db.prepare<[number, string]>(
    "UPDATE reminder_deliveries SET status = 'skipped', last_error = 'meeting cancelled', updated_at = ? WHERE meeting_id = ? AND status = 'pending'",
  );
  const skipAnnouncements = db.prepare<[number, string]>(
    `UPDATE announcement_deliveries SET status = 'skipped', last_error = 'superseded', updated_at = ?
      WHERE status = 'pending' AND announcement_id IN (SELECT id FROM announcements WHERE meeting_id = ?)`,
  );

  // --- retention -------------------------------------------------------------------------------
  const purgeAnnouncements = db.prepare<[number]>(
    `DELETE FROM announcements WHERE created_at < ?
       AND NOT EXISTS (SELECT 1 FROM announcement_deliveries d WHERE d.announcement_id = announcements.id AND d.status NOT IN ${FINAL})`,
  );
  const purgeReminders = db.prepare<[number, string]>(
    `DELETE FROM reminder_deliveries WHERE status IN ${FINAL} AND updated_at < ?
       AND meeting_id IN (SELECT value FROM json_each(?))`,
  );

  return {
    // subscriptions
    getSubscription(chatId: string): Subscription | undefined {
      const r = getSub.get(chatId);
      return r ? toSub(r) : undefined;
    },
    subscriptions: () => allSubs.all().map(toSub),
    countSubscriptions: () => countSubs.get()?.n ?? 0,
    /** Returns false when the chat was already subscribed (its thread is updated). Inside store.immediate(). */
    subscribe(chat: { id: string; type: Subscription['chatType'] }, threadId: string | undefined, by: string, at: Date): boolean {
      const had = getSub.get(chat.id) !== undefined;
      insertSub.run({ chatId: chat.id, chatType: chat.type, threadId: threadId ?? null, by, at: at.getTime() });
      return !had;
    },
    /** Returns false when the chat was not subscribed. Pending deliveries to it are dropped
     *  ('skipped'; 'gone' when the chat is gone). Inside store.immediate(). */
    unsubscribe(chatId: string, at: Date, gone = false): boolean {
      const r = delSub.run(chatId);
      for (const s of gone ? markGone : skipPending) s.run(at.getTime(), chatId);
      return r.changes > 0;
    },
    /** A chat changed id (Telegram group -> supergroup). Inside store.immediate(). */
    migrate(from: string, to: string): boolean {
      if (from === to) return false;
      let moved = false;
      if (getSub.get(from)) {
        if (getSub.get(to)) delSub.run(from);
        else moveSub.run(to, from);
        moved = true;
      }
      moveLedger[0].run(to, from);
      moveLedger[1].run(from);
      moveLedger[2].run(to, from);
      moveLedger[3].run(from);
      return moved;
    },

    // reminders due
    dueChats: (meetingId: string, offsetMs: number, dueAt: number) => dueChats.all({ meetingId, offsetMs, dueAt }),
    insertReminder(r: {
      meetingId: string;
      offsetMs: number;
      chatId: string;
      threadId: string | null;
      dueAt: number;
      status: 'pending' | 'skipped';
      now: number;
      note: string | null;
    }): void {
      insertReminder.run(r);
    },
    /** The earliest retry time of a pending delivery, if any. */
    nextRetryAt: (): number | undefined => nextRetryStmt.get()?.next ?? undefined,
    /** Pending deliveries due at `now`, claimed ('sending') in one transaction. */
    claim(now: number, batch: number): Work[] {
      return store.immediate(() => {
        const work: Work[] = [
          ...pendingReminders.all(now, batch).map((w) => ({ ...w, ledger: 'reminder_deliveries' as const })),
          ...pendingAnnouncements.all(now, batch).map((w) => ({ ...w, ledger: 'announcement_deliveries' as const })),
        ];
        for (const w of work) {
          ledgers[w.ledger].claim.run(now, w.rowid);
          w.attempts += 1;
        }
        return work;
      });
    },
    finish: (w: Work, status: 'sent' | 'failed' | 'skipped' | 'gone', note: string | null, now: number) =>
      void ledgers[w.ledger].finish.run(status, note, now, w.rowid),
    retry: (w: Work, at: number, note: string, now: number) => void ledgers[w.ledger].retry.run(at, note, now, w.rowid),
    /** Back to pending without counting the attempt (no adapter for the chat's platform yet). */
    park: (w: Work, at: number, now: number) => void ledgers[w.ledger].park.run(at, now, w.rowid),
    /** Rows left 'sending' by a stop mid-send are sent again; returns how many. */
    recover: (now: number): number =>
      store.immediate(
        () => ledgers.reminder_deliveries.recover.run(now, now).changes + ledgers.announcement_deliveries.recover.run(now, now).changes,
      ),

    // announcements
    /** Inside store.immediate(). Returns the announcement id. */
    insertAnnouncement: (meetingId: string | null, kind: AnnouncementKind, reply: string, by: string, now: number) =>
      Number(insertAnnouncement.run(meetingId, kind, reply, by, now).lastInsertRowid),
    insertAnnouncementDelivery: (announcementId: number, chatId: string, threadId: string | null, now: number) =>
      void insertAnnDelivery.run(announcementId, chatId, threadId, now, now),
    /** A moved meeting's reminders start again from its new time. */
    clearReminders: (meetingId: string) => void clearReminders.run(meetingId),
    skipReminders: (meetingId: string, now: number) => void skipReminders.run(now, meetingId),
    skipAnnouncements: (meetingId: string, now: number) => void skipAnnouncements.run(now, meetingId),

    /** Announcements older than `cutoff` with nothing left to send (and their deliveries, by
     *  cascade); reminder deliveries finished before `cutoff` of the meetings `beganBefore`. */
    purge(cutoff: number, beganBefore: readonly string[]): { announcements: number; reminderDeliveries: number } {
      return store.immediate(() => ({
        announcements: purgeAnnouncements.run(cutoff).changes,
        reminderDeliveries: purgeReminders.run(cutoff, JSON.stringify(beganBefore)).changes,
      }));
    },
  };
}
