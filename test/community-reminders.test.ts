// Reminders and announcements on a fake clock and real database files: DST, restarts, moves,
// cancellations, many chats, failures, retries and the crash window (at-least-once).
import { afterAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../src/core/ports.ts';
import { readAudit } from '../src/features/access/index.ts';
import { MAX_SLEEP_MS } from '../src/core/wake-loop.ts';
import { parseOffsets } from '../src/config.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import {
  createFakeClock,
  createRecordingOutbound,
  createTestBot,
  createTestLogger,
  fakeEngine,
  GROUP,
  CO_CHAIR as CO_CHAIR_ID,
  removeTempDirs,
  SECRETARIAT,
  tempDbPath,
  type TestBot,
  stopAfterEachTest,
  runDueAt,
} from './helpers/community.ts';

afterAll(removeTempDirs);

const PRIVATE = SECRETARIAT; // the secretariat's private chat (allowed: the user holds a role)
const OTHER = 'telegram:-100600';
const stopped = stopAfterEachTest();

function bot(opts: Parameters<typeof createTestBot>[0] = {}): TestBot {
  const b = createTestBot({
    ...opts,
    config: { allowedChats: [GROUP, OTHER], ...opts.config },
    clock: opts.clock ?? createFakeClock('2026-03-01T08:00:00Z'),
  });
  return stopped(b);
}

const reminders = (b: TestBot, chat = GROUP) => b.outbound.to(chat).filter((s) => s.text.startsWith('Reminder:'));
const ledger = (b: TestBot) =>
  b.community.store.db
    .prepare<[], { meeting_id: string; offset_ms: number; chat_id: string; status: string; attempts: number; due_at: number }>(
      'SELECT meeting_id, offset_ms, chat_id, status, attempts, due_at FROM reminder_deliveries ORDER BY due_at, chat_id',
    )
    .all();

async function subscribeAndAdd(b: TestBot, spec = '2026-03-30 09:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria'): Promise<string> {
  expect(await b.sayText('/subscribe')).toContain('now subscribed');
  const out = await b.sayText(`/meeting add ${spec}`, { chat: PRIVATE });
  const id = /Id: (m\d+)/.exec(out)?.[1];
  expect(id, out).toBeDefined();
  await b.community.idle();
  return id!;
}

describe('reminders', () => {
  it('fires a 7-day reminder across the EU daylight-saving switch at 09:00 local (07:00 UTC), then 1 day and 1 hour before', async () => {
    const b = bot();
    b.community.start();
    await subscribeAndAdd(b); // 2026-03-30 09:00 Sofia = 06:00 UTC (summer time from 29 March)
    expect(b.outbound.to(GROUP).map((s) => s.text.split('\n')[0])).toEqual(['New meeting: 7th COLEP meeting']);

    await runDueAt(b, '2026-03-23T06:59:00Z');
    expect(reminders(b)).toHaveLength(0);
    // The scheduler wakes at the due instant by itself (timer on the fake clock).
    await b.clock.advanceTo('2026-03-23T07:00:30Z');
    expect(reminders(b)).toHaveLength(1);
    expect(reminders(b)[0]!.at.toISOString()).toBe('2026-03-23T07:00:00.000Z');
    expect(reminders(b)[0]!.text).toContain('Starts in 7 days');

    await runDueAt(b, '2026-03-29T05:59:00Z');
    expect(reminders(b)).toHaveLength(1);
    await runDueAt(b, '2026-03-29T06:00:00Z'); // 1 day before: 09:00 summer time
    expect(reminders(b)).toHaveLength(2);
    await runDueAt(b, '2026-03-30T04:59:59Z');
    expect(reminders(b)).toHaveLength(2);
    await runDueAt(b, '2026-03-30T05:00:00Z'); // 1 hour before
    expect(reminders(b)).toHaveLength(3);
    expect(reminders(b)[2]!.text).toContain('Starts in 1 hour');
    await runDueAt(b, '2026-03-30T05:30:00Z');
    expect(reminders(b)).toHaveLength(3);
    expect(ledger(b).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('never sleeps longer than 60 seconds, even with the next reminder weeks away', async () => {
    const b = bot();
    b.community.start();
    await subscribeAndAdd(b);
    await b.community.idle();
    const timers = b.clock.pendingTimers();
    expect(timers).toHaveLength(1);
    expect(timers[0]!.at.getTime() - b.clock.now().getTime()).toBeLessThanOrEqual(MAX_SLEEP_MS);
    await b.clock.advance(MAX_SLEEP_MS);
    expect(b.clock.pendingTimers()).toHaveLength(1);
  });

  it('skips offsets already past when the meeting is added (the announcement informs the chat)', async () => {
    const b = bot({ clock: createFakeClock('2026-03-29T12:00:00Z') });
    b.community.start();
    const id = await subscribeAndAdd(b); // 7d and 1d are already past
    await runDueAt(b, '2026-03-29T12:05:00Z');
    expect(reminders(b)).toHaveLength(0);
    await runDueAt(b, '2026-03-30T05:00:00Z');
    expect(reminders(b)).toHaveLength(1);
    expect(ledger(b)).toEqual([expect.objectContaining({ meeting_id: id, offset_ms: 3_600_000, status: 'sent' })]);
  });

  it('a restart in the middle of the reminder window loses nothing and sends nothing twice', async () => {
    const databasePath = tempDbPath();
    const b1 = bot({ config: { databasePath } });
    b1.community.start();
    await subscribeAndAdd(b1);
    await runDueAt(b1, '2026-03-23T07:00:00Z');
    expect(reminders(b1)).toHaveLength(1);
    await b1.stop();

    // Down over the 1-day reminder; back 2 hours later, before the meeting.
    const b2 = bot({ config: { databasePath }, clock: createFakeClock('2026-03-29T08:00:00Z') });
    b2.community.start();
    await b2.community.idle();
    expect(reminders(b2).map((r) => r.text)).toEqual([expect.stringContaining('Starts in 22 hours')]);
    await runDueAt(b2, '2026-03-29T08:01:00Z');
    expect(reminders(b2)).toHaveLength(1);
    expect(b2.outbound.to(GROUP).filter((s) => s.text.startsWith('New meeting'))).toHaveLength(0); // not re-announced
    await b2.stop();

    // Restarted again right at the 1-hour reminder.
    const b3 = bot({ config: { databasePath }, clock: createFakeClock('2026-03-30T05:00:00Z') });
    b3.community.start();
    await b3.community.idle();
    expect(reminders(b3)).toHaveLength(1);
    await runDueAt(b3, '2026-03-30T05:10:00Z');
    expect(reminders(b3)).toHaveLength(1);
    expect(ledger(b3).map((r) => [r.offset_ms, r.status, r.attempts])).toEqual([
      [7 * 86_400_000, 'sent', 1],
      [86_400_000, 'sent', 1],
      [3_600_000, 'sent', 1],
    ]);
  });

  it('after long downtime sends only the latest missed reminder, and skips (and logs) those of a meeting that has begun', async () => {
    const databasePath = tempDbPath();
    const b1 = bot({ config: { databasePath } });
    b1.community.start();
    await subscribeAndAdd(b1);
    await subscribeAndAddSecond(b1);
    await b1.stop();

    const logger = createTestLogger();
    // Back 30 minutes before m1 (missed 7d, 1d and 1h of m1) and after m2 began (2026-03-30 05:00 UTC).
    const b2 = bot({ config: { databasePath }, clock: createFakeClock('2026-03-30T05:30:00Z'), logger });
    b2.community.start();
    await b2.community.idle();
    const sent = reminders(b2);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('7th COLEP meeting');
    expect(sent[0]!.text).toContain('Starts in 30 minutes');
    const rows = ledger(b2);
    expect(rows.filter((r) => r.meeting_id === 'm1').map((r) => r.status).sort()).toEqual(['sent', 'skipped', 'skipped']);
    expect(rows.filter((r) => r.meeting_id === 'm2').map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(logger.lines().some((l) => l.meeting === 'm2' && /already begun/.test(String(l.msg)))).toBe(true);

    async function subscribeAndAddSecond(b: TestBot) {
      const out = await b.sayText('/meeting add 2026-03-30 07:00 Europe/Sofia | Early session | online', { chat: PRIVATE });
      expect(out).toContain('Id: m2');
    }
  });

  it('sends two reminders due at the same moment once each', async () => {
    const b = bot();
    b.community.start();
    await subscribeAndAdd(b);
    expect(await b.sayText('/meeting add 2026-03-30 09:00 Europe/Sofia | Parallel workshop | online', { chat: PRIVATE })).toContain('Id: m2');
    await runDueAt(b, '2026-03-23T07:00:00Z');
    await Promise.all([b.community.runDue(), b.community.runDue()]);
    await runDueAt(b, '2026-03-23T07:00:00Z');
    const sent = reminders(b).map((r) => r.text.split('\n')[0]);
    expect(sent.sort()).toEqual(['Reminder: 7th COLEP meeting', 'Reminder: Parallel workshop']);
  });

  it('a moved meeting: reminders follow the new time, the old ones never fire, and chats are told', async () => {
    const b = bot();
    b.community.start();
    const id = await subscribeAndAdd(b);
    await runDueAt(b, '2026-03-23T07:00:00Z');
    expect(reminders(b)).toHaveLength(1);

    await runDueAt(b, '2026-03-24T10:00:00Z');
    const out = await b.sayText(`/meeting edit ${id} 2026-04-06 09:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria`, { chat: PRIVATE });
    expect(out).toContain('Meeting changed');
    await b.community.idle();
    const changed = b.outbound.to(GROUP).filter((s) => s.text.startsWith('Meeting changed'));
    expect(changed).toHaveLength(1);
    expect(changed[0]!.text).toContain('Moved from Mon 30 Mar 2026, 09:00');
    expect(changed[0]!.text).toContain('Mon 6 Apr 2026, 09:00');

    await runDueAt(b, '2026-03-29T06:00:00Z'); // the old 1-day reminder
    await runDueAt(b, '2026-03-30T05:00:00Z'); // the old 1-hour reminder
    expect(reminders(b)).toHaveLength(1);
    await runDueAt(b, '2026-03-30T06:00:00Z'); // 7 days before the new date
    expect(reminders(b)).toHaveLength(2);
    expect(reminders(b)[1]!.text).toContain('Mon 6 Apr 2026');
    await runDueAt(b, '2026-04-05T06:00:00Z');
    await runDueAt(b, '2026-04-06T05:00:00Z');
    expect(reminders(b)).toHaveLength(4);
    expect(readAudit(b.community.store, { action: 'meeting.edit' })).toHaveLength(1);
  });

  it('a cancelled meeting sends no more reminders and tells the chats', async () => {
    const b = bot();
    b.community.start();
    const id = await subscribeAndAdd(b);
    await runDueAt(b, '2026-03-23T07:00:00Z');
    expect(await b.sayText(`/meeting cancel ${id}`, { chat: PRIVATE })).toContain('Meeting cancelled');
    await b.community.idle();
    expect(b.outbound.to(GROUP).filter((s) => s.text.startsWith('Meeting cancelled: 7th COLEP meeting'))).toHaveLength(1);
    await runDueAt(b, '2026-03-29T06:00:00Z');
    await runDueAt(b, '2026-03-30T05:00:00Z');
    expect(reminders(b)).toHaveLength(1);
    expect(await b.sayText('/meetings')).not.toContain('7th COLEP meeting -');
    expect(await b.sayText(`/meeting ${id}`)).toContain('cancelled');
  });

  it('a chat subscribing later gets the reminders still to come, not the earlier ones', async () => {
    const b = bot();
    b.community.start();
    await subscribeAndAdd(b);
    await runDueAt(b, '2026-03-25T00:00:00Z');
    await b.say('/subscribe', { chat: OTHER });
    await runDueAt(b, '2026-03-25T00:01:00Z');
    expect(reminders(b, OTHER)).toHaveLength(0);
    await runDueAt(b, '2026-03-29T06:00:00Z');
    expect(reminders(b, OTHER)).toHaveLength(1);
    expect(reminders(b, GROUP)).toHaveLength(2);
  });

  it('delivers to a thousand subscribed chats, each exactly once', async () => {
    const b = bot({ config: { allowedChats: [] } });
    b.community.start();
    const chats = Array.from({ length: 1000 }, (_, i) => `telegram:-100${2000 + i}`);
    for (const chat of chats) await b.say('/subscribe', { chat, user: 'telegram:2002' });
    expect(b.community.subscriptions.count()).toBe(1000);
    await b.say('/meeting add 2026-03-30 09:00 Europe/Sofia | Big meeting | online', { chat: PRIVATE });
    await b.community.idle();
    expect(b.outbound.sent.filter((s) => s.text.startsWith('New meeting'))).toHaveLength(1000);
    await runDueAt(b, '2026-03-23T07:00:00Z');
    await runDueAt(b, '2026-03-23T07:01:00Z');
    const got = b.outbound.sent.filter((s) => s.text.startsWith('Reminder:')).map((s) => s.chatId);
    expect(got).toHaveLength(1000);
    expect(new Set(got)).toEqual(new Set(chats));
  });
});

describe('delivery failures', () => {
  it("unsubscribes a chat that has removed the bot ('gone'), with a log line and an audit row", async () => {
    const logger = createTestLogger();
    const b = bot({ logger });
    b.community.start();
    await b.say('/subscribe', { chat: OTHER });
    await subscribeAndAdd(b);
    b.outbound.behave = (chat) => {
      if (chat === OTHER) throw new DeliveryError('gone', 'Forbidden: bot was kicked from the group chat');
    };
    await runDueAt(b, '2026-03-23T07:00:00Z');
    expect(reminders(b, GROUP)).toHaveLength(1);
    expect(b.community.subscriptions.get(OTHER)).toBeUndefined();
    expect(b.community.subscriptions.get(GROUP)).toBeDefined();
    expect(logger.lines().some((l) => l.chat === OTHER && /unsubscrib/.test(String(l.msg)))).toBe(true);
    expect(readAudit(b.community.store, { action: 'unsubscribe' })).toEqual([expect.objectContaining({ actor: 'system', subject: OTHER })]);
    const tried = b.outbound.attempts.filter((a) => a.chatId === OTHER).length;
    await runDueAt(b, '2026-03-29T06:00:00Z');
    expect(b.outbound.attempts.filter((a) => a.chatId === OTHER).length).toBe(tried);
  });

  it('retries transient failures with exponential backoff, then delivers once', async () => {
    const b = bot();
    b.community.start();
    await subscribeAndAdd(b);
    let failures = 2;
    b.outbound.behave = () => {
      if (failures-- > 0) throw new DeliveryError('transient', '502 Bad Gateway');
    };
    await runDueAt(b, '2026-03-23T07:00:00Z');
    expect(reminders(b)).toHaveLength(0);
    await runDueAt(b, '2026-03-23T07:00:29Z');
    expect(b.outbound.attempts.filter((a) => a.text.startsWith('Reminder:'))).toHaveLength(1);
    await runDueAt(b, '2026-03-23T07:00:30Z'); // +30 s
    expect(b.outbound.attempts.filter((a) => a.text.startsWith('Reminder:'))).toHaveLength(2);
    await runDueAt(b, '2026-03-23T07:01:29Z');
    expect(reminders(b)).toHaveLength(0);
    await runDueAt(b, '2026-03-23T07:01:30Z'); // +60 s
    expect(reminders(b)).toHaveLength(1);
    await runDueAt(b, '2026-03-23T07:10:00Z');
    expect(reminders(b)).toHaveLength(1);
    expect(ledger(b)[0]).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('waits as long as a rate limit says', async () => {
    const b = bot();
    b.community.start();
    await subscribeAndAdd(b);
    let limited = true;
    b.outbound.behave = () => {
      if (limited) {
        limited = false;
        throw new DeliveryError('rate-limited', 'Too Many Requests: retry after 7', 7000);
      }
    };
    await runDueAt(b, '2026-03-23T07:00:00Z');
    await runDueAt(b, '2026-03-23T07:00:06Z');
    expect(reminders(b)).toHaveLength(0);
    await runDueAt(b, '2026-03-23T07:00:07Z');
    expect(reminders(b)).toHaveLength(1);
  });

  it('gives up on a permanent failure with a log line, and on endless transient ones after a few attempts', async () => {
    const logger = createTestLogger();
    const b = bot({ logger });
    b.community.start();
    await b.say('/subscribe', { chat: OTHER });
    await subscribeAndAdd(b);
    b.outbound.behave = (chat) => {
      throw new DeliveryError(chat === OTHER ? 'permanent' : 'transient', chat === OTHER ? 'Bad Request: chat not found' : 'ETIMEDOUT');
    };
    await runDueAt(b, '2026-03-23T07:00:00Z');
    for (let minute = 1; minute <= 120; minute++) await runDueAt(b, new Date(Date.parse('2026-03-23T07:00:00Z') + minute * 60_000).toISOString());
    const rows = ledger(b);
    expect(rows.find((r) => r.chat_id === OTHER)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(rows.find((r) => r.chat_id === GROUP)).toMatchObject({ status: 'failed', attempts: 6 });
    expect(logger.lines().some((l) => l.chat === OTHER && /permanently/.test(String(l.msg)))).toBe(true);
    expect(b.community.subscriptions.get(OTHER)).toBeDefined(); // not 'gone': still subscribed
  });

  it('a crash between send and record errs at-least-once: the interrupted reminder is sent again on start, once', async () => {
    const databasePath = tempDbPath();
    const b1 = bot({ config: { databasePath } });
    b1.community.start();
    await subscribeAndAdd(b1);
    b1.outbound.behave = () => 'hang'; // the process "dies" inside the send
    b1.clock.set('2026-03-23T07:00:00Z');
    void b1.community.runDue();
    for (let i = 0; i < 20 && b1.outbound.attempts.filter((a) => a.text.startsWith('Reminder:')).length === 0; i++) {
      await new Promise((r) => setImmediate(r));
    }
    expect(b1.outbound.attempts.filter((a) => a.text.startsWith('Reminder:'))).toHaveLength(1);
    expect(ledger(b1)[0]!.status).toBe('sending');
    b1.community.store.close(); // crash: nothing after the send is recorded

    const logger = createTestLogger();
    const b2 = bot({ config: { databasePath }, clock: createFakeClock('2026-03-23T07:02:00Z'), logger });
    b2.community.start();
    await b2.community.idle();
    expect(reminders(b2)).toHaveLength(1);
    expect(ledger(b2)[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(logger.messages().some((m) => /at-least-once/.test(m))).toBe(true);
    await runDueAt(b2, '2026-03-23T07:05:00Z');
    expect(reminders(b2)).toHaveLength(1);
  });

  it('stop() waits for deliveries in flight before closing the database', async () => {
    const b = bot();
    b.community.start();
    await subscribeAndAdd(b);
    let release!: () => void;
    b.outbound.behave = () => new Promise<void>((r) => (release = r));
    b.clock.set('2026-03-23T07:00:00Z');
    void b.community.runDue();
    for (let i = 0; i < 20 && !release; i++) await new Promise((r) => setImmediate(r));
    let stopped = false;
    const stopping = b.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    const dbPath = b.community.store.path;
    release();
    await stopping;
    expect(b.community.store.db.open).toBe(false);
    const again = bot({ config: { databasePath: dbPath }, clock: createFakeClock('2026-03-23T07:01:00Z') });
    expect(ledger(again)[0]).toMatchObject({ status: 'sent' });
  });
});

describe('long waits are visible (issue 11, item 8)', () => {
  const notices = (b: TestBot, chat: string) => b.outbound.to(chat).filter((s) => /could not be delivered/.test(s.text));
  const rows = (b: TestBot) =>
    b.community.store.db
      .prepare<[], { chat_id: string; offset_ms: number; status: string; last_error: string | null }>(
        'SELECT chat_id, offset_ms, status, last_error FROM reminder_deliveries ORDER BY due_at, chat_id',
      )
      .all();
  const errorsAbout = (logger: ReturnType<typeof createTestLogger>, chat: string) =>
    logger.lines().filter((l) => l.level === 50 && l.chat === chat);

  it('a 429 whose retry would come at the meeting start marks the reminder failed (late), tells the secretariat once and logs one error', async () => {
    const logger = createTestLogger();
    const b = bot({ logger });
    b.community.start();
    await subscribeAndAdd(b); // the group, subscribed by the secretariat; meeting 2026-03-30 06:00 UTC
    expect(await b.sayText('/subscribe', { chat: PRIVATE })).toContain('now subscribed'); // the secretariat's own DM
    await b.say('/subscribe', { chat: OTHER }); // another group: the DM is preferred for notices
    await runDueAt(b, '2026-03-29T06:00:00Z'); // the 1-day reminder goes out normally
    expect(reminders(b)).toHaveLength(1);
    expect(reminders(b, PRIVATE)).toHaveLength(1);

    b.outbound.behave = (chat) => {
      if (chat === GROUP) throw new DeliveryError('rate-limited', 'Too Many Requests: retry after 3600', 3_600_000);
    };
    await runDueAt(b, '2026-03-30T05:00:00Z'); // 1 hour before: the retry would land exactly at the start
    const row = rows(b).find((r) => r.chat_id === GROUP && r.offset_ms === 3_600_000);
    expect(row).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/^late: /) });
    expect(notices(b, PRIVATE).map((n) => n.text)).toEqual([
      "[warning] The 1-hour reminder for 7th COLEP meeting (m1) could not be delivered to telegram:-100500: the platform asked the bot to wait 1 hour (rate limit), which is past the meeting's start.",
    ]);
    expect(reminders(b, PRIVATE)).toHaveLength(2); // the secretariat's own reminder still went out
    expect(notices(b, OTHER)).toHaveLength(0);
    expect(errorsAbout(logger, GROUP)).toHaveLength(1);
    const all = JSON.stringify(logger.lines());
    expect(all).not.toContain('Starts in'); // no message text in the log

    // Nothing more: no retry at the start, no second notice, no second error line.
    const tried = b.outbound.attempts.filter((a) => a.chatId === GROUP).length;
    for (const t of ['2026-03-30T05:30:00Z', '2026-03-30T06:00:00Z', '2026-03-30T06:01:00Z', '2026-03-30T08:00:00Z']) await runDueAt(b, t);
    expect(b.outbound.attempts.filter((a) => a.chatId === GROUP)).toHaveLength(tried);
    expect(notices(b, PRIVATE)).toHaveLength(1);
    expect(errorsAbout(logger, GROUP)).toHaveLength(1);
  });

  it('a normal 30 s rate limit still delivers on time, with no notice and no error', async () => {
    const logger = createTestLogger();
    const b = bot({ logger });
    b.community.start();
    await subscribeAndAdd(b);
    await b.say('/subscribe', { chat: PRIVATE });
    let limited = 1;
    b.outbound.behave = (chat) => {
      if (chat === GROUP && limited-- > 0) throw new DeliveryError('rate-limited', 'Too Many Requests: retry after 30', 30_000);
    };
    await runDueAt(b, '2026-03-30T05:00:00Z');
    expect(reminders(b)).toHaveLength(0);
    await b.clock.advanceTo('2026-03-30T05:00:31Z'); // woken by its own timer
    expect(reminders(b).map((r) => r.at.toISOString())).toEqual(['2026-03-30T05:00:30.000Z']);
    expect(rows(b).find((r) => r.chat_id === GROUP && r.offset_ms === 3_600_000)?.status).toBe('sent');
    expect(notices(b, PRIVATE)).toHaveLength(0);
    expect(errorsAbout(logger, GROUP)).toHaveLength(0);
  });

  it('a wait that ends a second before the start is still waited out', async () => {
    const b = bot();
    b.community.start();
    await subscribeAndAdd(b);
    let limited = 1;
    b.outbound.behave = (chat) => {
      if (chat === GROUP && limited-- > 0) throw new DeliveryError('rate-limited', 'Too Many Requests: retry after 3599', 3_599_000);
    };
    await runDueAt(b, '2026-03-30T05:00:00Z');
    await runDueAt(b, '2026-03-30T05:59:59Z');
    expect(reminders(b)).toHaveLength(1);
    expect(rows(b).find((r) => r.chat_id === GROUP && r.offset_ms === 3_600_000)?.status).toBe('sent');
  });

  it('a permanent failure tells the secretariat once; with no DM subscribed, in the first secretariat member\'s private chat', async () => {
    const logger = createTestLogger();
    const b = bot({ logger });
    b.community.start();
    await subscribeAndAdd(b);
    b.outbound.behave = (chat) => {
      if (chat === GROUP) throw new DeliveryError('permanent', 'Bad Request: not enough rights to send text messages to the chat');
    };
    await runDueAt(b, '2026-03-23T07:00:00Z');
    expect(b.outbound.to(SECRETARIAT).map((n) => n.text)).toEqual([
      '[warning] The 7-day reminder for 7th COLEP meeting (m1) could not be delivered to telegram:-100500: Bad Request: not enough rights to send text messages to the chat.',
    ]);
    expect(errorsAbout(logger, GROUP)).toHaveLength(1);
    await runDueAt(b, '2026-03-23T07:10:00Z');
    expect(b.outbound.to(SECRETARIAT)).toHaveLength(1);
  });

  it('several failures in one run make one notice, sent to the chats a secretariat member subscribed (not the failing ones)', async () => {
    const b = bot({ config: { allowedChats: [] } });
    b.community.start();
    const failing = ['telegram:-1007001', 'telegram:-1007002', 'telegram:-1007003'];
    for (const chat of failing) await b.say('/subscribe', { chat, user: CO_CHAIR_ID });
    await b.say('/subscribe', { chat: OTHER }); // by the secretariat
    await b.say('/meeting add 2026-03-30 09:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria', { chat: PRIVATE });
    await b.community.idle();
    b.outbound.behave = (chat) => {
      if (failing.includes(chat)) throw new DeliveryError('rate-limited', 'Too Many Requests: retry after 100000', 100_000_000);
    };
    await runDueAt(b, '2026-03-29T06:00:00Z');
    const told = notices(b, OTHER);
    expect(told).toHaveLength(1);
    expect(told[0]!.text.split('\n')).toEqual([
      '[warning] 3 deliveries failed.',
      ...failing.map(
        (c) => `- The 1-day reminder for 7th COLEP meeting (m1) could not be delivered to ${c}: the platform asked the bot to wait 1 day 3 hours 47 minutes (rate limit), which is past the meeting's start.`,
      ),
    ]);
    expect(b.outbound.to(SECRETARIAT).filter((s) => /could not be delivered/.test(s.text))).toHaveLength(0);
  });

  it('an announcement whose retry would come after the meeting start is marked failed and reported', async () => {
    const logger = createTestLogger();
    const b = bot({ logger, clock: createFakeClock('2026-03-29T12:00:00Z') });
    b.community.start();
    await b.say('/subscribe', { chat: PRIVATE });
    expect(await b.sayText('/subscribe')).toContain('now subscribed');
    b.outbound.behave = (chat) => {
      if (chat === GROUP) throw new DeliveryError('rate-limited', 'Too Many Requests: retry after 86400', 86_400_000);
    };
    await b.say('/meeting add 2026-03-30 09:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria', { chat: PRIVATE });
    await b.community.idle();
    const status = b.community.store.db
      .prepare<[string], { status: string; last_error: string }>('SELECT status, last_error FROM announcement_deliveries WHERE chat_id = ?')
      .get(GROUP);
    expect(status).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/^late: /) });
    expect(notices(b, PRIVATE).map((n) => n.text)).toEqual([
      "[warning] The announcement of 7th COLEP meeting (m1) could not be delivered to telegram:-100500: the platform asked the bot to wait 1 day (rate limit), which is past the meeting's start.",
    ]);
    expect(errorsAbout(logger, GROUP)).toHaveLength(1);
  });

  it('a retry left pending while the bot was down past the meeting start is skipped with a warning, not silently', async () => {
    const databasePath = tempDbPath();
    const b1 = bot({ config: { databasePath } });
    b1.community.start();
    await subscribeAndAdd(b1);
    b1.outbound.behave = () => {
      throw new DeliveryError('transient', '502 Bad Gateway');
    };
    await runDueAt(b1, '2026-03-30T05:00:00Z'); // fails; retry due at 05:00:30
    await b1.stop();

    const logger = createTestLogger();
    const b2 = bot({ config: { databasePath }, clock: createFakeClock('2026-03-30T06:10:00Z'), logger });
    b2.community.start();
    await b2.community.idle();
    expect(reminders(b2)).toHaveLength(0);
    const warned = logger.lines().filter((l) => l.level === 40 && l.meeting === 'm1' && l.chat === GROUP);
    expect(warned).toHaveLength(1);
    expect(String(warned[0]!.msg)).toMatch(/skipped/);
  });
});

describe('/remind', () => {
  it('posts a reminder of the next meeting here and in the subscribed chats, audited', async () => {
    const b = bot();
    b.community.start();
    await b.say('/subscribe', { chat: OTHER });
    await subscribeAndAdd(b);
    const out = await b.sayText('/remind');
    expect(out).toContain('Reminder: 7th COLEP meeting');
    expect(out).toContain('Also posted to 1 subscribed chat');
    await b.community.idle();
    expect(reminders(b, OTHER)).toHaveLength(1);
    expect(reminders(b, GROUP)).toHaveLength(0); // it got the command's reply instead
    expect(readAudit(b.community.store, { action: 'remind' })).toHaveLength(1);
    expect(await b.sayText('/remind', { user: 'telegram:2002' })).toMatch(/only the secretariat/);
  });
});

describe('reminder wording', () => {
  it('writes offsets exactly in the add reply and in /subscribe (REMINDER_OFFSETS=90m,1d,25h)', async () => {
    const b = bot({ config: { reminderOffsetsMs: parseOffsets('90m,1d,25h') as number[] } });
    expect(await b.sayText('/subscribe')).toContain('reminders 1 day 1 hour, 1 day and 1 hour 30 minutes before each meeting');
    expect(await b.sayText('/meeting add 2026-03-30 09:00 Europe/Sofia | 7th COLEP meeting | Sofia', { chat: PRIVATE })).toContain(
      'Reminders go out 1 day 1 hour, 1 day and 1 hour 30 minutes before.',
    );
  });

  it('says "Starts in 1 hour 2 minutes" for a 62-minute offset, and the real time left, to the minute, when sent late', async () => {
    const databasePath = tempDbPath();
    const b1 = bot({ config: { databasePath, reminderOffsetsMs: [86_400_000, 62 * 60_000] } });
    b1.community.start();
    await subscribeAndAdd(b1); // 2026-03-30 06:00 UTC
    expect(await b1.sayText('/subscribe')).toContain('reminders 1 day and 1 hour 2 minutes before each meeting');
    await runDueAt(b1, '2026-03-29T06:00:00Z');
    expect(reminders(b1).map((r) => r.text.split('\n')[1])).toEqual([expect.stringMatching(/^Starts in 1 day: /)]);
    await b1.stop();
    // Down over the 62-minute reminder; back 40 seconds after it was due: 61 min 20 s left.
    const b2 = bot({ config: { databasePath, reminderOffsetsMs: [86_400_000, 62 * 60_000] }, clock: createFakeClock('2026-03-30T04:58:40Z') });
    b2.community.start();
    await b2.community.idle();
    expect(reminders(b2).map((r) => r.text.split('\n')[1])).toEqual([expect.stringMatching(/^Starts in 1 hour 1 minute: Mon 30 Mar 2026, 09:00/)]);
    await b2.stop();
    const b3 = bot({ config: { reminderOffsetsMs: [62 * 60_000] } });
    b3.community.start();
    await subscribeAndAdd(b3);
    // Jump to ten minutes before (a wake there finds nothing due) rather than wake once a minute
    // for four weeks (40,000 wakes, seconds of CPU); then the last minutes on the scheduler's timer.
    await runDueAt(b3, '2026-03-30T04:48:30Z'); // off the minute: only a timer set for the due instant wakes at 04:58:00
    expect(reminders(b3)).toHaveLength(0);
    await b3.clock.advanceTo('2026-03-30T04:58:30Z'); // woken by its own timer at 04:58:00, on time
    expect(reminders(b3).map((r) => r.text.split('\n')[1])).toEqual([expect.stringMatching(/^Starts in 1 hour 2 minutes: /)]);
    expect(reminders(b3)[0]!.at.toISOString()).toBe('2026-03-30T04:58:00.000Z');
  });

  it("shows the member countries' local times in one compact line, and keeps the time entity", async () => {
    const b = bot();
    b.community.start();
    await subscribeAndAdd(b); // Mon 30 Mar 2026, 09:00 Sofia (summer time) = 06:00 UTC
    await runDueAt(b, '2026-03-30T05:00:00Z');
    const [r] = reminders(b);
    expect(r!.text).toContain(
      'Member countries: 08:00 Bosnia and Herzegovina, France, Hungary, North Macedonia; 09:00 Bulgaria, Iraq; 10:00 Azerbaijan; 11:00 Pakistan; 12:00 Bangladesh',
    );
    const parts = r!.reply!.blocks.flatMap((x) => (x.type === 'paragraph' ? x.parts : []));
    expect(parts).toContainEqual({ time: '2026-03-30T06:00:00.000Z', fallback: 'Mon 30 Mar 2026, 09:00 Europe/Sofia (UTC+3)' });
    expect(r!.text.split('\n').length).toBeLessThanOrEqual(5); // heading, starts in, member times, where, details
  });

  it('writes the day in the compact line where a member country is already on the next day', async () => {
    const b = bot({ config: { community: 'bali-process' } });
    b.community.start();
    await subscribeAndAdd(b, '2026-03-30 22:00 Asia/Bangkok | Late call | online');
    await runDueAt(b, '2026-03-30T14:00:00Z');
    const [r] = reminders(b);
    expect(r!.text).toMatch(/Member countries: .*Tue 31 Mar, 04:00 New Zealand/);
    expect(r!.text).not.toMatch(/Member countries: [^\n]*Mon 30 Mar/);
  });
});

describe('/remind for meetings that are over', () => {
  it('says a past meeting with an approximate or day date has already taken place', async () => {
    const b = bot({ clock: createFakeClock('2026-11-23T19:00:00Z'), engine: fakeEngine(loadPracticeBase(defaultKnowledgeDir()).meetings) });
    expect(await b.sayText('/remind europol-2024-digital-smuggling')).toBe(
      'EC\u2013Europol thematic meeting on digital migrant smuggling (europol-2024-digital-smuggling) has already taken place, so there is nothing to remind about.',
    );
    expect(await b.sayText('/remind colep-4')).toBe('4th COLEP meeting (colep-4) has already taken place, so there is nothing to remind about.');
    const early = bot({ clock: createFakeClock('2023-08-01T08:00:00Z') });
    expect(await early.sayText('/remind colep-4')).toMatch(/has no exact date and time yet/);
  });
});

describe('/subscribe audit', () => {
  it('audits a new subscription and a move to another thread, not a repeated /subscribe', async () => {
    const b = bot();
    expect(await b.sayText('/subscribe')).toContain('now subscribed');
    expect(await b.sayText('/subscribe')).toContain('already subscribed');
    expect(await b.sayText('/subscribe', { user: 'telegram:2002' })).toContain('already subscribed');
    expect(readAudit(b.community.store, { action: 'subscribe' })).toHaveLength(1);
    expect(await b.sayText('/subscribe', { threadId: '77' })).toContain('already subscribed');
    expect(readAudit(b.community.store, { action: 'subscribe' })).toEqual([
      expect.objectContaining({ subject: GROUP }),
      expect.objectContaining({ subject: GROUP, details: { threadId: '77' } }),
    ]);
  });
});
