// Issue 11, item 5: inbound limits in the core. Per user and per chat a bounded rate of questions
// and commands; beyond it one short notice and the rest dropped without a reply, so other members
// are answered at once. Per-user cap on suggestions for a meeting. Fake clock throughout.
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.ts';
import { createInboundLimiter } from '../src/core/inbound-limit.ts';
import { CO_CHAIR, GROUP, OFFICER, createFakeClock, createTestBot, removeTempDirs, type TestBot, stopAfterEachTest } from './helpers/community.ts';

afterAll(() => removeTempDirs());
const stopped = stopAfterEachTest();

const NOTICE = "You're sending messages faster than I can answer; I'll skip some for a minute.";
const MINUTE = 60_000;

function bot(config: Partial<Config>): TestBot {
  const b = createTestBot({ config });
  return stopped(b);
}

describe('inbound rate per user and per chat', () => {
  it('answers a flooding user up to the rate, then one notice, then nothing, while another member is answered at once', async () => {
    const b = bot({ inboundUserRate: { count: 20, windowMs: MINUTE }, inboundChatRate: { count: 60, windowMs: MINUTE } });
    const answered: string[] = [];
    for (let i = 0; i < 20; i++) answered.push(await b.sayText('/help', { user: OFFICER }));
    expect(answered.every((t) => t.includes('/challenges'))).toBe(true);
    expect(await b.sayText('/help', { user: OFFICER })).toBe(NOTICE);
    for (let i = 0; i < 30; i++) expect(await b.say('/help', { user: OFFICER })).toEqual([]);
    // Someone else in the same chat is not held up.
    expect(await b.sayText('/help', { user: CO_CHAIR })).toContain('/challenges');
    // A minute later the flooder is answered again.
    await b.clock.advance(MINUTE);
    expect(await b.sayText('/help', { user: OFFICER })).toContain('/challenges');
    expect(b.logger.messages().filter((m) => /inbound limit/.test(m))).toHaveLength(1);
  });

  it('limits a chat as a whole, without holding up other chats', async () => {
    const b = bot({ inboundUserRate: { count: 20, windowMs: MINUTE }, inboundChatRate: { count: 5, windowMs: MINUTE } });
    for (let i = 0; i < 5; i++) expect(await b.sayText('/help', { user: `telegram:${500 + i}` })).toContain('/challenges');
    expect(await b.sayText('/help', { user: 'telegram:600' })).toBe(NOTICE);
    expect(await b.say('/help', { user: 'telegram:601' })).toEqual([]);
    expect(await b.sayText('/help', { user: 'telegram:601', chat: 'telegram:77' })).toContain('/challenges');
  });

  it('does not count free text the bot ignores, and lets everything through when no rate is configured', async () => {
    const b = bot({ inboundUserRate: { count: 2, windowMs: MINUTE } });
    for (let i = 0; i < 5; i++) {
      await b.core.handleMessage({ platform: 'telegram', chat: { id: GROUP, type: 'group' }, user: { id: OFFICER }, text: 'chatting', addressed: false });
    }
    expect(await b.sayText('/help', { user: OFFICER })).toContain('/challenges');
    const open = bot({});
    for (let i = 0; i < 50; i++) expect(await open.sayText('/help', { user: OFFICER })).toContain('/challenges');
  });

  it('keeps a bounded number of keys in memory', () => {
    const clock = createFakeClock();
    const limiter = createInboundLimiter({ perUser: { count: 1, windowMs: MINUTE }, perChat: { count: 1, windowMs: MINUTE }, clock, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) expect(limiter.check('telegram', `telegram:${i}`, `telegram:u${i}`)).toBe('ok');
    expect(limiter.size()).toBeLessThanOrEqual(100);
    expect(limiter.check('telegram', 'telegram:999', 'telegram:u999')).toBe('notice');
    expect(limiter.check('telegram', 'telegram:999', 'telegram:u999')).toBe('drop');
  });
});

describe('per-user cap on suggestions', () => {
  const topics = ['Encryption of seized mobile devices', 'Cross-border payment tracing', 'Training for border guards', 'Online advertising takedowns'];

  it('refuses a suggestion past the cap for that meeting, saying so, and stores nothing', async () => {
    const b = bot({ maxOpenSuggestions: 3 });
    await b.sayText('/meeting add 2026-03-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria');
    for (const t of topics.slice(0, 3)) expect(await b.sayText(`/suggest ${t}`, { user: OFFICER })).toMatch(/is saved/);
    const refused = await b.sayText(`/suggest ${topics[3]}`, { user: OFFICER });
    expect(refused).toMatch(/already have 3 suggestions for 7th COLEP meeting/);
    expect(refused).toMatch(/at most 3/);
    const n = b.community.store.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM agenda_suggestions').get()!.n;
    expect(n).toBe(3);
    // Others may still suggest, and a +1 on an existing one is not a new suggestion.
    expect(await b.sayText(`/suggest ${topics[3]}`, { user: CO_CHAIR })).toMatch(/is saved/);
    expect(await b.sayText(`/suggest ${topics[3]}`, { user: OFFICER })).toMatch(/counted your \+1/);
  });
});
