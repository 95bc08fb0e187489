// Faults and the platform's limits: 429, 403, dropped connections, error mapping, the error
// boundary, and a webhook that nothing a client sends can crash.
import { describe, expect, it } from 'vitest';
import { TELEGRAM_LIMITS } from '../adapters/telegram/api-plugins.ts';
import { APOLOGY } from '../adapters/telegram/index.ts';
import { DeliveryError } from '../src/core/ports.ts';
import type { Reply } from '../src/core/reply.ts';
import { privateChat } from './helpers/fake-telegram.ts';
import { G1, OFFICER, OFFICER2, startHarness, texts, visible } from './helpers/telegram-harness.ts';

describe('Telegram adapter: faults', () => {
  it('a 429 is retried after retry_after: exactly one message is delivered', async () => {
    const h = await startHarness({ mode: 'polling' });
    h.fake.fail('sendMessage', { kind: 'retry-after', seconds: 1 }, { chatId: OFFICER.id });
    const r = await h.say(privateChat(OFFICER), OFFICER, '/start');
    expect(texts(r)).toHaveLength(1);
    const attempts = h.fake.callsOf('sendMessage').filter((c) => Number(c.params.chat_id) === OFFICER.id);
    expect(attempts.map((c) => c.outcome)).toEqual(['error', 'ok']);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it("messages to one chat are spaced by Telegram's limits (TELEGRAM_LIMITS: one a second per chat), none refused", async () => {
    // The other tests run with the harness's TEST_LIMITS (no spacing); this one with the real ones.
    const h = await startHarness({ mode: 'polling', api: { limits: TELEGRAM_LIMITS }, rateLimit: true });
    const reply = (n: number): Reply => ({ blocks: [{ type: 'paragraph', parts: [`Reminder ${n}`] }] });
    await Promise.all([1, 2, 3].map((n) => h.adapter.outbound.send('telegram:2001', reply(n))));
    const sent = h.fake.sent('sendMessage', OFFICER.id);
    expect(sent.map((c) => String(c.params.text))).toEqual(['Reminder 1', 'Reminder 2', 'Reminder 3']);
    // Started 1 s apart; arrival times jitter with the load (unthrottled, the three arrive within ~100 ms).
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(500);
    expect(sent[2]!.at - sent[0]!.at).toBeGreaterThanOrEqual(1500);
    expect(h.fake.stats.rateLimited).toBe(0);
  });

  it('a dropped connection does not duplicate a message', async () => {
    const h = await startHarness({ mode: 'polling' });
    // Reply path: the connection drops after Telegram took the message.
    h.fake.fail('sendMessage', { kind: 'drop', after: true }, { chatId: OFFICER.id });
    await h.say(privateChat(OFFICER), OFFICER, '/start');
    // Updates of one chat are sequential: once /help is answered, nothing of /start is pending.
    await h.say(privateChat(OFFICER), OFFICER, '/help');
    const calls = h.fake.callsOf('sendMessage').filter((c) => Number(c.params.chat_id) === OFFICER.id);
    expect(calls.map((c) => c.outcome)).toEqual(['dropped-after', 'ok']);
    expect(visible(String(calls[1]!.params.text))).toMatch(/\/challenges/);

    // Outbound (scheduler) path: one attempt, reported as transient for the scheduler's own backoff.
    h.fake.fail('sendMessage', { kind: 'drop', after: true }, { chatId: OFFICER2.id });
    const err = await h.adapter.outbound.send('telegram:2002', { blocks: [{ type: 'paragraph', parts: ['Reminder'] }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).failure).toBe('transient');
    expect(h.fake.callsOf('sendMessage').filter((c) => Number(c.params.chat_id) === OFFICER2.id)).toHaveLength(1);
    // Same for polls.
    h.fake.fail('sendPoll', { kind: 'drop' }, { chatId: G1.id });
    const perr = await h.adapter.outbound
      .sendPoll!('telegram:-1001001', { id: 1, question: 'Q?', options: [{ index: 0, text: 'a' }, { index: 1, text: 'b' }], anonymous: true, closed: false, note: '' })
      .catch((e: unknown) => e);
    expect((perr as DeliveryError).failure).toBe('transient');
    expect(h.fake.callsOf('sendPoll')).toHaveLength(1);
  });

  it('maps Bot API failures to delivery failures', async () => {
    const h = await startHarness({ mode: 'polling', api: { maxRetryAttempts: 0, maxRetryAfterSeconds: 0 } });
    const r: Reply = { blocks: [{ type: 'paragraph', parts: ['hello'] }] };
    h.fake.fail('sendMessage', { kind: 'retry-after', seconds: 7 });
    await expect(h.adapter.outbound.send('telegram:2001', r)).rejects.toMatchObject({ failure: 'rate-limited', retryAfterMs: 7000 });
    h.fake.fail('sendMessage', { kind: 'chat-not-found' });
    await expect(h.adapter.outbound.send('telegram:2001', r)).rejects.toMatchObject({ failure: 'gone' });
    h.fake.fail('sendMessage', { kind: 'bad-request', description: 'Bad Request: something odd' });
    await expect(h.adapter.outbound.send('telegram:2001', r)).rejects.toMatchObject({ failure: 'permanent' });
    // (A 5xx maps to 'transient' too: test/telegram-render.test.ts checks toDeliveryError on it; here
    // it would cost auto-retry's fixed 3 s pause before it gives the error back.)
    await expect(h.adapter.outbound.send('slack:C1', r)).rejects.toMatchObject({ failure: 'permanent' });
  });

  it('errors are caught at one boundary: the user gets a short apology, logs hold no token and no message text', async () => {
    const h = await startHarness({ mode: 'polling' });
    h.fake.fail('sendMessage', { kind: 'bad-request', description: "Bad Request: can't parse entities: simulated" }, { chatId: OFFICER.id });
    const r = await h.say(privateChat(OFFICER), OFFICER, 'what about encrypted phones xyzzy-question-secret');
    expect(texts(r)).toEqual([APOLOGY]);
    const log = h.logs.join('');
    expect(log).toMatch(/telegram update failed/);
    expect(log).not.toContain(h.fake.token);
    expect(log).not.toContain(h.fake.token.split(':')[1]!);
    expect(log).not.toContain('xyzzy-question-secret');
    // Still working.
    expect(texts(await h.say(privateChat(OFFICER), OFFICER, '/start'))).toHaveLength(1);
  });
});

describe('Telegram webhook: nothing a client sends can crash it or reach the handlers', () => {
  it('refuses a wrong or missing secret (401), malformed and oversized bodies, unknown paths', async () => {
    const h = await startHarness({ mode: 'webhook' });
    const url = h.webhookUrl!;
    const sends = () => h.fake.sent().length;
    const u = () => h.fake.text({ chat: privateChat(OFFICER), from: OFFICER, text: '/start' });

    expect(await h.fake.postWebhook(url, u(), 'wrong-secret')).toBe(401);
    expect(await h.fake.postWebhook(url, u())).toBe(401);
    expect(await h.fake.postWebhook(url, u(), 'test-secret_12')).toBe(401);
    expect(await h.fake.postWebhook(url, '{"update_id": 1, "message": ', 'test-secret_123')).toBe(400);
    expect(await h.fake.postWebhook(url, 'null', 'test-secret_123')).toBeLessThan(500);
    expect(await h.fake.postWebhook(url, '[1,2,3]', 'test-secret_123')).toBeLessThan(500);
    expect(await h.fake.postWebhook(url, '{"update_id":"x","message":{"text":"/start"}}', 'test-secret_123')).toBe(200);
    const big = JSON.stringify({ update_id: 5, message: { text: 'x'.repeat(2_000_000) } });
    expect(await h.fake.postWebhook(url, big, 'test-secret_123').catch(() => 413)).toBe(413);
    expect(await h.fake.postWebhook(url.replace('/hook', '/other'), u(), 'test-secret_123')).toBe(404);
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(sends()).toBe(0);

    // Still alive and answering.
    const ok = u();
    expect(await h.fake.postWebhook(url, ok, 'test-secret_123')).toBe(200);
    expect(h.fake.textsIn(OFFICER.id)).toHaveLength(1);
  });
});
