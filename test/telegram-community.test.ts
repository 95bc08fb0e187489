// Community features over Telegram end to end: native polls, reminders, subscriptions, migrations.
import { describe, expect, it } from 'vitest';
import {
  BOT_USERNAME,
  CHAIR,
  FORUM,
  G1,
  G2,
  NEW_SUPERGROUP,
  OFFICER,
  OFFICER2,
  OFFICER3,
  OLD_GROUP,
  SEC,
  deliverAndCollect,
  expectNoRejectedHtml,
  fakeText,
  startHarness,
  texts,
  visible,
  type Mode,
} from './helpers/telegram-harness.ts';
import { createFakeClock } from './helpers/community.ts';
import { groupChat, privateChat } from './helpers/fake-telegram.ts';

describe('Telegram adapter: community features', () => {
  it('a poll from suggestions to results: native anonymous poll, totals from poll updates and stopPoll', async () => {
    const clock = createFakeClock('2026-01-05T08:00:00Z');
    const h = await startHarness({ mode: 'polling', clock });
    await h.say(privateChat(SEC), SEC, '/meeting add 2026-03-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria');
    await h.say(G1, OFFICER, '/suggest Platform takedown procedures for smuggler ads');
    await h.say(G1, OFFICER2, '/suggest Training prosecutors on electronic evidence');
    await h.say(G1, OFFICER3, '/suggest Crypto-asset tracing in smuggling cases');
    // issue 14: a near-duplicate by the engine's synonyms is a +1, not a fourth option
    expect(texts(await h.say(G1, CHAIR, '/suggest Training of prosecutors on e-evidence')).map(visible).join('\n')).toMatch(/counted your \+1/);

    expect(texts(await h.say(G1, OFFICER, '/poll')).map(visible).join('\n')).toMatch(/only the secretariat or a co-chair/i);
    const opened = await h.say(G1, CHAIR, `/poll@${BOT_USERNAME}`);
    const sendPoll = opened.find((c) => c.method === 'sendPoll')!;
    expect(sendPoll).toBeDefined();
    expect(sendPoll.params.is_anonymous).toBe(true);
    const options = (sendPoll.params.options as { text: string }[]).map((o) => o.text);
    expect(options).toHaveLength(3);
    expect(options).toEqual(expect.arrayContaining(['Platform takedown procedures for smuggler ads', 'Training prosecutors on electronic evidence']));
    expect(String(sendPoll.params.question).length).toBeLessThanOrEqual(300);
    const pollId = sendPoll.result.poll.id as string;

    // Anonymous totals arrive as poll updates; the final ones come from stopPoll.
    const train = options.indexOf('Training prosecutors on electronic evidence');
    const counts = options.map((_, i) => (i === train ? 3 : 1));
    await h.deliver(h.fake.pollUpdate(pollId, counts));
    const closed = await h.say(G1, CHAIR, '/poll close');
    expect(closed.filter((c) => c.method === 'stopPoll')).toHaveLength(1);
    const results = texts(closed).map(visible).join('\n');
    expect(results).toMatch(/Results of poll/);
    // Ranked by votes: the 3-vote option first.
    expect(results).toMatch(/1\. Training prosecutors on electronic evidence: 3 votes/);
    expectNoRejectedHtml(h.fake);
  });

  it('a named poll: poll_answer updates are votes for the named voters', async () => {
    const clock = createFakeClock('2026-01-05T08:00:00Z');
    const h = await startHarness({ mode: 'webhook', clock });
    await h.say(privateChat(SEC), SEC, '/meeting add 2026-03-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria');
    await h.say(G1, OFFICER, '/suggest Platform takedown procedures');
    await h.say(G1, OFFICER2, '/suggest Training prosecutors');
    const opened = await h.say(G1, SEC, '/poll named');
    const sendPoll = opened.find((c) => c.method === 'sendPoll')!;
    expect(sendPoll.params.is_anonymous).toBe(false);
    expect(String(sendPoll.params.question)).toMatch(/voters are recorded/i);
    const pollId = sendPoll.result.poll.id as string;
    const options = (sendPoll.params.options as { text: string }[]).map((o) => o.text);
    const tp = options.indexOf('Training prosecutors');
    await h.deliver(h.fake.pollAnswer({ pollId, from: OFFICER, optionIds: [tp] }));
    await h.deliver(h.fake.pollAnswer({ pollId, from: OFFICER2, optionIds: [tp, 1 - tp] }));
    await h.deliver(h.fake.pollAnswer({ pollId, from: OFFICER3, optionIds: [1 - tp] }));
    await h.deliver(h.fake.pollAnswer({ pollId, from: OFFICER3, optionIds: [] })); // retracted
    const results = texts(await h.say(G1, SEC, '/poll close')).map(visible).join('\n');
    expect(results).toMatch(/Training prosecutors: 2 votes \((Omar, Olga|Olga, Omar)\)/);
    expect(results).toMatch(/Platform takedown procedures: 1 vote \(Olga\)/);
  });

  it('a reminder reaches two subscribed groups (fake clock), with the meeting time as a date-time entity', async () => {
    const clock = createFakeClock('2026-01-05T08:00:00Z');
    const h = await startHarness({ mode: 'polling', clock });
    await h.say(G1, CHAIR, '/subscribe');
    await h.say(G2, SEC, `/subscribe@${BOT_USERNAME}`);
    await h.say(privateChat(SEC), SEC, '/meeting add 2026-01-05 12:00 UTC | 9th COLEP meeting | online');
    await h.community.idle();
    // The announcement of the new meeting reaches both groups.
    await h.fake.waitFor(() => h.fake.sent('sendMessage', G1.id).length >= 2 && h.fake.sent('sendMessage', G2.id).length >= 2, 10_000, 'announcements');
    const before = { g1: h.fake.textsIn(G1.id).length, g2: h.fake.textsIn(G2.id).length };
    clock.set('2026-01-05T10:50:30Z'); // three hours in one step; the last minutes on the scheduler's timer
    await clock.advanceTo('2026-01-05T11:00:30Z');
    await h.community.idle();
    const got = await h.fake.waitFor(
      () => {
        const a = h.fake.textsIn(G1.id).slice(before.g1);
        const b = h.fake.textsIn(G2.id).slice(before.g2);
        return a.length && b.length ? [a, b] : undefined;
      },
      10_000,
      'reminders in both groups',
    );
    for (const list of got) {
      expect(list).toHaveLength(1);
      expect(visible(list[0]!)).toMatch(/Reminder/);
      expect(list[0]!).toContain(`<tg-time unix="${Date.parse('2026-01-05T12:00:00Z') / 1000}"`);
    }
    expectNoRejectedHtml(h.fake);
  });

  it('a 403 during a reminder unsubscribes that chat and the other still gets it', async () => {
    const clock = createFakeClock('2026-01-05T08:00:00Z');
    const h = await startHarness({ mode: 'polling', clock });
    await h.say(G1, CHAIR, '/subscribe');
    await h.say(G2, CHAIR, '/subscribe');
    h.fake.block(G2.id, 'kicked');
    await h.say(privateChat(SEC), SEC, '/meeting add 2026-01-05 12:00 UTC | 9th COLEP meeting | online');
    await h.community.idle();
    await h.fake.waitFor(() => h.fake.sent('sendMessage', G1.id).length >= 2, 10_000, 'announcement in G1');
    await h.fake.waitFor(() => (h.community.subscriptions.get('telegram:-1001002') === undefined ? true : undefined), 10_000, 'G2 unsubscribed');
    expect(h.community.subscriptions.get('telegram:-1001001')).toBeDefined();
    // The outbound port reports it as 'gone' (what the scheduler acts on).
    await expect(h.adapter.outbound.send('telegram:-1001002', { blocks: [{ type: 'paragraph', parts: ['x'] }] })).rejects.toMatchObject({ failure: 'gone' });
    h.fake.block(OFFICER.id, 'blocked');
    await expect(h.adapter.outbound.send('telegram:2001', { blocks: [{ type: 'paragraph', parts: ['x'] }] })).rejects.toMatchObject({ failure: 'gone' });
  });

  it('a group upgraded to a supergroup keeps its subscription; sends to the old id follow the move', async () => {
    const clock = createFakeClock('2026-01-05T08:00:00Z');
    const h = await startHarness({ mode: 'polling', clock });
    await h.say(OLD_GROUP, CHAIR, '/subscribe');
    expect(h.community.subscriptions.get('telegram:-5005')).toBeDefined();
    await h.deliver(h.fake.migrate({ from: OLD_GROUP, to: NEW_SUPERGROUP, by: CHAIR }));
    // Telegram then reports the bot as gone from the old group: not an unsubscription.
    await h.deliver(h.fake.myChatMember({ chat: OLD_GROUP, from: CHAIR, oldStatus: 'member', newStatus: 'left' }));
    expect(h.community.subscriptions.get('telegram:-5005')).toBeUndefined();
    expect(h.community.subscriptions.get('telegram:-1005005')).toBeDefined();

    await h.say(privateChat(SEC), SEC, '/meeting add 2026-01-05 12:00 UTC | 9th COLEP meeting | online');
    await h.community.idle();
    await h.fake.waitFor(() => h.fake.sent('sendMessage', NEW_SUPERGROUP).length >= 1, 10_000, 'announcement in the supergroup');

    // A send to the old id (e.g. a ledger row written before the move) follows migrate_to_chat_id.
    const g = groupChat(-6006);
    h.fake.fail('sendMessage', { kind: 'migrated', to: -1006006 }, { chatId: g.id });
    const ref = await h.adapter.outbound.send('telegram:-6006', { blocks: [{ type: 'paragraph', parts: ['hello'] }] });
    expect(ref.chatId).toBe('telegram:-1006006');
    expect(h.fake.textsIn(-1006006)).toEqual(['hello']);
  });

});

//
