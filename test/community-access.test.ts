// Roles and the allow-list: who may run what, refusals that name the role, /role grant|revoke.
import { afterAll, describe, expect, it } from 'vitest';
import { readAudit } from '../src/features/access/index.ts';
import {
  CO_CHAIR,
  createFakeClock,
  createTestBot,
  createTestLogger,
  GROUP,
  OFFICER,
  removeTempDirs,
  SECRETARIAT,
  tempDbPath,
  type TestBot,
  stopAfterEachTest,
} from './helpers/community.ts';

afterAll(removeTempDirs);
const stopped = stopAfterEachTest();
function bot(opts: Parameters<typeof createTestBot>[0] = {}): TestBot {
  const b = createTestBot({ clock: createFakeClock('2026-06-01T08:00:00Z'), ...opts });
  return stopped(b);
}
const STRANGER_GROUP = 'telegram:-100999';

describe('allow-list', () => {
  it('in a chat that is not allowed, community commands answer with the chat id and store nothing', async () => {
    const b = bot();
    for (const cmd of ['/meetings', '/meeting colep-3', '/subscribe', '/remind', '/meeting add 2026-12-10 10:00 Europe/Sofia | x | y']) {
      const [r] = await b.say(cmd, { chat: STRANGER_GROUP });
      expect(r?.refusal, cmd).toBe(true);
      expect((await import('./helpers/community.ts')).replyText(r)).toContain(`give the secretariat its id: ${STRANGER_GROUP}`);
    }
    expect(b.community.subscriptions.count()).toBe(0);
    expect(b.community.meetings.get('m1')).toBeUndefined();
    expect(readAudit(b.community.store)).toEqual([]);
  });

  it('a private chat counts as allowed when its user holds a role', async () => {
    const b = bot();
    expect(await b.sayText('/meetings', { chat: SECRETARIAT, user: SECRETARIAT })).toContain('Meetings');
    expect(await b.sayText('/meetings', { chat: CO_CHAIR, user: CO_CHAIR })).toContain('Meetings');
    expect(await b.sayText('/meetings', { chat: OFFICER, user: OFFICER })).toContain(`give the secretariat its id: ${OFFICER}`);
    expect(b.community.access.isChatAllowed({ id: 'telegram:777', type: 'private' }, 'telegram:777')).toBe(false);
    const listed = bot({ config: { allowedChats: [GROUP, 'telegram:777'] } });
    expect(listed.community.access.isChatAllowed({ id: 'telegram:777', type: 'private' }, 'telegram:777')).toBe(true);
  });

  it('with ALLOWED_CHATS empty every chat is allowed, and start() logs a warning', async () => {
    const logger = createTestLogger();
    const b = bot({ config: { allowedChats: [] }, logger, start: false });
    b.community.start();
    expect(b.community.access.open).toBe(true);
    expect(logger.lines().some((l) => l.level === 40 && /ALLOWED_CHATS is empty/.test(String(l.msg)))).toBe(true);
    expect(await b.sayText('/meetings', { chat: STRANGER_GROUP, user: OFFICER })).toContain('Meetings');
    const strict = createTestLogger();
    const c = bot({ logger: strict, start: false });
    c.community.start();
    expect(strict.messages().some((m) => /ALLOWED_CHATS is empty/.test(m))).toBe(false);
  });
});

describe('roles', () => {
  it('officers are refused secretariat and organiser commands, and the refusal names the role', async () => {
    const b = bot();
    const cases: [string, RegExp][] = [
      ['/subscribe', /only the secretariat or a co-chair can use \/subscribe/],
      ['/unsubscribe', /only the secretariat or a co-chair can use \/unsubscribe/],
      ['/remind', /only the secretariat can use \/remind/],
      ['/role grant co-chair telegram:3003', /only the secretariat can use \/role/],
      ['/meeting add 2026-12-10 10:00 Europe/Sofia | x | y', /only the secretariat can use \/meeting add/],
    ];
    for (const [cmd, want] of cases) expect(await b.sayText(cmd, { user: OFFICER })).toMatch(want);
    expect(b.community.subscriptions.count()).toBe(0);
    // Co-chairs may subscribe, but not remind or manage roles.
    expect(await b.sayText('/subscribe', { user: CO_CHAIR })).toContain('now subscribed');
    expect(await b.sayText('/remind', { user: CO_CHAIR })).toMatch(/only the secretariat/);
    expect(await b.sayText('/unsubscribe', { user: CO_CHAIR })).toContain('unsubscribed');
    expect(readAudit(b.community.store).map((a) => [a.action, a.actor])).toEqual([
      ['subscribe', CO_CHAIR],
      ['unsubscribe', CO_CHAIR],
    ]);
  });

  it('the secretariat grants and revokes roles in chat: persisted across restarts and audited', async () => {
    const databasePath = tempDbPath();
    const b1 = bot({ config: { databasePath } });
    expect(await b1.sayText('/subscribe', { user: OFFICER })).toMatch(/only the secretariat or a co-chair/);
    expect(await b1.sayText(`/role grant co-chair ${OFFICER}`)).toContain(`${OFFICER} is now a co-chair`);
    expect(await b1.sayText(`/role grant co-chair ${OFFICER}`)).toContain('already holds the co-chair role');
    expect(await b1.sayText('/subscribe', { user: OFFICER })).toContain('now subscribed');
    await b1.stop();

    const b2 = bot({ config: { databasePath } });
    expect(b2.community.access.rolesOf(OFFICER)).toEqual(new Set(['co-chair']));
    expect(await b2.sayText('/role')).toContain(`${OFFICER}: co-chair (granted in chat)`);
    expect(await b2.sayText(`/role revoke co-chair ${OFFICER}`)).toContain('no longer holds the co-chair role');
    expect(await b2.sayText(`/role revoke co-chair ${OFFICER}`)).toContain('does not hold');
    expect(await b2.sayText('/unsubscribe', { user: OFFICER })).toMatch(/only the secretariat or a co-chair/);
    expect(readAudit(b2.community.store).filter((a) => a.action.startsWith('role.'))).toEqual([
      expect.objectContaining({ action: 'role.grant', actor: SECRETARIAT, subject: OFFICER, details: { role: 'co-chair' } }),
      expect.objectContaining({ action: 'role.revoke', actor: SECRETARIAT, subject: OFFICER, details: { role: 'co-chair' } }),
    ]);
  });

  it('a granted secretariat member can do secretariat work', async () => {
    const b = bot();
    await b.say('/role grant secretariat slack:U012AB3CD');
    expect(await b.sayText('/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | online', { user: 'slack:U012AB3CD' })).toContain('Meeting added');
  });

  it('refuses to revoke a role set in the configuration, explaining that the configuration wins', async () => {
    const b = bot();
    const [r] = await b.say(`/role revoke co-chair ${CO_CHAIR}`);
    expect(r?.refusal).toBe(true);
    expect((await import('./helpers/community.ts')).replyText(r)).toMatch(/through the configuration \(CO_CHAIRS\), which always wins/);
    expect(await b.sayText(`/role revoke secretariat ${SECRETARIAT}`)).toMatch(/SECRETARIAT/);
    expect(b.community.access.rolesOf(CO_CHAIR).has('co-chair')).toBe(true);
  });

  it('validates the role and the user id, and stores nothing on a bad one', async () => {
    const b = bot();
    const cases: [string, RegExp][] = [
      ['/role grant co-chair bob', /"bob" is not a user id/],
      ['/role grant co-chair telegram:abc', /not a valid telegram user id. Write telegram:<numeric user id>/],
      ['/role grant co-chair telegram:@officer', /not a valid telegram user id/],
      ['/role grant co-chair slack:u123', /not a valid slack user id/],
      ["/role grant co-chair telegram:1';DROP--", /not a valid telegram user id/],
      ["/role grant co-chair telegram:1'; DROP TABLE roles; --", /exactly one user id/],
      ['/role grant admin telegram:42', /"admin" is not a role: the roles are secretariat and co-chair/],
      ['/role grant co-chair', /user id is missing/],
      ['/role promote co-chair telegram:42', /I don't know "promote"/],
      ['/role grant co-chair telegram:42 telegram:43', /exactly one user id/],
    ];
    for (const [cmd, want] of cases) {
      const out = await b.sayText(cmd);
      expect(out, cmd).toMatch(want);
      expect(out, cmd).toContain('/role grant|revoke <secretariat|co-chair> <user id>');
    }
    expect(b.community.access.granted()).toEqual([]);
    expect(readAudit(b.community.store)).toEqual([]);
  });
});

describe('chat lifecycle', () => {
  it('chatGone unsubscribes; chatMigrated moves the subscription without duplicate reminders', async () => {
    const b = bot({ config: { allowedChats: [] } });
    await b.say('/subscribe');
    await b.say('/subscribe', { chat: 'telegram:-100700' });
    await b.core.chatMigrated(GROUP, 'telegram:-1001500');
    expect(b.community.subscriptions.get(GROUP)).toBeUndefined();
    expect(b.community.subscriptions.get('telegram:-1001500')).toBeDefined();
    await b.core.chatGone('telegram:-100700', 'kicked');
    expect(b.community.subscriptions.get('telegram:-100700')).toBeUndefined();
    expect(readAudit(b.community.store).map((a) => a.action)).toEqual(['subscribe', 'subscribe', 'chat.migrated', 'unsubscribe']);
  });

  it('home() shows upcoming meetings to users with a role, and nothing of the community to strangers', async () => {
    const b = bot();
    await b.say('/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria');
    const { replyText } = await import('./helpers/community.ts');
    const home = replyText(await b.community.home(CO_CHAIR));
    expect(home).toContain('Upcoming meetings\n- 7th COLEP meeting');
    expect(home).toContain('Open polls');
    expect(replyText(await b.community.home(OFFICER))).not.toContain('7th COLEP');
  });
});
