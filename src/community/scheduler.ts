// Reminders and announcements: both live in the database as a delivery ledger, never in long
// timers. The scheduler wakes at min(next due, 60 s) on the injectable clock, turns due
// (meeting, offset, chat) triples into ledger rows, delivers pending rows, retries with
// exponential backoff, and calls the agenda's tick.
//
// Exactly-once is impossible (no platform has idempotent sends), so this errs AT-LEAST-ONCE:
// a row is claimed ('sending') in one transaction before the send and marked 'sent' in another
// after it. A crash between the two leaves 'sending'; on the next start such rows are sent again.
// The only duplicate a chat can see is that one message, after a crash in that window.
//
// Nothing is dropped silently (issue 11, item 8): a delivery that fails for good (a permanent
// error, too many attempts) or whose retry would come at or after its deadline (a reminder: the
// meeting's start; an announcement: the meeting's start or its 3-day lifetime) is marked 'failed'
// in its ledger (last_error 'late: ...' for the latter), logged with one error line, and reported
// to the secretariat in one notice per run (./delivery-notices.ts). Reminders skipped because the
// bot was down past their time are logged at warn level.
import type { Logger } from 'pino';
import type { OutboundRouter } from '../core/outbound.ts';
import { DeliveryError, type Clock } from '../core/ports.ts';
import { errorFields } from '../core/logger.ts';
import type { Reply } from '../core/reply.ts';
import type { Store } from '../store/store.ts';
import type { CommunityAccess } from './access.ts';
import { createSecretariatNotices, reminderLabel, type DeliveryProblem } from './delivery-notices.ts';
import { isTimed, type Meetings } from './meetings.ts';
import { humanDuration } from './parse.ts';
import type { Subscriptions } from './subscriptions.ts';
import { ANNOUNCEMENT_TTL_MS, backoffMs, MAX_ATTEMPTS, MAX_RATE_LIMITED_ATTEMPTS, MAX_SLEEP_MS, reminderDueAt } from './reminder-times.ts';
export { backoffMs, MAX_ATTEMPTS, MAX_SLEEP_MS, reminderDueAt, RETRY_BASE_MS, RETRY_MAX_MS } from './reminder-times.ts';

/** Meetings that began longer ago than this are not looked at any more. */
const LOOKBACK_MS = 30 * 86_400_000;
const CLAIM_BATCH = 5000;
const CONCURRENCY = 8;

export type AnnouncementKind = 'added' | 'changed' | 'cancelled' | 'remind';

export interface SchedulerDeps {
  store: Store;
  clock: Clock;
  outbound: OutboundRouter;
  access: CommunityAccess;
  log: Logger;
  offsetsMs: number[];
  meetings: Meetings;
  subscriptions: Subscriptions;
  agenda: { tick(now: Date): Promise<void>; nextDueAt(): Date | undefined };
  /** A delivery said the chat is gone: unsubscribe it everywhere. */
  onGone(chatId: string, reason: string): Promise<void>;
  /** SECRETARIAT from the configuration: who is told about failed deliveries (./delivery-notices.ts). */
  secretariatIds?: readonly string[];
}

type Ledger = 'reminder_deliveries' | 'announcement_deliveries';

interface Work {
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

export type Scheduler = ReturnType<typeof createScheduler>;


export function createScheduler(deps: SchedulerDeps) {
  const { store, clock, outbound, access, meetings, subscriptions, agenda } = deps;
  const db = store.db;
  const log = deps.log.child({ module: 'scheduler' });
  const notices = createSecretariatNotices({ subscriptions, access, outbound, log, secretariatIds: deps.secretariatIds ?? [] });
  /** Deliveries that failed for good in the current run: the secretariat is told after it. */
  let problems: DeliveryProblem[] = [];

  // --- statements ------------------------------------------------------------------------------
  const timedMeetings = db.prepare<[number], { id: string; starts_at: number; zone: string; reminders_from: number }>(
    `SELECT id, starts_at, zone, reminders_from FROM meetings
      WHERE cancelled = 0 AND starts_at IS NOT NULL AND zone IS NOT NULL AND starts_at > ? ORDER BY starts_at, id`,
  );
  const dueChats = db.prepare<
    { meetingId: string; offsetMs: number; dueAt: number },
    { chat_id: string; chat_type: 'private' | 'group' | 'channel'; subscribed_by: string; thread_id: string | null }
  >(
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

  // --- state -----------------------------------------------------------------------------------
  let started = false;
  let stopped = false;
  let timer: { cancel(): void } | undefined;
  let chain: Promise<void> = Promise.resolve();

  /** Queue an announcement to every subscribed allowed chat (except `exceptChat`, which has the
   *  command's reply). Call inside store.immediate() together with the change it announces. */
  function enqueueAnnouncement(kind: AnnouncementKind, meetingId: string | null, reply: Reply, by: string, exceptChat?: string): number {
    const now = clock.now().getTime();
    const id = Number(insertAnnouncement.run(meetingId, kind, JSON.stringify(reply), by, now).lastInsertRowid);
    let n = 0;
    for (const s of subscriptions.all()) {
      if (s.chatId === exceptChat) continue;
      if (!access.isChatAllowed({ id: s.chatId, type: s.chatType }, s.subscribedBy)) continue;
      insertAnnDelivery.run(id, s.chatId, s.threadId ?? null, now, now);
      n++;
    }
    return n;
  }

  /** Turns due (meeting, offset, chat) triples into ledger rows. When several offsets of one
   *  meeting fall due together for a chat (after downtime), only the latest is sent; the others
   *  are recorded as skipped. Reminders for a meeting that has begun are skipped and logged. */
  function materialise(now: number): void {
    store.immediate(() => {
      const begun = new Map<string, number>();
      for (const m of timedMeetings.all(now - LOOKBACK_MS)) {
        const byChat = new Map<string, { offsetMs: number; dueAt: number; chat: ReturnType<typeof dueChats.all>[number] }[]>();
        for (const offsetMs of deps.offsetsMs) {
          const dueAt = reminderDueAt(m.starts_at, m.zone, offsetMs);
          // Offsets already past when the meeting was added or moved are skipped: the announcement informed the chats.
          if (dueAt > now || dueAt < m.reminders_from) continue;
          for (const chat of dueChats.all({ meetingId: m.id, offsetMs, dueAt })) {
            const list = byChat.get(chat.chat_id);
            if (list) list.push({ offsetMs, dueAt, chat });
            else byChat.set(chat.chat_id, [{ offsetMs, dueAt, chat }]);
          }
        }
        for (const list of byChat.values()) {
          list.sort((a, b) => a.offsetMs - b.offsetMs);
          list.forEach((r, i) => {
            let status: 'pending' | 'skipped' = 'pending';
            let note: string | null = null;
            if (m.starts_at <= now) {
              status = 'skipped';
              note = 'the meeting had already begun';
              begun.set(m.id, (begun.get(m.id) ?? 0) + 1);
            } else if (i > 0) {
              status = 'skipped';
              note = 'superseded by a later reminder due at the same time';
            } else if (!access.isChatAllowed({ id: r.chat.chat_id, type: r.chat.chat_type }, r.chat.subscribed_by)) {
              status = 'skipped';
              note = 'chat no longer allowed';
            }
            insertReminder.run({
              meetingId: m.id,
              offsetMs: r.offsetMs,
              chatId: r.chat.chat_id,
              threadId: r.chat.thread_id,
              dueAt: r.dueAt,
              status,
              now,
              note,
            });
          });
        }
      }
      for (const [meeting, n] of begun) {
        log.warn({ meeting, reminders: n }, 'reminders missed while the bot was down were skipped: the meeting had already begun');
      }
    });
  }

  /** The next reminder due strictly after `now`, over all upcoming meetings. */
  function nextReminderAt(now: number): number {
    let next = Infinity;
    for (const m of timedMeetings.all(now)) {
      for (const o of deps.offsetsMs) {
        const due = reminderDueAt(m.starts_at, m.zone, o);
        if (due > now && due >= m.reminders_from && due < next) next = due;
      }
    }
    return next;
  }

  function claim(now: number): Work[] {
    return store.immediate(() => {
      const work: Work[] = [
        ...pendingReminders.all(now, CLAIM_BATCH).map((w) => ({ ...w, ledger: 'reminder_deliveries' as const })),
        ...pendingAnnouncements.all(now, CLAIM_BATCH).map((w) => ({ ...w, ledger: 'announcement_deliveries' as const })),
      ];
      for (const w of work) {
        ledgers[w.ledger].claim.run(now, w.rowid);
        w.attempts += 1;
      }
      return work;
    });
  }

  const finish = (w: Work, status: 'sent' | 'failed' | 'skipped' | 'gone', note: string | null = null) =>
    ledgers[w.ledger].finish.run(status, note, clock.now().getTime(), w.rowid);

  async function deliver(w: Work): Promise<void> {
    const now = clock.now();
    const sub = subscriptions.get(w.chatId);
    if (!sub) return void finish(w, 'skipped', 'unsubscribed');
    if (!access.isChatAllowed({ id: sub.chatId, type: sub.chatType }, sub.subscribedBy)) {
      return void finish(w, 'skipped', 'chat no longer allowed');
    }
    let reply: Reply;
    if (w.ledger === 'reminder_deliveries') {
      const m = w.meetingId ? meetings.get(w.meetingId) : undefined;
      if (!m || m.cancelled || !isTimed(m)) return void finish(w, 'skipped', 'meeting cancelled or removed');
      if (reminderDueAt(m.startsAt.getTime(), m.zone, w.offsetMs ?? 0) !== w.dueAt) return void finish(w, 'skipped', 'meeting moved');
      if (m.startsAt.getTime() <= now.getTime()) {
        // Only after downtime or with no adapter running (a retry that would land after the start
        // is given up at once, see failed()).
        log.warn({ meeting: m.id, chat: w.chatId }, 'reminder skipped: the meeting began before it could be sent (the bot was down?)');
        return void finish(w, 'skipped', 'the meeting had begun before it could be sent');
      }
      reply = meetings.reminderReply(m, now, { offsetMs: w.offsetMs ?? 0, dueAt: w.dueAt ?? 0 });
    } else {
      if ((w.createdAt ?? 0) + ANNOUNCEMENT_TTL_MS < now.getTime()) {
        log.warn({ chat: w.chatId, meeting: w.meetingId, kind: w.kind }, 'announcement skipped: it expired before it could be sent (the bot was down?)');
        return void finish(w, 'skipped', 'announcement expired');
      }
      reply = JSON.parse(w.reply ?? '{"blocks":[]}') as Reply;
    }
    if (!outbound.capabilitiesOf(w.chatId)) {
      // No adapter for this platform is running now: keep it for later, not counted as an attempt.
      ledgers[w.ledger].park.run(now.getTime() + 5 * 60_000, now.getTime(), w.rowid);
      log.debug({ chat: w.chatId }, 'no adapter running for this chat; delivery postponed');
      return;
    }
    try {
      await outbound.for(w.chatId).send(w.chatId, reply, sub.threadId ? { threadId: sub.threadId } : undefined);
    } catch (err) {
      await failed(w, err);
      return;
    }
    if (!store.db.open) return; // stopped underneath us (crash simulation / forced stop)
    finish(w, 'sent');
  }

  async function failed(w: Work, err: unknown): Promise<void> {
    if (!store.db.open) return;
    const now = clock.now().getTime();
    const e = err instanceof DeliveryError ? err : undefined;
    const kind = e?.failure ?? 'transient';
    const fields = { chat: w.chatId, ledger: w.ledger, attempt: w.attempts, failure: kind, err: errorFields(err) };
    const note = errorFields(err).message.slice(0, 200);
    if (kind === 'gone') {
      finish(w, 'gone', note);
      log.warn(fields, 'the chat removed or blocked the bot: unsubscribing it');
      await deps.onGone(w.chatId, `delivery failed: ${note}`);
      return;
    }
    if (kind === 'permanent') {
      finish(w, 'failed', note);
      log.error(fields, 'delivery failed permanently; giving up');
      report(w, note);
      return;
    }
    const limit = kind === 'rate-limited' ? MAX_RATE_LIMITED_ATTEMPTS : MAX_ATTEMPTS;
    if (w.attempts >= limit) {
      finish(w, 'failed', note);
      log.error(fields, `delivery failed ${w.attempts} times; giving up`);
      report(w, `${w.attempts} attempts failed (the last: ${note})`);
      return;
    }
    const wait = kind === 'rate-limited' ? Math.max(1000, e?.retryAfterMs ?? 1000) : backoffMs(w.attempts);
    const deadline = deadlineOf(w);
    if (deadline && now + wait >= deadline.at) {
      // Waiting would only end in a skip: give up now, loudly.
      finish(w, 'failed', `late: ${note}; a retry in ${humanDuration(wait)} would come after ${deadline.what}`.slice(0, 300));
      log.error({ ...fields, retryInMs: wait }, `delivery failed: its retry would come after ${deadline.what}; giving up`);
      report(
        w,
        kind === 'rate-limited'
          ? `the platform asked the bot to wait ${humanDuration(wait)} (rate limit), which is past ${deadline.what}`
          : `${note}; a retry would come after ${deadline.what}`,
      );
      return;
    }
    ledgers[w.ledger].retry.run(now + wait, note, now, w.rowid);
    log.warn({ ...fields, retryInMs: wait }, 'delivery failed; will retry');
  }

  /** After when a delivery is of no use: a reminder's meeting start; an announcement's expiry, or
   *  its meeting's start when earlier. */
  function deadlineOf(w: Work): { at: number; what: string } | undefined {
    const m = w.meetingId ? meetings.get(w.meetingId) : undefined;
    const start = m && !m.cancelled && isTimed(m) ? m.startsAt.getTime() : undefined;
    if (w.ledger === 'reminder_deliveries') return start === undefined ? undefined : { at: start, what: "the meeting's start" };
    const expiry = (w.createdAt ?? 0) + ANNOUNCEMENT_TTL_MS;
    return start !== undefined && start < expiry ? { at: start, what: "the meeting's start" } : { at: expiry, what: 'the end of its 3-day lifetime' };
  }

  /** What a delivery was, for the secretariat's notice (titles and ids only, never the message). */
  function describe(w: Work): string {
    const m = w.meetingId ? meetings.get(w.meetingId) : undefined;
    const title = m ? `${m.title} (${m.id})` : (w.meetingId ?? 'a meeting');
    if (w.ledger === 'reminder_deliveries') return `The ${reminderLabel(w.offsetMs ?? 0)} for ${title}`;
    if (!w.meetingId) return 'An announcement';
    switch (w.kind) {
      case 'changed':
        return `The change notice for ${title}`;
      case 'cancelled':
        return `The cancellation notice for ${title}`;
      case 'remind':
        return `The reminder (/remind) for ${title}`;
      default:
        return `The announcement of ${title}`;
    }
  }

  function report(w: Work, reason: string): void {
    problems.push({ what: describe(w), chatId: w.chatId, reason });
  }

  async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
    let i = 0;
    const worker = async () => {
      while (i < items.length) {
        const item = items[i++]!;
        try {
          await fn(item);
        } catch (err) {
          log.error({ err: errorFields(err) }, 'delivery bookkeeping failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  }

  // --- ops (issue 16): the last wake, kept for /healthz (lastWakeAt) and written to meta for
  // `practice-bot status` at most once a minute of real time (a test clock racing through months
  // must not cost a write per simulated minute), without a disk sync (losing the last tick in a
  // power cut harms nothing). A failed write is logged once until one succeeds again.
  const tickStmt = db.prepare<[string]>(
    "INSERT INTO meta (key, value) VALUES ('scheduler.last_tick', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  let lastWake: Date | undefined;
  let tickWrittenAt = -Infinity;
  let tickFailed = false;
  function recordTick(now: Date): void {
    lastWake = now;
    const real = performance.now();
    if (real - tickWrittenAt < 60_000) return;
    try {
      db.pragma('synchronous = NORMAL');
      try {
        tickStmt.run(now.toISOString());
      } finally {
        db.pragma('synchronous = FULL');
      }
      tickWrittenAt = real;
      tickFailed = false;
    } catch (err) {
      if (!tickFailed) log.warn({ err: errorFields(err) }, 'scheduler tick not recorded');
      tickFailed = true;
    }
  }
  // --- end ops

  async function runOnce(now: Date): Promise<void> {
    if (!store.db.open) return;
    recordTick(now);
    materialise(now.getTime());
    let work = claim(now.getTime());
    while (work.length) {
      await pool(work, CONCURRENCY, deliver);
      if (!store.db.open) return;
      // A big backlog (or retries due right now) is worked through before sleeping.
      work = work.length >= CLAIM_BATCH ? claim(clock.now().getTime()) : [];
    }
    const failures = problems;
    problems = [];
    if (failures.length && store.db.open) await notices.tell(failures);
    if (!store.db.open) return;
    try {
      await agenda.tick(now);
    } catch (err) {
      log.error({ err: errorFields(err) }, 'agenda tick failed');
    }
  }

  /** When the next wake is due: min(next reminder, next retry, the agenda's next, now + 60 s). */
  function nextWakeAt(now: Date): number {
    const t = now.getTime();
    const candidates = [
      t + MAX_SLEEP_MS,
      nextReminderAt(t),
      nextRetryStmt.get()?.next ?? Infinity,
      agenda.nextDueAt()?.getTime() ?? Infinity,
    ];
    return Math.min(...candidates);
  }

  function arm(): void {
    timer?.cancel();
    timer = undefined;
    if (!started || stopped || !store.db.open) return;
    const now = clock.now();
    const delay = Math.max(1000, nextWakeAt(now) - now.getTime());
    timer = clock.setTimeout(() => {
      timer = undefined;
      void runDue();
    }, Math.min(delay, MAX_SLEEP_MS));
  }

  /** Does everything due at `now` (default: the clock's now): reminders, announcements, retries,
   *  the agenda's tick. Runs are serialised; the returned promise settles when this one is done. */
  function runDue(now?: Date): Promise<void> {
    const run = chain.then(async () => {
      if (stopped) return;
      try {
        await runOnce(now ?? clock.now());
      } catch (err) {
        log.error({ err: errorFields(err) }, 'scheduler run failed');
      }
      arm();
    });
    chain = run;
    return run;
  }

  return {
    enqueueAnnouncement,
    runDue,
    /** Resolves when the runs queued so far are done. */
    idle: () => chain,
    /** Something new to deliver (an announcement): run now when started. */
    poke(): void {
      if (started && !stopped) void runDue();
    },
    nextWakeAt: () => nextWakeAt(clock.now()),
    /** When the scheduler last woke (ops, issue 16: GET /healthz). */
    lastWakeAt: (): Date | undefined => lastWake,
    start(): void {
      if (started || stopped) return;
      started = true;
      const now = clock.now().getTime();
      const resent = store.immediate(
        () =>
          ledgers.reminder_deliveries.recover.run(now, now).changes + ledgers.announcement_deliveries.recover.run(now, now).changes,
      );
      if (resent) {
        log.warn({ deliveries: resent }, 'deliveries interrupted by the last stop are sent again (at-least-once)');
      }
      void runDue();
    },
    async stop(): Promise<void> {
      stopped = true;
      timer?.cancel();
      timer = undefined;
      await chain;
    },
  };
}
