// QA findings on the agenda features, through the real core, community module and store (temp
// SQLite files, fake clock): what a user sees, and that refused input stores nothing.
import { afterAll, describe, expect, it } from 'vitest';
import {
  CO_CHAIR,
  OFFICER,
  createFakeClock,
  createTestBot,
  removeTempDirs,
  type TestBot,
} from './helpers/community.ts';

afterAll(() => removeTempDirs());

const count = (bot: TestBot, table: string) =>
  (bot.community.store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

async function withBot(start: string, fn: (bot: TestBot) => Promise<void>): Promise<void> {
  const bot = createTestBot({ clock: createFakeClock(start) });
  try {
    await fn(bot);
  } finally {
    await bot.stop();
  }
}

const ADD_7TH = '/meeting add 2026-12-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria';

describe('/suggest with a meeting id that names no meeting', () => {
  it('refuses an id-shaped first word (m9, colep-9, COLEP-9) like /agenda does, and stores nothing', async () => {
    await withBot('2026-11-05T08:00:00Z', async (bot) => {
      expect(await bot.sayText(ADD_7TH)).toContain('Id: m1');
      for (const id of ['m9', 'M9', 'colep-9', 'COLEP-9']) {
        const out = await bot.sayText(`/suggest ${id} Something for missing meeting`, { user: OFFICER });
        expect(out).toContain(`There is no meeting with the id ${id}`);
        expect(out).not.toContain('saved');
      }
      expect(await bot.sayText('/suggest m9', { user: OFFICER })).toContain('There is no meeting with the id m9');
      expect(await bot.sayText('/agenda m9', { user: OFFICER })).toContain('There is no meeting with the id m9');
      expect(count(bot, 'agenda_suggestions')).toBe(0);
      expect(await bot.sayText('/agenda', { user: OFFICER })).toContain('No suggestions yet');
    });
  });

  it('still takes ordinary first words as the text, and a known id in any case as the meeting', async () => {
    await withBot('2026-11-05T08:00:00Z', async (bot) => {
      await bot.sayText(ADD_7TH);
      const ordinary = [
        'Encryption of seized mobile devices',
        'covid-19 lessons for border controls',
        'cross-border access to e-evidence',
        '2024-2025 joint operations review',
        'M-Pesa payments in smuggling networks',
        'Item 3 of the action plan',
      ];
      for (const text of ordinary) {
        expect(await bot.sayText(`/suggest ${text}`, { user: OFFICER })).toContain('is saved for 7th COLEP meeting, Thu 10 Dec 2026');
      }
      expect(await bot.sayText('/suggest M1 Drones used for smuggling over borders', { user: OFFICER })).toContain('is saved for 7th COLEP meeting');
      const texts = bot.community.store.db.prepare('SELECT meeting_id, text FROM agenda_suggestions ORDER BY id').all();
      expect(texts).toEqual([...ordinary, 'Drones used for smuggling over borders'].map((text) => ({ meeting_id: 'm1', text })));
    });
  });

  it('/poll with an unknown meeting id says so', async () => {
    await withBot('2026-11-05T08:00:00Z', async (bot) => {
      await bot.sayText(ADD_7TH);
      expect(await bot.sayText('/poll named m9', { user: CO_CHAIR })).toContain('There is no meeting with the id m9');
      expect(count(bot, 'agenda_polls')).toBe(0);
    });
  });
});

describe('/suggest without letters or digits', () => {
  it.each(['---', '!!!', '...', '?!?!?!', '— — —', '-- -- !!'])('refuses %j with a clear reason and stores nothing', async (text) => {
    await withBot('2026-11-05T08:00:00Z', async (bot) => {
      await bot.sayText(ADD_7TH);
      const out = await bot.sayText(`/suggest ${text}`, { user: OFFICER });
      expect(out).toContain('I did not save this suggestion: it has no letters or digits.');
      expect(out).toContain('at least 3 letters or digits');
      expect(await bot.sayText(`/suggest m1 ${text}`, { user: OFFICER })).toContain('no letters or digits');
      expect(count(bot, 'agenda_suggestions')).toBe(0);
    });
  });

  it('says how few there are, and accepts 3 letters or digits among punctuation', async () => {
    await withBot('2026-11-05T08:00:00Z', async (bot) => {
      await bot.sayText(ADD_7TH);
      expect(await bot.sayText('/suggest -- A! --', { user: OFFICER })).toContain('it has only 1 letter or digit');
      expect(await bot.sayText('/suggest -- AI? --', { user: OFFICER })).toContain('it has only 2 letters or digits');
      expect(count(bot, 'agenda_suggestions')).toBe(0);
      expect(await bot.sayText('/suggest AML?', { user: OFFICER })).toContain('is saved');
      expect(await bot.sayText('/suggest ЕС и ООН', { user: OFFICER })).toContain('is saved');
    });
  });
});

describe('/poll close-at after the meeting starts', () => {
  async function twoSuggestions(bot: TestBot) {
    await bot.sayText(ADD_7TH);
    await bot.sayText('/suggest Encryption of seized mobile devices', { user: OFFICER });
    await bot.sayText('/suggest Cross-border access to e-evidence', { user: OFFICER });
  }

  it('refuses to open a poll that would close after the meeting starts, naming the start', async () => {
    await withBot('2026-11-05T08:00:00Z', async (bot) => {
      await twoSuggestions(bot);
      const out = await bot.sayText('/poll close-at 2026-12-20 18:00 Europe/Sofia', { user: CO_CHAIR });
      expect(out).toContain('7th COLEP meeting starts on Thu 10 Dec 2026, 10:00 Europe/Sofia (UTC+2)');
      expect(out).toContain('/poll close-at 2026-12-09 18:00 Europe/Sofia');
      expect(out).not.toContain('is open');
      expect(count(bot, 'agenda_polls')).toBe(0);
      // a minute after the start is too late too; the start itself and before are fine
      expect(await bot.sayText('/poll close-at 2026-12-10 10:01 Europe/Sofia', { user: CO_CHAIR })).toContain('starts on Thu 10 Dec 2026, 10:00');
      expect(await bot.sayText('/poll close-at 2026-12-10 09:00 Europe/London', { user: CO_CHAIR })).toContain('starts on Thu 10 Dec 2026, 10:00');
      expect(await bot.sayText('/poll close-at 2026-12-10 08:00 Europe/London', { user: CO_CHAIR })).toContain('Poll #1. Anonymous poll');
    });
  });

  it('refuses to move the close time of an open poll past the meeting start, and keeps the old one', async () => {
    await withBot('2026-11-05T08:00:00Z', async (bot) => {
      await twoSuggestions(bot);
      expect(await bot.sayText('/poll close-at 2026-12-01 18:00 Europe/Sofia', { user: CO_CHAIR })).toContain('Poll #1. Anonymous poll');
      const out = await bot.sayText('/poll close-at 2026-12-20 18:00 Europe/Sofia', { user: CO_CHAIR });
      expect(out).toContain('starts on Thu 10 Dec 2026, 10:00 Europe/Sofia');
      expect(bot.community.agenda.openPolls()[0]!.closesAt).toBe('2026-12-01T16:00:00.000Z');
      expect(await bot.sayText('/poll close-at 2026-12-09 18:00 Europe/Sofia', { user: CO_CHAIR })).toContain('Poll #1 will close on');
      expect(bot.community.agenda.openPolls()[0]!.closesAt).toBe('2026-12-09T16:00:00.000Z');
    });
  });
});

describe('/vote says whether the vote was added or taken back', () => {
  it.each([
    ['anonymous', '/poll', 'Anonymous poll: only the totals are kept.'],
    ['named', '/poll named', 'named poll: voters are recorded'],
  ])('%s poll', async (_kind, open, note) => {
    await withBot('2026-11-05T08:00:00Z', async (bot) => {
      await bot.sayText(ADD_7TH);
      await bot.sayText('/suggest Encryption of seized mobile devices', { user: OFFICER });
      await bot.sayText('/suggest Cross-border access to e-evidence', { user: OFFICER });
      await bot.sayText(open, { user: CO_CHAIR });
      const added = await bot.sayText('/vote 2', { user: OFFICER });
      expect(added).toContain('Your vote for option 2 is recorded');
      expect(added).toContain(note);
      expect(added).toContain('Cross-border access to e-evidence (1 vote)');
      expect(added).not.toContain('Done');
      const back = await bot.sayText('/vote 2', { user: OFFICER });
      expect(back).toContain('Your vote for option 2 is taken back.');
      expect(back).toContain('Cross-border access to e-evidence (0 votes)');
    });
  });
});

describe('meetings that have already taken place', () => {
  it('the 4th COLEP meeting ("September or October 2023") takes no suggestions or polls in November 2026', async () => {
    await withBot('2026-11-05T08:00:00Z', async (bot) => {
      const out = await bot.sayText('/suggest colep-4 Encryption of seized mobile devices', { user: OFFICER });
      expect(out).toContain('4th COLEP meeting, September or October 2023 has already taken place, so it takes no more suggestions.');
      expect(count(bot, 'agenda_suggestions')).toBe(0);
      const poll = await bot.sayText('/poll colep-4', { user: CO_CHAIR });
      expect(poll).toContain('4th COLEP meeting, September or October 2023 has already taken place');
      expect(count(bot, 'agenda_polls')).toBe(0);
    });
  });

  it('while its date window is still ahead, it does take suggestions', async () => {
    await withBot('2023-08-20T08:00:00Z', async (bot) => {
      expect(await bot.sayText('/suggest colep-4 Encryption of seized mobile devices', { user: OFFICER })).toContain('is saved for 4th COLEP meeting');
    });
  });

  it('a chat-added meeting that has begun takes no more suggestions', async () => {
    await withBot('2026-11-05T08:00:00Z', async (bot) => {
      await bot.sayText(ADD_7TH);
      bot.clock.set('2026-12-10T08:30:00Z');
      expect(await bot.sayText('/suggest m1 Encryption of seized mobile devices', { user: OFFICER })).toContain('has already taken place');
      expect(count(bot, 'agenda_suggestions')).toBe(0);
    });
  });
});
