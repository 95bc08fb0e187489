// Issue 11, item 6, for the Telegram update ledger: its writes (intake, done) meet the store's
// 25 ms busy timeout. While another process holds BEGIN IMMEDIATE they are retried without blocking
// the event loop, so the lock delays updates but neither loses nor repeats them; a webhook still
// answers Telegram within its budget.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.ts';
import { createUpdateLedger } from '../src/store/update-ledger.ts';
import { holdLock, type LockHolder } from './helpers/db-lock.ts';
import { privateChat, user } from './helpers/fake-telegram.ts';
import { startHarness, type Harness } from './helpers/telegram-harness.ts';

const dirs: string[] = [];
const holders: LockHolder[] = [];
afterEach(() => {
  for (const h of holders.splice(0)) h.kill();
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function lock(file: string): Promise<LockHolder> {
  const l = await holdLock(file);
  holders.push(l);
  return l;
}

function settledFlag(p: Promise<unknown>): { settled: boolean } {
  const flag = { settled: false };
  void p.then(
    () => (flag.settled = true),
    () => (flag.settled = true),
  );
  return flag;
}

const ledgerRows = (h: Harness) =>
  h.app.store.db.prepare<[], { update_id: number; status: string }>('SELECT update_id, status FROM update_ledger ORDER BY update_id').all();

async function until(what: string, pred: () => boolean): Promise<void> {
  for (let i = 0; !pred(); i++) {
    if (i > 3000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the SQLite update ledger while another process holds the write lock', () => {
  it('intake and done wait for the lock (no SQLITE_BUSY thrown) and take effect once it is released', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-ledger-busy-'));
    dirs.push(dir);
    const store = openStore(path.join(dir, 'bot.db'));
    store.shortBusyTimeout();
    try {
      const ledger = createUpdateLedger(store);
      const u = (id: number) => ({ update_id: id });
      expect(await ledger.intake('telegram:1', [u(1)])).toEqual([u(1)]);
      const l = await lock(store.path);
      const intake = Promise.resolve().then(() => ledger.intake('telegram:1', [u(2), u(1)]));
      const done = Promise.resolve().then(() => ledger.done('telegram:1', 1));
      const flags = [settledFlag(intake), settledFlag(done)];
      // Both are waiting for the lock (the event loop is free: this test runs on).
      await new Promise((r) => setTimeout(r, 200));
      expect(flags.map((f) => f.settled)).toEqual([false, false]);
      expect(l.held()).toBe(true);
      await l.release();
      expect(await intake).toEqual([u(2)]);
      await done;
      const rows = store.db.prepare<[], { update_id: number; status: string }>('SELECT update_id, status FROM update_ledger ORDER BY update_id').all();
      expect(rows).toEqual([
        { update_id: 1, status: 'done' },
        { update_id: 2, status: 'pending' },
      ]);
    } finally {
      store.close();
    }
  }, 30_000);
});

describe('Telegram while another process holds the database write lock', () => {
  const officers = [user(3101), user(3102), user(3103)];

  it('long polling: updates that arrive during the lock are taken in once it is released, each answered once, none refetched or left pending', async () => {
    const h = await startHarness({ mode: 'polling' });
    const l = await lock(h.app.store.path);
    const updates = officers.map((o) => h.fake.text({ chat: privateChat(o), from: o, text: '/help' }));
    h.fake.enqueue(...updates);
    const ids = updates.map((u) => u.update_id as number);
    // Telegram delivered them while the lock is held, and the bot met the lock taking them in.
    await until('the updates to be fetched', () => h.fake.callsOf('getUpdates').some((c) => ids.every((id) => (c.result as number[] | undefined)?.includes(id))));
    await until('the bot to meet the lock', () => h.logs.some((x) => /database busy|could not record/.test(x)));
    expect(l.held()).toBe(true);
    await l.release();
    await Promise.all(ids.map((id) => h.adapter.whenProcessed(id)));
    for (const o of officers) expect(h.fake.sent('sendMessage', o.id)).toHaveLength(1);
    // Each update was fetched once: the batch waited for the lock instead of being fetched again.
    const fetched = h.fake.callsOf('getUpdates').flatMap((c) => (c.result as number[] | undefined) ?? []);
    for (const id of ids) expect(fetched.filter((x) => x === id)).toHaveLength(1);
    await until('the ledger to be marked done', () => ledgerRows(h).every((r) => r.status === 'done'));
    expect(ledgerRows(h).map((r) => r.update_id)).toEqual(expect.arrayContaining(ids));
    expect(h.logs.filter((x) => /"level":50/.test(x))).toEqual([]);
    expect(h.logs.filter((x) => /database busy: inbound updates wait/.test(x))).toHaveLength(1);
  }, 60_000);

  it('webhook: answers 200 while the lock is still held, then handles the update once it is recorded', async () => {
    const h = await startHarness({ mode: 'webhook', adapter: { webhookBudgetMs: 300 } });
    const l = await lock(h.app.store.path);
    const o = officers[0]!;
    const update = h.fake.text({ chat: privateChat(o), from: o, text: '/help' });
    const status = await h.fake.postWebhook(h.webhookUrl!, update, h.secret);
    expect(status).toBe(200);
    // Answered without waiting for the lock.
    expect(l.held()).toBe(true);
    expect(h.fake.sent('sendMessage', o.id)).toHaveLength(0);
    // Telegram does not deliver it again (it got its 200): released, it is handled from memory.
    await l.release();
    await h.adapter.whenProcessed(update.update_id as number);
    expect(h.fake.sent('sendMessage', o.id)).toHaveLength(1);
    await until('the ledger to be marked done', () => ledgerRows(h).some((r) => r.update_id === update.update_id && r.status === 'done'));
    // The same update delivered again (a retry that crossed our answer) is not answered twice.
    expect(await h.fake.postWebhook(h.webhookUrl!, update, h.secret)).toBe(200);
    expect(h.fake.sent('sendMessage', o.id)).toHaveLength(1);
  }, 60_000);
});
