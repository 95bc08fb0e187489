// At-least-once long polling (issue 11, item 2): the real bin is SIGKILLed while it answers the 2nd
// of 3 updates of one batch (1 answered, 1 under way, 1 not started), then started again on the same
// database. Nothing is lost (every suggestion is stored), and nothing is answered twice (the update
// ledger survives the restart). (3, one of each, rather than more: the bin spaces a group's answers a
// second apart, Telegram's limit.)
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeTelegram, supergroup, user, type FakeTelegram } from './helpers/fake-telegram.ts';
import { startBin, tempDir } from './helpers/telegram-bin.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const G = supergroup(-1001001, 'COLEP officers');
const MEMBER = user(2001, 'Omar');
const TOPICS = ['Item 1: platform takedown procedures for smuggler ads', 'Item 2: training prosecutors on electronic evidence', 'Item 3: crypto-asset tracing in smuggling cases'];

describe('long polling: a SIGKILL mid-batch loses nothing and answers nothing twice', () => {
  it('3 updates, killed while answering the 2nd, restarted: all 3 stored and answered exactly once', async () => {
    const fake: FakeTelegram = await startFakeTelegram();
    cleanups.push(() => fake.close());
    const dir = tempDir();
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const env = {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      ALLOWED_CHATS: `telegram:${G.id}`,
    };

    const first = startBin(dir, env, cleanups);
    await fake.waitFor((calls) => calls.some((c) => c.method === 'getUpdates' && Number(c.params.timeout) > 0) || undefined, 60_000, 'long polling');
    // The 2nd answer in the group never comes back: the process is killed while it waits.
    fake.fail('sendMessage', { kind: 'hang' }, { chatId: G.id, skip: 1 });
    const updates = TOPICS.map((t) => fake.text({ chat: G, from: MEMBER, text: `/suggest ${t}` }));
    const messageIds = updates.map((u) => u.message.message_id as number);
    fake.enqueue(...updates);
    await fake.waitFor((calls) => calls.some((c) => c.outcome === 'hung') || undefined, 60_000, 'the 2nd answer to hang');
    expect(fake.sent('sendMessage', G.id)).toHaveLength(1);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startBin(dir, env, cleanups);
    const answered = () => {
      const replies = fake.sent('sendMessage', G.id).map((c) => Number(c.params.reply_parameters?.message_id));
      return messageIds.every((id) => replies.includes(id)) ? replies : undefined;
    };
    const replies = await fake.waitFor(answered, 60_000, 'answers to all 3 suggestions');
    // Exactly once each: every reply answers a different one of the 3 messages.
    expect([...replies].sort((a, b) => a - b)).toEqual([...messageIds].sort((a, b) => a - b));

    // SIGINT (Ctrl-C) stops it cleanly (SIGTERM: test/telegram-cli.test.ts)
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(fake.sent('sendMessage', G.id)).toHaveLength(3);
    const db = new Database(path.join(dir, 'data', 'bot.db'), { readonly: true });
    try {
      const stored = db.prepare<[], { text: string }>('SELECT text FROM agenda_suggestions ORDER BY id').all().map((r) => r.text);
      expect(stored).toEqual(TOPICS);
      expect(fake.textsIn(G.id).filter((t) => /^Sorry/.test(t))).toEqual([]);
      // Done updates keep no payload (no message text lingers in the ledger).
      const left = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM update_ledger WHERE status = 'pending' OR payload IS NOT NULL").get();
      expect(left?.n).toBe(0);
    } finally {
      db.close();
    }
    expect(first.out() + second.out()).not.toContain(fake.token.split(':')[1]!);
  }, 180_000);
});
