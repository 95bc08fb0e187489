// Issue 11: optional stricter deployments. PUBLIC_ANSWERS=off answers practice-base questions only
// in allowed chats (a private chat counts when its user holds a role); LEAVE_UNKNOWN_GROUPS=on posts
// the chat id once and leaves a group that is not allowed, where the platform can leave chats.
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.ts';
import { CO_CHAIR, GROUP, OFFICER, createFakeClock, createRecordingOutbound, createTestBot, removeTempDirs, type RecordingOutbound, type TestBot, stopAfterEachTest } from './helpers/community.ts';

afterAll(() => removeTempDirs());
const stopped = stopAfterEachTest();

const UNKNOWN = 'telegram:-999';

function bot(config: Partial<Config>, outbound?: RecordingOutbound): TestBot {
  const clock = createFakeClock();
  const b = createTestBot({ config, clock, outbound: outbound ?? createRecordingOutbound({ platform: 'telegram', clock }) });
  return stopped(b);
}

describe('PUBLIC_ANSWERS=off', () => {
  const refusedIn = (chatId: string) => new RegExp(`only available in chats the secretariat has approved.*${chatId.replace(/[-:]/g, '\\$&')}`, 's');

  it('answers practice-base questions only in allowed chats and private chats of members with a role', async () => {
    const b = bot({ publicAnswers: false });
    for (const text of ['/ask encrypted phones', 'how do others handle encrypted phones?', '/challenges', '/practices training', '/sources']) {
      expect(await b.sayText(text, { user: OFFICER, chat: UNKNOWN })).toMatch(refusedIn(UNKNOWN));
      expect(await b.sayText(text, { user: OFFICER })).not.toMatch(/approved/);
    }
    expect(await b.sayText('/ask encrypted phones', { user: OFFICER, chat: OFFICER })).toMatch(refusedIn(OFFICER));
    expect(await b.sayText('/ask encrypted phones', { user: CO_CHAIR, chat: CO_CHAIR })).not.toMatch(/approved/);
    // What the bot is and how to use it stays public.
    expect(await b.sayText('/help', { user: OFFICER, chat: UNKNOWN })).toContain('/challenges');
    expect(await b.sayText('/start', { user: OFFICER, chat: UNKNOWN })).toContain('Welcome');
  });

  it('answers everywhere by default', async () => {
    const b = bot({});
    expect(await b.sayText('/challenges', { user: OFFICER, chat: UNKNOWN })).not.toMatch(/approved/);
  });
});

describe('LEAVE_UNKNOWN_GROUPS=on', () => {
  function leavingOutbound(): { out: RecordingOutbound; left: string[] } {
    const out = createRecordingOutbound({ platform: 'telegram' });
    const left: string[] = [];
    out.leaveChat = async (chatId) => {
      left.push(chatId);
    };
    return { out, left };
  }

  it('posts the chat id once and leaves a group that is not allowed, on its first message', async () => {
    const { out, left } = leavingOutbound();
    const b = bot({ leaveUnknownGroups: true }, out);
    expect(await b.say('/help', { user: OFFICER, chat: UNKNOWN })).toEqual([]);
    expect(out.to(UNKNOWN)).toHaveLength(1);
    expect(out.to(UNKNOWN)[0]!.text).toContain(UNKNOWN);
    expect(out.to(UNKNOWN)[0]!.text).toMatch(/not approved/);
    expect(left).toEqual([UNKNOWN]);
    expect(await b.say('/help', { user: CO_CHAIR, chat: UNKNOWN })).toEqual([]);
    expect(out.to(UNKNOWN)).toHaveLength(1);
    expect(left).toEqual([UNKNOWN]);
    // Allowed groups and private chats are not left.
    expect(await b.sayText('/help', { user: OFFICER })).toContain('/challenges');
    expect(await b.sayText('/help', { user: OFFICER, chat: OFFICER })).toContain('/challenges');
    expect(left).toEqual([UNKNOWN]);
    expect(b.logger.messages().filter((m) => /left a group that is not allowed/.test(m))).toHaveLength(1);
  });

  it('leaves right after its introduction when added to a group that is not allowed', async () => {
    const { out, left } = leavingOutbound();
    const b = bot({ leaveUnknownGroups: true }, out);
    const intro = b.core.introduction({ id: UNKNOWN, type: 'group' });
    expect(JSON.stringify(intro)).toContain(UNKNOWN);
    expect(JSON.stringify(intro)).toMatch(/leav/);
    await b.clock.advance(10_000);
    expect(left).toEqual([UNKNOWN]);
    // Its introduction already gave the id: a later message is not answered again.
    expect(await b.say('/help', { user: OFFICER, chat: UNKNOWN })).toEqual([]);
    expect(out.to(UNKNOWN)).toHaveLength(0);
    b.core.introduction({ id: GROUP, type: 'group' });
    await b.clock.advance(10_000);
    expect(left).toEqual([UNKNOWN]);
  });

  it('degrades to the usual replies where the platform cannot leave chats', async () => {
    const b = bot({ leaveUnknownGroups: true });
    expect(await b.sayText('/help', { user: OFFICER, chat: UNKNOWN })).toContain('/challenges');
    expect(await b.sayText('/meetings', { user: OFFICER, chat: UNKNOWN })).toContain(UNKNOWN);
  });

  it('stays in every group when off (the default)', async () => {
    const { out, left } = leavingOutbound();
    const b = bot({}, out);
    expect(await b.sayText('/help', { user: OFFICER, chat: UNKNOWN })).toContain('/challenges');
    b.core.introduction({ id: UNKNOWN, type: 'group' });
    await b.clock.advance(10_000);
    expect(left).toEqual([]);
  });
});
