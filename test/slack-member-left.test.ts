// Issue 11, item 9, through the Slack adapter: a member who leaves an allowed channel
// (member_left_channel event) loses the roles granted in chat; configuration roles stay, and a
// channel that is not allowed, another workspace's user or the bot itself changes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { readAudit } from '../src/features/access/index.ts';
import type { CommunityModule } from '../src/app.ts';
import { CHANNEL, CO_CHAIR, OTHER_CHANNEL, SECRETARIAT, SIGNING_SECRET, startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';
import { eventCallback, postSigned } from './helpers/slack-sign.ts';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function left(hh: SlackHarness, user: string, channel: string, teamId?: string): Promise<number> {
  const ev = eventCallback({ type: 'member_left_channel', user, channel, channel_type: 'C', team: teamId ?? 'T0001' }, teamId ? { teamId } : {});
  const r = await postSigned(hh.eventsUrl, SIGNING_SECRET, ev);
  await hh.settle();
  return r.status;
}

describe('Slack: a member leaves a channel', () => {
  it('revokes the roles granted in chat when the channel is allowed, audited as system', async () => {
    const hh = (h = await startSlackHarness());
    const community = hh.app.community as CommunityModule;
    await hh.command('role grant co-chair slack:ULEAVER', { user: SECRETARIAT, channel: CHANNEL });
    await hh.command('role grant secretariat slack:ULEAVER', { user: SECRETARIAT, channel: CHANNEL });
    await hh.command('role grant co-chair slack:USTAYS', { user: SECRETARIAT, channel: CHANNEL });
    expect([...community.access.rolesOf('slack:ULEAVER')].sort()).toEqual(['co-chair', 'secretariat']);

    // Leaving a channel that is not allowed changes nothing.
    expect(await left(hh, 'ULEAVER', OTHER_CHANNEL)).toBe(200);
    expect(community.access.rolesOf('slack:ULEAVER').size).toBe(2);

    expect(await left(hh, 'ULEAVER', CHANNEL)).toBe(200);
    expect(community.access.rolesOf('slack:ULEAVER').size).toBe(0);
    expect(community.access.rolesOf('slack:USTAYS').has('co-chair')).toBe(true);
    const revoked = readAudit(community.store, { action: 'role.revoke' });
    expect(revoked.map((r) => [r.actor, r.subject])).toEqual([
      ['system', 'slack:ULEAVER'],
      ['system', 'slack:ULEAVER'],
    ]);

    // Configuration roles stay.
    await left(hh, CO_CHAIR, CHANNEL);
    expect(community.access.rolesOf(`slack:${CO_CHAIR}`).has('co-chair')).toBe(true);
  });

  it("ignores another workspace's user with the same id", async () => {
    const hh = (h = await startSlackHarness());
    const community = hh.app.community as CommunityModule;
    await hh.command('role grant co-chair slack:UTWIN', { user: SECRETARIAT, channel: CHANNEL });
    await left(hh, 'UTWIN', CHANNEL, 'T0OTHER');
    expect(community.access.rolesOf('slack:UTWIN').has('co-chair')).toBe(true);
  });
});
