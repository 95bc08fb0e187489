// The weekly digest (issue 15) on a fake clock and real database files: once per chat and week,
// nothing in an empty week, caught up after a restart the same morning (not the next day), never
// twice across a restart or a daylight-saving change; the secretariat's private digest; DIGEST_AT.
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDigestAt, type DigestAt } from '../src/config.ts';
import type { DigestFeature } from '../src/features/digest/index.ts';
import { COLEP3, COLEP4, createFakeClock, createTestBot, createTestLogger, fakeEngine, GROUP, OFFICER, removeTempDirs, SECRETARIAT, tempDbPath, type TestBot, stopAfterEachTest, runDueAt } from './helpers/community.ts';

afterAll(removeTempDirs);

const OTHER = 'telegram:-100600';
const MON_9_SOFIA: DigestAt = { weekday: 1, hour: 9, minute: 0, zone: 'Europe/Sofia' };
const stopped = stopAfterEachTest();

function bot(opts: Parameters<typeof createTestBot>[0] & { at?: DigestAt | null } = {}): TestBot {
  const b = createTestBot({
    ...opts,
    config: { allowedChats: [GROUP, OTHER], digestAt: opts.at === undefined ? MON_9_SOFIA : opts.at, ...opts.config },
    clock: opts.clock ?? createFakeClock('2026-03-01T08:00:00Z'), // a Sunday
  });
  return stopped(b);
}

const digests = (b: TestBot, chat = GROUP) => b.outbound.to(chat).filter((s) => s.text.startsWith('Weekly digest'));
const digestOf = (b: TestBot) => b.community.features.find((f) => f.name === 'digest') as DigestFeature;
const ledger = (b: TestBot) =>
  b.community.store.db
    .prepare<[], { chat_id: string; week: string; status: string; last_error: string | null }>('SELECT chat_id, week, status, last_error FROM digest_deliveries ORDER BY week, chat_id')
    .all();

/** Both groups subscribed and a meeting coming (something to say). */
async function setUp(b: TestBot): Promise<void> {
  expect(await b.sayText('/subscribe')).toContain('now subscribed');
  expect(await b.sayText('/subscribe', { chat: OTHER })).toContain('now subscribed');
  expect(await b.sayText('/meeting add 2027-06-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria', { chat: SECRETARIAT })).toContain('Id: m1');
  await b.community.idle();
}

describe('weekly digest', () => {
  it('goes out once per chat per week at DIGEST_AT in the zone, by itself on the scheduler, with the next meeting', async () => {
    const b = bot();
    await setUp(b);
    const digest = digestOf(b);
    // nextDueAt is a query: it writes nothing.
    const writes = b.community.store.changes();
    expect(digest.nextDueAt()?.toISOString()).toBe('2026-03-02T07:00:00.000Z'); // Mon 09:00 Sofia (UTC+2)
    expect(b.community.store.changes()).toBe(writes);

    // A wake ten minutes before (nothing due yet; off the minute, so only a timer set for the due
    // instant wakes at 07:00:00), then the last minutes on the scheduler's own timer: waking once a
    // minute from Sunday morning would cost 1,400 wakes and seconds of CPU.
    await runDueAt(b, '2026-03-02T06:50:30Z');
    await b.clock.advanceTo('2026-03-02T06:59:00Z');
    expect(digests(b)).toHaveLength(0);
    await b.clock.advanceTo('2026-03-02T07:00:30Z');
    for (const chat of [GROUP, OTHER]) {
      expect(digests(b, chat)).toHaveLength(1);
      expect(digests(b, chat)[0]!.at.toISOString()).toBe('2026-03-02T07:00:00.000Z');
      expect(digests(b, chat)[0]!.text).toMatch(/^Weekly digest\nNext meeting: 7th COLEP meeting, Thu 10 Jun 2027, 10:00 Europe\/Sofia \(UTC\+3\), Sofia, Bulgaria\./);
    }
    await b.clock.advanceTo('2026-03-02T07:30:00Z');
    await runDueAt(b, '2026-03-02T09:00:00Z');
    await runDueAt(b, '2026-03-05T12:00:00Z');
    await runDueAt(b, '2026-03-08T23:59:00Z');
    expect(digests(b)).toHaveLength(1);
    expect(digests(b, OTHER)).toHaveLength(1);
    expect(digest.nextDueAt()?.toISOString()).toBe('2026-03-09T07:00:00.000Z');
    await runDueAt(b, '2026-03-09T07:00:00Z');
    expect(digests(b)).toHaveLength(2);
    expect(digests(b, OTHER)).toHaveLength(2);
    expect(ledger(b).map((r) => `${r.week} ${r.chat_id} ${r.status}`)).toEqual([
      `2026-W10 ${GROUP} sent`,
      `2026-W10 ${OTHER} sent`,
      `2026-W11 ${GROUP} sent`,
      `2026-W11 ${OTHER} sent`,
    ]);
  });

  it('sends nothing in a week with nothing to say, and the next week when there is', async () => {
    const b = bot({ engine: fakeEngine([]) });
    expect(await b.sayText('/subscribe')).toContain('now subscribed');
    await runDueAt(b, '2026-03-02T07:00:00Z');
    expect(digests(b)).toHaveLength(0);
    expect(ledger(b)).toEqual([{ chat_id: GROUP, week: '2026-W10', status: 'skipped', last_error: 'nothing to say' }]);
    // Something to say later that week waits for the next digest.
    await b.sayText('/meeting add 2026-06-10 10:00 Europe/Sofia | 7th COLEP meeting | online', { chat: SECRETARIAT });
    await runDueAt(b, '2026-03-02T12:00:00Z');
    expect(digests(b)).toHaveLength(0);
    await runDueAt(b, '2026-03-09T07:00:00Z');
    expect(digests(b)).toHaveLength(1);
  });

  it('is caught up after a restart the same morning, once, and not at a restart the next day', async () => {
    const databasePath = tempDbPath();
    const b1 = bot({ config: { databasePath } });
    await setUp(b1);
    await b1.stop();
    // Down over 09:00; back at 11:30 Sofia time the same Monday.
    const b2 = bot({ config: { databasePath }, clock: createFakeClock('2026-03-02T09:30:00Z') });
    await b2.community.idle();
    expect(digests(b2)).toHaveLength(1);
    expect(digests(b2, OTHER)).toHaveLength(1);
    await b2.stop();
    const b3 = bot({ config: { databasePath }, clock: createFakeClock('2026-03-02T12:00:00Z') });
    await b3.community.idle();
    expect(digests(b3)).toHaveLength(0);
    await b3.stop();

    // Down over the whole of the next Monday: on Tuesday morning the digest is not sent late.
    const logger = createTestLogger();
    const b4 = bot({ config: { databasePath }, clock: createFakeClock('2026-03-10T06:00:00Z'), logger });
    await b4.community.idle();
    expect(digests(b4)).toHaveLength(0);
    expect(ledger(b4).filter((r) => r.week === '2026-W11').map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(logger.messages()).toContain('weekly digest missed: the bot was not running on the digest day (it is not sent late)');
    await runDueAt(b4, '2026-03-16T07:00:00Z');
    expect(digests(b4)).toHaveLength(1);
  });

  it('is not sent twice when 03:30 happens twice (autumn clock change) across a restart, nor lost when 03:30 does not happen (spring)', async () => {
    const sun0330: DigestAt = { weekday: 7, hour: 3, minute: 30, zone: 'Europe/Sofia' };
    const databasePath = tempDbPath();
    // 25 Oct 2026: Sofia goes from 04:00 EEST back to 03:00 EET; 03:30 comes at 00:30 and 01:30 UTC.
    const b1 = bot({ at: sun0330, config: { databasePath }, clock: createFakeClock('2026-10-24T20:00:00Z') });
    await setUp(b1);
    // Wakes from 00:20 on the scheduler's timer (a minute apart; not five hours of them).
    await runDueAt(b1, '2026-10-25T00:20:30Z');
    await b1.clock.advanceTo('2026-10-25T01:00:00Z');
    await b1.stop();
    const b2 = bot({ at: sun0330, config: { databasePath }, clock: createFakeClock('2026-10-25T01:00:00Z') });
    await b2.clock.advanceTo('2026-10-25T01:45:00Z'); // over the second 03:30 (01:30 UTC)
    await runDueAt(b2, '2026-10-25T03:00:00Z');
    expect(digests(b1).length + digests(b2).length).toBe(1);
    expect(digests(b1, OTHER).length + digests(b2, OTHER).length).toBe(1);
    await b2.stop();

    // 29 Mar 2026: 03:00 EET jumps to 04:00 EEST; the digest goes at the first minute after the gap.
    const b3 = bot({ at: sun0330, clock: createFakeClock('2026-03-28T20:00:00Z') });
    await setUp(b3);
    await runDueAt(b3, '2026-03-29T00:50:30Z'); // 02:50:30 EET, off the minute: only a timer set for the due instant wakes at 01:30:00
    await b3.clock.advanceTo('2026-03-29T01:45:00Z');
    await runDueAt(b3, '2026-03-29T04:00:00Z');
    expect(digests(b3).map((d) => d.at.toISOString())).toEqual(['2026-03-29T01:30:00.000Z']); // 04:30 EEST
  });

  it("adds the week's unanswered questions to the secretariat's private digest only", async () => {
    const b = bot();
    await setUp(b);
    expect(await b.sayText('/subscribe', { chat: SECRETARIAT })).toContain('now subscribed');
    await b.sayText('/ask how do we get a warrant for a smart fridge in Atlantis', { user: OFFICER });
    await runDueAt(b, '2026-03-02T07:00:00Z');
    const [priv] = digests(b, SECRETARIAT);
    expect(priv?.text).toMatch(/^Weekly digest \(secretariat\)\n/);
    expect(priv?.text).toMatch(/Unanswered questions this week: 1, e\.g\. "how do we get a warrant for a smart fridge in Atlantis"\. See \/gaps\./);
    expect(digests(b)[0]!.text).not.toMatch(/Unanswered|secretariat/);
  });

  it('a send cut short by a crash is not sent again (at most once a week)', async () => {
    const databasePath = tempDbPath();
    const b1 = bot({ config: { databasePath } });
    await setUp(b1);
    b1.outbound.behave = () => 'hang';
    b1.clock.set('2026-03-02T07:00:00Z');
    void b1.community.runDue();
    for (let i = 0; i < 50 && b1.outbound.attempts.filter((a) => a.text.startsWith('Weekly digest')).length === 0; i++) await new Promise((r) => setImmediate(r));
    expect(b1.outbound.attempts.filter((a) => a.text.startsWith('Weekly digest')).length).toBeGreaterThan(0);
    b1.community.store.close(); // crash
    const b2 = bot({ config: { databasePath }, clock: createFakeClock('2026-03-02T07:05:00Z') });
    await b2.community.idle();
    expect(digests(b2)).toHaveLength(0);
    expect(digests(b2, OTHER)).toHaveLength(0);
    expect(ledger(b2).some((r) => r.status === 'failed' && /interrupted/.test(r.last_error ?? ''))).toBe(true);
  });

  it('is off with DIGEST_AT=off', async () => {
    const b = bot({ at: null });
    await setUp(b);
    await runDueAt(b, '2026-03-02T07:00:00Z');
    expect(digests(b)).toHaveLength(0);
    expect(digestOf(b).nextDueAt()).toBeUndefined();
  });
});

describe('DIGEST_AT', () => {
  it('reads a weekday and a time, optionally a zone; off turns it off; default mon 09:00', () => {
    expect(loadConfig({}).digestAt).toEqual({ weekday: 1, hour: 9, minute: 0 });
    expect(loadConfig({ DIGEST_AT: 'off' }).digestAt).toBeNull();
    expect(parseDigestAt('Tuesday 18:30')).toEqual({ weekday: 2, hour: 18, minute: 30 });
    expect(parseDigestAt('sun 7:05 Europe/Sofia')).toEqual({ weekday: 7, hour: 7, minute: 5, zone: 'Europe/Sofia' });
    expect(parseDigestAt('  ')).toEqual({ weekday: 1, hour: 9, minute: 0 });
  });

  it('stops the start with an error naming DIGEST_AT for a malformed value', () => {
    for (const [value, why] of [
      ['monday 25:00', /25:00 is not a time of day/],
      ['someday 09:00', /"someday" is not a weekday/],
      ['09:00', /not a weekly time/],
      ['mon 9', /not a weekly time/],
      ['mo 09:00', /"mo" is not a weekday/],
      ['mon 09:00 Mars/Olympus', /"Mars\/Olympus" is not an IANA time zone/],
    ] as const) {
      let err: unknown;
      try {
        loadConfig({ DIGEST_AT: value });
      } catch (e) {
        err = e;
      }
      expect(err, value).toBeInstanceOf(ConfigError);
      expect(String((err as Error).message), value).toMatch(/- DIGEST_AT: /);
      expect(String((err as Error).message), value).toMatch(why);
      expect(String((err as Error).message), value).toContain('e.g. mon 09:00');
    }
  });
});

// Keep the fixtures referenced (the default engine holds the 3rd and 4th COLEP meetings).
void COLEP3;
void COLEP4;
