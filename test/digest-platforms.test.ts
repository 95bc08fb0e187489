// The weekly digest on Telegram and Slack end to end (issue 15): the real app, the real adapters
// over HTTP against the fake Bot API / Web API, a fake clock. A full week (long suggestions, many
// follow-ups) still goes out as ONE message within the platform's limits, rendered natively
// (Telegram HTML with a date-time entity; Slack Block Kit mrkdwn with a <!date^...> token).
import { describe, expect, it } from 'vitest';
import { createFakeClock } from './helpers/community.ts';
import { blocksText } from './helpers/fake-slack.ts';
import { privateChat } from './helpers/fake-telegram.ts';
import { CO_CHAIR, CHANNEL, OFFICER, SECRETARIAT, startSlackHarness } from './helpers/slack-harness.ts';
import { CHAIR, expectNoRejectedHtml, G1, OFFICER as TG_OFFICER, SEC, startHarness, visible } from './helpers/telegram-harness.ts';

const LONG = (i: number) => `Agenda item ${i}: ${'cross-border cooperation on digital evidence and platform takedowns '.repeat(4)}`.slice(0, 290);

describe('weekly digest on the platforms', () => {
  it('Telegram: one HTML message under 4,096 characters, with bold labels and the meeting time as a date-time entity', async () => {
    const clock = createFakeClock('2026-01-04T08:00:00Z'); // a Sunday
    const h = await startHarness({ mode: 'polling', clock, env: { DIGEST_AT: 'mon 09:00 Europe/Sofia' } });
    await h.say(G1, CHAIR, '/subscribe');
    await h.say(privateChat(SEC), SEC, '/meeting add 2026-02-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria');
    for (let i = 1; i <= 6; i++) await h.say(G1, TG_OFFICER, `/suggest ${LONG(i)}`);
    for (let i = 1; i <= 8; i++) await h.say(privateChat(SEC), SEC, `/followup add colep-3 ${LONG(100 + i)}`);
    await h.community.idle();
    const before = h.fake.textsIn(G1.id).length;
    // To Monday 06:50 in one step (the scheduler's timer fires there, finding nothing due), then the
    // last minutes on its timer: not 1,400 wakes, one a minute, from Sunday morning.
    clock.set('2026-01-05T06:50:30Z');
    await clock.advanceTo('2026-01-05T07:00:30Z'); // Mon 09:00 Sofia (UTC+2)
    await h.community.idle();
    const got = await h.fake.waitFor(() => {
      const list = h.fake.textsIn(G1.id).slice(before);
      return list.length ? list : undefined;
    }, 10_000, 'the digest');
    await h.community.idle();
    const digests = h.fake.textsIn(G1.id).slice(before);
    expect(digests).toHaveLength(1);
    expect(got[0]).toBe(digests[0]);
    const html = digests[0]!;
    expect(html.length).toBeLessThanOrEqual(4096);
    expect(visible(html)).toMatch(/^Weekly digest/);
    expect(html).toContain('<b>Next meeting:</b> 9th COLEP meeting');
    expect(html).toContain(`<tg-time unix="${Date.parse('2026-02-10T08:00:00Z') / 1000}"`);
    expect(visible(html)).toMatch(/Agenda suggestions \(6\): "Agenda item \d/);
    expect(visible(html)).toMatch(/Open follow-ups of the 3rd COLEP meeting \(11 of 11\):/);
    expect(visible(html)).toMatch(/…and 6 more: \/followups colep-3/);
    expectNoRejectedHtml(h.fake);
  }, 120_000);

  it('Slack: one Block Kit message within the block limits, mrkdwn bold and a <!date^> token', async () => {
    const clock = createFakeClock('2026-01-04T08:00:00Z');
    const h = await startSlackHarness({ clock, config: { digestAt: { weekday: 1, hour: 9, minute: 0, zone: 'Europe/Sofia' } } });
    try {
      await h.command('subscribe', { user: SECRETARIAT, channel: CHANNEL });
      await h.command('meeting add 2026-02-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria', { user: SECRETARIAT });
      for (let i = 1; i <= 6; i++) await h.command(`suggest ${LONG(i)}`, { user: OFFICER });
      for (let i = 1; i <= 8; i++) await h.command(`followup add colep-3 ${LONG(100 + i)}`, { user: SECRETARIAT });
      await h.command('poll', { user: CO_CHAIR });
      await h.settle();
      const since = h.fake.messages.length;
      clock.set('2026-01-05T06:50:30Z'); // as above
      await clock.advanceTo('2026-01-05T07:00:30Z');
      await h.settle();
      await h.fake.waitFor(() => h.fake.messages.slice(since).some((m) => m.channel === CHANNEL), 'the digest');
      await h.settle();
      const posted = h.fake.messages.slice(since).filter((m) => m.channel === CHANNEL);
      expect(posted).toHaveLength(1);
      const m = posted[0]!;
      expect(m.blocks.length).toBeLessThanOrEqual(50);
      for (const b of m.blocks) expect(JSON.stringify(b).length).toBeLessThan(3000);
      expect(m.text.length).toBeLessThanOrEqual(4000);
      const shown = blocksText(m.blocks);
      expect(shown).toMatch(/Weekly digest/);
      expect(shown).toContain('*Next meeting:* 9th COLEP meeting');
      expect(shown).toContain(`<!date^${Date.parse('2026-02-10T08:00:00Z') / 1000}^`);
      expect(shown).toMatch(/\*Open poll:\* "Agenda for 9th COLEP meeting/);
      expect(shown).toMatch(/Open follow-ups of the 3rd COLEP meeting \(11 of 11\)/);
    } finally {
      await h.stop();
    }
  }, 120_000);
});
