// The agenda features through the real core and community module: access, real meetings, the
// agenda saved on the meeting, and the Core entry points (vote, chatMigrated) adapters use.
import { afterAll, describe, expect, it } from 'vitest';
import {
  CO_CHAIR,
  GROUP,
  OFFICER,
  SECRETARIAT,
  createFakeClock,
  createRecordingOutbound,
  createTestBot,
  removeTempDirs,
} from './helpers/community.ts';

afterAll(() => removeTempDirs());

describe('agenda through the core', () => {
  it('suggest, poll, vote, close: the results become the meeting agenda', async () => {
    const bot = createTestBot();
    try {
      expect(await bot.sayText('/meeting add 2026-03-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria')).toContain('Id: m1');
      expect(await bot.sayText('/suggest Encryption of seized mobile devices', { user: OFFICER })).toContain('saved for 7th COLEP meeting, Tue 10 Mar 2026');
      expect(await bot.sayText('/suggest Cross-border access to e-evidence', { user: CO_CHAIR })).toContain('is saved');
      expect(await bot.sayText('/suggest encryption of seized mobile device', { user: SECRETARIAT })).toContain('2 supporters');

      // officers may suggest and vote, not open polls or read the gaps
      expect(await bot.sayText('/poll', { user: OFFICER })).toContain('only the secretariat or a co-chair');
      expect(await bot.sayText('/gaps', { user: OFFICER })).toContain('only the secretariat');
      expect(await bot.sayText('/gaps', { user: CO_CHAIR })).toContain('only the secretariat');

      expect(await bot.sayText('/poll named', { user: CO_CHAIR })).toContain('Named poll: voters are recorded.');
      expect(await bot.sayText('/vote 2', { user: OFFICER })).toContain('recorded');
      const view = await bot.core.vote({ pollId: 1, user: { id: SECRETARIAT }, optionIndexes: [1] });
      expect(view?.options.map((o) => o.votes)).toEqual([0, 2]);
      const results = await bot.sayText('/poll close', { user: CO_CHAIR });
      expect(results).toContain('1. Cross-border access to e-evidence: 2 votes');
      expect(await bot.sayText('/meeting m1', { user: OFFICER })).toMatch(/Agenda\n1\. Cross-border access to e-evidence \(2 votes\)\n2\. Encryption of seized mobile devices \(0 votes\)/);
    } finally {
      await bot.stop();
    }
  });

  it('a chat that is not allowed gets the chat id, and nothing is stored', async () => {
    const bot = createTestBot();
    try {
      await bot.sayText('/meeting add 2026-03-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria');
      const out = await bot.sayText('/suggest Encryption of seized mobile devices', { user: OFFICER, chat: 'telegram:-100999' });
      expect(out).toContain('telegram:-100999');
      expect(await bot.sayText('/agenda', { user: OFFICER })).toContain('No suggestions yet');
      // a past meeting (from the practice base) and a cancelled one take no suggestions
      expect(await bot.sayText('/suggest colep-3 Encryption of seized mobile devices', { user: OFFICER })).toContain('has already taken place');
      await bot.sayText('/meeting cancel m1');
      expect(await bot.sayText('/suggest m1 Encryption of seized mobile devices', { user: OFFICER })).toContain('was cancelled');
      // with no dated meeting ahead, the suggestion goes to the undated agenda of the next meeting (issue 14)
      expect(await bot.sayText('/suggest Encryption of seized mobile devices', { user: OFFICER })).toContain('saved for the next meeting (no date set yet)');
    } finally {
      await bot.stop();
    }
  });

  it('close-at closes through the scheduler on the fake clock, and a migrated chat keeps its poll', async () => {
    const clock = createFakeClock('2026-01-05T08:00:00Z');
    const outbound = createRecordingOutbound({ platform: 'telegram', capabilities: { polls: 'native' }, clock });
    const bot = createTestBot({ clock, outbound });
    try {
      await bot.sayText('/meeting add 2026-03-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria');
      await bot.sayText('/suggest Encryption of seized mobile devices', { user: OFFICER });
      await bot.sayText('/suggest Cross-border access to e-evidence', { user: OFFICER });
      expect(await bot.sayText('/poll close-at 2026-01-06 18:00 Europe/Sofia', { user: CO_CHAIR })).toContain('Poll #1 is open');
      await bot.core.chatMigrated(GROUP, 'telegram:-100777');
      outbound.closeTotals = [3, 4];
      await clock.advanceTo('2026-01-06T16:01:00Z');
      const results = outbound.to('telegram:-100777').filter((s) => s.kind === 'send' && s.text.includes('Results of poll #1'));
      expect(results).toHaveLength(1);
      expect(results[0]!.text).toContain('1. Cross-border access to e-evidence: 4 votes');
      expect(await bot.sayText('/meeting m1')).toContain('1. Cross-border access to e-evidence (4 votes)');
    } finally {
      await bot.stop();
    }
  });
});
