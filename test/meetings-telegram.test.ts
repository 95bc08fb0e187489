// Issue 14 over Telegram end to end (real grammY against the fake Bot API): a meeting added with a
// video link is announced with an inline keyboard "I'll attend" / "Can't attend"; presses are
// callback queries, answered, recorded, changeable; /meeting shows the counts to an officer and the
// names to the secretariat.
import { describe, expect, it } from 'vitest';
import { CHAIR, G1, OFFICER, OFFICER2, SEC, expectNoRejectedHtml, startHarness, texts, visible } from './helpers/telegram-harness.ts';
import { createFakeClock } from './helpers/community.ts';
import { privateChat } from './helpers/fake-telegram.ts';

describe('Telegram: meeting details and attendance', () => {
  it('announces with the link and attendance buttons; presses are recorded and can be changed', async () => {
    const clock = createFakeClock('2026-01-05T08:00:00Z');
    const h = await startHarness({ mode: 'polling', clock });
    await h.say(G1, CHAIR, '/subscribe');
    await h.say(privateChat(SEC), SEC, '/meeting add 2026-03-10 10:00 Europe/Sofia | 9th COLEP meeting | online | https://meet.example.org/colep-9');
    await h.community.idle();
    const announcement = await h.fake.waitFor(
      () => h.fake.sent('sendMessage', G1.id).find((c) => visible(String(c.params.text)).startsWith('New meeting')),
      10_000,
      'announcement',
    );
    const text = String(announcement.params.text);
    expect(text).toContain('<a href="https://meet.example.org/colep-9">');
    expect(visible(text)).toContain('until 12:00 (2 hours)');
    const keyboard = (announcement.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard;
    expect(keyboard).toEqual([[{ text: "I'll attend", callback_data: 'att:m1:yes' }, { text: "Can't attend", callback_data: 'att:m1:no' }]]);

    const press = async (from: typeof OFFICER, data: string) => {
      const cb = h.fake.callback({ from, message: announcement.result, data });
      const before = h.fake.calls.length;
      await h.deliver(cb);
      const after = h.fake.calls.slice(before);
      expect(after.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.params.callback_query_id)).toEqual([cb.callback_query.id]);
      return texts(after.filter((c) => c.outcome === 'ok')).map(visible).join('\n');
    };
    expect(await press(OFFICER, 'att:m1:yes')).toContain('Thanks, noted: you will attend 9th COLEP meeting (m1)');
    expect(await press(OFFICER2, 'att:m1:yes')).toContain('So far 2 members will attend, 0 cannot.');
    expect(await press(OFFICER, 'att:m1:no')).toContain('Changed: you now cannot attend 9th COLEP meeting (m1). So far 1 member will attend, 1 cannot.');

    const forOfficer = texts(await h.say(G1, OFFICER2, '/meeting m1')).map(visible).join('\n');
    expect(forOfficer).toContain('Attendance: 1 member will attend, 1 cannot.');
    expect(forOfficer).not.toContain('Omar');
    const forSecretariat = texts(await h.say(privateChat(SEC), SEC, '/meeting m1')).map(visible).join('\n');
    expect(forSecretariat).toMatch(/Will attend: Olga\b.*\(telegram:2002\)/);
    expect(forSecretariat).toMatch(/Cannot attend: Omar\b.*\(telegram:2001\)/);
    expectNoRejectedHtml(h.fake);
  });
});
