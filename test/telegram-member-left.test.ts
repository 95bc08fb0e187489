// Issue 11, item 9, through the Telegram adapter: a member who leaves an allowed group (chat_member
// update, or the left_chat_member service message) loses the roles granted in chat.
import { describe, expect, it } from 'vitest';
import { readAudit } from '../src/features/access/index.ts';
import { G1, SEC, startHarness } from './helpers/telegram-harness.ts';

describe('Telegram: a member leaves a group', () => {
  for (const how of ['left_chat_member', 'chat_member'] as const) {
    it(`revokes roles granted in chat on ${how}`, async () => {
      const h = await startHarness({ mode: 'webhook' });
      await h.say(G1, SEC, '/role grant co-chair telegram:4004');
      expect(h.community.access.rolesOf('telegram:4004').has('co-chair')).toBe(true);
      const leaver = { id: 4004, is_bot: false, first_name: 'Leaver' };
      const update =
        how === 'left_chat_member'
          ? { update_id: 900_001, message: { message_id: 77, date: Math.floor(Date.now() / 1000), chat: G1, from: leaver, left_chat_member: leaver } }
          : {
              update_id: 900_002,
              chat_member: {
                chat: G1,
                from: leaver,
                date: Math.floor(Date.now() / 1000),
                old_chat_member: { status: 'member', user: leaver },
                new_chat_member: { status: 'left', user: leaver },
              },
            };
      await h.deliver(update);
      expect(h.community.access.rolesOf('telegram:4004').size).toBe(0);
      expect(readAudit(h.community.store, { action: 'role.revoke' }).map((r) => r.actor)).toEqual(['system']);
    });
  }
});

describe('Telegram: chat_member is asked for', () => {
  const leaver = { id: 4005, is_bot: false, first_name: 'Leaver' };
  const leftUpdate = (update_id: number) => ({
    update_id,
    chat_member: {
      chat: G1,
      from: leaver,
      date: Math.floor(Date.now() / 1000),
      old_chat_member: { status: 'member', user: leaver },
      new_chat_member: { status: 'left', user: leaver },
    },
  });

  it('long polling: a chat_member update reaches the bot (Telegram drops kinds not in allowed_updates) and revokes roles', async () => {
    const h = await startHarness({ mode: 'polling' });
    await h.say(G1, SEC, '/role grant co-chair telegram:4005');
    expect(h.community.access.rolesOf('telegram:4005').has('co-chair')).toBe(true);
    const [left] = h.fake.enqueue(leftUpdate(h.fake.nextUpdateId()));
    // A message in the same chat after it: handled in order, so once it is done the member update
    // was handled too (or never delivered).
    await h.say(G1, SEC, '/help');
    expect(h.fake.callsOf('getUpdates').some((c) => c.outcome === 'ok' && (c.result as number[]).includes(left.update_id))).toBe(true);
    expect(h.community.access.rolesOf('telegram:4005').size).toBe(0);
  });

  it('webhook: setWebhook asks for chat_member', async () => {
    const h = await startHarness({ mode: 'webhook' });
    expect(h.fake.webhook()?.allowedUpdates).toContain('chat_member');
  });
});
