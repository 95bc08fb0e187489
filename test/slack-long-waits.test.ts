// Issue 11, item 8 through the real Slack adapter: a 429 on a reminder whose Retry-After (3600 s)
// would bring the retry to the meeting's start is not waited out and not skipped silently: the
// delivery is marked failed (late), the secretariat is told in its DM, and the failure is logged
// once (the adapter's own line is at debug level), without tokens or message text.
import { afterEach, describe, expect, it } from 'vitest';
import type { CommunityModule } from '../src/app.ts';
import { blocksText, type FakeMessage } from './helpers/fake-slack.ts';
import { BOT_TOKEN, CHANNEL, SECRETARIAT, startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';

const visible = (m: FakeMessage) => `${m.text}\n${blocksText(m.blocks)}`;
const DM = `D${SECRETARIAT}`;

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('Slack: a reminder rate-limited past the meeting start', () => {
  it('is marked failed, reported to the secretariat once, and logged once', async () => {
    const hh = (h = await startSlackHarness());
    await hh.command('subscribe', { user: SECRETARIAT, channel: CHANNEL });
    await hh.command('subscribe', { user: SECRETARIAT, channel: DM });
    // 2026-01-07 10:00 Sofia = 08:00 UTC; reminders 1 day and 1 hour before.
    await hh.command('meeting add 2026-01-07 10:00 Europe/Sofia | Extra COLEP meeting | online', { user: SECRETARIAT });
    // Each day in one step (a wake there finds nothing due), the last minutes on the scheduler's timer:
    // not 1,440 wakes a day.
    hh.clock.set('2026-01-06T07:50:30Z');
    await hh.clock.advanceTo('2026-01-06T08:00:30Z');
    await hh.settle();
    expect(hh.fake.messagesIn(CHANNEL).filter((m) => /Reminder: Extra COLEP meeting/.test(visible(m)))).toHaveLength(1);

    hh.fake.fail({ method: 'chat.postMessage', channel: CHANNEL, status: 429, retryAfterSec: 3600, times: Infinity });
    const logFrom = hh.logger.lines().length;
    hh.clock.set('2026-01-07T06:50:30Z');
    await hh.clock.advanceTo('2026-01-07T07:00:30Z');
    await hh.settle();

    const notices = hh.fake.messagesIn(DM).filter((m) => /could not be delivered/.test(visible(m)));
    expect(notices).toHaveLength(1);
    expect(visible(notices[0]!)).toMatch(
      /The 1-hour reminder for Extra COLEP meeting \(\S+\) could not be delivered to slack:C100: the platform asked the bot to wait 1 hour \(rate limit\), which is past the meeting's start\./,
    );
    const community = hh.app.community as CommunityModule;
    const row = community.store.db
      .prepare<[string, number], { status: string; last_error: string }>('SELECT status, last_error FROM reminder_deliveries WHERE chat_id = ? AND offset_ms = ?')
      .get(`slack:${CHANNEL}`, 3_600_000);
    expect(row).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/^late: /) });

    // Let the meeting start and pass: no retry, no second notice, still one line about the channel.
    const tried = hh.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === CHANNEL).length;
    await hh.clock.advanceTo('2026-01-07T08:30:00Z');
    await hh.settle();
    expect(hh.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === CHANNEL)).toHaveLength(tried);
    expect(hh.fake.messagesIn(DM).filter((m) => /could not be delivered/.test(visible(m)))).toHaveLength(1);
    const lines = hh.logger.lines().slice(logFrom);
    const loud = lines.filter((l) => Number(l.level) >= 40 && JSON.stringify(l).includes(`slack:${CHANNEL}`));
    expect(loud.map((l) => l.level)).toEqual([50]);
    const all = JSON.stringify(lines);
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain('Starts in');
  });
});
