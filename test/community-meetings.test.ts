// Meetings: the list merged with the practice base, details in member zones, calendar files,
// working-hours and weekend flags, seeding, and the agenda seam.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Inline, Reply } from '../src/core/reply.ts';
import { readAudit } from '../src/features/access/index.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { defaultSeedsDir } from '../src/features/meetings/index.ts';
import { DEFAULT_MEETING_LENGTH_MS, hasTakenPlace, type MeetingRecord } from '../src/features/meetings/index.ts';
import {
  CO_CHAIR,
  createFakeClock,
  createTestBot,
  fakeEngine,
  GROUP,
  OFFICER,
  removeTempDirs,
  SECRETARIAT,
  tempDbPath,
  tempDir,
  type TestBot,
  stopAfterEachTest,
} from './helpers/community.ts';

afterAll(removeTempDirs);
const stopped = stopAfterEachTest();

const realBase = loadPracticeBase(defaultKnowledgeDir());

function bot(opts: Parameters<typeof createTestBot>[0] = {}): TestBot {
  const b = createTestBot({ engine: fakeEngine(realBase.meetings), clock: createFakeClock('2026-06-01T08:00:00Z'), ...opts });
  return stopped(b);
}

const inlines = (r: Reply[]): Inline[] =>
  r.flatMap((x) => x.blocks).flatMap((b) => (b.type === 'paragraph' ? b.parts : b.type === 'list' ? b.items.flat() : []));

describe('/meetings', () => {
  it('with nothing upcoming says so, and shows the latest held meeting, its date range with an en-dash as citations write it', async () => {
    const b = bot();
    const out = await b.sayText('/meetings', { user: OFFICER });
    expect(out).toContain('No upcoming meeting is scheduled yet.');
    expect(out).toMatch(/Latest held\n- EC.Europol thematic meeting on digital migrant smuggling - 29\u201330 April 2024,/);
    expect(await b.sayText('/meeting europol-2024-digital-smuggling', { user: OFFICER })).toContain('When: 29\u201330 April 2024\n');
  });

  it('lists the 4th COLEP ("September or October 2023") as announced while its window is open, and as past once it has closed', async () => {
    const during = bot({ clock: createFakeClock('2023-10-31T23:59:00Z') });
    expect(await during.sayText('/meetings', { user: OFFICER })).toMatch(
      /Announced, no exact date yet\n- 4th COLEP meeting - September or October 2023 \(no exact date yet\), Sofia, Bulgaria - \/meeting colep-4/,
    );
    expect(await during.sayText('/meeting colep-4', { user: OFFICER })).not.toContain('has taken place');
    await during.stop();

    const after = bot({ clock: createFakeClock('2023-11-01T00:00:00Z') });
    const list = await after.sayText('/meetings', { user: OFFICER });
    expect(list).not.toContain('Announced, no exact date yet');
    expect(list).toMatch(/Earlier, exact date not recorded\n- 4th COLEP meeting - September or October 2023 \(exact date not recorded\), Sofia, Bulgaria/);
    const details = await after.sayText('/meeting colep-4', { user: OFFICER });
    expect(details).toContain('[info] This meeting has taken place.');
    expect(details).toContain('When: September or October 2023 (exact date not recorded)');
    expect(await after.sayText('/meeting colep-4 ics', { user: OFFICER })).toMatch(/has taken place \(September or October 2023\); its exact date is not recorded/);
    expect(await after.sayText('/meeting edit colep-4 2026-10-15 10:00 Europe/Sofia | 4th COLEP meeting | Sofia')).toMatch(/already taken place/);
  });

  it('hasTakenPlace: a meeting is past once its whole year, month or day window has passed; a cancelled one never took place', () => {
    const rec = (over: Partial<MeetingRecord>): MeetingRecord => ({
      id: 'x',
      title: 'X',
      source: 'practice-base',
      precision: 'month',
      sortAt: new Date(0),
      status: 'announced',
      cancelled: false,
      virtual: false,
      remindersFrom: new Date(0),
      updatedAt: new Date(0),
      revision: 0,
      lengthMs: DEFAULT_MEETING_LENGTH_MS,
      ...over,
    });
    const year = rec({ precision: 'year', dateStart: '2025' });
    expect(hasTakenPlace(year, new Date('2025-12-31T23:59:59Z'))).toBe(false);
    expect(hasTakenPlace(year, new Date('2026-01-01T00:00:00Z'))).toBe(true);
    const months = rec({ dateStart: '2023-09', dateEnd: '2023-10' });
    expect(hasTakenPlace(months, new Date('2023-10-31T12:00:00Z'))).toBe(false);
    expect(hasTakenPlace(months, new Date('2023-11-01T00:00:00Z'))).toBe(true);
    const days = rec({ precision: 'day', dateStart: '2027-04-29', dateEnd: '2027-04-30' });
    expect(hasTakenPlace(days, new Date('2027-04-30T23:00:00Z'))).toBe(false);
    expect(hasTakenPlace(days, new Date('2027-05-01T00:00:00Z'))).toBe(true);
    expect(hasTakenPlace(rec({ ...months, cancelled: true }), new Date('2030-01-01T00:00:00Z'))).toBe(false);
    expect(hasTakenPlace(rec({ precision: 'minute', startsAt: new Date('2027-01-01T10:00:00Z'), zone: 'UTC' }), new Date('2027-01-01T10:00:00Z'))).toBe(true);
  });

  it('lists meetings added in chat first, soonest first, merged with the practice base', async () => {
    const b = bot({ clock: createFakeClock('2023-08-01T08:00:00Z') });
    await b.say('/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria');
    await b.say('/meeting add 2026-09-15 14:00 Asia/Baghdad | 6th COLEP meeting | online');
    const out = await b.sayText('/meetings', { user: OFFICER });
    expect(out).toMatch(/Upcoming\n- 6th COLEP meeting - Tue 15 Sep 2026, 14:00 Asia\/Baghdad \(UTC\+3\), online - \/meeting m2\n- 7th COLEP meeting - Thu 10 Dec 2026, 10:00 Europe\/Sofia \(UTC\+2\), Sofia, Bulgaria - \/meeting m1/);
    expect(out).toContain('4th COLEP meeting');
    expect(out).not.toContain('No upcoming meeting');
  });
});

describe('/meeting add', () => {
  it('answers with the id, the time as a localisable instant, every member zone, and flags the weekend (Friday in Bangladesh and Iraq)', async () => {
    const b = bot();
    const replies = await b.say('/meeting add 2026-12-11 10:00 Europe/Sofia | Friday session | online');
    const out = (await import('./helpers/community.ts')).replyText(replies);
    expect(out).toContain('Id: m1');
    expect(inlines(replies)).toContainEqual({ time: '2026-12-11T08:00:00.000Z', fallback: 'Fri 11 Dec 2026, 10:00 Europe/Sofia (UTC+2)' });
    for (const line of [
      'Azerbaijan: Fri 11 Dec, 12:00 (Asia/Baku)',
      'Bangladesh: Fri 11 Dec, 14:00 (Asia/Dhaka) - weekend',
      'Bosnia and Herzegovina: Fri 11 Dec, 09:00 (Europe/Sarajevo)',
      'Bulgaria: Fri 11 Dec, 10:00 (Europe/Sofia)',
      'France: Fri 11 Dec, 09:00 (Europe/Paris)',
      'Hungary: Fri 11 Dec, 09:00 (Europe/Budapest)',
      'Iraq: Fri 11 Dec, 11:00 (Asia/Baghdad) - weekend',
      'North Macedonia: Fri 11 Dec, 09:00 (Europe/Skopje)',
      'Pakistan: Fri 11 Dec, 13:00 (Asia/Karachi)',
    ]) {
      expect(out).toContain(line);
    }
    expect(out).toMatch(/\[warning\] Outside working hours or on the weekend for 2 member countries: Bangladesh: .*weekend.*; Iraq: .*weekend/);
    expect(readAudit(b.community.store, { action: 'meeting.add' })).toEqual([
      expect.objectContaining({ actor: SECRETARIAT, subject: 'm1', details: expect.objectContaining({ zone: 'Europe/Sofia', title: 'Friday session' }) }),
    ]);
  });

  it('flags member countries where the time falls outside working hours', async () => {
    const b = bot();
    const out = await b.sayText('/meeting add 2026-12-10 16:00 Europe/Sofia | Late session | online');
    expect(out).toMatch(/Outside working hours or on the weekend for 4 member countries/);
    for (const c of ['Azerbaijan: Thu 10 Dec, 18:00', 'Bangladesh: Thu 10 Dec, 20:00', 'Iraq: Thu 10 Dec, 17:00', 'Pakistan: Thu 10 Dec, 19:00']) {
      expect(out).toContain(`${c} local (outside working hours 09:00-17:00)`);
    }
    expect(out).not.toMatch(/France: [^\n]*local/);
  });

  it('uses the member zones of the configured COMMUNITY', async () => {
    const b = bot({ config: { community: 'bali-process' } });
    const out = await b.sayText('/meeting add 2026-12-10 10:00 Asia/Bangkok | Border forum | Bangkok');
    expect(out).toContain('Australia: Thu 10 Dec, 14:00 (Australia/Sydney)');
    expect(out).toContain('New Zealand: Thu 10 Dec, 16:00 (Pacific/Auckland)');
    expect(out).not.toContain('Azerbaijan');
  });
});

describe('/meeting <id>', () => {
  it('shows details of a seeded meeting, and of an added one with its settled agenda', async () => {
    const b = bot();
    const seeded = await b.sayText('/meeting colep-3', { user: OFFICER });
    expect(seeded).toContain('3rd COLEP meeting');
    expect(seeded).toContain('When: 4 May 2023');
    expect(seeded).toContain('Hosts: Bulgaria, Iraq');
    expect(seeded).toContain('This meeting has taken place.');

    await b.say('/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria');
    expect(b.community.meetings.nextMeeting(b.clock.now())).toEqual({ id: 'm1', title: '7th COLEP meeting', startsAt: new Date('2026-12-10T08:00:00Z') });
    expect(b.community.meetings.meetingExists('m1')).toBe(true);
    expect(b.community.meetings.meetingExists('m9')).toBe(false);
    b.community.meetings.saveAgenda('m1', [
      { text: 'Encrypted messaging evidence', votes: 5 },
      { text: 'Joint cyber patrols', votes: 3 },
    ]);
    b.community.meetings.saveAgenda('m1', [
      { text: 'Encrypted messaging evidence', votes: 6 },
      { text: 'Joint cyber patrols', votes: 1 },
    ]);
    const out = await b.sayText('/meeting m1', { user: OFFICER });
    expect(out).toContain('Agenda\n1. Encrypted messaging evidence (6 votes)\n2. Joint cyber patrols (1 vote)');
    expect(out).toContain('Iraq: Thu 10 Dec, 11:00 (Asia/Baghdad)');
    expect(await b.sayText('/meeting M1', { user: OFFICER })).toContain('7th COLEP meeting');
    expect(await b.sayText('/meeting m404', { user: OFFICER })).toMatch(/There is no meeting "m404"/);
  });

  it('gives an iCalendar document made by the library, an all-day one for a dated seeded meeting, and none for an undated one', async () => {
    const b = bot();
    await b.say('/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria');
    const [r] = await b.say('/meeting m1 ics', { user: OFFICER });
    expect(r?.document).toMatchObject({ filename: 'm1.ics', mimeType: 'text/calendar' });
    const ics = r!.document!.content;
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics).toContain('DTSTART:20261210T080000Z');
    expect(ics).toContain('SUMMARY:7th COLEP meeting');
    expect(ics).toContain('LOCATION:Sofia\\, Bulgaria');
    expect(ics).toContain('UID:m1@practice-bot');

    const [day] = await b.say('/meeting europol-2024-digital-smuggling ics', { user: OFFICER });
    expect(day?.document?.content).toContain('DTSTART;VALUE=DATE:20240429');
    expect(day?.document?.content).toContain('DTEND;VALUE=DATE:20240501');

    const [none] = await b.say('/meeting colep-4 ics', { user: OFFICER });
    expect(none?.document).toBeUndefined();
    expect((await import('./helpers/community.ts')).replyText(none)).toMatch(/has taken place \(September or October 2023\)/);
    const early = bot({ clock: createFakeClock('2023-08-01T08:00:00Z') });
    expect(await early.sayText('/meeting colep-4 ics', { user: OFFICER })).toMatch(/no exact date yet \(September or October 2023\)/);

    await b.say('/meeting cancel m1');
    const [cancelled] = await b.say('/meeting m1 ics', { user: OFFICER });
    expect(cancelled?.document?.content).toContain('STATUS:CANCELLED');
  });
});

describe('/meeting edit and cancel', () => {
  it('the secretariat can give the announced 4th COLEP an exact date; reseeding the practice base leaves it alone', async () => {
    const databasePath = tempDbPath();
    // Before its announced window (September or October 2023) has passed.
    const b = bot({ config: { databasePath }, clock: createFakeClock('2023-08-01T08:00:00Z') });
    const out = await b.sayText('/meeting edit colep-4 2026-10-15 10:00 Europe/Sofia | 4th COLEP meeting | Sofia, Bulgaria');
    expect(out).toContain('Meeting changed: 4th COLEP meeting');
    expect(await b.sayText('/meetings', { user: OFFICER })).toMatch(/Upcoming\n- 4th COLEP meeting - Thu 15 Oct 2026, 10:00 Europe\/Sofia/);
    await b.stop();
    const again = bot({ config: { databasePath } });
    expect(again.community.meetings.get('colep-4')).toMatchObject({ source: 'chat', startsAt: new Date('2026-10-15T07:00:00Z') });
    const [r] = await again.say('/meeting colep-4 ics', { user: OFFICER });
    expect(r?.document?.content).toContain('DTSTART:20261015T070000Z');
  });

  it('refuses to change or cancel a meeting that has taken place, and says when nothing changed', async () => {
    const b = bot();
    expect(await b.sayText('/meeting cancel colep-3')).toMatch(/already taken place/);
    expect(await b.sayText('/meeting edit colep-3 2026-12-10 10:00 Europe/Sofia | x | y')).toMatch(/already taken place/);
    await b.say('/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria');
    expect(await b.sayText('/meeting edit m1 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria')).toMatch(/Nothing changed/);
    expect(await b.sayText('/meeting cancel m1')).toContain('Meeting cancelled');
    expect(await b.sayText('/meeting cancel m1')).toContain('already cancelled');
    expect(await b.sayText('/meeting edit m1 2026-12-11 10:00 Europe/Sofia | 7th COLEP meeting | Sofia')).toMatch(/was cancelled/);
    expect(readAudit(b.community.store).map((a) => a.action)).toEqual(['meeting.add', 'meeting.cancel']);
  });

  it('only the secretariat adds, edits or cancels, and the refusal names the role', async () => {
    const b = bot();
    await b.say('/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria');
    for (const user of [OFFICER, CO_CHAIR]) {
      for (const cmd of ['/meeting add 2026-12-11 10:00 Europe/Sofia | x | y', '/meeting edit m1 2026-12-11 10:00 Europe/Sofia | x | y', '/meeting cancel m1']) {
        const [r] = await b.say(cmd, { user });
        expect(r?.refusal).toBe(true);
        expect((await import('./helpers/community.ts')).replyText(r)).toMatch(/only the secretariat can use/);
      }
    }
    expect(b.community.meetings.get('m1')).toMatchObject({ title: '7th COLEP meeting', cancelled: false });
    expect(b.community.meetings.get('m2')).toBeUndefined();
  });
});

describe('seeds', () => {
  it('loads the practice base meetings and member zones idempotently', async () => {
    const databasePath = tempDbPath();
    const b1 = bot({ config: { databasePath } });
    const count = () => b1.community.store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM meetings').get()!.n;
    expect(count()).toBe(realBase.meetings.length);
    expect(b1.community.zones().map((z) => z.country)).toEqual([
      'Azerbaijan',
      'Bangladesh',
      'Bosnia and Herzegovina',
      'Bulgaria',
      'France',
      'Hungary',
      'Iraq',
      'North Macedonia',
      'Pakistan',
    ]);
    expect(b1.community.zones().find((z) => z.country === 'Bangladesh')?.weekend).toEqual([5, 6]);
    await b1.stop();
    const b2 = bot({ config: { databasePath } });
    expect(b2.community.store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM meetings').get()!.n).toBe(realBase.meetings.length);
    expect(b2.community.store.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM community_zones WHERE community = 'colep'").get()!.n).toBe(9);
  });

  it('picks up an edited seeds file and rejects an invalid one with a clear error', async () => {
    const dir = tempDir();
    const yaml = fs.readFileSync(path.join(defaultSeedsDir(), 'communities.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'communities.yaml'), yaml);
    const databasePath = tempDbPath();
    const b1 = bot({ config: { databasePath }, seedsDir: dir });
    expect(b1.community.zones()).toHaveLength(9);
    await b1.stop();
    fs.writeFileSync(path.join(dir, 'communities.yaml'), yaml.replace(/\n      - \{ country: Pakistan[^\n]*/, ''));
    const b2 = bot({ config: { databasePath }, seedsDir: dir });
    expect(b2.community.zones().map((z) => z.country)).not.toContain('Pakistan');
    await b2.stop();
    fs.writeFileSync(path.join(dir, 'communities.yaml'), yaml.replace('Asia/Dhaka', 'Asia/Dacca_Nowhere'));
    expect(() => createTestBot({ config: { databasePath }, seedsDir: dir })).toThrow(/communities\.yaml[\s\S]*IANA time zone/);
  });
});

describe('calendar files: length and revisions', () => {
  const icsOf = async (b: TestBot, id: string) => (await b.say(`/meeting ${id} ics`, { user: OFFICER }))[0]?.document?.content ?? '';

  it('gives a meeting added in chat an end two hours after its start (no zero-length event)', async () => {
    const b = bot();
    await b.say('/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria');
    const ics = await icsOf(b, 'm1');
    expect(ics).toContain('DTSTART:20261210T080000Z');
    expect(ics).toContain('DTEND:20261210T100000Z');
    expect(ics).not.toContain('DURATION');
    expect(DEFAULT_MEETING_LENGTH_MS).toBe(2 * 3_600_000);
  });

  it('raises SEQUENCE on every edit and on cancel, keeps the UID, and keeps it across a restart', async () => {
    const databasePath = tempDbPath();
    const b = bot({ config: { databasePath } });
    await b.say('/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria');
    const seq = async (x: TestBot) => /SEQUENCE:(\d+)/.exec(await icsOf(x, 'm1'))?.[1];
    expect(await seq(b)).toBe('0');
    expect(await b.sayText('/meeting edit m1 2026-12-10 11:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria')).toContain('Meeting changed');
    expect(await seq(b)).toBe('1');
    expect(await b.sayText('/meeting edit m1 2026-12-10 11:00 Europe/Sofia | 7th COLEP meeting (final) | Sofia, Bulgaria')).toContain('Meeting changed');
    expect(await seq(b)).toBe('2');
    expect(await b.sayText('/meeting edit m1 2026-12-10 11:00 Europe/Sofia | 7th COLEP meeting (final) | Sofia, Bulgaria')).toMatch(/Nothing changed/);
    expect(await seq(b)).toBe('2');
    await b.say('/meeting cancel m1');
    const cancelled = await icsOf(b, 'm1');
    expect(cancelled).toContain('SEQUENCE:3');
    expect(cancelled).toContain('STATUS:CANCELLED');
    expect(cancelled).toContain('UID:m1@practice-bot');
    await b.say('/meeting cancel m1'); // already cancelled: no new revision
    await b.stop();
    const again = bot({ config: { databasePath } });
    expect(await seq(again)).toBe('3');
  });
});

describe('/meeting add and edit with nothing after them', () => {
  it('names every missing part and shows the full usage line', async () => {
    const b = bot();
    await b.say('/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria');
    const missing = '[error] The date (YYYY-MM-DD), the time (HH:MM), the IANA time zone (e.g. Europe/Sofia), the title and the place are missing.';
    const add = await b.sayText('/meeting add');
    expect(add).toContain(missing);
    expect(add).toContain('Write: /meeting add <YYYY-MM-DD> <HH:MM> <IANA time zone> | <title> | <place or online>');
    const edit = await b.sayText('/meeting edit m1');
    expect(edit).toContain(missing);
    expect(edit).toContain('Write: /meeting edit <id> <YYYY-MM-DD> <HH:MM> <IANA time zone> | <title> | <place or online>');
    expect(await b.sayText('/meeting add 2026-12-10 | Title')).toContain(
      '[error] The time (HH:MM), the IANA time zone (e.g. Europe/Sofia) and the place are missing.',
    );
    // The parts after | are still named on their own when the date, time and zone are there.
    expect(await b.sayText('/meeting add 2026-12-10 10:00 Europe/Sofia')).toContain('The title and the place are missing: separate the three parts with |.');
  });
});
