// Reminders and announcements: both live in the database as a delivery ledger (./repo.ts), never
// in long timers. On each wake of the wake loop (src/core/wake-loop.ts: at min(every feature's
// nextDueAt, 60 s) on the injectable clock) tick() turns due (meeting, offset, chat) triples into
// ledger rows, delivers pending rows and retries with exponential backoff.
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
import type { OutboundRouter } from '../../core/outbound.ts';
import { DeliveryError, type Clock } from '../../core/ports.ts';
import { errorFields } from '../../core/logger.ts';
import type { Reply } from '../../core/reply.ts';
import { humanDuration } from '../../shared/text.ts';
import type { Store } from '../../store/store.ts';
import { isTimed } from '../meetings/index.ts';
import { createSecretariatNotices, reminderLabel, type DeliveryProblem } from './delivery-notices.ts';
import type { ReminderAccess, ReminderMeetings } from './ports.ts';
import { ANNOUNCEMENT_TTL_MS, backoffMs, MAX_ATTEMPTS, MAX_RATE_LIMITED_ATTEMPTS, reminderDueAt } from './reminder-times.ts';
import type { AnnouncementKind, DueChat, RemindersRepo, Work } from './repo.ts';

/** Meetings that began longer ago than this are not looked at any more. */
const LOOKBACK_MS = 30 * 86_400_000;
const CLAIM_BATCH = 5000;
const CONCURRENCY = 8;

export interface SchedulerDeps {
  store: Store;
  repo: RemindersRepo;
  clock: Clock;
  outbound: OutboundRouter;
  access: ReminderAccess;
  log: Logger;
  offsetsMs: number[];
  meetings: ReminderMeetings;
  /** A delivery said the chat is gone: every feature lets go of it (the dispatcher's chatGone). */
  onGone(chatId: string, reason: string): Promise<void>;
  /** SECRETARIAT from the configuration: who is told about failed deliveries (./delivery-notices.ts). */
  secretariatIds?: readonly string[];
}

export type Scheduler = ReturnType<typeof createScheduler>;

export function createScheduler(deps: SchedulerDeps) {
  const { store, repo, clock, outbound, access, meetings } = deps;
  const log = deps.log.child({ module: 'scheduler' });
  const notices = createSecretariatNotices({
    subscriptions: { all: repo.subscriptions },
    access,
    outbound,
    log,
    secretariatIds: deps.secretariatIds ?? [],
  });
  /** Deliveries that failed for good in the current run: the secretariat is told after it. */
  let problems: DeliveryProblem[] = [];

  /** Queue an announcement to every subscribed allowed chat (except `exceptChat`, which has the
   *  command's reply). Call inside store.immediate() together with the change it announces. */
  function enqueueAnnouncement(kind: AnnouncementKind, meetingId: string | null, reply: Reply, by: string, exceptChat?: string): number {
    const now = clock.now().getTime();
    const id = repo.insertAnnouncement(meetingId, kind, JSON.stringify(reply), by, now);
    let n = 0;
    for (const s of repo.subscriptions()) {
      if (s.chatId === exceptChat) continue;
      if (!access.isChatAllowed({ id: s.chatId, type: s.chatType }, s.subscribedBy)) continue;
      repo.insertAnnouncementDelivery(id, s.chatId, s.threadId ?? null, now);
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
      for (const m of meetings.timedAfter(now - LOOKBACK_MS)) {
        const byChat = new Map<string, { offsetMs: number; dueAt: number; chat: DueChat }[]>();
        for (const offsetMs of deps.offsetsMs) {
          const dueAt = reminderDueAt(m.startsAt, m.zone, offsetMs);
          // Offsets already past when the meeting was added or moved are skipped: the announcement informed the chats.
          if (dueAt > now || dueAt < m.remindersFrom) continue;
          for (const chat of repo.dueChats(m.id, offsetMs, dueAt)) {
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
            if (m.startsAt <= now) {
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
            repo.insertReminder({
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
    for (const m of meetings.timedAfter(now)) {
      for (const o of deps.offsetsMs) {
        const due = reminderDueAt(m.startsAt, m.zone, o);
        if (due > now && due >= m.remindersFrom && due < next) next = due;
      }
    }
    return next;
  }

  const finish = (w: Work, status: 'sent' | 'failed' | 'skipped' | 'gone', note: string | null = null) =>
    repo.finish(w, status, note, clock.now().getTime());

  async function deliver(w: Work): Promise<void> {
    const now = clock.now();
    const sub = repo.getSubscription(w.chatId);
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
      repo.park(w, now.getTime() + 5 * 60_000, now.getTime());
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
    repo.retry(w, now + wait, note, now);
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

  /** Delivers what is due at `now`: reminders fallen due become ledger rows, pending rows are
   *  sent (a big backlog is worked through before returning), then the secretariat is told of
   *  deliveries that failed for good. */
  async function tick(now: Date): Promise<void> {
    if (!store.db.open) return;
    materialise(now.getTime());
    let work = repo.claim(now.getTime(), CLAIM_BATCH);
    while (work.length) {
      await pool(work, CONCURRENCY, deliver);
      if (!store.db.open) return;
      // A big backlog (or retries due right now) is worked through before sleeping.
      work = work.length >= CLAIM_BATCH ? repo.claim(clock.now().getTime(), CLAIM_BATCH) : [];
    }
    const failures = problems;
    problems = [];
    if (failures.length && store.db.open) await notices.tell(failures);
  }

  return {
    enqueueAnnouncement,
    tick,
    /** The next reminder or retry due after now. A query: it writes nothing. */
    nextDueAt(): Date | undefined {
      const t = clock.now().getTime();
      const next = Math.min(nextReminderAt(t), repo.nextRetryAt() ?? Infinity);
      return Number.isFinite(next) ? new Date(next) : undefined;
    },
    /** Before the first run: deliveries interrupted by the last stop are sent again (at-least-once). */
    recover(): void {
      const now = clock.now().getTime();
      const resent = repo.recover(now);
      if (resent) log.warn({ deliveries: resent }, 'deliveries interrupted by the last stop are sent again (at-least-once)');
    },
  };
}
