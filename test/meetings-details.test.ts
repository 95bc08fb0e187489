// Issue 14, meetings: a meeting's end (MEETING_LENGTH, `length`) and video link (`link`), shown in
// details, announcements, reminders and the .ics; `/meeting edit <id> time|title|place|link|length`
// changing one field and keeping the rest (a new time reschedules the reminders like the whole-line
// edit); bad input answered with syntax and an example, and nothing changed. Fake clock, real files.
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { readAudit } from '../src/features/access/index.ts';
import { migrations } from '../src/store/migrations/index.ts';
import { openStore } from '../src/store/store.ts';
import { createFakeClock, createTestBot, GROUP, OFFICER, removeTempDirs, SECRETARIAT, tempDbPath, type TestBot, stopAfterEachTest, runDueAt } from './helpers/community.ts';

afterAll(removeTempDirs);
const stopped = stopAfterEachTest();

const PRIVATE = SECRETARIAT; // the secretariat's private chat (allowed: the user holds a role)

function bot(opts: Parameters<typeof createTestBot>[0] = {}): TestBot {
  const b = createTestBot({ clock: createFakeClock('2026-03-01T08:00:00Z'), ...opts });
  return stopped(b);
}

const reminders = (b: TestBot) => b.outbound.to(GROUP).filter((s) => s.text.startsWith('Reminder:'));
const row = (b: TestBot, id: string) =>
  b.community.store.db
    .prepare<[string], { title: string; place: string; starts_at: number; zone: string; length_ms: number; video_link: string | null; revision: number }>(
      'SELECT title, place, starts_at, zone, length_ms, video_link, revision FROM meetings WHERE id = ?',
    )
    .get(id)!;

async function add(b: TestBot, spec = '2026-03-30 09:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria'): Promise<string> {
  const out = await b.sayText(`/meeting add ${spec}`, { chat: PRIVATE });
  const id = /Id: (m\d+)/.exec(out)?.[1];
  expect(id, out).toBeDefined();
  await b.community.idle();
  return id!;
}

describe('MEETING_LENGTH', () => {
  it('defaults to 2h, takes 90m or 1h30m, and stops start-up naming the variable when malformed', () => {
    expect(loadConfig({}).meetingLengthMs).toBe(2 * 3_600_000);
    expect(loadConfig({ MEETING_LENGTH: '' }).meetingLengthMs).toBe(2 * 3_600_000);
    expect(loadConfig({ MEETING_LENGTH: '90m' }).meetingLengthMs).toBe(90 * 60_000);
    expect(loadConfig({ MEETING_LENGTH: '1h30m' }).meetingLengthMs).toBe(90 * 60_000);
    for (const bad of ['two hours', '2x', '0m', '9d', '-1h']) {
      expect(() => loadConfig({ MEETING_LENGTH: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ MEETING_LENGTH: bad }), bad).toThrow(/MEETING_LENGTH/);
    }
  });

  it('a meeting added in chat lasts MEETING_LENGTH: shown in details and announcements, and as the .ics DTEND', async () => {
    const b = bot({ config: { meetingLengthMs: 90 * 60_000 } });
    expect(await b.sayText('/subscribe')).toContain('now subscribed');
    const id = await add(b);
    const details = await b.sayText(`/meeting ${id}`, { user: OFFICER });
    expect(details).toContain('When: Mon 30 Mar 2026, 09:00 Europe/Sofia (UTC+3), until 10:30 (1 hour 30 minutes)');
    expect(b.outbound.to(GROUP)[0]!.text).toContain('until 10:30 (1 hour 30 minutes)');
    const [ics] = await b.say(`/meeting ${id} ics`, { user: OFFICER });
    expect(ics!.document!.content).toContain('DTSTART:20260330T060000Z');
    expect(ics!.document!.content).toContain('DTEND:20260330T073000Z');
  });
});

describe('/meeting edit <id> <field>', () => {
  it('link and length change only themselves; details, the .ics (URL, DTEND), the announcement and the reminders show them; audited', async () => {
    const b = bot();
    expect(await b.sayText('/subscribe')).toContain('now subscribed');
    b.community.start();
    const id = await add(b);
    const before = row(b, id);
    expect(before.length_ms).toBe(2 * 3_600_000);

    const out = await b.sayText(`/meeting edit ${id} link https://meet.example.org/colep-7`, { chat: PRIVATE });
    expect(out).toContain('Meeting changed: 7th COLEP meeting');
    expect(out).toContain('Video link: none -> https://meet.example.org/colep-7');
    expect(await b.sayText(`/meeting edit ${id} length 3h`, { chat: PRIVATE })).toContain('Length: 2 hours -> 3 hours');
    const after = row(b, id);
    expect(after).toMatchObject({ title: before.title, place: before.place, starts_at: before.starts_at, zone: before.zone });
    expect(after).toMatchObject({ video_link: 'https://meet.example.org/colep-7', length_ms: 3 * 3_600_000, revision: before.revision + 2 });

    const details = await b.sayText(`/meeting ${id}`, { user: OFFICER });
    expect(details).toContain('until 12:00 (3 hours)');
    expect(details).toContain('Video link: https://meet.example.org/colep-7');
    const ics = (await b.say(`/meeting ${id} ics`, { user: OFFICER }))[0]!.document!.content;
    expect(ics).toContain('DTEND:20260330T090000Z');
    expect(ics).toContain('URL;VALUE=URI:https://meet.example.org/colep-7');

    await b.community.idle();
    const changed = b.outbound.to(GROUP).filter((s) => s.text.startsWith('Meeting changed'));
    expect(changed).toHaveLength(2);
    expect(changed[1]!.text).toContain('Video link: https://meet.example.org/colep-7');
    const audits = readAudit(b.community.store, { action: 'meeting.edit' });
    expect(audits).toHaveLength(2);
    expect(JSON.stringify(audits)).toContain('https://meet.example.org/colep-7');

    await runDueAt(b, '2026-03-23T07:00:00Z'); // the 7-day reminder: unchanged time, new details
    expect(reminders(b)).toHaveLength(1);
    expect(reminders(b)[0]!.text).toContain('until 12:00 (3 hours)');
    expect(reminders(b)[0]!.text).toContain('Video link: https://meet.example.org/colep-7');

    expect(await b.sayText(`/meeting edit ${id} link none`, { chat: PRIVATE })).toContain('Video link: https://meet.example.org/colep-7 -> none');
    expect(row(b, id).video_link).toBeNull();
  });

  it('title and place change only themselves', async () => {
    const b = bot();
    const id = await add(b);
    await b.sayText(`/meeting edit ${id} title 7th COLEP meeting (hybrid)`, { chat: PRIVATE });
    await b.sayText(`/meeting edit ${id} place online`, { chat: PRIVATE });
    const r = row(b, id);
    expect(r).toMatchObject({ title: '7th COLEP meeting (hybrid)', place: 'online', zone: 'Europe/Sofia', starts_at: Date.parse('2026-03-30T06:00:00Z') });
    expect(await b.sayText(`/meeting ${id}`, { user: OFFICER })).toContain('Where: online');
  });

  it('time moves the meeting (zone kept unless given) and its reminders follow, as the whole-line edit does', async () => {
    const b = bot();
    expect(await b.sayText('/subscribe')).toContain('now subscribed');
    b.community.start();
    const id = await add(b);
    await b.sayText(`/meeting edit ${id} link https://meet.example.org/x`, { chat: PRIVATE });
    await runDueAt(b, '2026-03-23T07:00:00Z');
    expect(reminders(b)).toHaveLength(1);

    await runDueAt(b, '2026-03-24T10:00:00Z');
    const out = await b.sayText(`/meeting edit ${id} time 2026-04-06 09:00`, { chat: PRIVATE });
    expect(out).toContain('Meeting changed: 7th COLEP meeting');
    expect(out).toContain('Mon 6 Apr 2026, 09:00 Europe/Sofia');
    await b.community.idle();
    const changed = b.outbound.to(GROUP).filter((s) => s.text.startsWith('Meeting changed'));
    expect(changed.at(-1)!.text).toContain('Moved from Mon 30 Mar 2026, 09:00');
    expect(row(b, id)).toMatchObject({ title: '7th COLEP meeting', place: 'Sofia, Bulgaria', zone: 'Europe/Sofia', video_link: 'https://meet.example.org/x' });

    await runDueAt(b, '2026-03-29T06:00:00Z'); // the old 1-day reminder
    await runDueAt(b, '2026-03-30T05:00:00Z'); // the old 1-hour reminder
    expect(reminders(b)).toHaveLength(1);
    await runDueAt(b, '2026-03-30T06:00:00Z'); // 7 days before the new date
    expect(reminders(b)).toHaveLength(2);
    expect(reminders(b)[1]!.text).toContain('Mon 6 Apr 2026');
    const audits = readAudit(b.community.store, { action: 'meeting.edit' });
    expect(audits).toHaveLength(2);

    // A zone given moves it to that zone's 09:00.
    await b.sayText(`/meeting edit ${id} time 2026-04-06 09:00 Asia/Baghdad`, { chat: PRIVATE });
    expect(row(b, id)).toMatchObject({ zone: 'Asia/Baghdad', starts_at: Date.parse('2026-04-06T06:00:00Z') });
    // The whole-line form still works.
    expect(await b.sayText(`/meeting edit ${id} 2026-04-07 10:00 Europe/Sofia | 7th COLEP | Sofia`, { chat: PRIVATE })).toContain('Meeting changed: 7th COLEP');
    expect(row(b, id)).toMatchObject({ title: '7th COLEP', place: 'Sofia', video_link: 'https://meet.example.org/x' });
  });

  it('bad input: syntax and an example, unknown ids, past times, bad links; nothing changes', async () => {
    const b = bot();
    const id = await add(b);
    const before = row(b, id);
    const cases: [string, RegExp][] = [
      [`time`, /Give the new date and time[\s\S]*Write: \/meeting edit m1 time <YYYY-MM-DD> <HH:MM> \[<IANA time zone>\][\s\S]*For example: \/meeting edit m1 time 2026-12-10 14:00/],
      [`time 2026-02-01 10:00`, /is in the past/],
      [`time 2026-02-30 10:00`, /not a date in the calendar/],
      [`time 2026-04-01 25:00`, /not a time/],
      [`time 2026-04-01 10:00 Mars/Olympus`, /not an IANA time zone/],
      [`time 2026-04-01 10:00 Europe/Sofia extra`, /nothing else/],
      [`title`, /The new title is missing[\s\S]*For example: \/meeting edit m1 title 7th COLEP meeting/],
      [`title ${'x'.repeat(201)}`, /title is too long/],
      [`place`, /The new place is missing[\s\S]*For example: \/meeting edit m1 place Sofia, Bulgaria/],
      [`link`, /video link is missing[\s\S]*For example: \/meeting edit m1 link https:\/\/meet\.example\.org\/colep-7/],
      [`link http://meet.example.org/x`, /must start with https:\/\/[\s\S]*For example: \/meeting edit m1 link https:/],
      [`link https://user:secret@meet.example.org/x`, /user name or password/],
      [`link https://@meet.example.org/x`, /user name or password/],
      [`link javascript:alert(1)`, /must start with https:\/\//],
      [`link meet.example.org/x`, /not a web address/],
      [`link https://localhost/x`, /not a web site name/],
      [`link https://meet.example.org/${'a'.repeat(500)}`, /too long/],
      [`link https://meet.example.org/a b`, /no spaces/],
      [`length`, /new length is missing[\s\S]*For example: \/meeting edit m1 length 1h30m/],
      [`length two hours`, /is not a length/],
      [`length 1m`, /too short/],
      [`length 30d`, /too long/],
      [`colour red`, /I cannot change "colour"[\s\S]*\/meeting edit m1 time <YYYY-MM-DD>[\s\S]*\/meeting edit m1 <YYYY-MM-DD> <HH:MM>/],
    ];
    for (const [tail, re] of cases) {
      const [r] = await b.say(`/meeting edit ${id} ${tail}`, { chat: PRIVATE });
      expect(r!.refusal, tail).toBe(true);
      expect(await b.sayText(`/meeting edit ${id} ${tail}`, { chat: PRIVATE }), tail).toMatch(re);
    }
    expect(await b.sayText('/meeting edit m99 link https://meet.example.org/x', { chat: PRIVATE })).toContain('There is no meeting "m99"');
    expect(await b.sayText(`/meeting edit ${id} title 7th COLEP meeting`, { chat: PRIVATE })).toContain('Nothing changed');
    expect(await b.sayText(`/meeting edit ${id} link https://meet.example.org/x`, { user: OFFICER })).toContain('only the secretariat');
    expect(row(b, id)).toEqual(before);
    expect(readAudit(b.community.store, { action: 'meeting.edit' })).toHaveLength(0);

    // A meeting that has taken place cannot be edited, field by field either.
    await runDueAt(b, '2026-03-30T06:00:00Z');
    expect(await b.sayText(`/meeting edit ${id} title Renamed`, { chat: PRIVATE })).toContain('has already taken place');
    expect(row(b, id)).toEqual(before);
  });

  it('/meeting add takes an optional video link as a fourth part, validated', async () => {
    const b = bot();
    const id = await add(b, '2026-03-30 09:00 Europe/Sofia | 7th COLEP meeting | online | https://meet.example.org/colep-7');
    expect(row(b, id).video_link).toBe('https://meet.example.org/colep-7');
    const bad = await b.sayText('/meeting add 2026-03-30 09:00 Europe/Sofia | 7th COLEP meeting | online | http://meet.example.org/x', { chat: PRIVATE });
    expect(bad).toContain('must start with https://');
    expect(b.community.meetings.all().filter((m) => m.source === 'chat')).toHaveLength(1);
  });
});

describe('migration 009', () => {
  it('upgrades a version-6 database in place: existing meetings get 2 hours and no link; attendance can be recorded', () => {
    const file = tempDbPath();
    const old = openStore(file, { migrations: migrations.filter((m) => m.version <= 6) });
    old.db
      .prepare(
        `INSERT INTO meetings (id, title, source, starts_at, zone, date_start, date_precision, sort_at, status, cancelled, place, virtual, reminders_from, created_at, updated_at)
         VALUES ('m1', 'Old', 'chat', 1, 'Europe/Sofia', '2026-01-01', 'minute', 1, 'scheduled', 0, 'Sofia', 0, 0, 0, 0)`,
      )
      .run();
    old.close();
    const store = openStore(file);
    expect(store.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(9);
    expect(store.db.prepare('SELECT length_ms, video_link FROM meetings WHERE id = ?').get('m1')).toEqual({ length_ms: 7_200_000, video_link: null });
    store.db.prepare("INSERT INTO attendance (meeting_id, user_id, status, recorded_at) VALUES ('m1', 'telegram:1', 'yes', 0)").run();
    expect(() => store.db.prepare("INSERT INTO attendance (meeting_id, user_id, status, recorded_at) VALUES ('m1', 'telegram:2', 'maybe', 0)").run()).toThrow();
    store.close();
  });
});
