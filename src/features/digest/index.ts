// The weekly digest (issue 15): at DIGEST_AT (e.g. mon 09:00 in the community's zone) each
// subscribed, allowed chat gets one short message: the next meeting, open agenda suggestions and
// polls, open follow-ups, entries added to the practice base that week (./compose.ts). A
// secretariat member's private chat (subscribed there) also gets the week's unanswered questions
// and the answer feedback. Nothing is sent when there is nothing to say.
//
// Delivered like reminders, through the scheduler's tick and a persisted ledger (./repo.ts): one
// row per (chat, ISO week in the zone), inserted at the due time, so a digest goes out once per
// chat and week whatever restarts or clock changes happen. After downtime it is caught up on
// start when that is still the due day (in the zone); later it is recorded as missed, not sent.
// A send interrupted by a crash is NOT sent again (at most once, unlike reminders): a week's
// digest twice is worse than one missed. Retries with backoff until the end of the due day.
import type { Logger } from 'pino';
import { DateTime } from 'luxon';
import type { DigestAt } from '../../config.ts';
import type { Feature } from '../../core/feature.ts';
import { errorFields } from '../../core/logger.ts';
import type { OutboundRouter } from '../../core/outbound.ts';
import { DeliveryError, type Clock } from '../../core/ports.ts';
import type { Store } from '../../store/store.ts';
import { composeDigest } from './compose.ts';
import type { DigestAgenda, DigestFeedback, DigestFollowups, DigestKnowledge, DigestMeetings, DigestRecipients } from './ports.ts';
import { createDigestRepo, type DigestRow } from './repo.ts';
import { digestWeek, nextDigestWeek, type DigestWeek } from './schedule.ts';

export type { DigestAgenda, DigestFeedback, DigestFollowups, DigestKnowledge, DigestMeeting, DigestMeetings, DigestRecipient, DigestRecipients } from './ports.ts';
export { digestWeek, nextDigestWeek, type DigestWeek } from './schedule.ts';

const CONCURRENCY = 4;
const MAX_ATTEMPTS = 6;
const MAX_RATE_LIMITED_ATTEMPTS = 12;
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 30 * 60_000;
const PARK_MS = 5 * 60_000;
/** Ledger rows are kept this long (they are tiny: one per chat and week). */
const KEEP_MS = 400 * 86_400_000;

export interface DigestDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  outbound: Pick<OutboundRouter, 'capabilitiesOf' | 'for'>;
  /** DIGEST_AT; null or undefined = no digest. */
  at: DigestAt | null | undefined;
  /** The community's zone (used when DIGEST_AT names none). */
  zone: () => string;
  recipients: DigestRecipients;
  meetings: DigestMeetings;
  agenda: DigestAgenda;
  followups: DigestFollowups;
  knowledge: DigestKnowledge;
  feedback?: DigestFeedback;
  /** A delivery said the chat is gone: every feature lets go of it. */
  onGone(chatId: string, reason: string): Promise<void>;
}

export interface DigestFeature extends Feature {
  tick(now: Date): Promise<void>;
  nextDueAt(): Date | undefined;
  /** The week the digest schedule is in at `now` (tests, status). */
  weekAt(now: Date): DigestWeek | undefined;
}

export function createDigest(deps: DigestDeps): DigestFeature {
  const { store, clock, outbound, recipients } = deps;
  const log = deps.log.child({ module: 'digest' });
  const at = deps.at ?? undefined;
  const repo = createDigestRepo(store);
  const zoneOf = () => at?.zone ?? deps.zone();
  let recovered = false;
  let purgedAt = -Infinity;
  /** The week whose rows this process has written (a tick then has only deliveries to do). */
  let materialised: string | undefined;

  function weekOfDue(dueAt: number, key: string): DigestWeek {
    const due = DateTime.fromMillis(dueAt, { zone: zoneOf() });
    return {
      key,
      dueAt: new Date(dueAt),
      deadlineAt: due.startOf('day').plus({ days: 1 }).toJSDate(),
      dueDay: due.toISODate() ?? '',
      weekStart: due.minus({ days: 7 }).toISODate() ?? '',
    };
  }

  function materialise(now: Date): void {
    if (!at) return;
    const w = digestWeek(now, at, zoneOf());
    if (now < w.dueAt || materialised === w.key) return;
    const inTime = now < w.deadlineAt;
    const missed = store.immediate(() => {
      let n = 0;
      for (const r of recipients.list(w.dueAt)) {
        const res = repo.insert.run({
          chat: r.chatId,
          week: w.key,
          thread: r.threadId ?? null,
          secretariat: r.secretariat ? 1 : 0,
          due: w.dueAt.getTime(),
          deadline: w.deadlineAt.getTime(),
          status: inTime ? 'pending' : 'skipped',
          note: inTime ? null : 'missed: the bot was not running on the digest day',
          now: now.getTime(),
        });
        if (!inTime) n += res.changes;
      }
      return n;
    });
    materialised = w.key;
    if (missed) log.warn({ week: w.key, chats: missed }, 'weekly digest missed: the bot was not running on the digest day (it is not sent late)');
  }

  const finish = (r: DigestRow, status: 'sent' | 'failed' | 'skipped' | 'gone', note: string | null = null) =>
    repo.finish.run(status, note, clock.now().getTime(), r.chat_id, r.week);

  async function deliver(r: DigestRow): Promise<void> {
    const now = clock.now();
    if (now.getTime() >= r.deadline_at) return void finish(r, 'skipped', 'late: the digest day was over');
    const who = recipients.get(r.chat_id);
    if (!who) return void finish(r, 'skipped', 'unsubscribed or no longer allowed');
    const reply = composeDigest(deps, weekOfDue(r.due_at, r.week), now, who.secretariat);
    if (!reply) return void finish(r, 'skipped', 'nothing to say');
    if (!outbound.capabilitiesOf(r.chat_id)) {
      repo.park.run(now.getTime() + PARK_MS, now.getTime(), r.chat_id, r.week);
      return;
    }
    try {
      await outbound.for(r.chat_id).send(r.chat_id, reply, who.threadId ? { threadId: who.threadId } : undefined);
    } catch (err) {
      await failed(r, err);
      return;
    }
    if (!store.db.open) return;
    finish(r, 'sent');
    log.debug({ chat: r.chat_id, week: r.week }, 'weekly digest sent');
  }

  async function failed(r: DigestRow, err: unknown): Promise<void> {
    if (!store.db.open) return;
    const now = clock.now().getTime();
    const e = err instanceof DeliveryError ? err : undefined;
    const kind = e?.failure ?? 'transient';
    const note = errorFields(err).message.slice(0, 200);
    const fields = { chat: r.chat_id, week: r.week, attempt: r.attempts + 1, failure: kind, err: errorFields(err) };
    if (kind === 'gone') {
      finish(r, 'gone', note);
      log.warn(fields, 'the chat removed or blocked the bot');
      await deps.onGone(r.chat_id, `delivery failed: ${note}`);
      return;
    }
    const attempts = r.attempts + 1;
    if (kind === 'permanent' || attempts >= (kind === 'rate-limited' ? MAX_RATE_LIMITED_ATTEMPTS : MAX_ATTEMPTS)) {
      finish(r, 'failed', note);
      log.error(fields, 'weekly digest could not be delivered; giving up');
      return;
    }
    const wait = kind === 'rate-limited' ? Math.max(1000, e?.retryAfterMs ?? 1000) : Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempts - 1));
    if (now + wait >= r.deadline_at) {
      finish(r, 'failed', `late: ${note}; a retry would come after the digest day`.slice(0, 300));
      log.error(fields, 'weekly digest failed and a retry would come after the digest day; giving up');
      return;
    }
    repo.retry.run(now + wait, note, now, r.chat_id, r.week);
    log.warn({ ...fields, retryInMs: wait }, 'weekly digest failed; will retry');
  }

  async function pool(rows: DigestRow[]): Promise<void> {
    let i = 0;
    const worker = async () => {
      while (i < rows.length) {
        const r = rows[i++]!;
        try {
          await deliver(r);
        } catch (err) {
          log.error({ err: errorFields(err), chat: r.chat_id }, 'weekly digest bookkeeping failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rows.length) }, worker));
  }

  return {
    name: 'digest',
    weekAt: (now) => (at ? digestWeek(now, at, zoneOf()) : undefined),

    async tick(now) {
      if (!at || !store.db.open) return;
      if (!recovered) {
        recovered = true;
        const n = repo.interrupted.run(now.getTime()).changes;
        if (n) log.warn({ chats: n }, 'weekly digests interrupted by the last stop are not sent again (at most once a week)');
      }
      materialise(now);
      // Read first (every wake), write only when something is due.
      if (repo.due.all(now.getTime()).length) {
        const work = store.immediate(() => repo.due.all(now.getTime()).filter((r) => repo.claim.run(now.getTime(), r.chat_id, r.week).changes > 0));
        await pool(work);
      }
      if (store.db.open && now.getTime() - purgedAt >= 86_400_000) {
        repo.purge.run(now.getTime() - KEEP_MS);
        purgedAt = now.getTime();
      }
    },

    nextDueAt() {
      if (!at) return undefined;
      const now = clock.now();
      const w = digestWeek(now, at, zoneOf());
      let due: Date;
      if (now < w.dueAt) due = w.dueAt;
      else if (materialised !== w.key) due = now;
      else due = nextDigestWeek(w, at, zoneOf()).dueAt;
      const pending = repo.nextPending.get()?.at;
      return pending != null && pending < due.getTime() ? new Date(pending) : due;
    },

    chatGone(chatId) {
      if (store.db.open) repo.dropChat.run('gone', clock.now().getTime(), chatId);
    },

    chatMigrated(from, to) {
      store.immediate(() => {
        repo.moveChat.run(to, from);
        repo.deleteChat.run(from);
      });
    },
  };
}
