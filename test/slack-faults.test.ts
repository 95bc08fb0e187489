// Slack platform limits and faults: signatures and stale timestamps, retried events, 429 with
// Retry-After, removed / archived channels, 5xx, network errors, the response_url fallback and
// the error boundary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../adapters/slack/index.ts';
import { DeliveryError } from '../src/core/ports.ts';
import type { Reply } from '../src/core/reply.ts';
import { createTestLogger } from './helpers/community.ts';
import { blocksText, type FakeMessage } from './helpers/fake-slack.ts';
import { BOT_TOKEN, CHANNEL, SIGNING_SECRET, startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';
import { eventCallback, postSigned, slackSignature, slashCommand } from './helpers/slack-sign.ts';

const visible = (m: FakeMessage) => `${m.text}\n${blocksText(m.blocks)}`;
const hello: Reply = { blocks: [{ type: 'paragraph', parts: ['Reminder: the meeting starts in one hour.'] }] };

describe('Slack: request verification', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const body = () => slashCommand({ text: 'help', user_id: 'U1', channel_id: CHANNEL, response_url: h.fake.responseUrl() });

  it('a correctly signed slash command is acknowledged and answered (the control)', async () => {
    const before = h.fake.callsTo('chat.postMessage').length;
    const r = await postSigned(h.eventsUrl, SIGNING_SECRET, body());
    await h.settle();
    expect(r.status).toBe(200);
    expect(h.fake.callsTo('chat.postMessage').length).toBe(before + 1);
  });

  it('a bad signature, a signature with another secret, a missing one and a stale timestamp are refused with 401 and nothing is posted', async () => {
    const before = h.fake.calls.length;
    const now = Math.floor(Date.now() / 1000);
    const b = body();
    const cases = [
      postSigned(h.eventsUrl, SIGNING_SECRET, b, { signature: 'v0=deadbeef' }),
      postSigned(h.eventsUrl, 'another-secret', b),
      // Correct signature, but over a different body than the one sent.
      postSigned(h.eventsUrl, SIGNING_SECRET, b, { signature: slackSignature(SIGNING_SECRET, now, `${b.body}&x=1`), timestamp: now }),
      // Correctly signed, 6 minutes old: a replay.
      postSigned(h.eventsUrl, SIGNING_SECRET, b, { timestamp: now - 6 * 60 }),
    ];
    for (const r of await Promise.all(cases)) expect(r.status).toBe(401);
    const unsigned = await fetch(h.eventsUrl, { method: 'POST', headers: { 'content-type': b.contentType }, body: b.body });
    expect(unsigned.status).toBe(401);
    await h.settle();
    expect(h.fake.calls.length).toBe(before);
    // Anything but POST /slack/events never reaches Bolt.
    expect((await fetch(h.eventsUrl.replace('/slack/events', '/slack/other'), { method: 'POST', body: b.body })).status).toBe(404);
  });

  it('a signed event 4 minutes old is still accepted (the window is 5 minutes)', async () => {
    const since = h.fake.messages.length;
    const ev = eventCallback({ type: 'app_mention', user: 'U1', text: '<@UBOT> encryption', ts: '1766100000.000001', channel: CHANNEL, event_ts: '1766100000.000001' });
    const r = await postSigned(h.eventsUrl, SIGNING_SECRET, ev, { timestamp: Math.floor(Date.now() / 1000) - 4 * 60 });
    await h.settle();
    expect(r.status).toBe(200);
    expect(h.fake.messages.length).toBe(since + 1);
  });
});

describe('Slack: retried events', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const mention = (ts: string, eventId: string) =>
    eventCallback({ type: 'app_mention', user: 'U1', text: '<@UBOT> how do others handle encrypted data?', ts, channel: CHANNEL, event_ts: ts }, { eventId });

  it('a retry of an event already handled (same event_id, X-Slack-Retry-Num) is acknowledged and not answered again', async () => {
    const since = h.fake.messages.length;
    const ev = mention('1766200000.000001', 'EvRETRY0001');
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, ev)).status).toBe(200);
    await h.settle();
    // Slack signs each delivery anew: a retry carries a later timestamp.
    const now = Math.floor(Date.now() / 1000);
    for (const n of [1, 2]) {
      const r = await postSigned(h.eventsUrl, SIGNING_SECRET, ev, { retryNum: n, retryReason: 'http_timeout', timestamp: now + n });
      expect(r.status).toBe(200);
    }
    await h.settle();
    const posted = h.fake.messages.slice(since);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.thread_ts).toBe('1766200000.000001');
  });

  it('an event whose first delivery to arrive is marked as a retry is still answered, once', async () => {
    const since = h.fake.messages.length;
    const ev = mention('1766200000.000002', 'EvRETRY0002');
    const now = Math.floor(Date.now() / 1000);
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, ev, { retryNum: 1, retryReason: 'http_error', timestamp: now })).status).toBe(200);
    expect((await postSigned(h.eventsUrl, SIGNING_SECRET, ev, { retryNum: 2, retryReason: 'http_error', timestamp: now + 1 })).status).toBe(200);
    await h.settle();
    expect(h.fake.messages.slice(since)).toHaveLength(1);
  });

  it('an event and its retry arriving together are answered once', async () => {
    const since = h.fake.messages.length;
    const ev = mention('1766200000.000003', 'EvRETRY0003');
    const now = Math.floor(Date.now() / 1000);
    const rs = await Promise.all([
      postSigned(h.eventsUrl, SIGNING_SECRET, ev, { timestamp: now - 1 }),
      postSigned(h.eventsUrl, SIGNING_SECRET, ev, { retryNum: 1, timestamp: now }),
    ]);
    expect(rs.map((r) => r.status)).toEqual([200, 200]);
    await h.settle();
    expect(h.fake.messages.slice(since)).toHaveLength(1);
  });

  it('two different events with the same text are both answered', async () => {
    const since = h.fake.messages.length;
    await postSigned(h.eventsUrl, SIGNING_SECRET, mention('1766200000.000004', 'EvDIFF0001'));
    await postSigned(h.eventsUrl, SIGNING_SECRET, mention('1766200000.000005', 'EvDIFF0002'));
    await h.settle();
    expect(h.fake.messages.slice(since)).toHaveLength(2);
  });
});

describe('Slack: rate limits and delivery failures', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('429 with Retry-After, then success: the answer is posted exactly once, after the wait', async () => {
    const calls = h.fake.callsTo('chat.postMessage').length;
    const since = h.fake.messages.length;
    h.fake.fail({ method: 'chat.postMessage', channel: CHANNEL, status: 429, retryAfterSec: 1 });
    const r = await h.command('sources');
    expect(r.status).toBe(200);
    const tries = h.fake.callsTo('chat.postMessage').slice(calls);
    expect(tries.map((c) => c.status)).toEqual([429, 200]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(950);
    expect(h.fake.messages.slice(since)).toHaveLength(1);
    expect(visible(h.fake.messages.at(-1)!)).toMatch(/Sources/);
  });

  it('Outbound: a 429 then success delivers once; a long Retry-After is handed to the scheduler as rate-limited', async () => {
    const out = h.adapter.outbound;
    const since = h.fake.messages.length;
    h.fake.fail({ method: 'chat.postMessage', channel: CHANNEL, status: 429, retryAfterSec: 1 });
    await out.send(`slack:${CHANNEL}`, hello);
    expect(h.fake.messages.slice(since)).toHaveLength(1);

    h.fake.fail({ method: 'chat.postMessage', channel: CHANNEL, status: 429, retryAfterSec: 120 });
    const err = await out.send(`slack:${CHANNEL}`, hello).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ failure: 'rate-limited', retryAfterMs: 120_000 });
    expect(h.fake.messages.slice(since)).toHaveLength(1);
  });

  it('Outbound maps removed, archived and deactivated to gone, ratelimited to rate-limited, bad requests to permanent', async () => {
    const out = h.adapter.outbound;
    const cases: [string, string][] = [
      ['not_in_channel', 'gone'],
      ['channel_not_found', 'gone'],
      ['is_archived', 'gone'],
      ['account_inactive', 'gone'],
      ['invalid_blocks', 'permanent'],
      ['msg_too_long', 'permanent'],
      ['internal_error', 'transient'],
    ];
    for (const [code, failure] of cases) {
      h.fake.fail({ method: 'chat.postMessage', channel: 'C777', error: code });
      const err = await out.send('slack:C777', hello).catch((e: unknown) => e);
      expect(err, code).toBeInstanceOf(DeliveryError);
      expect((err as DeliveryError).failure, code).toBe(failure);
    }
  });

  it('a 5xx on chat.postMessage is not retried by the adapter (it may have posted): transient, one attempt, no duplicate', async () => {
    const calls = h.fake.callsTo('chat.postMessage').length;
    h.fake.fail({ method: 'chat.postMessage', channel: 'C778', status: 500 });
    const err = await h.adapter.outbound.send('slack:C778', hello).catch((e: unknown) => e);
    expect(err).toMatchObject({ failure: 'transient' });
    expect(h.fake.callsTo('chat.postMessage').length).toBe(calls + 1);
    // An edit is idempotent: retried.
    const ref = await h.adapter.outbound.sendPoll!('slack:C778', { id: 99, question: 'Q?', options: [{ index: 0, text: 'A', votes: 0 }], anonymous: true, closed: false, note: 'n' });
    h.fake.fail({ method: 'chat.update', status: 500 });
    await h.adapter.outbound.updatePoll!(ref, { id: 99, question: 'Q?', options: [{ index: 0, text: 'A', votes: 1 }], anonymous: true, closed: false, note: 'n' });
    expect(h.fake.callsTo('chat.update').map((c) => c.status).slice(-2)).toEqual([500, 200]);
  });

  it('a network failure is transient', async () => {
    const logger = createTestLogger('silent');
    const dead = createSlackAdapter({
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      apiUrl: 'http://127.0.0.1:9/',
      core: h.app.core,
      log: logger.log,
      minPostIntervalMs: 0,
      startAttempts: 2,
      startRetryDelayMs: 10,
    });
    const err = await dead.outbound.send('slack:C1', hello).catch((e: unknown) => e);
    expect(err).toMatchObject({ failure: 'transient' });
    await expect(dead.start()).rejects.toThrow(/auth\.test/);
    await dead.stop();
  });

  it('a chat id that is not Slack\'s is a permanent failure', async () => {
    await expect(h.adapter.outbound.send('telegram:-100', hello)).rejects.toMatchObject({ failure: 'permanent' });
  });

  it('a slash command where the bot is not a member is answered through response_url', async () => {
    h.fake.fail({ method: 'chat.postMessage', channel: 'G123', error: 'channel_not_found', times: Infinity });
    const r = await h.command('sources', { channel: 'G123', channelName: 'privategroup' });
    const answers = h.fake.responsesTo(r.responseUrl);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ response_type: 'in_channel' });
    expect(String(answers[0]!.text)).toMatch(/Sources/);
    h.fake.clearFaults();
  });
});

describe('Slack: the error boundary', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ logLevel: 'info' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a failure while answering is logged once without token or message text, and the user gets a short apology in the thread', async () => {
    const question = 'zebra quokka 4711 encryption';
    h.fake.fail({ method: 'chat.postMessage', channel: CHANNEL, error: 'invalid_blocks' });
    const since = h.fake.messages.length;
    const r = await h.mention(`<@UBOT> ${question}`);
    expect(r.status).toBe(200);
    const posted = h.fake.messages.slice(since);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.thread_ts).toBe(r.ts);
    expect(visible(posted[0]!)).toMatch(/^Sorry, something went wrong/);
    const errors = h.logger.lines().filter((l) => Number(l.level) >= 50);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!.msg)).toMatch(/handling a request failed/);
    const all = JSON.stringify(h.logger.lines());
    expect(all).toContain('invalid_blocks');
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain(SIGNING_SECRET);
    expect(all).not.toContain('zebra');
  });

  it('start fails with a readable message when Slack refuses the token', async () => {
    const logger = createTestLogger('silent');
    const bad = createSlackAdapter({ botToken: 'xoxb-wrong', signingSecret: SIGNING_SECRET, apiUrl: h.fake.apiUrl, core: h.app.core, log: logger.log });
    await expect(bad.start()).rejects.toThrow(/Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
    await bad.stop();
  });

  it('the adapter needs an app token or a signing secret', () => {
    expect(() => createSlackAdapter({ botToken: BOT_TOKEN, core: h.app.core, log: createTestLogger('silent').log })).toThrow(/SLACK_SIGNING_SECRET/);
  });
});
