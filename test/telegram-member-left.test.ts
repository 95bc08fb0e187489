// Issue 11, item 9, through the Telegram adapter: a member who leaves an allowed group (chat_member
// update, or the left_chat_member service message) loses the roles granted in chat.
import { describe, expect, it } from 'vitest';
import { readAudit } from '../src/community/audit.ts';
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
