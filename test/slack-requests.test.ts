// Slack request checks (issue 11, item 7): timestamps more than 5 minutes off either way, replays
// (the same signed bytes, or the same trigger_id / event_id re-signed), and requests from another
// workspace than the bot token's (public commands only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksText, type FakeMessage } from './helpers/fake-slack.ts';
import { CHANNEL, SECRETARIAT, SIGNING_SECRET, startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';
import { blockActions, eventCallback, nextTriggerId, postSigned, slashCommand } from './helpers/slack-sign.ts';

const visible = (m: FakeMessage) => `${m.text}\n${blocksText(m.blocks)}`;
const nowSec = () => Math.floor(Date.now() / 1000);

describe('Slack: request clocks and replays', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const help = () => slashCommand({ text: 'help', user_id: 'U1', channel_id: CHANNEL, response_url: h.fake.responseUrl() });

  it('a correctly signed request dated more than 5 minutes in the future is refused (401), 4 minutes ahead is accepted', async () => {
    const before = h.fake.calls.length;
    for (const ahead of [60 * 60, 6 * 60]) {
      const r = await postSigned(h.eventsUrl, SIGNING_SECRET, help(), { timestamp: nowSec() + ahead });
      expect(r.status, `${ahead} s ahead`).toBe(401);
    }
    await h.settle();
    expect(h.fake.calls.length).toBe(before);
    expect(h.logger.lines().some((l) => /request refused/.test(String(l.msg)) && l.reason === 'future')).toBe(true);

    const ok = await postSigned(h.eventsUrl, SIGNING_SECRET, help(), { timestamp: nowSec() + 4 * 60 });
    expect(ok.status).toBe(200);
    await h.settle();
    expect(h.fake.calls.length).toBe(before + 1);
  });

  it('a byte-identical replay of a signed /practice meeting add is refused and creates nothing', async () => {
    const add = slashCommand({
      text: 'meeting add 2026-05-12 10:00 Europe/Sofia | Replay test meeting | online',
      user_id: SECRETARIAT,
      channel_id: CHANNEL,
      response_url: h.fake.responseUrl(),
    });
    const ts = nowSec() - 60; // as if captured a minute ago
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, add, { timestamp: ts })).status).toBe(200);
    await h.settle();
    const since = h.fake.messages.length;
    const calls = h.fake.calls.length;
    const replay = await postSigned(h.eventsUrl, SIGNING_SECRET, add, { timestamp: ts });
    expect(replay.status).toBe(401);
    await h.settle();
    expect(h.fake.messages.length).toBe(since);
    expect(h.fake.calls.length).toBe(calls);
    await h.command('meetings');
    const listed = blocksText(h.fake.messages.at(-1)!.blocks);
    expect(listed.match(/Replay test meeting/g)).toHaveLength(1);
  });

  it('the same trigger_id re-signed (another timestamp) is acknowledged and not handled again', async () => {
    const trigger = nextTriggerId();
    const cmd = slashCommand({ text: 'sources', user_id: 'U1', channel_id: CHANNEL, response_url: h.fake.responseUrl(), trigger_id: trigger });
    const since = h.fake.messages.length;
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, cmd, { timestamp: nowSec() - 2 })).status).toBe(200);
    await h.settle();
    expect(h.fake.messages.length).toBe(since + 1);
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, cmd, { timestamp: nowSec() })).status).toBe(200);
    await h.settle();
    expect(h.fake.messages.length).toBe(since + 1);
  });

  it('the same button press (trigger_id) re-signed is handled once', async () => {
    await h.command('ask how do others handle encrypted data?');
    const answer = h.fake.messages.at(-1)!;
    const press = blockActions({
      user: 'U1',
      channel: CHANNEL,
      messageTs: answer.ts,
      actionId: 'pb:0:0',
      value: 'unknown-action-data',
      responseUrl: h.fake.responseUrl(),
      triggerId: nextTriggerId(),
    });
    const calls = () => h.fake.calls.length + h.fake.responses.length;
    const before = calls();
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, press, { timestamp: nowSec() - 1 })).status).toBe(200);
    await h.settle();
    const afterFirst = calls();
    expect(afterFirst).toBeGreaterThan(before);
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, press, { timestamp: nowSec() })).status).toBe(200);
    await h.settle();
    expect(calls()).toBe(afterFirst);
  });

  it('the same event_id re-signed without a retry header is answered once', async () => {
    const since = h.fake.messages.length;
    const ev = eventCallback({ type: 'app_mention', user: 'U1', text: '<@UBOT> encryption', ts: '1766500000.000001', channel: CHANNEL, event_ts: '1766500000.000001' });
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, ev, { timestamp: nowSec() - 3 })).status).toBe(200);
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, ev, { timestamp: nowSec() })).status).toBe(200);
    await h.settle();
    expect(h.fake.messages.length).toBe(since + 1);
  });
});

describe('Slack: requests from another workspace', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ fake: { teamId: 'T0001', enterpriseId: 'E0001' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function run(text: string, o: { team?: string; enterprise?: string; user?: string } = {}) {
    const since = h.fake.messages.length;
    const responseUrl = h.fake.responseUrl();
    const body = slashCommand({
      text,
      user_id: o.user ?? SECRETARIAT,
      channel_id: CHANNEL,
      response_url: responseUrl,
      team_id: o.team ?? 'T0001',
      enterprise_id: o.enterprise ?? 'E0001',
    });
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, body)).status).toBe(200);
    await h.settle();
    const posted = h.fake.messages.slice(since);
    const responses = h.fake.responsesTo(responseUrl);
    return { posted, text: [...posted.map(visible), ...responses.map((r) => String(r.text))].join('\n') };
  }

  it('the secretariat\'s user id from another team cannot add a meeting; the same id from our workspace can', async () => {
    const add = 'meeting add 2026-06-02 10:00 Europe/Sofia | Foreign attempt | online';
    const foreign = await run(add, { team: 'T9999' });
    expect(foreign.text).not.toMatch(/Meeting added/);
    const otherEnterprise = await run(add, { enterprise: 'E9999' });
    expect(otherEnterprise.text).not.toMatch(/Meeting added/);
    expect((await run('meetings')).text).not.toMatch(/Foreign attempt/);
    expect(h.logger.lines().some((l) => /another workspace/.test(String(l.msg)) && l.team === 'T9999')).toBe(true);

    // Control: our workspace, same user.
    expect((await run(add.replace('Foreign attempt', 'Home meeting'))).text).toMatch(/Meeting added: Home meeting/);
  });

  it('a user of another workspace still gets public commands, but no community ones (the chat is not allowed for them)', async () => {
    const pub = await run('sources', { team: 'T9999', user: 'U5' });
    expect(pub.text).toMatch(/Sources/);
    const community = await run('meetings', { team: 'T9999', user: 'U5' });
    expect(community.text).not.toMatch(/Home meeting/);
  });

  it('a mention from a user of another team (Slack Connect: event.user_team) is answered as an unknown user', async () => {
    const ask = async (userTeam: string | undefined, n: number) => {
      const since = h.fake.messages.length;
      const ts = `1766600000.00000${n}`;
      const ev = eventCallback({
        type: 'app_mention',
        user: SECRETARIAT,
        ...(userTeam ? { user_team: userTeam } : {}),
        text: '<@UBOT> when is the next meeting?',
        ts,
        channel: CHANNEL,
        event_ts: ts,
      });
      expect((await postSigned(h.eventsUrl, SIGNING_SECRET, ev)).status).toBe(200);
      await h.settle();
      return h.fake.messages.slice(since).map(visible).join('\n');
    };
    expect(await ask(undefined, 1)).toMatch(/Home meeting/); // control
    expect(await ask('T9999', 2)).not.toMatch(/Home meeting/);
  });
});
