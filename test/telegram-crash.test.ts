// At-least-once long polling (issue 11, item 2): the real bin is SIGKILLed while it answers the 3rd
// of 5 updates of one batch (2 answered, 1 under way, 2 not started), then started again on the same
// database. Nothing is lost (every suggestion is stored), and nothing is answered twice (the update
// ledger survives the restart). (5 rather than 10: the bin spaces a group's answers a second apart.)
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
const SEC = user(1001, 'Sofia');
const TOPICS = [
  'Item 1: platform takedown procedures for smuggler ads',
  'Item 2: training prosecutors on electronic evidence',
  'Item 3: crypto-asset tracing in smuggling cases',
  'Item 4: joint investigation teams with transit countries',
  'Item 5: victim identification at sea',
];

describe('long polling: a SIGKILL mid-batch loses nothing and answers nothing twice', () => {
  it('5 updates, killed while answering the 3rd, restarted: all 5 stored and answered exactly once', async () => {
    const fake: FakeTelegram = await startFakeTelegram();
    cleanups.push(() => fake.close());
    const dir = tempDir();
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const env = {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      ALLOWED_CHATS: `telegram:${G.id}`,
      SECRETARIAT: 'telegram:1001',
    };

    const first = startBin(dir, env, cleanups);
    await fake.waitFor((calls) => calls.some((c) => c.method === 'getUpdates' && Number(c.params.timeout) > 0) || undefined, 60_000, 'long polling');
    fake.enqueue(fake.text({ chat: G, from: SEC, text: '/meeting add 2031-05-06 10:00 Europe/Vienna | 9th COLEP meeting | Vienna' }));
    await fake.waitFor(() => fake.sent('sendMessage', G.id).length === 1 || undefined, 60_000, 'the meeting to be added');
    fake.reset();
    // The 3rd answer in the group never comes back: the process is killed while it waits.
    fake.fail('sendMessage', { kind: 'hang' }, { chatId: G.id, skip: 2 });
    const updates = TOPICS.map((t) => fake.text({ chat: G, from: MEMBER, text: `/suggest ${t}` }));
    const messageIds = updates.map((u) => u.message.message_id as number);
    fake.enqueue(...updates);
    await fake.waitFor((calls) => calls.some((c) => c.outcome === 'hung') || undefined, 60_000, 'the 3rd answer to hang');
    expect(fake.sent('sendMessage', G.id)).toHaveLength(2);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startBin(dir, env, cleanups);
    const answered = () => {
      const replies = fake.sent('sendMessage', G.id).map((c) => Number(c.params.reply_parameters?.message_id));
      return messageIds.every((id) => replies.includes(id)) ? replies : undefined;
    };
    const replies = await fake.waitFor(answered, 60_000, 'answers to all 5 suggestions');
    // Exactly once each: every reply answers a different one of the 5 messages.
    expect([...replies].sort((a, b) => a - b)).toEqual([...messageIds].sort((a, b) => a - b));

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(fake.sent('sendMessage', G.id)).toHaveLength(5);
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
