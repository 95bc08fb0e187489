// Agenda suggestions, polls, votes, gaps and feedback (issue 3, part B), on real SQLite files in
// temp folders, a fake clock and recording outbound ports (console: no polls; Slack: buttons;
// Telegram: native polls).
import { afterAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { createAgenda, type AgendaFeature } from '../src/features/agenda/index.ts';
import { createFeedback, type FeedbackFeature } from '../src/features/feedback/index.ts';
import { createAudit, readAudit } from '../src/features/access/index.ts';
import { createOutboundRouter } from '../src/core/outbound.ts';
import type { Platform } from '../src/core/ports.ts';
import type { Reply } from '../src/core/reply.ts';
import { m001 } from '../src/store/migrations/001-core.ts';
import { openStore, type Store } from '../src/store/store.ts';
import {
  createFakeClock,
  createRecordingOutbound,
  createTestLogger,
  fakeEngine,
  removeTempDirs,
  replyText,
  tempDbPath,
  tempStore,
  type FakeClock,
  type RecordingOutbound,
} from './helpers/community.ts';

afterAll(() => removeTempDirs());

const CONSOLE = 'console:local';
const SLACK = 'slack:C100';
const TG = 'telegram:-100500';
const ALICE = 'telegram:3003';
const BOB = 'telegram:3004';
const CAROL = 'telegram:3005';
const CHAIR = 'telegram:2002';

interface Harness {
  store: Store;
  db: Database.Database;
  clock: FakeClock;
  agenda: AgendaFeature;
  feedback: FeedbackFeature;
  console: RecordingOutbound;
  slack: RecordingOutbound;
  telegram: RecordingOutbound;
  saved: { meetingId: string; items: { text: string; votes: number }[] }[];
  meetingList: { id: string; title: string; startsAt: Date }[];
  run(text: string, opts?: { user?: string; chat?: string; name?: string; threadId?: string }): Promise<Reply[]>;
  say(text: string, opts?: { user?: string; chat?: string; name?: string; threadId?: string }): Promise<string>;
  count(table: string, where?: string): number;
}

function setup(opts: { retentionDays?: number; store?: Store } = {}): Harness {
  const store = opts.store ?? tempStore();
  const clock = createFakeClock('2026-01-05T08:00:00Z');
  const router = createOutboundRouter();
  const consoleOut = createRecordingOutbound({ platform: 'console', clock });
  const slack = createRecordingOutbound({ platform: 'slack', capabilities: { polls: 'buttons', editMessages: true }, clock });
  const telegram = createRecordingOutbound({ platform: 'telegram', capabilities: { polls: 'native' }, clock });
  for (const o of [consoleOut, slack, telegram]) router.register(o);
  const saved: Harness['saved'] = [];
  const meetingList = [
    { id: 'm1', title: '7th COLEP meeting', startsAt: new Date('2026-03-10T08:00:00Z') },
    { id: 'm2', title: 'Thematic meeting on smuggling', startsAt: new Date('2026-04-20T08:00:00Z') },
  ];
  const { log } = createTestLogger();
  const agenda = createAgenda({
    store,
    clock,
    outbound: router,
    log,
    audit: createAudit(store, clock),
    meetings: {
      nextMeeting: (now) => meetingList.filter((m) => m.startsAt > now).sort((a, b) => +a.startsAt - +b.startsAt)[0],
      meetingExists: (id) => meetingList.some((m) => m.id === id),
      // Only ids and titles: no date, so a label is the bare title as a meeting port without dates gives it.
      get: () => undefined,
      ids: () => [...meetingList.map((m) => m.id), ...fakeEngine().base.meetings.map((m) => m.id)],
      saveAgenda: (meetingId, items) => void saved.push({ meetingId, items }),
    },
  });
  const feedback = createFeedback({ store, clock, log, retentionDays: opts.retentionDays ?? 30 });
  const commands = [...(agenda.commands ?? []), ...(feedback.commands ?? [])];
  const run: Harness['run'] = async (text, o = {}) => {
    const m = /^\/(\S+)\s*([\s\S]*)$/.exec(text);
    if (!m) throw new Error(`not a command: ${text}`);
    const spec = commands.find((c) => c.name === m[1]);
    if (!spec) throw new Error(`no command ${m[1]}`);
    const chat = o.chat ?? CONSOLE;
    const user = o.user ?? ALICE;
    const r = await spec.run({
      msg: {
        platform: chat.slice(0, chat.indexOf(':')) as Platform,
        chat: { id: chat, type: 'group' },
        user: { id: user, ...(o.name ? { name: o.name } : {}) },
        text,
        addressed: true,
        ...(o.threadId ? { threadId: o.threadId } : {}),
      },
      command: spec.name,
      args: m[2]!.trim(),
      actor: { id: user, ...(o.name ? { name: o.name } : {}), roles: new Set() },
      chatAllowed: true,
      now: clock.now(),
      log,
    });
    return Array.isArray(r) ? r : [r];
  };
  return {
    store,
    db: store.db,
    clock,
    agenda,
    feedback,
    console: consoleOut,
    slack,
    telegram,
    saved,
    meetingList,
    run,
    say: async (t, o) => replyText(await run(t, o)),
    count: (table, where = '1') => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n,
  };
}

/** Adds suggestions with decreasing support: item k gets (n - k) supporters. */
async function suggestRanked(h: Harness, texts: string[], meeting = ''): Promise<void> {
  for (const [i, t] of texts.entries()) {
    await h.run(`/suggest ${meeting} ${t}`.replace('  ', ' '), { user: `telegram:${1000 + i}` });
    for (let k = 0; k < texts.length - i - 1; k++) {
      await h.run(`/suggest ${meeting} ${t}`.replace('  ', ' '), { user: `telegram:${5000 + i * 100 + k}` });
    }
  }
}

const TOPICS = [
  'Encryption of seized mobile devices',
  'Cross-border access to e-evidence',
  'Cryptocurrency tracing training',
  'Platform cooperation on takedowns',
  'Migrant smuggling advertised on social media',
  'Joint investigation teams: lessons learned',
  'Darknet marketplaces after takedowns',
  'OSINT tools and their legal limits',
  'Victim identification in child abuse material',
  'Ransomware negotiations and payments',
  'Drones used for smuggling over borders',
  'Data retention rules after court rulings',
];

describe('/suggest', () => {
  it('stores a suggestion for the next meeting with its proposer', async () => {
    const h = setup();
    const out = await h.say('/suggest Encryption of seized mobile devices', { name: 'Alice' });
    expect(out).toContain('suggestion #1 is saved for 7th COLEP meeting');
    const row = h.db.prepare('SELECT meeting_id, chat_id, text, proposer_id, proposer_name FROM agenda_suggestions').get();
    expect(row).toEqual({ meeting_id: 'm1', chat_id: CONSOLE, text: 'Encryption of seized mobile devices', proposer_id: ALICE, proposer_name: 'Alice' });
  });

  it('takes a meeting id as first word', async () => {
    const h = setup();
    await h.say('/suggest m2 Drones used for smuggling');
    expect(h.db.prepare('SELECT meeting_id, text FROM agenda_suggestions').get()).toEqual({ meeting_id: 'm2', text: 'Drones used for smuggling' });
    expect(await h.say('/agenda m2')).toContain('Drones used for smuggling (1 supporter)');
    expect(await h.say('/agenda')).toContain('No suggestions yet');
  });

  it('refuses personal data with an explanation, stores nothing and does not repeat it', async () => {
    const h = setup();
    for (const text of [
      'Please call me on +33 6 12 34 56 78 about encryption',
      'Contact john.doe@police.example.org for the slides',
      'Fees to IBAN DE89 3704 0044 0532 0130 00',
      'Suspect passport number X1234567 to be discussed',
    ]) {
      const [r] = await h.run(`/suggest ${text}`);
      expect(r!.refusal).toBe(true);
      const out = replyText(r);
      expect(out).toMatch(/did not save.*personal data/s);
      expect(out).not.toMatch(/12 34 56|john\.doe|0532|X1234567/);
    }
    expect(h.count('agenda_suggestions')).toBe(0);
    expect(await h.say('/suggest Call +33 6 12 34 56 78')).toContain('a phone number');
    expect(await h.say('/suggest mail me at a@b.example.org')).toContain('an e-mail address');
  });

  it('accepts ordinary text with a year, a meeting number, a date and a legal reference', async () => {
    const h = setup();
    for (const t of ['Review of the 2023 results', 'Follow-up of the 7th COLEP meeting', 'Regulation (EU) 2016/679 in practice', 'Report due 2026-02-01 10:00']) {
      expect(await h.say(`/suggest ${t}`)).toContain('is saved');
    }
    expect(h.count('agenda_suggestions')).toBe(4);
  });

  it('enforces 3 to 300 characters with clear replies', async () => {
    const h = setup();
    expect(await h.say('/suggest ab')).toContain('too short (2 characters)');
    const long = await h.run(`/suggest ${'x'.repeat(10_000)}`);
    expect(long[0]!.refusal).toBe(true);
    expect(replyText(long)).toContain('too long (10,000 characters)');
    expect(replyText(long)).toContain('at most 300');
    expect(await h.say(`/suggest ${'y'.repeat(301)}`)).toContain('too long (301 characters)');
    expect(h.count('agenda_suggestions')).toBe(0);
    expect(await h.say(`/suggest ${'é'.repeat(300)}`)).toContain('is saved');
    expect(await h.say('/suggest')).toContain('Write your suggestion after the command');
    expect(h.count('agenda_suggestions')).toBe(1);
  });

  it('stores and shows SQL, HTML and unicode verbatim', async () => {
    const h = setup();
    const texts = [
      "Robert'); DROP TABLE agenda_suggestions;-- and OR 1=1",
      '<b>bold</b> & <script>alert("x")</script> &amp;',
      'حماية البيانات والتشفير 🚓 Ünïcödé — 数据',
    ];
    for (const t of texts) expect(await h.say(`/suggest ${t}`, { user: `telegram:${t.length}` })).toContain('is saved');
    const stored = h.db.prepare('SELECT text FROM agenda_suggestions ORDER BY id').all().map((r) => (r as { text: string }).text);
    expect(stored).toEqual(texts);
    const agenda = await h.say('/agenda');
    for (const t of texts) expect(agenda).toContain(t);
  });

  it('counts a near duplicate as +1, once per person, the proposer not twice', async () => {
    const h = setup();
    await h.say('/suggest Encryption of mobile devices seized at the border', { user: ALICE });
    const bob = await h.say('/suggest encryption of mobile devices seized at borders!', { user: BOB });
    expect(bob).toContain('A similar suggestion is already on the list');
    expect(bob).toContain('"Encryption of mobile devices seized at the border"');
    expect(bob).toContain('it now has 2 supporters');
    expect(await h.say('/suggest Encryption of mobile devices seized at the border', { user: BOB })).toContain('You already support it (2 supporters)');
    expect(await h.say('/suggest ENCRYPTION of mobile devices seized at the border.', { user: ALICE })).toContain('You already support it (2 supporters)');
    expect(await h.say('/suggest Encrypton of mobile devices seized at the border', { user: CAROL })).toContain('3 supporters');
    expect(h.count('agenda_suggestions')).toBe(1);
    expect(h.count('agenda_supporters')).toBe(3);
    // another meeting is another list
    expect(await h.say('/suggest m2 Encryption of mobile devices seized at the border')).toContain('is saved');
    expect(h.count('agenda_suggestions')).toBe(2);
    // a different item is not merged
    expect(await h.say('/suggest Encryption of mobile devices seized inland', { user: BOB })).toContain('is saved');
    expect(await h.say('/agenda')).toMatch(/#1 Encryption of mobile devices seized at the border \(3 supporters\)\n- #3 Encryption of mobile devices seized inland \(1 supporter\)/);
  });

  it('explains how to pass a meeting id when no meeting is upcoming', async () => {
    const h = setup();
    h.clock.set('2026-06-01T00:00:00Z');
    const [r] = await h.run('/suggest Something for later');
    expect(r!.refusal).toBe(true);
    expect(replyText(r)).toContain('no upcoming meeting');
    expect(replyText(r)).toContain('/suggest <meeting id> <text>');
    expect(replyText(r)).toContain('/meetings');
    expect(h.count('agenda_suggestions')).toBe(0);
    expect(await h.say('/agenda')).toContain('/agenda <meeting id>');
    expect(await h.say('/agenda nope')).toContain('There is no meeting with the id nope');
  });
});

describe('/poll', () => {
  it('cuts more than 10 suggestions to the top 10 by support and says so', async () => {
    const h = setup();
    await suggestRanked(h, TOPICS);
    const out = await h.say('/poll', { user: CHAIR });
    expect(out).toContain('has 12 suggestions; a poll takes at most 10');
    expect(out).toContain('Left out: "Drones used for smuggling over borders" (2 supporters); "Data retention rules after court rulings" (1 supporter)');
    const options = h.db.prepare('SELECT text FROM agenda_poll_options ORDER BY idx').all().map((r) => (r as { text: string }).text);
    expect(options).toEqual(TOPICS.slice(0, 10));
    // console: the reply itself shows numbered choices and how to vote
    expect(out).toContain('1. Encryption of seized mobile devices');
    expect(out).toContain('10. Ransomware negotiations and payments');
    expect(out).toContain('/vote <number>');
    expect(out).toContain('Anonymous poll: only the totals are kept');
  });

  it('explains when there are fewer than 2 suggestions', async () => {
    const h = setup();
    expect(await h.say('/poll', { user: CHAIR })).toContain('needs at least 2 suggestions');
    await h.say('/suggest Only one item');
    const [r] = await h.run('/poll', { user: CHAIR });
    expect(r!.refusal).toBe(true);
    expect(replyText(r)).toContain('has only 1 so far');
    expect(h.count('agenda_polls')).toBe(0);
  });

  it('anonymous polls keep totals only: no voter id anywhere in the database', async () => {
    const h = setup();
    await suggestRanked(h, TOPICS.slice(0, 3));
    await h.say('/poll', { user: CHAIR });
    const voters = ['slack:UVOTER1', 'slack:UVOTER2', 'slack:UVOTER3'];
    for (const [i, v] of voters.entries()) {
      expect(await h.say('/vote 1', { user: v })).toContain('Your vote for option 1 is recorded. Anonymous poll');
      if (i < 2) await h.say('/vote 3', { user: v });
    }
    // double vote by toggling twice is a retraction, not two votes
    await h.say('/vote 2', { user: voters[0] });
    await h.say('/vote 2', { user: voters[0] });
    const view = h.agenda.openPolls()[0]!;
    expect(view.anonymous).toBe(true);
    expect(view.options.map((o) => o.votes)).toEqual([3, 0, 2]);
    expect(h.count('agenda_named_votes')).toBe(0);
    expect(h.count('agenda_anon_ballots')).toBe(5);
    const dump = dumpDatabase(h.db);
    for (const v of voters) expect(dump).not.toContain(v.slice(6));
    // after close: no ballots, no key, totals remain
    const closed = await h.say('/poll close', { user: CHAIR });
    expect(closed).toMatch(/1\. Encryption of seized mobile devices: 3 votes\n2\. Cryptocurrency tracing training: 2 votes\n3\. Cross-border access to e-evidence: 0 votes/);
    expect(h.count('agenda_anon_ballots')).toBe(0);
    expect(h.count('agenda_polls', 'ballot_key IS NOT NULL')).toBe(0);
    expect(h.count('agenda_anon_totals', 'votes > 0')).toBe(2);
  });

  it('named polls record who voted for what, say so, and show voters in the results', async () => {
    const h = setup();
    await suggestRanked(h, TOPICS.slice(0, 3));
    const out = await h.say('/poll named', { user: CHAIR });
    expect(out).toContain('Named poll: voters are recorded.');
    expect(h.agenda.openPolls()[0]!.note).toBe('Named poll: voters are recorded.');
    await h.say('/vote 2', { user: BOB, name: 'Bob' });
    await h.say('/vote 2', { user: CAROL, name: 'Carol' });
    await h.say('/vote 1', { user: CAROL, name: 'Carol' });
    const rows = h.db.prepare('SELECT idx, user_id FROM agenda_named_votes ORDER BY idx, user_id').all();
    expect(rows).toEqual([
      { idx: 0, user_id: CAROL },
      { idx: 1, user_id: BOB },
      { idx: 1, user_id: CAROL },
    ]);
    const res = await h.say('/poll close', { user: CHAIR });
    expect(res).toContain('1. Cross-border access to e-evidence: 2 votes (Bob, Carol)');
    expect(res).toContain('2. Encryption of seized mobile devices: 1 vote (Carol)');
  });

  it('votes change and retract; one vote per person per option; closed and unknown polls return undefined', async () => {
    const h = setup();
    await suggestRanked(h, TOPICS.slice(0, 4));
    await h.say('/poll named', { user: CHAIR });
    const id = h.agenda.openPolls()[0]!.id;
    const counts = async (input: Parameters<AgendaFeature['vote']>[0]) => (await h.agenda.vote(input))?.options.map((o) => o.votes);
    expect(await counts({ pollId: id, user: { id: BOB }, optionIndexes: [0, 2] })).toEqual([1, 0, 1, 0]);
    expect(await counts({ pollId: id, user: { id: BOB }, optionIndexes: [0, 0, 2] })).toEqual([1, 0, 1, 0]);
    expect(await counts({ pollId: id, user: { id: BOB }, optionIndexes: [1] })).toEqual([0, 1, 0, 0]);
    expect(await counts({ pollId: id, user: { id: CAROL }, optionIndexes: [1], toggle: true })).toEqual([0, 2, 0, 0]);
    expect(await counts({ pollId: id, user: { id: CAROL }, optionIndexes: [1], toggle: true })).toEqual([0, 1, 0, 0]);
    expect(await counts({ pollId: id, user: { id: BOB }, optionIndexes: [] })).toEqual([0, 0, 0, 0]);
    expect(await counts({ pollId: id, user: { id: BOB }, optionIndexes: [7, -1, 3] })).toEqual([0, 0, 0, 1]);
    expect(await h.say('/vote 9', { user: BOB })).toContain('has options 1 to 4');
    expect(await h.agenda.vote({ pollId: 999, user: { id: BOB }, optionIndexes: [0] })).toBeUndefined();
    expect(await h.agenda.vote({ platformPollId: 'nope', user: { id: BOB }, optionIndexes: [0] })).toBeUndefined();
    await h.say('/poll close', { user: CHAIR });
    expect(await h.agenda.vote({ pollId: id, user: { id: BOB }, optionIndexes: [0] })).toBeUndefined();
    expect(await h.say('/vote 1', { user: BOB })).toContain('No poll is open');
  });

  it('anonymous polls: replace and retract without double counting', async () => {
    const h = setup();
    await suggestRanked(h, TOPICS.slice(0, 3));
    await h.say('/poll', { user: CHAIR });
    const id = h.agenda.openPolls()[0]!.id;
    const counts = async (input: Parameters<AgendaFeature['vote']>[0]) => (await h.agenda.vote(input))?.options.map((o) => o.votes);
    expect(await counts({ pollId: id, user: { id: BOB }, optionIndexes: [0, 1] })).toEqual([1, 1, 0]);
    expect(await counts({ pollId: id, user: { id: BOB }, optionIndexes: [0, 1] })).toEqual([1, 1, 0]);
    expect(await counts({ pollId: id, user: { id: BOB }, optionIndexes: [2] })).toEqual([0, 0, 1]);
    expect(await counts({ pollId: id, user: { id: CAROL }, optionIndexes: [2], toggle: true })).toEqual([0, 0, 2]);
    expect(await counts({ pollId: id, user: { id: BOB }, optionIndexes: [] })).toEqual([0, 0, 1]);
    expect(await counts({ pollId: id, user: { id: CAROL }, optionIndexes: [2], toggle: true })).toEqual([0, 0, 0]);
    expect(h.count('agenda_anon_ballots')).toBe(0);
  });

  it('runs two polls at once, in different chats and for different meetings', async () => {
    const h = setup();
    await suggestRanked(h, TOPICS.slice(0, 3));
    await suggestRanked(h, TOPICS.slice(5, 8), 'm2');
    // Slack (buttons) and console, same meeting
    const slackReply = await h.say('/poll', { user: CHAIR, chat: SLACK });
    expect(slackReply).toContain('Poll #1 is open');
    expect(slackReply).not.toContain('/vote <number>');
    expect(h.slack.sent.filter((s) => s.kind === 'poll')).toHaveLength(1);
    await h.say('/poll named', { user: CHAIR, chat: CONSOLE });
    // console again, another meeting
    await h.say('/poll m2', { user: CHAIR, chat: CONSOLE });
    expect(h.agenda.openPolls().map((p) => p.id)).toEqual([1, 2, 3]);
    expect(await h.say('/poll', { user: CHAIR, chat: CONSOLE })).toContain('Poll #2 for 7th COLEP meeting');

    // a Slack button press updates that poll in place and nothing else
    const view = await h.agenda.vote({ pollId: 1, user: { id: 'slack:U1' }, optionIndexes: [1], toggle: true });
    expect(view?.options.map((o) => o.votes)).toEqual([0, 1, 0]);
    const update = h.slack.sent.find((s) => s.kind === 'updatePoll');
    expect(update?.poll?.options[1]?.votes).toBe(1);
    // console has two polls open: /vote and /poll close ask which
    expect(await h.say('/vote 1', { user: BOB })).toContain('2 polls are open here');
    await h.say('/vote 1 3', { user: BOB });
    await h.say('/vote 2 2', { user: CAROL });
    expect(await h.say('/poll close', { user: CHAIR })).toContain('Say which to close');
    const closed3 = await h.say('/poll close 3', { user: CHAIR });
    expect(closed3).toContain('1. Joint investigation teams: lessons learned: 1 vote');
    expect(h.saved).toEqual([{ meetingId: 'm2', items: expect.arrayContaining([{ text: 'Joint investigation teams: lessons learned', votes: 1 }]) }]);
    // the others are untouched
    expect(h.agenda.openPolls().map((p) => [p.id, p.options.map((o) => o.votes)])).toEqual([
      [1, [0, 1, 0]],
      [2, [0, 1, 0]],
    ]);
    // Slack poll closed: the platform message is closed too
    await h.say('/poll close', { user: CHAIR, chat: SLACK });
    expect(h.slack.sent.some((s) => s.kind === 'closePoll' && s.poll?.closed === true)).toBe(true);
    expect(h.agenda.openPolls().map((p) => p.id)).toEqual([2]);
  });

  it('Telegram native anonymous polls: totals from poll updates and from stopPoll', async () => {
    const h = setup();
    await suggestRanked(h, TOPICS.slice(0, 3));
    const out = await h.say('/poll', { user: CHAIR, chat: TG, threadId: '77' });
    expect(out).toContain('Poll #1 is open');
    const sent = h.telegram.sent.find((s) => s.kind === 'poll')!;
    expect(sent.opts?.threadId).toBe('77');
    expect(sent.poll?.anonymous).toBe(true);
    expect(h.db.prepare('SELECT message_id, platform_poll_id FROM agenda_polls').get()).toEqual({ message_id: '1', platform_poll_id: 'tgpoll-1' });
    await h.agenda.pollTotals('tgpoll-1', [4, 1, 2]);
    expect(h.agenda.openPolls()[0]!.options.map((o) => o.votes)).toEqual([4, 1, 2]);
    expect(await h.say('/vote 1', { chat: TG })).toContain('vote in the poll message itself');
    h.telegram.closeTotals = [5, 1, 7];
    const res = await h.say('/poll close', { user: CHAIR, chat: TG });
    expect(res).toMatch(/1\. Cryptocurrency tracing training: 7 votes\n2\. Encryption of seized mobile devices: 5 votes\n3\. Cross-border access to e-evidence: 1 vote/);
    expect(h.telegram.sent.some((s) => s.kind === 'closePoll')).toBe(true);
    expect(h.saved[0]!.items.map((i) => i.votes)).toEqual([7, 5, 1]);
    await h.agenda.pollTotals('tgpoll-1', [9, 9, 9]);
    expect(h.db.prepare('SELECT SUM(votes) AS n FROM agenda_anon_totals').get()).toEqual({ n: 13 });
  });

  it('Telegram named polls take poll_answer votes by platform poll id', async () => {
    const h = setup();
    await suggestRanked(h, TOPICS.slice(0, 3));
    await h.say('/poll named', { user: CHAIR, chat: TG });
    expect(h.telegram.sent.find((s) => s.kind === 'poll')?.poll?.note).toBe('Named poll: voters are recorded.');
    const v = await h.agenda.vote({ platformPollId: 'tgpoll-1', user: { id: BOB, name: 'Bob' }, optionIndexes: [0, 2] });
    expect(v?.options.map((o) => o.votes)).toEqual([1, 0, 1]);
    await h.agenda.vote({ platformPollId: 'tgpoll-1', user: { id: BOB }, optionIndexes: [] });
    expect(h.count('agenda_named_votes')).toBe(0);
    // no in-place update on native polls
    expect(h.telegram.sent.some((s) => s.kind === 'updatePoll')).toBe(false);
  });

  it('a failed poll post opens nothing', async () => {
    const h = setup();
    await suggestRanked(h, TOPICS.slice(0, 2));
    h.slack.behave = () => {
      throw new Error('boom');
    };
    const [r] = await h.run('/poll', { user: CHAIR, chat: SLACK });
    expect(r!.refusal).toBe(true);
    expect(replyText(r)).toContain('could not post the poll');
    expect(h.count('agenda_polls')).toBe(0);
  });

  it('close-at closes on tick, posts the results to the chat, saves the agenda and audits', async () => {
    const h = setup();
    await suggestRanked(h, TOPICS.slice(0, 3));
    // no poll open: close-at opens one with that close time
    const out = await h.say('/poll close-at 2026-01-10 18:00 Europe/Sofia', { user: CHAIR, threadId: 't1' });
    expect(out).toContain('It closes by itself on Sat 10 Jan 2026, 18:00 Europe/Sofia');
    const view = h.agenda.openPolls()[0]!;
    expect(view.closesAt).toBe('2026-01-10T16:00:00.000Z');
    expect(h.agenda.nextDueAt()?.toISOString()).toBe('2026-01-10T16:00:00.000Z');
    // moving it: the open poll here gets the new time
    expect(await h.say('/poll close-at 2026-01-12 09:30 Asia/Dhaka', { user: CHAIR })).toContain('Poll #1 will close on Mon 12 Jan 2026, 09:30 Asia/Dhaka');
    expect(h.agenda.nextDueAt()?.toISOString()).toBe('2026-01-12T03:30:00.000Z');
    await h.say('/vote 2', { user: BOB });

    h.clock.set('2026-01-12T03:29:00Z');
    await h.agenda.tick(h.clock.now());
    expect(h.agenda.openPolls()).toHaveLength(1);
    h.clock.set('2026-01-12T03:30:00Z');
    // at the close time, before tick ran: no more votes
    expect(await h.agenda.vote({ pollId: 1, user: { id: CAROL }, optionIndexes: [0] })).toBeUndefined();
    await h.agenda.tick(h.clock.now());
    expect(h.agenda.openPolls()).toHaveLength(0);
    const posted = h.console.sent.filter((s) => s.kind === 'send');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.chatId).toBe(CONSOLE);
    expect(posted[0]!.opts?.threadId).toBe('t1');
    expect(posted[0]!.text).toContain('The poll reached its close time.');
    expect(posted[0]!.text).toContain('1. Cross-border access to e-evidence: 1 vote');
    expect(h.saved).toEqual([
      {
        meetingId: 'm1',
        items: [
          { text: 'Cross-border access to e-evidence', votes: 1 },
          { text: 'Encryption of seized mobile devices', votes: 0 },
          { text: 'Cryptocurrency tracing training', votes: 0 },
        ],
      },
    ]);
    const trail = readAudit(h.store).map((a) => [a.actor, a.action, a.subject, a.details?.reason]);
    expect(trail).toEqual([
      [CHAIR, 'poll.open', 'poll:1', undefined],
      [CHAIR, 'poll.close-at', 'poll:1', undefined],
      ['system', 'poll.close', 'poll:1', 'timer'],
    ]);
    // a second tick does nothing more
    await h.agenda.tick(h.clock.now());
    expect(h.console.sent.filter((s) => s.kind === 'send')).toHaveLength(1);
    expect(h.agenda.nextDueAt()).toBeUndefined();
  });

  it('refuses bad close times with the syntax', async () => {
    const h = setup();
    await suggestRanked(h, TOPICS.slice(0, 2));
    const examples = new Set<string>();
    for (const [args, want] of [
      ['close-at 2026-01-01 18:00 Europe/Sofia', 'already past'],
      ['close-at 2026-02-30 18:00 Europe/Sofia', 'not a date in the calendar'],
      ['close-at 2026-02-10 25:00 Europe/Sofia', 'not a time'],
      ['close-at 2026-02-10 18:00 Mars/Olympus', 'not an IANA time zone'],
      ['close-at 2026-03-29 03:30 Europe/Sofia', 'does not exist in Europe/Sofia'],
      ['close-at 2026-02-10', 'needs a date, a time and a time zone'],
      ['whenever', 'I don\'t understand "whenever"'],
    ] as const) {
      const [r] = await h.run(`/poll ${args}`, { user: CHAIR });
      expect(r!.refusal).toBe(true);
      expect(replyText(r)).toContain(want);
      examples.add(/\/poll close-at \d{4}-\d\d-\d\d \d\d:\d\d \S+/.exec(replyText(r))?.[0] ?? 'no example');
    }
    expect(h.count('agenda_polls')).toBe(0);
    // The example is one that works when it is read: ahead of the clock, before the meeting starts.
    expect([...examples]).toHaveLength(1);
    const [example] = examples;
    // the 7th COLEP meeting has no start yet: 18:00 a week after the clock's 5 Jan 2026
    expect(example).toBe('/poll close-at 2026-01-12 18:00 UTC');
    const [ok] = await h.run(example!, { user: CHAIR });
    expect(ok!.refusal).toBeFalsy();
    expect(replyText(ok)).toMatch(/Poll #1\b.*It closes by itself on/s);
  });
});

describe('chats', () => {
  it('chatMigrated moves suggestions and polls to the new chat id', async () => {
    const h = setup();
    const OLD = 'console:old';
    const NEW = 'console:new';
    await suggestRanked(h, TOPICS.slice(0, 2).map((t) => t));
    h.db.prepare("UPDATE agenda_suggestions SET chat_id = 'console:old'").run();
    await h.say('/poll named', { user: CHAIR, chat: OLD });
    h.agenda.chatMigrated(OLD, NEW);
    expect(h.count('agenda_suggestions', "chat_id = 'console:old'")).toBe(0);
    expect(h.count('agenda_suggestions', "chat_id = 'console:new'")).toBe(2);
    expect(h.count('agenda_polls', "chat_id = 'console:new' AND status = 'open'")).toBe(1);
    expect(await h.say('/vote 1', { user: BOB, chat: NEW })).toContain('recorded');
    expect(await h.say('/vote 1', { user: CAROL, chat: OLD })).toContain('No poll is open');
    expect(await h.say('/poll close', { user: CHAIR, chat: NEW })).toContain('1 vote');
  });

  it('chatGone closes the open polls there quietly', async () => {
    const h = setup();
    await suggestRanked(h, TOPICS.slice(0, 2));
    await h.say('/poll', { user: CHAIR, chat: SLACK });
    await h.say('/poll', { user: CHAIR, chat: CONSOLE });
    await h.agenda.vote({ pollId: 1, user: { id: BOB }, optionIndexes: [0], toggle: true });
    const before = h.slack.sent.length;
    h.agenda.chatGone(SLACK);
    expect(h.slack.sent.length).toBe(before);
    expect(h.agenda.openPolls().map((p) => p.id)).toEqual([2]);
    expect(h.db.prepare('SELECT status, close_reason FROM agenda_polls WHERE id = 1').get()).toEqual({ status: 'closed', close_reason: 'chat-gone' });
    expect(h.count('agenda_anon_ballots', 'poll_id = 1')).toBe(0);
    expect(h.saved).toEqual([]);
    expect(await h.agenda.vote({ pollId: 1, user: { id: CAROL }, optionIndexes: [0], toggle: true })).toBeUndefined();
  });
});

describe('gaps and feedback', () => {
  it('keeps unanswered questions without the asker, masked and grouped, and purges old ones', async () => {
    const h = setup({ retentionDays: 30 });
    h.feedback.recordGap('How do we handle encrypted phones?');
    h.feedback.recordGap('how do we handle ENCRYPTED phones');
    h.feedback.recordGap('Who is the contact? call +33 6 12 34 56 78');
    h.feedback.recordGap(`Long ${'q'.repeat(2000)}`);
    h.feedback.recordFeedback('entry:colep-3-gp-1', true);
    h.feedback.recordFeedback('entry:colep-3-gp-1', false);
    h.feedback.recordFeedback('entry:colep-3-ch-2', false);
    h.feedback.recordFeedback('entry:colep-3-ch-2', false);
    const out = await h.say('/gaps', { user: 'telegram:1001' });
    expect(out).toContain('4 questions (3 different ones) in the last 30 days');
    expect(out).toMatch(/1\. how do we handle ENCRYPTED phones \(2 times, last 2026-01-05\)/);
    expect(out).toContain('Who is the contact? call [phone number removed] (once');
    expect(out).not.toContain('12 34 56');
    expect(out).toContain('1 helpful, 3 not helpful');
    expect(out).toMatch(/entry:colep-3-ch-2: 2 not helpful, 0 helpful\n- entry:colep-3-gp-1: 1 not helpful, 1 helpful/);
    expect(h.db.prepare('SELECT MAX(length(question)) AS n FROM agenda_gaps').get()).toEqual({ n: 500 });
    expect(h.db.prepare('SELECT * FROM agenda_gaps LIMIT 1').get()).toEqual({ id: 1, question: expect.any(String), norm: expect.any(String), asked_at: expect.any(Number), language: null });

    expect(h.feedback.nextDueAt()?.toISOString()).toBe('2026-02-04T08:00:00.000Z');
    h.clock.set('2026-01-20T08:00:00Z');
    h.feedback.recordGap('A newer question');
    h.clock.set('2026-02-04T08:00:00Z');
    await h.feedback.tick(h.clock.now());
    expect(h.count('agenda_gaps')).toBe(1);
    expect(h.count('agenda_feedback')).toBe(0);
    expect(h.feedback.nextDueAt()?.toISOString()).toBe('2026-02-19T08:00:00.000Z');
    expect(await h.say('/gaps')).toContain('1. A newer question (once');
  });

  it('answer feedback counts one vote per person per answer, which they can change; /gaps counts that way', async () => {
    const h = setup();
    const q = 'How do others preserve chat logs?';
    // one person pressing "Helpful" twice counts once
    expect(h.feedback.recordFeedback(q, true, { token: 't1', voter: ALICE })).toBe('new');
    expect(h.feedback.recordFeedback(q, true, { token: 't1', voter: ALICE })).toBe('same');
    expect(await h.say('/gaps')).toContain('1 helpful, 0 not helpful.');
    // ... and can change their mind, without counting both ways
    expect(h.feedback.recordFeedback(q, false, { token: 't1', voter: ALICE })).toBe('changed');
    expect(h.feedback.recordFeedback(q, false, { token: 't1', voter: ALICE })).toBe('same');
    let out = await h.say('/gaps');
    expect(out).toContain('0 helpful, 1 not helpful.');
    expect(out).toContain(`${q}: 1 not helpful, 0 helpful`);
    expect(h.feedback.recordFeedback(q, true, { token: 't1', voter: ALICE })).toBe('changed');
    expect(await h.say('/gaps')).toContain('1 helpful, 0 not helpful.');
    // another person, and the same person on another answer, count on their own
    expect(h.feedback.recordFeedback(q, false, { token: 't1', voter: BOB })).toBe('new');
    expect(h.feedback.recordFeedback(q, false, { token: 't2', voter: ALICE })).toBe('new');
    out = await h.say('/gaps');
    expect(out).toContain('1 helpful, 2 not helpful.');
    expect(out).toContain(`${q}: 2 not helpful, 1 helpful`);
    // nothing to count
    expect(h.feedback.recordFeedback(q, true, { token: '', voter: CAROL })).toBe('ignored');
    expect(h.feedback.recordFeedback('   ', true, { token: 't3', voter: CAROL })).toBe('ignored');
    expect(await h.say('/gaps')).toContain('1 helpful, 2 not helpful.');
    // voters are not stored: the database holds per-question totals only
    const dump = dumpDatabase(h.db);
    for (const v of [ALICE, BOB, CAROL]) expect(dump).not.toContain(v.slice('telegram:'.length));
    expect(h.db.prepare('SELECT key, helpful, not_helpful FROM agenda_feedback').all()).toEqual([{ key: q, helpful: 1, not_helpful: 2 }]);
  });

  it('a changed feedback vote never takes a total below zero (e.g. after the purge)', async () => {
    const h = setup({ retentionDays: 1 });
    const q = 'Which tools trace cryptocurrency?';
    h.feedback.recordFeedback(q, true, { token: 't1', voter: ALICE });
    h.feedback.flush();
    h.clock.set('2026-01-07T08:00:00Z');
    await h.feedback.tick(h.clock.now());
    expect(h.count('agenda_feedback')).toBe(0);
    expect(h.feedback.recordFeedback(q, false, { token: 't1', voter: ALICE })).toBe('changed');
    expect(await h.say('/gaps', { user: CHAIR })).toContain('0 helpful, 1 not helpful.');
  });

  it('writes questions and feedback behind the answer: within a second, at 100 queued, and at stop', async () => {
    const h = setup();
    h.feedback.recordGap('How do others preserve chat logs?');
    h.feedback.recordFeedback('entry:colep-3-gp-1', true);
    // The answer does not wait for the disk: nothing is written yet ...
    expect(h.count('agenda_gaps')).toBe(0);
    // ... and one second later both are, by the timer on the injected clock.
    await h.clock.advance(1000);
    expect(h.count('agenda_gaps')).toBe(1);
    expect(h.count('agenda_feedback')).toBe(1);

    for (let i = 0; i < 100; i++) h.feedback.recordGap(`question number ${i} about encrypted phones`);
    expect(h.count('agenda_gaps')).toBe(101);

    h.feedback.recordGap('Asked just before a shutdown');
    h.feedback.flush();
    expect(h.db.prepare('SELECT question FROM agenda_gaps ORDER BY id DESC LIMIT 1').get()).toEqual({ question: 'Asked just before a shutdown' });
    expect(h.clock.pendingTimers()).toEqual([]);
  });
});

describe('schema', () => {
  it('upgrades a version-1 database in place, keeping its data', async () => {
    const file = tempDbPath();
    const v1 = openStore(file, { migrations: [m001] });
    v1.db.prepare("INSERT INTO meta (key, value) VALUES ('keep', 'me')").run();
    v1.close();
    const store = openStore(file);
    // 2 or later: migrations added since (e.g. 003) also run on the way up.
    expect(store.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(2);
    expect(store.db.prepare("SELECT value FROM meta WHERE key = 'keep'").get()).toEqual({ value: 'me' });
    const h = setup({ store });
    expect(await h.say('/suggest Kept across restarts')).toContain('is saved');
    store.close();
    const again = openStore(file);
    expect(again.db.prepare('SELECT text FROM agenda_suggestions').get()).toEqual({ text: 'Kept across restarts' });
    again.close();
  });
});

function dumpDatabase(db: Database.Database): string {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  return tables
    .map(({ name }) => JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all(), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))
    .join('\n');
}
