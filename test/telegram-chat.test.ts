// The Telegram adapter end to end, driven both by getUpdates (long polling) and
// by webhook POSTs: the real app and adapter against the fake Bot API (test/helpers/fake-telegram.ts).
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
import { ALLOWED_UPDATES } from '../adapters/telegram/index.ts';
import type { Block, Reply } from '../src/core/reply.ts';
import { createFakeClock } from './helpers/community.ts';
import { checkTelegramHtml, privateChat, supergroup } from './helpers/fake-telegram.ts';

describe.each<Mode>(['polling', 'webhook'])('Telegram adapter (%s): what depends on how updates arrive', (mode) => {
  it('registers its command menus and asks for the update kinds it handles', async () => {
    const h = await startHarness({ mode });
    const menus = h.fake.sent('setMyCommands');
    expect(menus.map((c) => c.params.scope?.type).sort()).toEqual(['all_group_chats', 'all_private_chats']);
    const privateMenu = menus.find((c) => c.params.scope?.type === 'all_private_chats')!.params.commands as { command: string }[];
    const groupMenu = menus.find((c) => c.params.scope?.type === 'all_group_chats')!.params.commands as { command: string }[];
    expect(privateMenu.map((c) => c.command)).toEqual(expect.arrayContaining(['start', 'help', 'ask', 'challenges', 'meetings', 'suggest']));
    expect(groupMenu.map((c) => c.command)).toContain('challenges');
    if (mode === 'webhook') {
      const wh = h.fake.webhook();
      expect(wh?.url).toBe('https://bot.example.org/telegram/hook');
      expect(wh?.secret).toBe('test-secret_123');
      expect(wh?.allowedUpdates).toEqual(expect.arrayContaining(['message', 'callback_query', 'poll', 'poll_answer', 'my_chat_member']));
    } else {
      const polls = await h.fake.waitFor((calls) => calls.find((c) => c.method === 'getUpdates'), 10_000, 'a getUpdates call');
      expect(polls.params.allowed_updates).toEqual([...ALLOWED_UPDATES]);
      expect(h.fake.sent('deleteWebhook')).toHaveLength(1);
    }
  });
});

// The rest does not depend on how updates arrive: each behaviour runs once, in one mode (the modes
// alternate, so both delivery paths carry commands, questions, buttons and chat membership).
describe('Telegram adapter', () => {
  // Long polling never hands out a confirmed update twice (getUpdates offsets); a webhook retry can.
  it('webhook: handles a duplicate update (same update_id) once', async () => {
    const h = await startHarness({ mode: 'webhook' });
    const u = h.fake.text({ chat: privateChat(OFFICER), from: OFFICER, text: '/start' });
    await h.deliver(u);
    await h.deliver(structuredClone(u));
    await h.say(privateChat(OFFICER), OFFICER, '/help');
    expect(h.fake.textsIn(OFFICER.id)).toHaveLength(2);
  });

  it('answers commands in private chats and /cmd@botname in groups, ignoring commands for other bots', async () => {
    const h = await startHarness({ mode: 'polling' });
    const start = texts(await h.say(privateChat(OFFICER), OFFICER, '/start'));
    expect(start).toHaveLength(1);
    expect(visible(start[0]!)).toMatch(/practice-bot/i);

    const ch = await h.say(privateChat(OFFICER), OFFICER, '/challenges encryption');
    const html = texts(ch).join('\n');
    // Entries: bold title, text, the kind and the italic citation.
    expect(html).toMatch(/<b>[^<]*encrypt[^<]*<\/b>\n/i);
    expect(html).toMatch(/\nChallenge · <i>3rd COLEP meeting, 4 May 2023, [^<]+<\/i>/);

    const before = h.fake.sent('sendMessage', G1.id).length;
    expect(await h.say(G1, OFFICER, '/help@other_bot')).toEqual([]);
    const help = await h.say(G1, OFFICER, `/help@${BOT_USERNAME}`);
    expect(texts(help)).toHaveLength(1);
    expect(visible(texts(help)[0]!)).toMatch(/\/challenges/);
    // In groups the answer replies to the question (and survives its deletion).
    const q = h.fake.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === G1.id).at(-1)!;
    expect(q.params.reply_parameters).toMatchObject({ allow_sending_without_reply: true });
    expect(h.fake.sent('sendMessage', G1.id)).toHaveLength(before + 1);
    expectNoRejectedHtml(h.fake);
  });

  it('answers a group question only when mentioned or replied to; in private any text is a question', async () => {
    const h = await startHarness({ mode: 'webhook' });
    expect(await h.say(G1, OFFICER, 'how do others handle encrypted data?')).toEqual([]);

    const mention = fakeText(h, G1, OFFICER, `@${BOT_USERNAME} how do others handle encrypted data?`);
    const asked = await deliverAndCollect(h, mention, G1.id);
    expect(texts(asked).join('\n')).toMatch(/encrypt/i);
    expect(asked[0]!.params.reply_parameters).toEqual({ message_id: mention.message.message_id, allow_sending_without_reply: true });

    // A reply to one of the bot's messages is a question too.
    const botMessage = asked[0]!.result;
    const followUp = await h.say(G1, OFFICER2, 'and what about victims of trafficking?', { replyTo: botMessage });
    expect(texts(followUp).join('\n')).toMatch(/victim|traffick/i);

    const priv = await h.say(privateChat(OFFICER), OFFICER, 'encrypted messaging apps');
    expect(texts(priv).join('\n')).toMatch(/encrypt/i);
    expect(priv[0]!.params.reply_parameters).toBeUndefined();
    expectNoRejectedHtml(h.fake);
  });

  it('a bare mention is answered with the commands; an anonymous admin gets public commands and a refusal for the rest', async () => {
    const h = await startHarness({ mode: 'polling' });
    const bare = await h.say(G1, OFFICER, `@${BOT_USERNAME}`);
    expect(texts(bare)).toHaveLength(1);
    expect(visible(texts(bare)[0]!)).toMatch(/\/challenges/);

    // Telegram sends an anonymous admin's messages from GroupAnonymousBot, with the group as sender_chat.
    const anon = (text: string) => {
      const u = fakeText(h, G1, { id: 1087968824, first_name: 'Group', username: 'GroupAnonymousBot', is_bot: true }, text);
      (u.message as Record<string, unknown>).sender_chat = { id: G1.id, type: 'supergroup', title: G1.title };
      return u;
    };
    const help = await deliverAndCollect(h, anon(`/help@${BOT_USERNAME}`), G1.id);
    expect(visible(texts(help)[0] ?? '')).toMatch(/\/challenges/);
    const add = await deliverAndCollect(h, anon(`/meeting@${BOT_USERNAME} add 2027-01-07 10:00 Europe/Sofia | Anon meeting | online`), G1.id);
    expect(visible(texts(add).join('\n'))).toMatch(/secretariat/i);
    expect(visible(texts(await h.say(G1, OFFICER, `/meetings@${BOT_USERNAME}`)).join('\n'))).not.toContain('Anon meeting');
    // Another bot's message is still ignored.
    expect(await h.say(G1, { id: 4242, first_name: 'Other', is_bot: true }, `/help@${BOT_USERNAME}`)).toEqual([]);
  });

  it('keeps replies in the forum topic they were asked in', async () => {
    const h = await startHarness({ mode: 'webhook' });
    const r = await h.say(FORUM, OFFICER, `/challenges@${BOT_USERNAME} encryption`, { threadId: 77 });
    expect(r.length).toBeGreaterThan(0);
    for (const c of r) expect(c.params.message_thread_id).toBe(77);
  });

  it('inline buttons: "more results" goes to the core and every callback query is answered', async () => {
    const h = await startHarness({ mode: 'webhook' });
    const first = await h.say(privateChat(OFFICER), OFFICER, '/challenges encryption');
    const withKb = first.find((c) => c.params.reply_markup?.inline_keyboard);
    expect(withKb).toBeDefined();
    const buttons = (withKb!.params.reply_markup.inline_keyboard as { text: string; callback_data: string }[][]).flat();
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    const more = buttons.find((b) => /more/i.test(b.text));
    expect(more).toBeDefined();
    const firstText = texts(first).join('\n');

    const cb = h.fake.callback({ from: OFFICER, message: withKb!.result, data: more!.callback_data });
    const before = h.fake.calls.length;
    await h.deliver(cb);
    const after = h.fake.calls.slice(before);
    expect(after.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.params.callback_query_id)).toEqual([cb.callback_query.id]);
    const next = texts(after.filter((c) => c.outcome === 'ok'));
    expect(next.length).toBeGreaterThan(0);
    // The next page shows other entries.
    const titles = (s: string) => [...s.matchAll(/<b>([^<]+)<\/b>\n/g)].map((m) => m[1]);
    expect(titles(next.join('\n')).some((t) => !titles(firstText).includes(t))).toBe(true);

    // A stale or foreign button is still answered.
    const stale = h.fake.callback({ from: OFFICER, message: withKb!.result, data: 'more:zzz:3' });
    await h.deliver(stale);
    expect(h.fake.callsOf('answerCallbackQuery').map((c) => c.params.callback_query_id)).toContain(stale.callback_query.id);
  });

  it('escapes HTML in user text and never sends markup Telegram would refuse', async () => {
    const h = await startHarness({ mode: 'polling' });
    const nasty = '<script>alert("x")</script> & <b>bold</b> </i> <a href="javascript:x">';
    await h.say(privateChat(OFFICER), OFFICER, nasty);
    await h.say(privateChat(OFFICER), OFFICER, `/challenges ${nasty}`);
    await h.say(G1, OFFICER, `@${BOT_USERNAME} ${nasty}`);
    await h.say(privateChat(OFFICER), OFFICER, `/suggest ${nasty}`);
    const all = h.fake.sent('sendMessage').map((c) => String(c.params.text));
    expect(all.length).toBeGreaterThanOrEqual(4);
    expectNoRejectedHtml(h.fake);
    for (const t of all) {
      expect(t).not.toContain('<script>');
      expect(t).not.toContain('href="javascript');
    }
  });

  it('sends the .ics as a document and meeting times as date-time entities with the written fallback', async () => {
    const clock = createFakeClock('2026-01-05T08:00:00Z');
    const h = await startHarness({ mode: 'webhook', clock });
    const add = texts(await h.say(privateChat(SEC), SEC, '/meeting add 2026-03-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria'));
    const id = /\b(m\d+)\b/.exec(add.map(visible).join('\n'))?.[1];
    expect(id, add.join('\n')).toBeDefined();
    const shown = texts(await h.say(privateChat(SEC), SEC, `/meeting ${id}`)).join('\n');
    const unix = Date.parse('2026-03-10T08:00:00Z') / 1000; // 10:00 in Sofia (UTC+2)
    expect(shown).toContain(`<tg-time unix="${unix}"`);
    expect(shown).toMatch(/<tg-time unix="\d+" format="wDt">[^<]*10:00[^<]*<\/tg-time>/);

    const ics = await h.say(privateChat(SEC), SEC, `/meeting ${id} ics`);
    const doc = ics.find((c) => c.method === 'sendDocument');
    expect(doc).toBeDefined();
    expect(doc!.files.document!.filename).toMatch(/\.ics$/);
    expect(doc!.files.document!.content.toString('utf8')).toContain('BEGIN:VCALENDAR');
    expectNoRejectedHtml(h.fake);
  });

  it('introduces itself when added to a group and unsubscribes a chat that removes it', async () => {
    const h = await startHarness({ mode: 'polling' });
    const before = h.fake.calls.length;
    await h.deliver(h.fake.myChatMember({ chat: G2, from: SEC, oldStatus: 'left', newStatus: 'member' }));
    const intro = texts(h.fake.calls.slice(before).filter((c) => c.outcome === 'ok' && Number(c.params.chat_id) === G2.id));
    expect(intro).toHaveLength(1);
    expect(visible(intro[0]!)).toContain('telegram:-1001002');
    expect(visible(intro[0]!)).toMatch(/approved/);

    const stranger = supergroup(-1009999, 'Unknown');
    await h.deliver(h.fake.myChatMember({ chat: stranger, from: OFFICER, oldStatus: 'left', newStatus: 'member' }));
    expect(visible(h.fake.textsIn(stranger.id)[0]!)).toMatch(/not yet approved[\s\S]*telegram:-1009999/);

    await h.say(G2, CHAIR, `/subscribe@${BOT_USERNAME}`);
    expect(h.community.subscriptions.get('telegram:-1001002')).toBeDefined();
    await h.deliver(h.fake.myChatMember({ chat: G2, from: SEC, oldStatus: 'member', newStatus: 'kicked' }));
    expect(h.community.subscriptions.get('telegram:-1001002')).toBeUndefined();
  });

  it('splits a long reply under 4,096 characters at entry boundaries', async () => {
    const h = await startHarness({ mode: 'polling' });
    const blocks: Block[] = [{ type: 'heading', text: 'Many entries' }];
    for (let i = 0; i < 30; i++) {
      blocks.push({
        type: 'entry',
        id: `e${i}`,
        kind: 'challenge',
        kindLabel: 'Challenge',
        title: `Entry number ${i} <&>`,
        text: `${'Officers report that "encrypted" data & <tags> are hard to analyse. '.repeat(3)}(${i})`,
        citation: { label: `3rd COLEP meeting, 4 May 2023, Challenges ${i}`, document: 'x.txt', section: 'Challenges', meeting: 'colep-3' },
        themes: [],
      });
    }
    const reply: Reply = { blocks, buttons: [[{ label: 'More', action: 'more:abc:3' }]] };
    await h.adapter.outbound.send('telegram:2001', reply);
    const parts = h.fake.sent('sendMessage', OFFICER.id);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(visible(String(p.params.text)).length).toBeLessThanOrEqual(4096);
    // Every entry arrives whole, in order, exactly once.
    const all = parts.map((p) => visible(String(p.params.text))).join('\n');
    for (let i = 0; i < 30; i++) expect(all.split(`Entry number ${i} <&>\n`).length - 1).toBe(1);
    for (const p of parts) {
      const v = visible(String(p.params.text));
      const n = (v.match(/Entry number/g) ?? []).length;
      const c = (v.match(/Challenges \d+/g) ?? []).length;
      expect(c).toBe(n);
    }
    // Buttons go on the last part only.
    expect(parts.map((p) => !!p.params.reply_markup)).toEqual([...parts.slice(1).map(() => false), true]);
    expectNoRejectedHtml(h.fake);
  });
});

//
