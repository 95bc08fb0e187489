// Loud faults on the Slack side (issue 11, items 3/4 and 8): Slack unreachable or refusing the
// token at start (HTTP and Socket Mode) fails start() after bounded retries with a clear one-line
// error; Web API calls time out; a timed-out or long-rate-limited answer tells the asker and is
// logged once; a long Retry-After is handed back to the scheduler, not waited out.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapterOptions } from '../adapters/slack/index.ts';
import { loadConfig } from '../src/config.ts';
import { DeliveryError } from '../src/core/ports.ts';
import type { Reply } from '../src/core/reply.ts';
import { createTestLogger } from './helpers/community.ts';
import { blocksText, startFakeSlack, type FakeSlack } from './helpers/fake-slack.ts';
import { APP_TOKEN, BOT_TOKEN, CHANNEL, SIGNING_SECRET, startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';

const hello: Reply = { blocks: [{ type: 'paragraph', parts: ['Reminder: the meeting starts in one hour.'] }] };
/** Liveness bound only: the promise must settle, however slowly the machine runs. */
const within = <T,>(p: Promise<T>, what: string, ms = 25_000): Promise<T> =>
  Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${what}: did not settle (a hang)`)), ms).unref())]);

describe('Slack: reaching Slack at start', () => {
  const fakes: FakeSlack[] = [];
  afterEach(async () => {
    for (const f of fakes.splice(0)) await f.close();
  });
  const coreStub = { commandMenu: () => [] } as unknown as SlackAdapterOptions['core'];

  async function adapter(o: Partial<SlackAdapterOptions> & { fake?: FakeSlack }) {
    const logger = createTestLogger('info');
    const a = createSlackAdapter({
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      apiUrl: o.fake?.url ?? 'http://127.0.0.1:9/',
      core: coreStub,
      log: logger.log,
      startAttempts: 3,
      startRetryDelayMs: 10,
      ...o,
    });
    return { a, logger };
  }

  it('Slack unreachable: bounded retries, one log line each, then a clear one-line error', async () => {
    const { a, logger } = await adapter({});
    const err = (await within(a.start().catch((e: unknown) => e), 'start')) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/^Slack is unreachable: auth\.test failed 3 times \(last: ECONNREFUSED\); check SLACK_API_URL/);
    expect(err.message).not.toContain('\n');
    const retries = logger.lines().filter((l) => /cannot reach Slack at start; retrying/.test(String(l.msg)));
    expect(retries.map((l) => l.attempt)).toEqual([1, 2]);
    expect(JSON.stringify(logger.lines())).not.toContain(BOT_TOKEN);
    await a.stop();
  });

  it('a hung auth.test times out (PLATFORM_TIMEOUT) and counts as unreachable', async () => {
    const fake = await startFakeSlack({ botToken: BOT_TOKEN });
    fakes.push(fake);
    fake.fail({ method: 'auth.test', hang: true, times: Infinity });
    const { a } = await adapter({ fake, timeoutMs: 200, startAttempts: 2 });
    await expect(within(a.start(), 'start')).rejects.toThrow(/^Slack is unreachable: auth\.test failed 2 times/);
    await a.stop();
  });

  it('Slack failing twice then answering: start succeeds on the third attempt', async () => {
    const fake = await startFakeSlack({ botToken: BOT_TOKEN });
    fakes.push(fake);
    fake.fail({ method: 'auth.test', status: 503, times: 2 });
    const { a, logger } = await adapter({ fake });
    await within(a.start(), 'start');
    expect(fake.callsTo('auth.test').map((c) => c.status)).toEqual([503, 503, 200]);
    expect(logger.lines().filter((l) => /retrying/.test(String(l.msg)))).toHaveLength(2);
    await a.stop();
  });

  it('Socket Mode: a refused app token fails start at once with a clear error (no silent hang)', async () => {
    const fake = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
    fakes.push(fake);
    fake.enableSocketMode();
    const { a } = await adapter({ fake, appToken: 'xapp-1-wrong-token' });
    await expect(within(a.start(), 'start')).rejects.toThrow(/^Slack refused SLACK_APP_TOKEN \(invalid_auth\)/);
    expect(fake.callsTo('apps.connections.open')).toHaveLength(1);
    await a.stop();
  });

  it('Socket Mode: Slack failing apps.connections.open is retried a bounded number of times, then start fails', async () => {
    const fake = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
    fakes.push(fake);
    fake.enableSocketMode();
    fake.fail({ method: 'apps.connections.open', status: 503, times: Infinity });
    const { a } = await adapter({ fake, appToken: APP_TOKEN });
    await expect(within(a.start(), 'start')).rejects.toThrow(/^Slack is unreachable: apps\.connections\.open failed 3 times/);
    expect(fake.callsTo('apps.connections.open')).toHaveLength(3);
    await a.stop();
  });
});

describe('Slack: slow and rate-limited answers are visible', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ adapter: { timeoutMs: 1000, maxRetryAfterMs: 2000 } });
  });
  afterEach(() => h.fake.clearFaults());
  afterAll(async () => {
    await h?.stop();
  });

  const errorsSince = (n: number) => h.logger.lines().slice(n).filter((l) => Number(l.level) >= 50);

  it('a slash command whose answer hangs: the asker is told through response_url, logged once, and the channel is not held up', async () => {
    const logs = h.logger.lines().length;
    h.fake.fail({ method: 'chat.postMessage', channel: CHANNEL, hang: true });
    const r = await within(h.command('sources'), 'the command');
    expect(r.status).toBe(200);
    const told = h.fake.responsesTo(r.responseUrl);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ response_type: 'ephemeral' });
    expect(String(told[0]!.text)).toMatch(/did not confirm my answer in time/);
    const errors = errorsSince(logs);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ failure: 'timeout', userTold: true });
    // The next answer in that channel goes out.
    const since = h.fake.messages.length;
    await within(h.command('sources'), 'the next command');
    expect(h.fake.messages.slice(since)).toHaveLength(1);
  });

  it('a mention whose answer hangs: the asker is told in the thread', async () => {
    const logs = h.logger.lines().length;
    h.fake.fail({ method: 'chat.postMessage', channel: CHANNEL, hang: true });
    const since = h.fake.messages.length;
    const r = await within(h.mention('<@UBOT> how do others handle encrypted data?'), 'the mention');
    const posted = h.fake.messages.slice(since);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.thread_ts).toBe(r.ts);
    expect(blocksText(posted[0]!.blocks)).toMatch(/did not confirm my answer in time/);
    expect(errorsSince(logs)).toHaveLength(1);
    expect(JSON.stringify(h.logger.lines().slice(logs))).not.toContain('encrypted');
  });

  it('a 429 with retry_after 3600 on an answer: not waited out, the asker is told (response_url), logged once', async () => {
    const logs = h.logger.lines().length;
    h.fake.fail({ method: 'chat.postMessage', channel: CHANNEL, status: 429, retryAfterSec: 3600 });
    const r = await within(h.command('sources'), 'the command');
    const told = h.fake.responsesTo(r.responseUrl);
    expect(told).toHaveLength(1);
    expect(String(told[0]!.text)).toMatch(/asked me to wait about 60 minutes/);
    const errors = errorsSince(logs);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ failure: 'rate-limited', userTold: true });
  });

  it('a 429 with a long retry_after on a mention: the asker gets an ephemeral note (a post there would be refused too)', async () => {
    h.fake.fail({ method: 'chat.postMessage', channel: CHANNEL, status: 429, retryAfterSec: 3600 });
    const eph = h.fake.callsTo('chat.postEphemeral').length;
    await within(h.mention('<@UBOT> encryption', { user: 'U42' }), 'the mention');
    const notes = h.fake.callsTo('chat.postEphemeral').slice(eph);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.params).toMatchObject({ channel: CHANNEL, user: 'U42' });
  });

  it('Outbound (reminders): a Retry-After over MAX_RETRY_AFTER fails at once as rate-limited with the wait, for the scheduler', async () => {
    h.fake.fail({ method: 'chat.postMessage', channel: CHANNEL, status: 429, retryAfterSec: 3 });
    const started = Date.now();
    const err = await within(h.adapter.outbound.send(`slack:${CHANNEL}`, hello).catch((e: unknown) => e), 'send');
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ failure: 'rate-limited', retryAfterMs: 3000 });
    expect(Date.now() - started).toBeLessThan(2900); // it did not wait the 3 s out
  });

  it('Outbound (reminders): a hung post fails as transient after the timeout, not silently', async () => {
    h.fake.fail({ method: 'chat.postMessage', channel: CHANNEL, hang: true });
    const err = await within(h.adapter.outbound.send(`slack:${CHANNEL}`, hello).catch((e: unknown) => e), 'send');
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ failure: 'transient' });
  });
});

describe('PLATFORM_TIMEOUT and MAX_RETRY_AFTER', () => {
  const base = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET };

  it('default to 15 s and 60 s, take durations, reach the Slack adapter\'s options, and refuse nonsense naming the variable', () => {
    const d = loadConfig(base);
    expect(d).toMatchObject({ platformTimeoutMs: 15_000, maxRetryAfterMs: 60_000 });
    expect(d.slack).toMatchObject({ timeoutMs: 15_000, maxRetryAfterMs: 60_000 });
    const c = loadConfig({ ...base, PLATFORM_TIMEOUT: '2500ms', MAX_RETRY_AFTER: '2m' });
    expect(c.slack).toMatchObject({ timeoutMs: 2500, maxRetryAfterMs: 120_000 });
    expect(loadConfig({ ...base, PLATFORM_TIMEOUT: '20' }).platformTimeoutMs).toBe(20_000);
    expect(() => loadConfig({ ...base, PLATFORM_TIMEOUT: 'soon' })).toThrow(/PLATFORM_TIMEOUT/);
    expect(() => loadConfig({ ...base, MAX_RETRY_AFTER: '0s' })).toThrow(/MAX_RETRY_AFTER/);
  });
});
