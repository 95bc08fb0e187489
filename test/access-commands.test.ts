// Issue 14, access: /whoami, /role list, /chats allow|revoke at run time (ALLOWED_CHATS the floor),
// /audit [n], /remindme [off]; refusals for officers and bad input; revocation effects.
import { afterAll, describe, expect, it } from 'vitest';
import { readAudit } from '../src/features/access/index.ts';
import {
  CO_CHAIR,
  createFakeClock,
  createTestBot,
  GROUP,
  OFFICER,
  removeTempDirs,
  replyText,
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
const NEW_GROUP = 'telegram:-100777';
const MEETING = '/meeting add 2026-07-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia';
const auditActions = (b: TestBot) => readAudit(b.community.store).map((r) => `${r.action} ${r.subject}`);

/** A message with the chat's title, as the adapters pass it. */
async function sayIn(b: TestBot, text: string, chat: { id: string; title?: string }, user = OFFICER): Promise<string> {
  return replyText(
    await b.core.handleMessage({ platform: 'telegram', chat: { id: chat.id, type: 'group', ...(chat.title ? { title: chat.title } : {}) }, user: { id: user }, text, addressed: true }),
  );
}

describe('/whoami', () => {
  it('tells anyone their id, the chat id, their roles and whether the chat is allowed, marked private', async () => {
    const b = bot();
    const [r] = await b.say('/whoami', { chat: NEW_GROUP, user: OFFICER });
    expect(r?.private).toBe(true);
    const t = replyText(r);
    expect(t).toContain(`Your user id: ${OFFICER}`);
    expect(t).toContain(`This chat's id: ${NEW_GROUP}`);
    expect(t).toContain('Your roles: none');
    expect(t).toMatch(/Chat allowed: no/);
    expect(t).toContain(`/chats allow ${NEW_GROUP}`);
    const s = await b.sayText('/whoami', { chat: GROUP, user: SECRETARIAT });
    expect(s).toContain('Your roles: secretariat (configured)');
    expect(s).toContain('Chat allowed: yes (ALLOWED_CHATS)');
    await b.sayText(`/role grant co-chair ${OFFICER}`, { chat: SECRETARIAT });
    expect(await b.sayText('/whoami', { chat: GROUP, user: OFFICER })).toContain('Your roles: co-chair (granted in chat)');
  });
});

describe('/role list', () => {
  it('shows configured and granted roles, marked as such', async () => {
    const b = bot();
    await b.sayText(`/role grant co-chair ${OFFICER}`, { chat: SECRETARIAT });
    const t = await b.sayText('/role list', { chat: SECRETARIAT });
    expect(t).toContain(`${SECRETARIAT}: secretariat (configured in SECRETARIAT)`);
    expect(t).toContain(`${CO_CHAIR}: co-chair (configured in CO_CHAIRS)`);
    expect(t).toMatch(new RegExp(`${OFFICER}: co-chair \\(granted in chat\\) by ${SECRETARIAT}`));
  });
});

describe('/chats', () => {
  it('allow: a group refused before gets community features at once, stored across a restart, audited, listed by name', async () => {
    const databasePath = tempDbPath();
    const b = bot({ config: { databasePath } });
    expect(await sayIn(b, '/meetings', { id: NEW_GROUP, title: 'Border officers' })).toContain(`give the secretariat its id: ${NEW_GROUP}`);
    const out = await b.sayText(`/chats allow ${NEW_GROUP}`, { chat: SECRETARIAT });
    expect(out).toContain(`Border officers (${NEW_GROUP}) is now allowed`);
    expect(await sayIn(b, '/meetings', { id: NEW_GROUP })).not.toContain('give the secretariat its id');
    expect(auditActions(b)).toEqual([`chats.allow ${NEW_GROUP}`]);
    expect(await b.sayText(`/chats allow ${NEW_GROUP}`, { chat: SECRETARIAT })).toContain('is already allowed');
    expect(auditActions(b)).toHaveLength(1);
    await b.stop();
    const b2 = bot({ config: { databasePath } });
    expect(await sayIn(b2, '/meetings', { id: NEW_GROUP })).not.toContain('give the secretariat its id');
    const list = await b2.sayText('/chats', { chat: SECRETARIAT });
    expect(list).toContain(`${GROUP}: from ALLOWED_CHATS`);
    expect(list).toContain(`Border officers (${NEW_GROUP}): allowed in chat by ${SECRETARIAT}`);
  });

  it('revoke: the chat loses its subscription (audited) and community commands are refused at once', async () => {
    const b = bot();
    await b.sayText(`/chats allow ${NEW_GROUP}`, { chat: SECRETARIAT });
    expect(await b.sayText('/subscribe', { chat: NEW_GROUP, user: CO_CHAIR })).toContain('now subscribed');
    expect(await b.sayText('/chats', { chat: SECRETARIAT })).toMatch(new RegExp(`${NEW_GROUP}: group, subscribed by ${CO_CHAIR}`));
    const out = await b.sayText(`/chats revoke ${NEW_GROUP}`, { chat: SECRETARIAT });
    expect(out).toContain('is no longer allowed');
    expect(out).toContain('subscription to announcements and reminders is cancelled');
    expect(b.community.subscriptions.get(NEW_GROUP)).toBeUndefined();
    expect(await b.sayText('/meetings', { chat: NEW_GROUP, user: OFFICER })).toContain(`give the secretariat its id: ${NEW_GROUP}`);
    expect(auditActions(b)).toEqual([`chats.allow ${NEW_GROUP}`, `subscribe ${NEW_GROUP}`, `chats.revoke ${NEW_GROUP}`, `unsubscribe ${NEW_GROUP}`]);
    // An announcement no longer goes there.
    await b.sayText(MEETING, { chat: SECRETARIAT });
    await b.community.idle();
    expect(b.outbound.to(NEW_GROUP)).toEqual([]);
  });

  it('ALLOWED_CHATS is the floor: such a chat cannot be revoked in chat, and nothing changes', async () => {
    const b = bot();
    await b.sayText('/subscribe', { chat: GROUP, user: CO_CHAIR });
    const before = auditActions(b);
    const out = await b.say(`/chats revoke ${GROUP}`, { chat: SECRETARIAT });
    expect(out[0]?.refusal).toBe(true);
    expect(replyText(out)).toContain('named in ALLOWED_CHATS');
    expect(replyText(out)).toContain('change ALLOWED_CHATS and restart');
    expect(b.community.subscriptions.get(GROUP)).toBeDefined();
    expect(await b.sayText('/meetings', { chat: GROUP, user: OFFICER })).not.toContain('give the secretariat');
    expect(auditActions(b)).toEqual(before);
  });

  it('open mode (ALLOWED_CHATS empty) ends with the first allow, and a revoke does not reopen it', async () => {
    const b = bot({ config: { allowedChats: [] } });
    expect(await b.sayText('/chats', { chat: SECRETARIAT })).toContain('Every chat gets community features');
    expect(await b.sayText('/meetings', { chat: 'telegram:-100888', user: OFFICER })).not.toContain('give the secretariat');
    expect(await b.sayText(`/chats allow ${NEW_GROUP}`, { chat: SECRETARIAT })).toContain('From now on only allowed chats do');
    expect(b.community.access.open).toBe(false);
    expect(await b.sayText('/meetings', { chat: 'telegram:-100888', user: OFFICER })).toContain('give the secretariat its id');
    await b.sayText(`/chats revoke ${NEW_GROUP}`, { chat: SECRETARIAT });
    expect(b.community.access.open).toBe(false);
    expect(await b.sayText('/meetings', { chat: NEW_GROUP, user: OFFICER })).toContain('give the secretariat its id');
  });

  it('bad input gets the syntax with an example; nothing changes', async () => {
    const b = bot();
    for (const cmd of ['/chats frob', '/chats allow', `/chats allow ${NEW_GROUP} extra`, '/chats allow -100777', '/chats allow telegram:abc', '/chats allow slack:hello', '/chats revoke telegram:-100123']) {
      const [r] = await b.say(cmd, { chat: SECRETARIAT });
      expect(r?.refusal, cmd).toBe(true);
      const t = replyText(r);
      expect(t, cmd).toMatch(/e\.g\. \/chats|telegram:-1001234567890|See the list with \/chats/);
    }
    expect(await b.sayText('/chats revoke telegram:-100123', { chat: SECRETARIAT })).toContain('is not an allowed chat');
    expect(auditActions(b)).toEqual([]);
    expect(b.community.access.storedChats()).toEqual([]);
  });
});

describe('privileged commands: officers and co-chairs are refused, nothing changes', () => {
  it('/chats, /chats allow|revoke, /audit, /role list', async () => {
    const b = bot();
    for (const user of [OFFICER, CO_CHAIR]) {
      for (const cmd of ['/chats', `/chats allow ${NEW_GROUP}`, `/chats revoke ${NEW_GROUP}`, '/audit', '/audit 5', '/role list']) {
        const [r] = await b.say(cmd, { chat: GROUP, user });
        expect(r?.refusal, `${user} ${cmd}`).toBe(true);
        expect(replyText(r), cmd).toMatch(/only the secretariat can use/);
      }
    }
    expect(b.community.access.storedChats()).toEqual([]);
    expect(auditActions(b)).toEqual([]);
  });
});

describe('/audit', () => {
  it('lists the last n privileged actions (who, what, when) in the community zone, and checks n', async () => {
    const b = bot();
    await b.sayText(`/role grant co-chair ${OFFICER}`, { chat: SECRETARIAT });
    await b.sayText(`/chats allow ${NEW_GROUP}`, { chat: SECRETARIAT });
    await b.sayText(`/role revoke co-chair ${OFFICER}`, { chat: SECRETARIAT });
    const t = await b.sayText('/audit', { chat: SECRETARIAT });
    expect(t).toContain('the last 3 actions');
    expect(t).toMatch(new RegExp(`Mon 1 Jun 2026, \\d\\d:00 \\S+ \\(UTC[+-]?\\d*\\): ${SECRETARIAT} role\\.grant ${OFFICER} \\(role: co-chair\\)`));
    expect(t).toContain(`${SECRETARIAT} chats.allow ${NEW_GROUP}`);
    expect(t).toMatch(/Times are in the community's zone \(\S+\)\./);
    // The community's zone is where its next meeting is held.
    await b.sayText('/meeting add 2026-07-10 10:00 America/Lima | Lima meeting | Lima', { chat: SECRETARIAT });
    expect(await b.sayText('/audit 1', { chat: SECRETARIAT })).toContain("Times are in the community's zone (America/Lima).");
    const two = await b.sayText('/audit 2', { chat: SECRETARIAT });
    expect(two).toContain('the last 2 actions');
    expect(two).not.toContain('role.grant');
    for (const bad of ['/audit x', '/audit 0', '/audit 51', '/audit 5 6', '/audit -1']) {
      const [r] = await b.say(bad, { chat: SECRETARIAT });
      expect(r?.refusal, bad).toBe(true);
      expect(replyText(r), bad).toContain('e.g. /audit 20');
    }
  });

  it('says the log is empty when it is, and falls back to UTC without a community zone', async () => {
    const b = bot({ config: { community: 'no-such-community' } });
    expect(await b.sayText('/audit', { chat: SECRETARIAT })).toContain('The audit log is empty');
    await b.sayText(`/chats allow ${NEW_GROUP}`, { chat: SECRETARIAT });
    expect(await b.sayText('/audit', { chat: SECRETARIAT })).toContain('Times are in UTC');
  });
});

describe('/remindme', () => {
  it('a member of an allowed group gets announcements in their private chat; off stops them; a group is told to use a private chat', async () => {
    const b = bot();
    const inGroup = await b.say('/remindme', { chat: GROUP, user: OFFICER });
    expect(replyText(inGroup)).toContain('in your private chat with me');
    expect(b.community.subscriptions.get(OFFICER)).toBeUndefined();
    // A stranger never seen in an allowed group is refused.
    const stranger = 'telegram:4004';
    const [r] = await b.say('/remindme', { chat: stranger, user: stranger });
    expect(r?.refusal).toBe(true);
    expect(replyText(r)).toContain('I have not seen you in one yet');
    expect(b.community.subscriptions.get(stranger)).toBeUndefined();
    // The officer was seen in GROUP (the /remindme there): subscribed in private.
    expect(await b.sayText('/remindme', { chat: OFFICER, user: OFFICER })).toContain('You will get meeting announcements here');
    expect(auditActions(b)).toContain(`remindme ${OFFICER}`);
    await b.sayText(MEETING, { chat: SECRETARIAT });
    await b.community.idle();
    expect(b.outbound.to(OFFICER).map((s) => s.text.split('\n')[0])).toEqual(['New meeting: 9th COLEP meeting']);
    expect(await b.sayText('/remindme off', { chat: OFFICER, user: OFFICER })).toContain('no more meeting announcements');
    expect(b.community.subscriptions.get(OFFICER)).toBeUndefined();
    const [bad] = await b.say('/remindme sometimes', { chat: OFFICER, user: OFFICER });
    expect(bad?.refusal).toBe(true);
    expect(replyText(bad)).toContain('/remindme off');
  });

  it('revoking the group a member belongs to stops their private reminders at once (also after a restart)', async () => {
    const databasePath = tempDbPath();
    const b = bot({ config: { databasePath } });
    await b.sayText(`/chats allow ${NEW_GROUP}`, { chat: SECRETARIAT });
    await b.sayText('/whoami', { chat: NEW_GROUP, user: OFFICER });
    expect(await b.sayText('/remindme', { chat: OFFICER, user: OFFICER })).toContain('You will get');
    await b.stop();
    const b2 = bot({ config: { databasePath } });
    await b2.sayText(MEETING, { chat: SECRETARIAT });
    await b2.community.idle();
    expect(b2.outbound.to(OFFICER)).toHaveLength(1); // recorded membership survives the restart
    await b2.sayText(`/chats revoke ${NEW_GROUP}`, { chat: SECRETARIAT });
    await b2.sayText('/meeting add 2026-07-20 10:00 Europe/Sofia | Workshop | online', { chat: SECRETARIAT });
    await b2.community.idle();
    expect(b2.outbound.to(OFFICER)).toHaveLength(1);
  });
});

describe('upgrades and leaving', () => {
  it('a database from before migration 010 upgrades in place: roles kept, chats can be allowed', async () => {
    const { openStore } = await import('../src/store/store.ts');
    const { migrations } = await import('../src/store/migrations/index.ts');
    const databasePath = tempDbPath();
    const old = openStore(databasePath, { migrations: migrations.filter((m) => m.version < 10) });
    old.db.prepare("INSERT INTO roles (user_id, role, granted_by, granted_at) VALUES (?, 'co-chair', ?, 0)").run(OFFICER, SECRETARIAT);
    old.close();
    const b = bot({ config: { databasePath } });
    expect(b.community.access.rolesOf(OFFICER)).toEqual(new Set(['co-chair']));
    expect(await b.sayText(`/chats allow ${NEW_GROUP}`, { chat: SECRETARIAT })).toContain('is now allowed');
    expect(Number(b.community.store.db.pragma('user_version', { simple: true }))).toBeGreaterThanOrEqual(10);
  });

  it('a member who leaves the group stops getting private reminders', async () => {
    const b = bot();
    await b.sayText('/whoami', { chat: GROUP, user: OFFICER });
    expect(await b.sayText('/remindme', { chat: OFFICER, user: OFFICER })).toContain('You will get');
    await b.core.memberLeft!({ platform: 'telegram', chatId: GROUP, userId: OFFICER });
    await b.sayText(MEETING, { chat: SECRETARIAT });
    await b.community.idle();
    expect(b.outbound.to(OFFICER)).toEqual([]);
  });
});
