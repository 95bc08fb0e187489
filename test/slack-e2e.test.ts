// The Slack adapter end to end: the real app (createApp, real store in a temp folder, real engine
// and community), real Bolt over real HTTP on the shared server, a fake Slack Web API on
// 127.0.0.1, and requests signed like Slack's.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CommunityModule } from '../src/app.ts';
import type { Reply } from '../src/core/reply.ts';
import { blocksText, buttonsOf, type FakeMessage } from './helpers/fake-slack.ts';
import { CHANNEL, CHANNEL_2, CO_CHAIR, OFFICER, OTHER_CHANNEL, SECRETARIAT, startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';

const visible = (m: FakeMessage) => `${m.text}\n${blocksText(m.blocks)}`;
const newMessages = (h: SlackHarness, since: number, channel?: string) =>
  h.fake.messages.slice(since).filter((m) => channel === undefined || m.channel === channel);

/** Live Slack markup a user could have injected: mentions, broadcasts, links. Our own `<!date^...>` is allowed. */
const LIVE_MARKUP = /<(?!!date\^)[!@#]|<(?:https?|mailto|ftp):|<[a-z]+:\/\//i;

function expectNoLiveMarkup(messages: { text: string; blocks: Record<string, unknown>[] }[]) {
  for (const m of messages) {
    expect(m.text).not.toMatch(LIVE_MARKUP);
    expect(blocksText(m.blocks)).not.toMatch(LIVE_MARKUP);
  }
}

function expectWithinLimits(m: FakeMessage) {
  expect(m.blocks.length).toBeLessThanOrEqual(50);
  for (const b of m.blocks as { type: string; text?: { text: string }; elements?: { text?: { text: string } | string; value?: string }[] }[]) {
    if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(3000);
    if (b.type === 'header') expect(b.text!.text.length).toBeLessThanOrEqual(150);
  }
  for (const btn of buttonsOf(m.blocks)) {
    expect(btn.label.length).toBeLessThanOrEqual(75);
    expect(btn.value.length).toBeLessThanOrEqual(2000);
  }
  const ids = buttonsOf(m.blocks).map((b) => b.action_id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(m.text.length).toBeGreaterThan(0);
}

describe('Slack: every command through /practice', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Runs `/practice <text>` and returns what was posted in the channel (and through response_url). */
  async function run(text: string, o: { user?: string; channel?: string } = {}) {
    const since = h.fake.messages.length;
    const filesSince = h.fake.files.length;
    const r = await h.command(text, o);
    expect(r.status).toBe(200);
    const posted = newMessages(h, since);
    posted.forEach(expectWithinLimits);
    return {
      posted,
      text: posted.map(visible).join('\n'),
      responses: h.fake.responsesTo(r.responseUrl),
      files: h.fake.files.slice(filesSince),
    };
  }

  it('/practice alone and /practice help show the commands, written the Slack way', async () => {
    for (const t of ['', 'help']) {
      const r = await run(t);
      expect(r.posted).toHaveLength(1);
      expect(r.posted[0]!.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: 'practice-bot commands' } });
      expect(r.text).toContain('/practice challenges');
      expect(r.text).toContain('/practice help all');
      expect(r.text).not.toContain('/practice meeting add');
      expect(r.posted[0]!.thread_ts).toBeUndefined();
    }
    expect((await run('help all')).text).toContain('/practice meeting add');
  });

  it('start, ask, challenges, practices, opportunities, sources answer from the practice base with citations', async () => {
    expect((await run('start')).text).toMatch(/Welcome to practice-bot/);

    const ask = await run('ask how do others handle encrypted data?');
    const blocks = ask.posted[0]!.blocks as { type: string; text?: { text: string }; elements?: { text: string }[] }[];
    const entry = blocks.findIndex((b) => b.type === 'section' && /^\*[^*]+\*\n/.test(b.text?.text ?? ''));
    expect(entry).toBeGreaterThanOrEqual(0);
    // An entry: bold title + text in a section, then a context line with the citation.
    expect(blocks[entry + 1]).toMatchObject({ type: 'context' });
    expect(blocks[entry + 1]!.elements![0]!.text).toMatch(/COLEP meeting, \d+ \w+ \d{4}, /);
    expect(buttonsOf(ask.posted[0]!.blocks).map((b) => b.label)).toEqual(expect.arrayContaining([expect.stringMatching(/^More results/)]));

    const challenges = await run('challenges encryption');
    expect(challenges.text).toMatch(/encrypted/i);
    expect(challenges.text).toMatch(/Challenge · :page_facing_up: /);
    expect((await run('practices training')).text).toMatch(/Good practice · /);
    expect((await run('opportunities')).text).toMatch(/opportunit/i);
    expect((await run('sources')).text).toContain('001_f556e3455b226015.txt');
  });

  it('meetings: an officer is refused (only to them), the secretariat adds one with times in each reader\'s zone, details and .ics upload', async () => {
    const add = 'meeting add 2026-03-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria';
    const refused = await run(add, { user: OFFICER });
    expect(refused.posted).toHaveLength(0);
    expect(refused.responses).toHaveLength(1);
    expect(refused.responses[0]).toMatchObject({ response_type: 'ephemeral' });
    expect(String(refused.responses[0]!.text)).toMatch(/only the secretariat can use/);

    const added = await run(add, { user: SECRETARIAT });
    expect(added.text).toMatch(/Meeting added: 9th COLEP meeting/);
    // 2026-03-10 10:00 Europe/Sofia = 08:00 UTC = 1773129600.
    expect(added.text).toContain('<!date^1773129600^{date_short_pretty} {time}|Tue 10 Mar 2026, 10:00 Europe/Sofia (UTC+2)>');
    const id = /Id: `([^`]+)`/.exec(added.text)?.[1];
    expect(id).toBeTruthy();

    expect((await run('meetings')).text).toMatch(/9th COLEP meeting/);
    expect((await run(`meeting ${id}`)).text).toMatch(/9th COLEP meeting[\s\S]*Sofia, Bulgaria/);

    const ics = await run(`meeting ${id} ics`);
    expect(ics.files).toHaveLength(1);
    expect(ics.files[0]!.channel_id).toBe(CHANNEL);
    expect(ics.files[0]!.filename).toMatch(/\.ics$/);
    expect(ics.files[0]!.uploaded).toContain('BEGIN:VCALENDAR');
    expect(ics.files[0]!.uploaded).toContain('9th COLEP meeting');

    expect((await run(`meeting edit ${id} 2026-03-11 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria`, { user: SECRETARIAT })).text).toMatch(
      /11 Mar 2026/,
    );
  });

  it('subscribe, remind, suggest, agenda, gaps, role, unsubscribe, cancel; unknown commands; community commands refused in a chat that is not allowed', async () => {
    expect((await run('subscribe', { user: SECRETARIAT })).text).toMatch(/subscribed/);
    expect((await run('remind', { user: SECRETARIAT })).text).toMatch(/9th COLEP meeting/);
    expect((await run('suggest Joint investigation teams for online smuggling')).text).toMatch(/suggestion #\d+ is saved/);
    expect((await run('agenda')).text).toContain('Joint investigation teams for online smuggling');
    expect((await run('gaps', { user: SECRETARIAT })).text).toMatch(/could not answer/);
    // The grant itself, not the refusal or usage line (both also name co-chair).
    expect((await run('role grant co-chair slack:U777', { user: SECRETARIAT })).text).toMatch(/slack:U777 is now a co-chair\. This is recorded in the audit log\./);
    expect((await run('unsubscribe', { user: SECRETARIAT })).text).toMatch(/unsubscribed/);
    const m = (await run('meetings')).text;
    const id = /meeting (m\d+)/.exec(m)?.[1];
    // The cancellation itself, not a usage line or refusal (which also say "cancel").
    expect((await run(`meeting cancel ${id}`, { user: SECRETARIAT })).text).toMatch(/Meeting cancelled: 9th COLEP meeting[\s\S]*No more reminders will go out for it\./);

    const unknown = await run('chalenges encryption');
    expect(unknown.responses[0]?.text ?? '').toMatch(/I don't know the command \/chalenges/);

    const notAllowed = await run('meetings', { channel: OTHER_CHANNEL });
    expect(notAllowed.posted).toHaveLength(0);
    expect(String(notAllowed.responses[0]?.text)).toContain(`slack:${OTHER_CHANNEL}`);
    // Public commands still work there.
    expect((await run('sources', { channel: OTHER_CHANNEL })).posted).toHaveLength(1);
  });

  it('subscribe is refused where the bot cannot post on its own (another person\'s DM), and nothing is stored', async () => {
    const dm = 'DHUMAN01';
    h.fake.fail({ method: 'conversations.info', channel: dm, error: 'channel_not_found', times: Infinity });
    h.fake.fail({ method: 'chat.postMessage', channel: dm, error: 'channel_not_found', times: Infinity });
    const r = await run('subscribe', { user: SECRETARIAT, channel: dm });
    const said = r.responses.map((x) => String(x.text)).join('\n');
    expect(said).toMatch(/cannot post in this conversation/);
    expect(said).not.toMatch(/now subscribed/);
    const row = (h.app.community as CommunityModule).store.db.prepare('SELECT count(*) AS n FROM subscriptions WHERE chat_id = ?').get(`slack:${dm}`) as { n: number };
    expect(row.n).toBe(0);
  });
});

describe('Slack: questions by mention and DM, buttons, App Home', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a mention question is answered in its thread, without the mention; a mention inside a thread answers in that thread', async () => {
    const since = h.fake.messages.length;
    const r = await h.mention('<@UBOT> how do others handle encrypted data?');
    expect(r.status).toBe(200);
    const posted = newMessages(h, since);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.channel).toBe(CHANNEL);
    expect(posted[0]!.thread_ts).toBe(r.ts);
    expect(visible(posted[0]!)).toMatch(/encrypted/i);
    expect(visible(posted[0]!)).not.toContain('UBOT');

    const root = '1766999999.000100';
    const since2 = h.fake.messages.length;
    await h.mention('<@UBOT> training for prosecutors', { threadTs: root });
    expect(newMessages(h, since2).map((m) => m.thread_ts)).toEqual([root]);
  });

  it('a mention with nothing else is answered with the commands, in its thread', async () => {
    const since = h.fake.messages.length;
    const r = await h.mention('<@UBOT>');
    await h.settle();
    const posted = newMessages(h, since);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.thread_ts).toBe(r.ts);
    expect(visible(posted[0]!)).toContain('/practice challenges');
  });

  it('"More results" posts the next page in the same thread', async () => {
    const since = h.fake.messages.length;
    const q = await h.mention('<@UBOT> how do others handle encrypted data?');
    const answer = newMessages(h, since)[0]!;
    const more = buttonsOf(answer.blocks).find((b) => b.label.startsWith('More results'))!;
    expect(more.action_id).toMatch(/^pb:/);
    const since2 = h.fake.messages.length;
    const r = await h.press({ actionId: more.action_id, value: more.value, messageTs: answer.ts, threadTs: q.ts });
    expect(r.status).toBe(200);
    const page = newMessages(h, since2);
    expect(page).toHaveLength(1);
    expect(page[0]!.thread_ts).toBe(q.ts);
    expect(visible(page[0]!)).toMatch(/\d+ of \d+ shown|[4-6]\.|encrypt/i);
    expect(blocksText(page[0]!.blocks)).not.toBe(blocksText(answer.blocks));
  });

  it('a direct message is a question, answered in the DM; bot messages and edits are ignored', async () => {
    const since = h.fake.messages.length;
    const r = await h.dm('training for prosecutors', { user: 'U555' });
    expect(r.status).toBe(200);
    const posted = newMessages(h, since);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.channel).toBe('DU555');
    expect(visible(posted[0]!)).toMatch(/prosecut/i);

    // Asked inside a DM thread: answered in that thread.
    const since1 = h.fake.messages.length;
    await h.dm('encryption', { user: 'U555', extra: { thread_ts: '1766888888.000001' } });
    expect(newMessages(h, since1).map((m) => m.thread_ts)).toEqual(['1766888888.000001']);

    const since2 = h.fake.messages.length;
    await h.dm('a bot talking', { user: 'U555', extra: { bot_id: 'B999' } });
    await h.dm('edited', { user: 'U555', extra: { subtype: 'message_changed' } });
    expect(newMessages(h, since2)).toHaveLength(0);
  });

  it('a button pressed on the App Home tab is answered in the user\'s DM', async () => {
    const since = h.fake.messages.length;
    const r = await h.press({ user: 'U556', home: true, actionId: 'pb:0:0', value: 'cmd:help' });
    expect(r.status).toBe(200);
    expect(h.fake.callsTo('conversations.open').at(-1)!.params.users).toBe('U556');
    const posted = newMessages(h, since);
    expect(posted.map((m) => m.channel)).toEqual(['D556']);
    expect(visible(posted[0]!)).toMatch(/practice-bot commands/);
  });

  it('App Home shows the upcoming meetings and open polls for the viewing user', async () => {
    await h.command('meeting add 2026-04-20 09:30 Europe/Paris | 10th COLEP meeting | online', { user: SECRETARIAT });
    await h.homeOpened(SECRETARIAT);
    const home = h.fake.homeViews.at(-1)!;
    expect(home.user_id).toBe(SECRETARIAT);
    expect(home.view.type).toBe('home');
    const text = blocksText(home.view.blocks as Record<string, unknown>[]);
    expect(text).toMatch(/Upcoming meetings/);
    expect(text).toMatch(/10th COLEP meeting/);
    expect(text).toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|/);
    expect(text).toMatch(/Open polls/);
  });
});

describe('Slack: an agenda poll from suggestions to results', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const counts = (m: FakeMessage) =>
    (m.blocks as { type: string; text?: { text: string } }[])
      .filter((b) => b.type === 'section' && /^\*\d+\.\*/.test(b.text?.text ?? ''))
      .map((b) => Number(/(\d+) votes?$/.exec(b.text!.text)?.[1] ?? NaN));

  it('suggest, open a named poll with vote buttons, votes (changed) update it in place, close posts the results', async () => {
    await h.command('meeting add 2026-03-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria', { user: SECRETARIAT });
    await h.command('suggest Platform takedown procedures for smuggler ads', { user: OFFICER });
    await h.command('suggest Training prosecutors on electronic evidence', { user: 'U2' });
    await h.command('suggest Cooperation with payment providers on suspicious transfers', { user: 'U3' });
    // issue 14: co-chairs tidy the agenda; an officer's merge is refused and changes nothing (3 options below)
    await h.command('agenda merge 1 2', { user: OFFICER });

    // An officer may not open polls (refused to them only).
    const since0 = h.fake.messages.length;
    await h.command('poll named', { user: OFFICER });
    expect(newMessages(h, since0)).toHaveLength(0);

    const since = h.fake.messages.length;
    await h.command('poll named', { user: CO_CHAIR });
    const poll = newMessages(h, since).find((m) => buttonsOf(m.blocks).length > 0)!;
    expect(poll).toBeDefined();
    expect(visible(poll)).toMatch(/Agenda for 9th COLEP meeting/);
    expect(visible(poll)).toMatch(/Named poll: voters are recorded/);
    const votes = buttonsOf(poll.blocks);
    expect(votes).toHaveLength(3);
    expect(new Set(votes.map((v) => v.action_id)).size).toBe(3);
    expect(counts(poll)).toEqual([0, 0, 0]);

    const press = async (user: string, i: number) => {
      const b = votes[i]!;
      const r = await h.press({ user, actionId: b.action_id, value: b.value, messageTs: poll.ts });
      expect(r.status).toBe(200);
    };
    await press(OFFICER, 1);
    expect(counts(poll)).toEqual([0, 1, 0]);
    await press('U2', 1);
    await press('U2', 0);
    expect(counts(poll)).toEqual([1, 2, 0]);
    // The officer changes their mind: presses option 2 again (taken back), then option 3.
    await press(OFFICER, 1);
    await press(OFFICER, 2);
    expect(counts(poll)).toEqual([1, 1, 1]);
    // One chat.update per press: the adapter's own edit of an identical view is skipped.
    expect(poll.versions).toHaveLength(1 + 5);

    const since2 = h.fake.messages.length;
    await h.command('poll close', { user: CO_CHAIR });
    // The poll message is closed in place: no buttons, counts kept.
    expect(buttonsOf(poll.blocks)).toHaveLength(0);
    expect(visible(poll)).toMatch(/Closed/);
    expect(counts(poll)).toEqual([1, 1, 1]);
    const results = newMessages(h, since2, CHANNEL).map(visible).join('\n');
    expect(results).toMatch(/Platform takedown procedures for smuggler ads/);
    expect(results).toMatch(/1 vote/);

    // A late press on the closed poll changes nothing and tells only the presser.
    const late = await h.press({ user: 'U9', actionId: votes[0]!.action_id, value: votes[0]!.value, messageTs: poll.ts });
    expect(counts(poll)).toEqual([1, 1, 1]);
    expect(String(h.fake.responsesTo(late.responseUrl)[0]?.text)).toMatch(/closed/);
  });
});

describe('Slack: reminders to two channels, paced per channel', () => {
  let h: SlackHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('a meeting reminder reaches both subscribed channels at the offset, once each', async () => {
    h = await startSlackHarness({ adapter: { minPostIntervalMs: 300 } });
    h.fake.enforceRate(250);
    await h.command('subscribe', { user: SECRETARIAT, channel: CHANNEL });
    await h.command('subscribe', { user: SECRETARIAT, channel: CHANNEL_2 });
    // 2026-01-07 10:00 Sofia = 08:00 UTC; reminders 1 day and 1 hour before.
    await h.command('meeting add 2026-01-07 10:00 Europe/Sofia | Extra COLEP meeting | online', { user: SECRETARIAT });
    const since = h.fake.messages.length;
    h.clock.set('2026-01-06T07:50:30Z'); // a day on in one step, not 1,440 wakes; the last minutes on the timer
    await h.clock.advanceTo('2026-01-06T08:00:30Z');
    await h.settle();
    await h.fake.waitFor(() => newMessages(h, since).length >= 2, 'two reminders');
    await h.settle();
    const reminders = newMessages(h, since);
    expect(reminders.map((m) => m.channel).sort()).toEqual([CHANNEL, CHANNEL_2]);
    for (const m of reminders) {
      expect(visible(m)).toMatch(/Extra COLEP meeting/);
      expect(visible(m)).toContain('<!date^1767772800^{date_short_pretty} {time}|');
    }
    expect(h.fake.enforced).toHaveLength(0);
  });

  it('a subscription made by a top-level mention belongs to the channel: the answer is threaded, the reminder is not', async () => {
    h = await startSlackHarness();
    const since0 = h.fake.messages.length;
    const r = await h.mention('<@UBOT> /subscribe', { user: SECRETARIAT, channel: CHANNEL });
    await h.settle();
    const answer = newMessages(h, since0, CHANNEL);
    expect(answer.map(visible).join('\n')).toMatch(/subscribed/i);
    expect(answer.map((m) => m.thread_ts)).toEqual([r.ts]);
    await h.command('meeting add 2026-01-07 10:00 Europe/Sofia | Extra COLEP meeting | online', { user: SECRETARIAT });
    await h.settle();
    const since = h.fake.messages.length;
    h.clock.set('2026-01-06T07:50:30Z'); // a day on in one step, not 1,440 wakes; the last minutes on the timer
    await h.clock.advanceTo('2026-01-06T08:00:30Z');
    await h.settle();
    await h.fake.waitFor(() => newMessages(h, since, CHANNEL).length >= 1, 'the reminder');
    const reminder = newMessages(h, since, CHANNEL)[0]!;
    expect(visible(reminder)).toMatch(/Extra COLEP meeting/);
    expect(reminder.thread_ts).toBeUndefined();
  });

  it('a channel that goes quiet and is used again keeps its spacing (an old idle timer does not reset it)', async () => {
    const say = (text: string): Reply => ({ blocks: [{ type: 'paragraph', parts: [text] }] });
    h = await startSlackHarness({ adapter: { minPostIntervalMs: 400 } });
    h.fake.enforceRate(350);
    const out = h.adapter.outbound;
    const at = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const since = h.fake.callsTo('chat.postMessage').length;
    // A is posted; the channel is idle, and its idle timer is due 410 ms later. B, sent at once,
    // waits its 400 ms and leaves the channel idle again just before that timer fires; C comes
    // after the timer, about 50 ms after B, and must still wait for B's 400 ms.
    await out.send(`slack:${CHANNEL}`, say('A'));
    await Promise.all([out.send(`slack:${CHANNEL}`, say('B')), at(450).then(() => out.send(`slack:${CHANNEL}`, say('C')))]);
    const posts = h.fake.callsTo('chat.postMessage').slice(since);
    expect(posts.map((c) => c.status)).toEqual([200, 200, 200]);
    expect(h.fake.enforced).toHaveLength(0);
    for (let i = 1; i < posts.length; i++) expect(posts[i]!.at - posts[i - 1]!.at).toBeGreaterThanOrEqual(350);
  });

  it('several posts to one channel go out spaced, so the per-channel limit refuses none', async () => {
    h = await startSlackHarness({ adapter: { minPostIntervalMs: 300 } });
    h.fake.enforceRate(250);
    await h.command('subscribe', { user: SECRETARIAT, channel: CHANNEL });
    await h.command('meeting add 2026-02-07 10:00 Europe/Sofia | Pacing meeting | online', { user: SECRETARIAT });
    const since = h.fake.messages.length;
    // /remind posts the command's answer and the reminder in this channel, back to back.
    await Promise.all([h.command('remind', { user: SECRETARIAT }), h.command('meetings', { user: OFFICER })]);
    await h.settle();
    const posted = newMessages(h, since, CHANNEL);
    expect(posted.length).toBeGreaterThanOrEqual(3);
    expect(h.fake.enforced).toHaveLength(0);
    const times = h.fake.callsTo('chat.postMessage').slice(-posted.length).map((c) => c.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(250);
  });
});

describe('Slack: mrkdwn injection is neutralised', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('<!channel>, user mentions and disguised links in user text arrive escaped or as plain words', async () => {
    await h.command('meeting add 2026-03-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria', { user: SECRETARIAT });
    const since = h.fake.messages.length;
    // As Slack sends text the user typed literally: &, <, > escaped.
    await h.command('suggest &lt;!channel&gt; review &lt;https://evil.example/x|click here&gt; &amp; &lt;b&gt; now');
    // As Slack sends real entities (autocompleted @channel, a pasted link, a mention).
    // (a member's @handle in a suggestion is refused as personal data: the mention goes in the DM below)
    await h.command('suggest <!channel> discuss <https://evil.example/y|this harmless page> today');
    await h.command('agenda');
    await h.mention('<@UBOT> <!here> what about <https://evil.example/z|free money> & <#C0SECRET|secret>?');
    await h.dm('<!everyone> *bold* <https://evil.example/w|click> <@U0ADMIN|admin>');
    const posted = newMessages(h, since);
    expect(posted.length).toBeGreaterThanOrEqual(5);
    expectNoLiveMarkup(posted);
    const agenda = posted.map(visible).join('\n');
    expect(agenda).toContain('&lt;!channel&gt; review &lt;https://evil.example/x|click here&gt; &amp; &lt;b&gt; now');
    expect(agenda).toContain('@channel discuss this harmless page (https://evil.example/y) today');
  });
});

describe('Slack: a channel the app was removed from is unsubscribed', () => {
  let h: SlackHarness;
  afterAll(async () => {
    await h?.stop();
  });

  it('not_in_channel on a reminder unsubscribes the channel with a log line; the others still get it', async () => {
    h = await startSlackHarness();
    await h.command('subscribe', { user: SECRETARIAT, channel: CHANNEL });
    await h.command('subscribe', { user: SECRETARIAT, channel: CHANNEL_2 });
    await h.command('meeting add 2026-03-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria', { user: SECRETARIAT });
    h.fake.fail({ method: 'chat.postMessage', channel: CHANNEL_2, error: 'not_in_channel', times: Infinity });
    const since = h.fake.messages.length;
    await h.command('remind', { user: SECRETARIAT, channel: CHANNEL });
    await h.settle();
    expect(newMessages(h, since, CHANNEL).map(visible).join('\n')).toMatch(/9th COLEP meeting/);
    const community = h.app.community as CommunityModule;
    expect(community.subscriptions.get(`slack:${CHANNEL_2}`)).toBeUndefined();
    expect(community.subscriptions.get(`slack:${CHANNEL}`)).toBeDefined();
    const lines = h.logger.lines().filter((l) => /unsubscrib/i.test(String(l.msg)) && JSON.stringify(l).includes(`slack:${CHANNEL_2}`));
    expect(lines.length).toBeGreaterThan(0);

    // The next reminder no longer tries the removed channel.
    const attempts = h.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === CHANNEL_2).length;
    await h.command('remind', { user: SECRETARIAT, channel: CHANNEL });
    await h.settle();
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === CHANNEL_2)).toHaveLength(attempts);
  });
});
