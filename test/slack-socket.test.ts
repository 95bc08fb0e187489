// Socket Mode: the same adapter over Bolt's SocketModeReceiver, against the fake's WebSocket
// (apps.connections.open -> ws:// -> hello -> envelopes, each acknowledged by envelope_id).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksText } from './helpers/fake-slack.ts';
import { APP_TOKEN, BOT_TOKEN, CHANNEL, OFFICER, startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';

describe('Slack: Socket Mode', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ socketMode: true });
    await h.fake.socketConnected();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('serves no HTTP route, connects with the app token, and answers a slash command after acknowledging it', async () => {
    expect(h.adapter.mode).toBe('socket');
    expect(h.adapter.routes).toBeUndefined();
    expect(h.fake.callsTo('apps.connections.open')).toHaveLength(1);
    expect(h.fake.callsTo('auth.test')).toHaveLength(1);
    const since = h.fake.messages.length;
    const ack = await h.fake.socketSend('slash_commands', {
      command: '/practice',
      text: 'sources',
      user_id: OFFICER,
      user_name: 'officer',
      channel_id: CHANNEL,
      channel_name: 'general',
      team_id: 'T0001',
      response_url: h.fake.responseUrl(),
      trigger_id: '1',
      api_app_id: 'A0001',
    });
    expect(ack.envelope_id).toBeTruthy();
    await h.settle();
    const posted = h.fake.messages.slice(since);
    expect(posted).toHaveLength(1);
    expect(blocksText(posted[0]!.blocks)).toMatch(/Sources/);
  });

  it('answers a mention in its thread, and a redelivered event (retry_attempt) only once', async () => {
    const since = h.fake.messages.length;
    const payload = {
      type: 'event_callback',
      team_id: 'T0001',
      api_app_id: 'A0001',
      event_id: 'EvSOCKET01',
      event_time: 1,
      event: { type: 'app_mention', user: OFFICER, text: '<@UBOT> encryption', ts: '1766300000.000001', channel: CHANNEL, event_ts: '1766300000.000001' },
    };
    await h.fake.socketSend('events_api', payload, { retry_attempt: 0 });
    await h.settle();
    await h.fake.socketSend('events_api', payload, { retry_attempt: 1, retry_reason: 'timeout' });
    await h.settle();
    const posted = h.fake.messages.slice(since);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.thread_ts).toBe('1766300000.000001');
  });

  it('the app token goes only to apps.connections.open; the bot token to everything else', () => {
    expect(h.fake.callsTo('apps.connections.open').map((c) => c.auth)).toEqual([`Bearer ${APP_TOKEN}`]);
    const others = h.fake.calls.filter((c) => c.method !== 'apps.connections.open');
    expect(others.length).toBeGreaterThan(2);
    for (const c of others) expect(c.auth).toBe(`Bearer ${BOT_TOKEN}`);
  });
});
