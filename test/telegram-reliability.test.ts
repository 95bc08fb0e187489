// Issue 11 on the Telegram side, against the fake Bot API: calls that hang time out and the asker
// is told (item 8); a long retry_after is not a silent drop (item 8); a webhook answers within its
// budget and finishes after (item 8); the update ledger keeps duplicates out across restarts
// (item 2); a revoked token ends polling through onFatal (item 4); `<tg-time>` falls back on an
// older Bot API server (item 10); Outbound.leaveChat.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TIMEOUT_NOTICE, rateLimitedNotice } from '../adapters/telegram/index.ts';
import type { AdapterFatalError } from '../src/core/adapter.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import type { Reply } from '../src/core/reply.ts';
import { openStore } from '../src/store/store.ts';
import { createUpdateLedger, LEDGER_KEEP_MS } from '../src/store/update-ledger.ts';
import { privateChat, startFakeTelegram } from './helpers/fake-telegram.ts';
import { G1, OFFICER, startHarness, texts } from './helpers/telegram-harness.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-tgrel-'));
  dirs.push(d);
  return d;
};
const logLines = (logs: string[], msg: string) => logs.join('').split('\n').filter((l) => l.includes(msg));

describe('Telegram: slow and refused calls are visible', () => {
  it('a reply whose sendMessage hangs times out (PLATFORM_TIMEOUT); the asker is told, it is logged once, the chat goes on', async () => {
    const h = await startHarness({ mode: 'polling', api: { timeoutMs: 1000 } });
    h.fake.fail('sendMessage', { kind: 'hang' }, { chatId: OFFICER.id });
    const r = await h.say(privateChat(OFFICER), OFFICER, '/start');
    expect(texts(r)).toEqual([TIMEOUT_NOTICE]);
    const failed = logLines(h.logs, 'telegram update failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/ApiTimeoutError/);
    expect(failed[0]).toMatch(/sendMessage timed out after 1 s/);
    // The chat's next reply is not held up.
    expect(texts(await h.say(privateChat(OFFICER), OFFICER, '/help'))).toHaveLength(1);
  });

  it('a 429 with retry_after over MAX_RETRY_AFTER fails the reply and tells the asker; the outbound port reports it as rate-limited', async () => {
    const h = await startHarness({ mode: 'polling', api: { maxRetryAfterSeconds: 60 } });
    h.fake.fail('sendMessage', { kind: 'retry-after', seconds: 3600 }, { chatId: OFFICER.id });
    const r = await h.say(privateChat(OFFICER), OFFICER, '/start');
    expect(texts(r)).toEqual([rateLimitedNotice(3_600_000)]);
    expect(texts(r)[0]).toMatch(/about 60 minutes/);
    expect(logLines(h.logs, 'telegram update failed')).toHaveLength(1);

    // Reminders: the scheduler gets a DeliveryError with the wait, at once (not after an hour).
    h.fake.fail('sendMessage', { kind: 'retry-after', seconds: 3600 }, { chatId: G1.id });
    const reply: Reply = { blocks: [{ type: 'paragraph', parts: ['Reminder'] }] };
    await expect(h.adapter.outbound.send(`telegram:${G1.id}`, reply)).rejects.toMatchObject({ failure: 'rate-limited', retryAfterMs: 3_600_000 });
  });

  it('webhook: Telegram gets its 200 within the budget while handling goes on; a late finish is logged; a redelivery is not handled twice', async () => {
    const h = await startHarness({ mode: 'webhook', api: { timeoutMs: 2000 }, adapter: { webhookBudgetMs: 200 } });
    h.fake.fail('sendMessage', { kind: 'hang' }, { chatId: OFFICER.id });
    const update = h.fake.text({ chat: privateChat(OFFICER), from: OFFICER, text: '/start' });
    let handled = false;
    const processed = h.adapter.whenProcessed(update.update_id).then(() => (handled = true));
    expect(await h.fake.postWebhook(h.webhookUrl!, update, h.secret)).toBe(200);
    expect(handled).toBe(false);
    expect(logLines(h.logs, 'still being handled after the budget')).toHaveLength(1);
    await processed;
    expect(h.fake.textsIn(OFFICER.id)).toEqual([TIMEOUT_NOTICE]);
    // Telegram delivers it again (it had not seen a 200 in time, say): answered once only.
    expect(await h.fake.postWebhook(h.webhookUrl!, update, h.secret)).toBe(200);
    expect(logLines(h.logs, 'duplicate update ignored')).toHaveLength(1);
    expect(h.fake.textsIn(OFFICER.id)).toHaveLength(1);
  });
});

describe('Telegram: the update ledger', () => {
  it('an update redelivered after a restart is not answered again (the ledger is in the database)', async () => {
    const fake = await startFakeTelegram();
    try {
      const dir = tmp();
      const first = await startHarness({ mode: 'webhook', fake, dir });
      const update = fake.text({ chat: privateChat(OFFICER), from: OFFICER, text: '/start' });
      expect(await fake.postWebhook(first.webhookUrl!, update, first.secret)).toBe(200);
      await first.adapter.whenProcessed(update.update_id);
      expect(fake.textsIn(OFFICER.id)).toHaveLength(1);
      await first.stop();

      const second = await startHarness({ mode: 'webhook', fake, dir });
      expect(await fake.postWebhook(second.webhookUrl!, update, second.secret)).toBe(200);
      expect(fake.textsIn(OFFICER.id)).toHaveLength(1);
      expect(logLines(second.logs, 'duplicate update ignored')).toHaveLength(1);
      await second.stop();
    } finally {
      await fake.close();
    }
  });

  it('records, resumes (bounded attempts), marks done without the payload, and purges old rows', async () => {
    let now = 1_800_000_000_000;
    const store = openStore(path.join(tmp(), 'ledger.db'));
    try {
      const ledger = createUpdateLedger(store, { now: () => now });
      const u = (id: number) => ({ update_id: id, message: { text: 'secret words' } });
      expect((await ledger.intake('telegram:1', [u(1), u(2), u(3)])).map((x) => x.update_id)).toEqual([1, 2, 3]);
      expect((await ledger.intake('telegram:1', [u(2), u(4)])).map((x) => x.update_id)).toEqual([4]);
      // Ids are per bot.
      expect((await ledger.intake('telegram:2', [u(1)])).map((x) => x.update_id)).toEqual([1]);
      await ledger.done('telegram:1', 1);
      expect(await ledger.intake('telegram:1', [u(1)])).toEqual([]);
      const payloads = store.db.prepare<[], { update_id: number; payload: string | null }>("SELECT update_id, payload FROM update_ledger WHERE source = 'telegram:1' ORDER BY update_id").all();
      expect(payloads.map((p) => p.payload === null)).toEqual([true, false, false, false]);

      // A restart resumes what was pending, oldest first; each resume is one more attempt.
      expect(await ledger.takePending('telegram:1', 3)).toEqual({ updates: [u(2), u(3), u(4)], givenUp: 0 });
      await ledger.done('telegram:1', 2);
      expect(await ledger.takePending('telegram:1', 3)).toEqual({ updates: [u(3), u(4)], givenUp: 0 });
      // A third interrupted run: given up rather than crashing the process forever.
      expect(await ledger.takePending('telegram:1', 3)).toEqual({ updates: [], givenUp: 2 });

      now += LEDGER_KEEP_MS + 1;
      await ledger.intake('telegram:2', [u(9)]);
      const left = store.db.prepare<[], { source: string; update_id: number }>('SELECT source, update_id FROM update_ledger ORDER BY source, update_id').all();
      expect(left).toEqual([
        { source: 'telegram:2', update_id: 1 },
        { source: 'telegram:2', update_id: 9 },
      ]);
    } finally {
      store.close();
    }
  });
});

describe('Telegram: polling that stops for good is reported', () => {
  it('a 401 (token revoked) while polling ends the loop and reports a fatal error once', async () => {
    const h = await startHarness({ mode: 'polling' });
    const fatal = new Promise<AdapterFatalError>((resolve) => h.adapter.onFatal(resolve));
    h.fake.fail('getUpdates', { kind: 'unauthorized' }, { times: 1000 });
    h.fake.enqueue(h.fake.text({ chat: privateChat(OFFICER), from: OFFICER, text: '/start' }));
    const err = await fatal;
    expect(err.adapter).toBe('telegram');
    expect(err.message).toMatch(/^Telegram polling stopped: Telegram refused the bot token \(401 Unauthorized\)/);
    expect(err.message).not.toContain(h.fake.token.split(':')[1]!);
    const polls = h.fake.callsOf('getUpdates').length;
    await h.stop();
    expect(h.fake.callsOf('getUpdates').length).toBe(polls);
  });
});

describe('Telegram: <tg-time> on an older Bot API server', () => {
  it('"can\'t parse entities" is retried once without the date-time tags (written time kept), and remembered', async () => {
    const h = await startHarness({ mode: 'polling', fakeOptions: { rejectDateTime: true } });
    const reply: Reply = { blocks: [{ type: 'paragraph', parts: ['Starts ', { time: '2031-05-06T08:00:00Z', fallback: 'Tue 6 May 2031, 10:00 CEST' }] }] };
    await h.adapter.outbound.send(`telegram:${G1.id}`, reply);
    const first = h.fake.callsOf('sendMessage');
    expect(first.map((c) => c.outcome)).toEqual(['error', 'ok']);
    expect(first[0]!.description).toMatch(/can't parse entities/);
    expect(String(first[0]!.params.text)).toContain('<tg-time');
    expect(String(first[1]!.params.text)).toBe('Starts Tue 6 May 2031, 10:00 CEST');
    await h.adapter.outbound.send(`telegram:${G1.id}`, reply);
    const later = h.fake.callsOf('sendMessage').slice(2);
    expect(later.map((c) => c.outcome)).toEqual(['ok']);
    expect(String(later[0]!.params.text)).not.toContain('<tg-time');
    expect(logLines(h.logs, 'refuses date-time entities')).toHaveLength(1);
  });
});

describe('Telegram: Outbound.leaveChat', () => {
  it('leaves a chat with the Bot API leaveChat; a chat that is gone is reported as gone', async () => {
    const h = await startHarness({ mode: 'polling' });
    await h.adapter.outbound.leaveChat!(`telegram:${G1.id}`);
    expect(h.fake.sent('leaveChat').map((c) => Number(c.params.chat_id))).toEqual([G1.id]);
    h.fake.fail('leaveChat', { kind: 'chat-not-found' });
    await expect(h.adapter.outbound.leaveChat!('telegram:-1009999')).rejects.toMatchObject({ failure: 'gone' });
  });
});

describe('configuration: PLATFORM_TIMEOUT and MAX_RETRY_AFTER', () => {
  it('default to 15 s and 60 s, take durations, refuse nonsense', () => {
    expect(loadConfig({})).toMatchObject({ platformTimeoutMs: 15_000, maxRetryAfterMs: 60_000 });
    expect(loadConfig({ PLATFORM_TIMEOUT: '2m', MAX_RETRY_AFTER: '90s' })).toMatchObject({ platformTimeoutMs: 120_000, maxRetryAfterMs: 90_000 });
    expect(() => loadConfig({ PLATFORM_TIMEOUT: 'soon' })).toThrow(ConfigError);
    expect(() => loadConfig({ PLATFORM_TIMEOUT: '0s' })).toThrow(/PLATFORM_TIMEOUT/);
  });
});
