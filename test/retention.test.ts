// Issue 11, item 9: retention for everything personal. Suggestions (proposer id and name), their
// supporters, polls and named votes are purged a configured number of days after their meeting;
// the audit log and delivery logs (announcements, reminder and announcement deliveries) after
// theirs; on the scheduler's wake. And a member who leaves a group loses roles granted in chat.
import { afterAll, describe, expect, it } from 'vitest';
import { readAudit } from '../src/features/access/index.ts';
import { CO_CHAIR, GROUP, OFFICER, createTestBot, removeTempDirs, type TestBot, stopAfterEachTest } from './helpers/community.ts';
import { holdLock } from './helpers/db-lock.ts';

afterAll(() => removeTempDirs());
const stopped = stopAfterEachTest();

const count = (b: TestBot, sql: string) => b.community.store.db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${sql}`).get()!.n;

describe('retention', () => {
  it('purges old suggestions, votes, announcements, delivery logs and audit rows on the scheduler wake, and keeps recent ones', async () => {
    const b = createTestBot({ config: { suggestionsRetentionDays: 365, auditRetentionDays: 730, deliveryLogRetentionDays: 90 } });
    stopped(b);
    expect(await b.sayText('/subscribe')).toMatch(/subscribed/i);
    expect(await b.sayText('/meeting add 2026-03-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia')).toContain('Id: m1');
    expect(await b.sayText('/meeting add 2027-06-01 10:00 Europe/Sofia | 9th COLEP meeting | Sofia')).toContain('Id: m2');
    expect(await b.sayText('/suggest Encryption of seized mobile devices', { user: OFFICER })).toMatch(/is saved for 7th/);
    expect(await b.sayText('/suggest Training for border guards', { user: CO_CHAIR, chat: GROUP })).toMatch(/is saved for 7th/);
    expect(await b.sayText('/suggest m2 Cross-border payment tracing', { user: OFFICER })).toMatch(/is saved for 9th/);
    expect(await b.sayText('/poll named', { user: CO_CHAIR })).toContain('Named poll');
    expect(await b.sayText('/vote 1', { user: OFFICER })).toContain('recorded');
    expect(await b.sayText('/poll close', { user: CO_CHAIR })).toContain('Results');
    await b.community.runDue();
    // Reminders of m1 go out (or are skipped) by its start.
    b.clock.set('2026-03-10T09:30:00Z');
    await b.community.runDue();
    expect(count(b, 'agenda_named_votes')).toBe(1);
    expect(count(b, 'announcements')).toBeGreaterThanOrEqual(2);
    expect(count(b, "reminder_deliveries WHERE meeting_id = 'm1'")).toBeGreaterThan(0);
    const auditBefore = count(b, 'audit');
    expect(auditBefore).toBeGreaterThan(0);

    // 370 days after m1: its suggestions, poll and votes, and the delivery logs older than 90 days, go.
    b.clock.set('2027-03-15T12:00:00Z');
    expect(await b.sayText('/role grant co-chair telegram:4004')).toContain('now a co-chair');
    await b.community.runDue();
    expect(count(b, "agenda_suggestions WHERE meeting_id = 'm1'")).toBe(0);
    expect(count(b, "agenda_suggestions WHERE meeting_id = 'm2'")).toBe(1);
    expect(count(b, 'agenda_supporters')).toBe(1);
    expect(count(b, 'agenda_polls')).toBe(0);
    expect(count(b, 'agenda_named_votes')).toBe(0);
    expect(count(b, "reminder_deliveries WHERE meeting_id = 'm1'")).toBe(0);
    expect(count(b, 'announcements')).toBe(0);
    expect(count(b, 'announcement_deliveries')).toBe(0);
    // The audit keeps 730 days: nothing is old enough yet.
    expect(count(b, 'audit')).toBe(auditBefore + 1);
    // The settled agenda of m1 (no personal data) stays with the meeting.
    expect(count(b, "meeting_agenda WHERE meeting_id = 'm1'")).toBe(2);

    // 731 days after the first actions: their audit rows go, the 2027 one stays.
    b.clock.set('2028-01-07T12:00:00Z');
    await b.community.runDue();
    const left = readAudit(b.community.store);
    expect(left.map((r) => r.action)).toEqual(['role.grant']);
  });

  it('a database locked by another process postpones the purge to a later wake (logged once); nothing is lost', async () => {
    const b = createTestBot({ config: { auditRetentionDays: 30 } });
    stopped(b);
    expect(await b.sayText('/role grant co-chair telegram:4004')).toContain('now a co-chair');
    await b.community.runDue();
    expect(count(b, 'audit')).toBe(1);
    b.clock.set('2026-03-01T12:00:00Z');
    const lock = await holdLock(b.config.databasePath);
    try {
      await b.community.runDue();
      b.clock.set('2026-03-01T12:01:00Z');
      await b.community.runDue();
    } finally {
      await lock.release();
    }
    expect(count(b, 'audit')).toBe(1);
    expect(b.logger.messages().filter((m) => m === 'database busy: retention purge postponed')).toHaveLength(1);
    // A minute later (not an hour): the purge that could not run is done on the next wake.
    b.clock.set('2026-03-01T12:02:00Z');
    await b.community.runDue();
    expect(count(b, 'audit')).toBe(0);
  }, 30_000);

  it('purges nothing without retention settings (as before)', async () => {
    const b = createTestBot();
    stopped(b);
    await b.sayText('/meeting add 2026-03-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia');
    await b.sayText('/suggest Encryption of seized mobile devices', { user: OFFICER });
    b.clock.set('2030-01-01T00:00:00Z');
    await b.community.runDue();
    expect(count(b, 'agenda_suggestions')).toBe(1);
    expect(count(b, 'audit')).toBeGreaterThan(0);
  });
});

describe('a member who leaves a group', () => {
  it('loses roles granted in chat (audited); configuration roles stay; leaving a chat that is not allowed changes nothing', async () => {
    const b = createTestBot();
    stopped(b);
    expect(await b.sayText('/role grant co-chair telegram:4004')).toContain('now a co-chair');
    expect(await b.sayText('/role grant secretariat telegram:4004')).toContain('secretariat');
    await b.core.memberLeft!({ platform: 'telegram', chatId: 'telegram:-999', userId: 'telegram:4004' });
    expect(b.community.access.rolesOf('telegram:4004').size).toBe(2);
    await b.core.memberLeft!({ platform: 'telegram', chatId: GROUP, userId: 'telegram:4004' });
    expect(b.community.access.rolesOf('telegram:4004').size).toBe(0);
    const revoked = readAudit(b.community.store, { action: 'role.revoke' });
    expect(revoked.map((r) => [r.actor, r.subject, r.details?.role, r.details?.reason])).toEqual([
      ['system', 'telegram:4004', 'co-chair', 'left the chat'],
      ['system', 'telegram:4004', 'secretariat', 'left the chat'],
    ]);
    await b.core.memberLeft!({ platform: 'telegram', chatId: GROUP, userId: CO_CHAIR });
    expect(b.community.access.rolesOf(CO_CHAIR).has('co-chair')).toBe(true);
    expect(readAudit(b.community.store, { action: 'role.revoke' })).toHaveLength(2);
  });
});
