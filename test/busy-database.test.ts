// Issue 11, item 6: a write lock held by another process (a maintenance script, a `sqlite3`
// shell) must not freeze the event loop. Another process holds BEGIN IMMEDIATE until the test tells
// it to let go: commands that only read answer while the lock is still held, and a /suggest sent
// during the lock is stored once it is released (or gets the busy reply past the bound).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OFFICER, createTestBot, removeTempDirs, tempDbPath, type TestBot } from './helpers/community.ts';
import { holdLock as lockDatabase, type LockHolder } from './helpers/db-lock.ts';

afterAll(() => removeTempDirs());

const holders: LockHolder[] = [];
async function holdLock(db: string): Promise<LockHolder> {
  const h = await lockDatabase(db);
  holders.push(h);
  return h;
}

const bots: TestBot[] = [];
afterEach(async () => {
  for (const h of holders.splice(0)) h.kill();
  for (const b of bots.splice(0)) await b.stop();
});

function settledFlag(p: Promise<unknown>): { settled: boolean } {
  const flag = { settled: false };
  void p.then(
    () => (flag.settled = true),
    () => (flag.settled = true),
  );
  return flag;
}

async function botWithMeeting(busyMaxWaitMs?: number): Promise<TestBot> {
  const bot = createTestBot({ config: { databasePath: tempDbPath() }, ...(busyMaxWaitMs ? { busyMaxWaitMs } : {}) });
  bots.push(bot);
  expect(await bot.sayText('/meeting add 2026-03-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria')).toContain('Id: m1');
  return bot;
}

const suggestionCount = (bot: TestBot) => bot.community.store.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM agenda_suggestions').get()!.n;

describe('a database locked by another process', () => {
  it('answers reads while the lock is held, and stores a /suggest sent during the lock once it is released', async () => {
    const bot = await botWithMeeting();
    const lock = await holdLock(bot.config.databasePath);
    const suggesting = bot.say('/suggest Encryption of seized mobile devices', { user: OFFICER });
    const suggested = settledFlag(suggesting);
    // Reads answer while the other process still holds its write lock.
    expect(await bot.sayText('/help', { user: OFFICER })).toMatch(/\/challenges/);
    expect(await bot.sayText('/meetings', { user: OFFICER })).toContain('7th COLEP meeting');
    expect(await bot.sayText('how do others handle encrypted phones?', { user: OFFICER })).not.toMatch(/something went wrong/);
    expect(lock.child.exitCode).toBeNull();
    // The suggestion is waiting for the lock, neither refused nor lost.
    expect(suggested.settled).toBe(false);
    await lock.release();
    const text = (await suggesting).map((r) => r.blocks.map((b) => (b.type === 'paragraph' ? b.parts.map((x) => (typeof x === 'string' ? x : 'text' in x ? x.text : '')).join('') : '')).join('\n')).join('\n');
    expect(text).toMatch(/suggestion #1 is saved/);
    expect(suggestionCount(bot)).toBe(1);
  }, 30_000);

  it('gives a write that cannot get the lock within the bound the busy reply, logged once, and saves nothing', async () => {
    const bot = await botWithMeeting(300);
    const lock = await holdLock(bot.config.databasePath);
    const text = await bot.sayText('/suggest Encryption of seized mobile devices', { user: OFFICER });
    expect(text).toBe('The database is busy; nothing was saved, please try again.');
    expect(lock.child.exitCode).toBeNull();
    expect(bot.logger.messages().filter((m) => /database busy/.test(m))).toHaveLength(1);
    await lock.release();
    expect(suggestionCount(bot)).toBe(0);
  }, 30_000);
});
