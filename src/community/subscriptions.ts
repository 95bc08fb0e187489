// Chats subscribed to reminders and announcements (/subscribe, /unsubscribe).
import type { Incoming } from '../core/ports.ts';
import type { Store } from '../store/store.ts';

export interface Subscription {
  chatId: string;
  chatType: Incoming['chat']['type'];
  threadId?: string;
  subscribedBy: string;
  subscribedAt: Date;
}

interface Row {
  chat_id: string;
  chat_type: Incoming['chat']['type'];
  thread_id: string | null;
  subscribed_by: string;
  subscribed_at: number;
}

const toSub = (r: Row): Subscription => ({
  chatId: r.chat_id,
  chatType: r.chat_type,
  ...(r.thread_id ? { threadId: r.thread_id } : {}),
  subscribedBy: r.subscribed_by,
  subscribedAt: new Date(r.subscribed_at),
});

export type Subscriptions = ReturnType<typeof createSubscriptions>;

export function createSubscriptions(store: Store) {
  const db = store.db;
  const getStmt = db.prepare<[string], Row>('SELECT * FROM subscriptions WHERE chat_id = ?');
  const allStmt = db.prepare<[], Row>('SELECT * FROM subscriptions ORDER BY subscribed_at, chat_id');
  const countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM subscriptions');
  const insert = db.prepare(
    `INSERT INTO subscriptions (chat_id, chat_type, thread_id, subscribed_by, subscribed_at) VALUES (@chatId, @chatType, @threadId, @by, @at)
     ON CONFLICT (chat_id) DO UPDATE SET thread_id = excluded.thread_id, chat_type = excluded.chat_type`,
  );
  const del = db.prepare<[string]>('DELETE FROM subscriptions WHERE chat_id = ?');
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

  return {
    get(chatId: string): Subscription | undefined {
      const r = getStmt.get(chatId);
      return r ? toSub(r) : undefined;
    },
    all: () => allStmt.all().map(toSub),
    count: () => countStmt.get()?.n ?? 0,
    /** Returns false when the chat was already subscribed (its thread is updated). Inside store.immediate(). */
    subscribe(chat: { id: string; type: Subscription['chatType'] }, threadId: string | undefined, by: string, at: Date): boolean {
      const had = getStmt.get(chat.id) !== undefined;
      insert.run({ chatId: chat.id, chatType: chat.type, threadId: threadId ?? null, by, at: at.getTime() });
      return !had;
    },
    /** Returns false when the chat was not subscribed. Pending deliveries to it are dropped. Inside store.immediate(). */
    unsubscribe(chatId: string, at: Date, gone = false): boolean {
      const r = del.run(chatId);
      for (const s of gone ? markGone : skipPending) s.run(at.getTime(), chatId);
      return r.changes > 0;
    },
    /** A chat changed id (Telegram group -> supergroup). Inside store.immediate(). */
    migrate(from: string, to: string): boolean {
      if (from === to) return false;
      let moved = false;
      if (getStmt.get(from)) {
        if (getStmt.get(to)) del.run(from);
        else moveSub.run(to, from);
        moved = true;
      }
      moveLedger[0].run(to, from);
      moveLedger[1].run(from);
      moveLedger[2].run(to, from);
      moveLedger[3].run(from);
      return moved;
    },
  };
}
