// Issue 14 over Slack end to end (real Bolt over HTTP against the fake Web API): the announcement
// of a meeting carries "I'll attend" / "Can't attend" buttons and its video link; presses are
// recorded, changeable, and counted in `/practice meeting <id>`, with names for the secretariat only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksText, buttonsOf, type FakeMessage } from './helpers/fake-slack.ts';
import { CHANNEL, CHANNEL_2, CO_CHAIR, OFFICER, SECRETARIAT, startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';

const visible = (m: FakeMessage) => `${m.text}\n${blocksText(m.blocks)}`;

describe('Slack: meeting details and attendance', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Everything the bot said after `since`: posted messages and response_url answers. */
  function said(since: number, responseUrl?: string): string {
    const posted = h.fake.messages.slice(since).map(visible);
    const responses = responseUrl ? h.fake.responsesTo(responseUrl).map((r) => `${String(r.text ?? '')}\n${blocksText((r.blocks as unknown[]) ?? [])}`) : [];
    return [...posted, ...responses].join('\n');
  }

  it('announces with buttons and the link; presses are recorded and can be changed; counts for members, names for the secretariat', async () => {
    expect((await h.command('subscribe', { user: CO_CHAIR, channel: CHANNEL })).status).toBe(200);
    const since = h.fake.messages.length;
    await h.command('meeting add 2026-03-10 10:00 Europe/Sofia | 9th COLEP meeting | online | https://meet.example.org/colep-9', { user: SECRETARIAT, channel: CHANNEL_2 });
    await h.settle();
    const announcement = h.fake.messages.slice(since).find((m) => m.channel === CHANNEL && visible(m).includes('New meeting'));
    expect(announcement, 'announcement in the subscribed channel').toBeDefined();
    expect(visible(announcement!)).toContain('https://meet.example.org/colep-9');
    expect(visible(announcement!)).toContain('until 12:00 (2 hours)');
    const buttons = buttonsOf(announcement!.blocks);
    expect(buttons.map((b) => [b.label, b.value])).toEqual([
      ["I'll attend", 'att:m1:yes'],
      ["Can't attend", 'att:m1:no'],
    ]);
    const [yes, no] = buttons as [(typeof buttons)[0], (typeof buttons)[0]];

    const press = async (user: string, b: typeof yes) => {
      const before = h.fake.messages.length;
      const r = await h.press({ user, channel: CHANNEL, actionId: b.action_id, value: b.value, messageTs: announcement!.ts });
      expect(r.status).toBe(200);
      return said(before, r.responseUrl);
    };
    expect(await press(OFFICER, yes)).toContain('Thanks, noted: you will attend 9th COLEP meeting (m1)');
    expect(await press('U777', yes)).toContain('So far 2 members will attend, 0 cannot.');
    expect(await press(OFFICER, no)).toContain('Changed: you now cannot attend 9th COLEP meeting (m1). So far 1 member will attend, 1 cannot.');

    let before = h.fake.messages.length;
    let r = await h.command('meeting m1', { user: 'U777', channel: CHANNEL });
    const forMember = said(before, r.responseUrl);
    expect(forMember).toContain('1 member will attend, 1 cannot.');
    expect(forMember).not.toContain(OFFICER);

    before = h.fake.messages.length;
    r = await h.command('meeting m1', { user: SECRETARIAT, channel: CHANNEL_2 });
    const forSecretariat = said(before, r.responseUrl);
    expect(forSecretariat).toMatch(/Will attend: .*slack:U777/);
    expect(forSecretariat).toMatch(new RegExp(`Cannot attend: .*slack:${OFFICER}`));
  });
});
