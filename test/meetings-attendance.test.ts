// Issue 14, attendance: announcements carry "I'll attend" / "Can't attend" buttons (`att:`), a
// member can change their answer (one row per meeting and person), `/meeting <id>` shows the counts
// to everyone and the names to the secretariat; presses outside the community's chats, for
// cancelled, past or unknown meetings record nothing; the rows are purged after their meeting
// (SUGGESTIONS_RETENTION_DAYS) and `practice-bot export attendance` exports them.
import { afterAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.ts';
import { exportSet, writeExport } from '../src/ops/export.ts';
import { createFakeClock, createTestBot, GROUP, OFFICER, removeTempDirs, replyText, SECRETARIAT, type TestBot, stopAfterEachTest } from './helpers/community.ts';

afterAll(removeTempDirs);
const stopped = stopAfterEachTest();

const OFFICER2 = 'telegram:3004';
const STRANGER_CHAT = 'telegram:-100999';

function bot(opts: Parameters<typeof createTestBot>[0] = {}): TestBot {
  const b = createTestBot({ clock: createFakeClock('2026-03-01T08:00:00Z'), ...opts });
  return stopped(b);
}

async function press(b: TestBot, action: string, user = OFFICER, chat = GROUP, name?: string): Promise<string> {
  const out = await b.core.handleAction({
    platform: 'telegram',
    chat: { id: chat, type: chat.includes(':-') ? 'group' : 'private' },
    user: { id: user, ...(name ? { name } : {}) },
    action,
  });
  return replyText(out);
}

const count = (b: TestBot) => (b.community.store.db.prepare('SELECT count(*) AS n FROM attendance').get() as { n: number }).n;

async function announced(b: TestBot): Promise<{ id: string; reply: Reply }> {
  expect(await b.sayText('/subscribe')).toContain('now subscribed');
  const out = await b.sayText('/meeting add 2026-03-30 09:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria', { chat: SECRETARIAT });
  const id = /Id: (m\d+)/.exec(out)![1]!;
  await b.community.idle();
  const sent = b.outbound.to(GROUP).find((s) => s.text.startsWith('New meeting'));
  return { id, reply: sent!.reply! };
}

describe('attendance', () => {
  it('the announcement carries the two buttons; members answer, change their answer; counts for all, names for the secretariat', async () => {
    const b = bot();
    const { id, reply } = await announced(b);
    expect(reply.buttons).toEqual([[{ label: "I'll attend", action: `att:${id}:yes` }, { label: "Can't attend", action: `att:${id}:no` }]]);

    expect(await press(b, `att:${id}:yes`, OFFICER, GROUP, 'Ana Petrova')).toMatch(/^Thanks, noted: you will attend 7th COLEP meeting \(m1\)\..*So far 1 member will attend, 0 cannot\.$/s);
    expect(await press(b, `att:${id}:no`, OFFICER2, GROUP, 'Ivan')).toContain('you cannot attend');
    expect(await press(b, `att:${id}:yes`, OFFICER, GROUP)).toContain('You had already said you will attend');
    expect(await press(b, `att:${id}:no`, OFFICER, GROUP)).toContain('Changed: you now cannot attend 7th COLEP meeting (m1). So far 0 members will attend, 2 cannot.');
    expect(await press(b, `att:${id}:yes`, OFFICER, GROUP)).toContain('So far 1 member will attend, 1 cannot.');
    expect(count(b)).toBe(2);

    const forOfficer = await b.sayText(`/meeting ${id}`, { user: OFFICER2 });
    expect(forOfficer).toContain('Attendance: 1 member will attend, 1 cannot.');
    expect(forOfficer).not.toContain('Ana');
    expect(forOfficer).not.toContain(OFFICER);
    expect(forOfficer).toContain("[I'll attend] [Can't attend]");
    const forSecretariat = await b.sayText(`/meeting ${id}`);
    expect(forSecretariat).toContain(`Will attend: Ana Petrova (${OFFICER})`);
    expect(forSecretariat).toContain(`Cannot attend: Ivan (${OFFICER2})`);
  });

  it('records nothing outside the community chats, for unknown, cancelled or past meetings, or for a malformed button', async () => {
    const b = bot();
    const { id } = await announced(b);
    expect(await press(b, `att:${id}:yes`, OFFICER, STRANGER_CHAT)).toContain('only available in chats the secretariat has approved');
    expect(await press(b, 'att:m77:yes')).toContain('There is no meeting "m77"');
    expect(await press(b, `att:${id}:maybe`)).toContain('That button is no longer active.');
    expect(count(b)).toBe(0);

    await b.sayText(`/meeting cancel ${id}`, { chat: SECRETARIAT });
    expect(await press(b, `att:${id}:yes`)).toContain('was cancelled, so nothing was recorded');
    const cancelled = b.outbound.to(GROUP).find((s) => s.text.startsWith('Meeting cancelled'));
    expect(cancelled?.reply?.buttons).toBeUndefined();

    const out = await b.sayText('/meeting add 2026-03-31 09:00 Europe/Sofia | 8th COLEP meeting | Sofia', { chat: SECRETARIAT });
    const id2 = /Id: (m\d+)/.exec(out)![1]!;
    b.clock.set('2026-03-31T06:00:00Z');
    expect(await press(b, `att:${id2}:yes`)).toContain('has already taken place, so answers are closed');
    expect(await b.sayText(`/meeting ${id2}`, { user: OFFICER })).not.toContain("[I'll attend]");
    expect(count(b)).toBe(0);
  });

  it('answers are purged SUGGESTIONS_RETENTION_DAYS after their meeting, and export attendance lists them', async () => {
    const b = bot({ config: { suggestionsRetentionDays: 30 } });
    const { id } = await announced(b);
    const out = await b.sayText('/meeting add 2026-06-01 09:00 Europe/Sofia | 8th COLEP meeting | Sofia', { chat: SECRETARIAT });
    const id2 = /Id: (m\d+)/.exec(out)![1]!;
    await press(b, `att:${id}:yes`, OFFICER, GROUP, 'Ana');
    await press(b, `att:${id2}:no`, OFFICER);

    const set = exportSet(b.community.store.db, 'attendance');
    let csv = '';
    expect(writeExport(set, 'csv', (s) => (csv += s))).toBe(2);
    expect(csv.split(/\r?\n/)[0]).toBe('meeting_id,user_id,user_name,status,recorded_at');
    expect(csv).toContain(`${id},${OFFICER},Ana,yes,2026-03-01T08:00:00.000Z`);
    expect(csv).toContain(`${id2},${OFFICER},,no,`);

    await b.community.runDue();
    expect(count(b)).toBe(2);
    // 31 days after the first meeting: its answers go, the later meeting's stay.
    b.clock.set('2026-04-30T07:00:00Z');
    await b.community.runDue();
    const left = b.community.store.db.prepare('SELECT meeting_id FROM attendance').all();
    expect(left).toEqual([{ meeting_id: id2 }]);
  });
});
