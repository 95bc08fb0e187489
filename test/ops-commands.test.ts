// `practice-bot export` and `practice-bot status` (issue 16), run in-process through src/cli.ts's
// main on a database filled through the real chat commands.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeClock, createRecordingOutbound, createTestBot, removeTempDirs, tempDbPath } from './helpers/community.ts';
import { parseCsv, runMain } from './helpers/ops.ts';

afterAll(removeTempDirs);

const FORMULA = '=HYPERLINK("http://evil.example","click"), then "quotes"';
let db = '';
let ballotTokens: string[] = [];

beforeAll(async () => {
  db = tempDbPath();
  const clock = createFakeClock('2026-01-05T08:00:00Z');
  const outbound = createRecordingOutbound({ platform: 'console', clock });
  const b = createTestBot({ clock, outbound, config: { databasePath: db, allowedChats: ['console:room', 'console:room2'], secretariat: ['console:sec'] } });
  const say = async (t: string, user = 'console:sec', chat = 'console:room') => {
    const text = await b.sayText(t, { user, chat, chatType: 'group' });
    expect(text).toMatch(/^(Meeting added|Thank you|Agenda for|Your vote)/);
    return text;
  };
  await say('/meeting add 2026-02-10 10:00 Europe/Sofia | 5th COLEP meeting | online');
  await say(`/suggest ${FORMULA}`);
  await say('/suggest Training on encrypted phones', 'console:u1');
  await say('/suggest +cross-border data requests', 'console:u2');
  await say('/poll');
  await say('/vote 1', 'console:u1');
  await say('/vote 2', 'console:u2');
  await say('/vote 1', 'console:u3');
  await say('/poll named', 'console:sec', 'console:room2');
  await say('/vote 1', 'console:u1', 'console:room2');
  await say('/vote 3', 'console:u2', 'console:room2');
  await b.community.idle();
  ballotTokens = b.community.store.db.prepare<[], { token: string }>('SELECT token FROM agenda_anon_ballots').all().map((r) => r.token);
  await b.stop();
  // Deliveries for status: two pending (one being sent), one failed; and a live instance lease.
  const w = new Database(db);
  const ins = w.prepare(
    `INSERT INTO reminder_deliveries (meeting_id, offset_ms, chat_id, due_at, status, next_attempt_at, updated_at) VALUES ('m1', ?, 'console:room', 1, ?, 1, 1)`,
  );
  // A suggestion a co-chair removed (/agenda remove) and one merged into another: not on the agenda.
  const closed = w.prepare(
    `INSERT INTO agenda_suggestions (meeting_id, chat_id, text, norm, proposer_id, created_at, status) VALUES ('m1', 'console:room', ?, ?, 'console:u4', ?, ?)`,
  );
  closed.run('Drone patrols removed by the co-chair', 'drone patrols removed', Date.parse('2026-01-05T09:00:00Z'), 'removed');
  closed.run('Encrypted phone training merged away', 'encrypted phone training merged', Date.parse('2026-01-05T09:00:00Z'), 'merged');
  ins.run(1, 'pending');
  ins.run(2, 'sending');
  ins.run(3, 'failed');
  ins.run(4, 'sent');
  w.close();
});

describe('practice-bot export', () => {
  it('has ballot tokens to keep out (the anonymous poll is open)', () => {
    expect(ballotTokens.length).toBe(3);
  });

  it('writes RFC 4180 CSV that reads back as the same rows as the JSON export, with formulas neutralised', async () => {
    for (const kind of ['meetings', 'agenda', 'polls', 'audit']) {
      const csv = await runMain(['export', kind], db);
      const json = await runMain(['export', kind, '--format', 'json'], db);
      expect(csv.code, csv.stderr).toBe(0);
      expect(json.code, json.stderr).toBe(0);
      expect(csv.stdout.endsWith('\r\n')).toBe(true);
      const rows = parseCsv(csv.stdout);
      const objects = JSON.parse(json.stdout) as Record<string, unknown>[];
      const header = rows[0]!;
      expect(rows.slice(1)).toHaveLength(objects.length);
      expect(objects.length).toBeGreaterThan(0);
      objects.forEach((o, i) => {
        expect(Object.keys(o)).toEqual(header);
        const want = header.map((c) => {
          const v = o[c];
          if (v === null || v === undefined) return '';
          const s = String(v);
          return typeof v === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
        });
        expect(rows[i + 1]).toEqual(want);
      });
    }
  });

  it('neutralises a suggestion starting with = or + and keeps its commas and quotes', async () => {
    const r = await runMain(['export', 'agenda'], db);
    const rows = parseCsv(r.stdout);
    const text = rows[0]!.indexOf('text');
    const texts = rows.slice(1).map((row) => row[text]);
    expect(texts).toContain(`'${FORMULA}`);
    expect(texts).toContain("'+cross-border data requests");
    expect(texts).toContain('Training on encrypted phones');
    expect(texts).not.toContain('Drone patrols removed by the co-chair');
    expect(texts).not.toContain('Encrypted phone training merged away');
    expect(r.stdout).not.toMatch(/(^|,)=HYPERLINK/m);
    const json = JSON.parse((await runMain(['export', 'agenda', '--format', 'json'], db)).stdout) as { text: string }[];
    expect(json.map((x) => x.text)).toContain(FORMULA);
  });

  it('exports totals only for the anonymous poll and voter ids only for the named one', async () => {
    const r = await runMain(['export', 'polls', '--format', 'json'], db);
    const rows = JSON.parse(r.stdout) as { poll_id: number; anonymous: boolean; option: number; votes: number; voters: string | null }[];
    const anon = rows.filter((x) => x.anonymous);
    const named = rows.filter((x) => !x.anonymous);
    expect(anon.map((x) => [x.option, x.votes, x.voters])).toEqual([
      [1, 2, null],
      [2, 1, null],
      [3, 0, null],
    ]);
    expect(named.map((x) => [x.option, x.votes, x.voters])).toEqual([
      [1, 1, 'console:u1'],
      [2, 0, ''],
      [3, 1, 'console:u2'],
    ]);
    const csv = (await runMain(['export', 'polls'], db)).stdout;
    // u3 voted only in the anonymous poll: nothing may tie them to it; its ballot tokens stay in.
    expect(csv).not.toContain('console:u3');
    for (const t of ballotTokens) expect(csv).not.toContain(t);
  });

  it('--since keeps rows on or after that day', async () => {
    const all = JSON.parse((await runMain(['export', 'meetings', '--format', 'json'], db)).stdout) as { id: string }[];
    const since = JSON.parse((await runMain(['export', 'meetings', '--format', 'json', '--since', '2026-01-01'], db)).stdout) as { id: string }[];
    expect(all.map((m) => m.id)).toEqual(expect.arrayContaining(['colep-3', 'colep-4', 'm1']));
    expect(since.map((m) => m.id)).toEqual(['m1']);
    // the meeting added in chat carries its length (MEETING_LENGTH's default, 2 h) and its link (none)
    expect(since[0]).toMatchObject({ length_ms: 7_200_000, video_link: null });
    const none = await runMain(['export', 'audit', '--since', '2030-01-01', '--format', 'json'], db);
    expect(none.stdout).toBe('[]\n');
  });

  it('exports attendance (schema 9) with its header: empty while nobody has answered', async () => {
    // Answers themselves: test/meetings-attendance.test.ts.
    const r = await runMain(['export', 'attendance'], db);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('meeting_id,user_id,user_name,status,recorded_at\r\n');
    expect(r.stderr).toBe('');
  });

  it('answers a wrong kind, format, date or database in one line', async () => {
    const cases: [string[], RegExp, number][] = [
      [['export', 'ballots'], /unknown export "ballots"/, 2],
      [['export', 'polls', '--format', 'xlsx'], /unknown --format "xlsx"/, 2],
      [['export', 'audit', '--since', '2026-02-30'], /--since "2026-02-30" is not a date/, 2],
      [['export', 'audit', '--since', 'yesterday'], /is not a date/, 2],
      [['export'], /export needs one kind/, 2],
      [['export', 'audit', '--bogus'], /Unknown option '--bogus'/, 2],
    ];
    for (const [argv, re, code] of cases) {
      const r = await runMain(argv, db);
      expect(r.code, argv.join(' ')).toBe(code);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    const missing = await runMain(['export', 'audit'], `${db}.nothing-here`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^practice-bot export: database .*: no such file\n$/);
  });
});

describe('practice-bot status', () => {
  it('prints schema, lease, meetings, deliveries and the scheduler tick, and --json', async () => {
    const w = new Database(db);
    w.exec(`CREATE TABLE IF NOT EXISTS instance_lease (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, host TEXT NOT NULL,
      pid INTEGER NOT NULL, token TEXT NOT NULL, started_at INTEGER NOT NULL, heartbeat_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`);
    const beat = Date.now() - 10 * 60_000;
    w.prepare("INSERT OR REPLACE INTO instance_lease VALUES (1, 'bothost pid 4242 started 2026-01-05T08:00:00.000Z', 'bothost', 4242, 't', ?, ?, ?)").run(beat, beat, beat + 60_000);
    w.close();
    const r = await runMain(['status'], db);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/schema version:\s+\d+/);
    expect(r.stdout).toMatch(/instance lease:\s+bothost pid 4242 .*heartbeat (59\d|60\d) s ago \(expired\)/);
    // m1 (10 Feb 2026) is ahead only until that day: compare with the real date.
    expect(r.stdout).toContain(`upcoming meetings: ${Date.now() < Date.parse('2026-02-10T08:00:00Z') ? 1 : 0}`);
    expect(r.stdout).toMatch(/deliveries:\s+2 pending, 1 failed/);
    expect(r.stdout).toMatch(/scheduler tick:\s+2026-01-05T08:00:00.000Z/);
    const j = await runMain(['status', '--json'], db);
    const s = JSON.parse(j.stdout) as { deliveries: { pending: number; failed: number }; scheduler: { lastTick: string }; lease: { holder: string; live: boolean } };
    expect(s.deliveries).toMatchObject({ pending: 2, failed: 1 });
    expect(s.scheduler.lastTick).toBe('2026-01-05T08:00:00.000Z');
    expect(s.lease).toMatchObject({ holder: 'bothost pid 4242 started 2026-01-05T08:00:00.000Z', live: false });
  });
});
