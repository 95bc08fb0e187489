// A deliberately broken input list for meetings: clear replies, nothing stored, database consistent.
import { afterAll, describe, expect, it } from 'vitest';
import { readAudit } from '../src/features/access/index.ts';
import { MEETING_EXAMPLE, MEETING_SYNTAX, parseMeetingSpec } from '../src/features/meetings/index.ts';
import { createFakeClock, createTestBot, OFFICER, removeTempDirs, replyText, type TestBot, stopAfterEachTest } from './helpers/community.ts';

afterAll(removeTempDirs);
const stopped = stopAfterEachTest();
function bot(): TestBot {
  const b = createTestBot({ clock: createFakeClock('2026-06-01T08:00:00Z') });
  return stopped(b);
}

const meetingCount = (b: TestBot) =>
  b.community.store.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM meetings WHERE source = 'chat'").get()!.n;

describe('/meeting add with broken input', () => {
  const cases: [string, RegExp][] = [
    ['', /title and the place are missing/],
    ['2026-12-10 10:00 Europe/Sofia', /title and the place are missing/],
    ['2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting', /place is missing/],
    ['2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting |', /place is missing/],
    ['2026-12-10 10:00 Europe/Sofia |  | Sofia', /title is missing/],
    ['2026-12-10 10:00 | t | p', /the IANA time zone \(e.g. Europe\/Sofia\) is missing/],
    ['2026-12-10 | t | p', /the time \(HH:MM\) and the IANA time zone/],
    ['| t | p', /the date \(YYYY-MM-DD\), the time/],
    ['2026-12-10 10:00 Europe/Sofia extra | t | p', /exactly three things/],
    ['2026-12-10 10:00 Europe/Sofia | a | b | c', /Use \| only to separate/],
    ['10/12/2026 10:00 Europe/Sofia | t | p', /"10\/12\/2026" is not a date: write YYYY-MM-DD/],
    ['2026-02-30 10:00 Europe/Sofia | t | p', /2026-02-30 is not a date in the calendar/],
    ['2026-13-01 10:00 Europe/Sofia | t | p', /not a date in the calendar/],
    ['2026-12-10 25:00 Europe/Sofia | t | p', /"25:00" is not a time/],
    ['2026-12-10 10h Europe/Sofia | t | p', /"10h" is not a time/],
    ['2026-12-10 10:00 Europe/Atlantis | t | p', /"Europe\/Atlantis" is not an IANA time zone/],
    ['2026-12-10 10:00 EET+2 | t | p', /is not an IANA time zone/],
    ['2026-12-10 10:00 +03:00 | t | p', /is not an IANA time zone/],
    ["2026-12-10 10:00 Europe/Sofia'-- | t | p", /is not an IANA time zone/],
    ['2025-12-10 10:00 Europe/Sofia | t | p', /is in the past/],
    ['2026-06-01 10:00 Europe/Sofia | t | p', /is in the past/], // 07:00 UTC, the clock says 08:00 UTC
    ['2099-12-10 10:00 Europe/Sofia | t | p', /more than 5 years ahead/],
    ['2027-03-28 03:30 Europe/Sofia | t | p', /does not exist in Europe\/Sofia: the clocks go forward/],
    [`2026-12-10 10:00 Europe/Sofia | ${'x'.repeat(9000)} | Sofia`, /title is too long \(9000 characters; at most 200\)/],
    [`2026-12-10 10:00 Europe/Sofia | t | ${'p'.repeat(300)}`, /place is too long \(300 characters; at most 200\)/],
  ];

  it.each(cases)('%s', async (input, want) => {
    const b = bot();
    const [r] = await b.say(`/meeting add ${input}`);
    const out = replyText(r);
    expect(r?.refusal).toBe(true);
    expect(out).toMatch(want);
    expect(out).toContain(`Write: ${MEETING_SYNTAX}`);
    expect(out).toContain(`For example: ${MEETING_EXAMPLE}`);
    expect(meetingCount(b)).toBe(0);
    expect(readAudit(b.community.store)).toEqual([]);
  });

  it('a 10,000-character title is refused by the parser with its length', () => {
    const r = parseMeetingSpec(`2026-12-10 10:00 Europe/Sofia | ${'é'.repeat(10_000)} | Sofia`, new Date('2026-06-01T00:00:00Z'));
    expect(r).toEqual({ ok: false, problem: 'The title is too long (10000 characters; at most 200).' });
  });

  it('edit and cancel name their own syntax and unknown ids', async () => {
    const b = bot();
    expect(await b.sayText('/meeting edit')).toContain('Write: /meeting edit <id> <YYYY-MM-DD>');
    expect(await b.sayText('/meeting edit m7 2026-12-10 10:00 Europe/Sofia | t | p')).toMatch(/There is no meeting "m7"/);
    expect(await b.sayText("/meeting edit m1'; DELETE FROM meetings; -- 2026-12-10 10:00 Europe/Sofia | t | p")).toMatch(/is not a meeting id/);
    expect(await b.sayText('/meeting cancel')).toContain('/meeting cancel <id>');
    expect(await b.sayText('/meeting cancel <b>m1</b>')).toMatch(/There is no meeting "<b>m1<\/b>"/);
    expect(await b.sayText('/meeting colep-3 pdf', { user: OFFICER })).toContain('/meeting colep-3 ics');
  });
});

describe('text fields keep what was typed, safely', () => {
  it('SQL, HTML and unicode in the title and place are stored and shown verbatim as plain text', async () => {
    const b = bot();
    const title = "Robert'); DROP TABLE meetings; -- <script>alert(1)</script> & <b>bold</b>";
    const place = 'Bağdat — مقر الشرطة 🚓 "quoted" \\ back\\slash';
    const out = await b.sayText(`/meeting add 2026-12-10 10:00 Europe/Sofia | ${title} | ${place}`);
    expect(out).toContain(`Meeting added: ${title}`);
    expect(b.community.meetings.get('m1')).toMatchObject({ title, place });
    const details = await b.sayText('/meeting m1', { user: OFFICER });
    expect(details).toContain(title);
    expect(details).toContain(`Where: ${place}`);
    const [ics] = await b.say('/meeting m1 ics', { user: OFFICER });
    expect(ics?.document?.content).toContain('SUMMARY:Robert'); // escaped by the library, not hand-written
    expect(ics?.document?.content).toContain('\\;');
    expect(b.community.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(b.community.store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM meetings').get()!.n).toBeGreaterThan(1);
  });

  it('control and bidi-override characters are stripped, unicode is normalised, and the zone name is canonicalised', async () => {
    const b = bot();
    await b.say('/meeting add 2026-12-10 10:00 europe/sofia | Cafe\u0301\u202E evil\u0007 title | online');
    expect(b.community.meetings.get('m1')).toMatchObject({ title: 'Café evil title', zone: 'Europe/Sofia', virtual: true });
  });

  it('a time that occurs twice (clocks going back) is accepted, taking the first, and says so', async () => {
    const b = bot();
    const out = await b.sayText('/meeting add 2026-10-25 03:30 Europe/Sofia | Night shift briefing | online');
    expect(out).toContain('occurs twice in Europe/Sofia');
    expect(b.community.meetings.get('m1')?.startsAt?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });
});
