// Issue 14, the agenda parts: suggestions before the next meeting has a date (the undated agenda
// and its hand-over when the secretariat adds the meeting), near-duplicates recognised with the
// engine's own analysis, and /agenda merge|remove for co-chairs and the secretariat. Through the
// real core and community module (real SQLite in temp folders, fake clock, recording outbound).
import { afterAll, describe, expect, it } from 'vitest';
import { readAudit } from '../src/features/access/index.ts';
import { parseMeetingSpec } from '../src/features/meetings/parse.ts';
import { createEngineAnalysis } from '../src/features/agenda/engine-analysis.ts';
import { createNearDuplicates } from '../src/features/agenda/near-duplicate.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { migrations } from '../src/store/migrations/index.ts';
import { openStore } from '../src/store/store.ts';
import {
  CO_CHAIR,
  COLEP3,
  COLEP4,
  GROUP,
  OFFICER,
  SECRETARIAT,
  createRecordingOutbound,
  createTestBot,
  fakeEngine,
  removeTempDirs,
  tempDbPath,
  type TestBot,
} from './helpers/community.ts';

afterAll(() => removeTempDirs());

const base = loadPracticeBase(defaultKnowledgeDir());
/** A bot whose engine has the practice base's real synonym table (and nothing to search). */
const bot = (opts: Parameters<typeof createTestBot>[0] = {}): TestBot =>
  createTestBot({ engine: fakeEngine([COLEP3, COLEP4], { synonyms: base.synonyms, themes: base.themes }), ...opts });
const OFFICER2 = 'telegram:3004';
const OFFICER3 = 'telegram:3005';
const GROUP2 = 'telegram:-100600';
const ADD = '/meeting add 2026-03-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria';

describe('near-duplicate suggestions, read with the engine analysis', () => {
  const analysis = createEngineAnalysis(() => base);
  const { sameItem } = createNearDuplicates(analysis);
  const same = (a: string, b: string) => sameItem(analysis.topicWords(a), analysis.topicWords(b)) && sameItem(analysis.topicWords(b), analysis.topicWords(a));

  it.each([
    ['e-evidence training', 'electronic evidence training'],
    ['faster takedown of smuggling ads', 'taking down smuggler adverts'],
    ['Cross-border access to e-evidence', 'Cross border access to electronic evidence'],
    ['OSINT training for investigators', 'open source intelligence training for investigators'],
    ['Training in crypto-currency tracing', 'Training on cryptocurrency tracing'],
    ['Platform cooperation on takedowns', 'Cooperation with platforms on take-down'],
    ['Encryption of mobile devices seized at the border', 'Encrypton of mobile devices seized at the border'],
    ['Victim identification in trafficking cases', 'Identifying victims of human trafficking'],
    ['Organisation of joint patrols', 'organization of joint patrols'],
  ])('"%s" is the same item as "%s"', (a, b) => {
    expect(same(a, b)).toBe(true);
  });

  it.each([
    ['Encryption of mobile devices seized at the border', 'Encryption of mobile devices seized inland'],
    ['Cooperation with Meta on takedown of smuggling ads', 'Cooperation with TikTok on takedown of smuggling ads'],
    ['e-evidence training for judges', 'e-evidence training for prosecutors'],
    ['e-evidence training', 'e-evidence training for judges'],
    ['Takedown of smuggling ads', 'Takedown of fake job ads'],
    ['Smuggling of migrants on TikTok', 'Trafficking in persons on TikTok'],
    ['Victim identification in trafficking cases', 'Victim protection in trafficking cases'],
    ['Agenda item number 1', 'Agenda item number 2'],
    ['Encryption', 'Decryption'],
    ['crypto', 'Training on cryptocurrency tracing'],
  ])('"%s" and "%s" stay two items', (a, b) => {
    expect(same(a, b)).toBe(false);
  });
});

describe('the agenda before the next meeting has a date', () => {
  it('collects suggestions and a poll, then hands them to the meeting the secretariat adds', async () => {
    const b = bot();
    try {
      const first = await b.sayText('/suggest e-evidence training', { user: OFFICER });
      expect(first).toContain('suggestion #1 is saved for the next meeting (no date set yet)');
      expect(first).toContain('move to the next meeting when the secretariat adds it');
      // a near-duplicate by the engine's synonyms is a +1, and the reply says so
      const dup = await b.sayText('/suggest Electronic evidence training', { user: OFFICER2 });
      expect(dup).toContain('A similar suggestion is already on the list for the next meeting (no date set yet)');
      expect(dup).toContain('#1 "e-evidence training"');
      expect(dup).toContain('I counted your +1 instead: it now has 2 supporters');
      expect(await b.sayText('/suggest faster takedown of smuggling ads', { user: OFFICER })).toContain('#2 is saved');
      expect(await b.sayText('/suggest taking down smuggler adverts', { user: OFFICER3 })).toContain('it now has 2 supporters');
      expect(await b.sayText('/suggest Drones over the green border', { user: OFFICER3 })).toContain('#3 is saved');
      const list = await b.sayText('/agenda', { user: OFFICER });
      expect(list).toContain('Agenda suggestions: the next meeting (no date set yet)');
      expect(list).toMatch(/#1 e-evidence training \(2 supporters\)\n- #2 faster takedown of smuggling ads \(2 supporters\)\n- #3 Drones over the green border \(1 supporter\)/);
      // a poll on the undated agenda
      expect(await b.sayText('/poll named', { user: CO_CHAIR })).toContain('Poll #1');
      expect(await b.sayText('/vote 2', { user: OFFICER })).toContain('recorded');

      const added = await b.sayText(ADD);
      expect(added).toContain('Meeting added: 7th COLEP meeting');
      expect(added).toContain('3 agenda suggestions collected so far now belong to this meeting');
      const after = await b.sayText('/agenda', { user: OFFICER });
      expect(after).toContain('Agenda suggestions: 7th COLEP meeting, Tue 10 Mar 2026');
      expect(after).toContain('#1 e-evidence training (2 supporters)');
      expect(after).not.toContain('no date');
      expect(await b.sayText('/suggest Cross-border access to e-evidence', { user: OFFICER })).toContain('saved for 7th COLEP meeting, Tue 10 Mar 2026');
      // the poll moved with them: its results are the meeting's agenda
      const results = await b.sayText('/poll close', { user: CO_CHAIR });
      expect(results).toContain('1. faster takedown of smuggling ads: 1 vote');
      expect(results).toContain('Saved as the agenda of 7th COLEP meeting, Tue 10 Mar 2026');
      expect(await b.sayText('/meeting m1', { user: OFFICER })).toMatch(/Agenda\n1\. faster takedown of smuggling ads \(1 vote\)/);
      const adopt = readAudit(b.community.store, { action: 'agenda.adopt' });
      expect(adopt).toHaveLength(1);
      expect(adopt[0]).toMatchObject({ actor: 'system', subject: 'm1', details: { from: 'next:colep', suggestions: 3, poll: 1, pollStatus: 'open' } });
    } finally {
      await b.stop();
    }
  });

  it('a poll closed before the date keeps its results for the meeting added later', async () => {
    const b = bot();
    try {
      await b.sayText('/suggest Encryption of seized mobile devices', { user: OFFICER });
      await b.sayText('/suggest Cryptocurrency tracing training', { user: OFFICER2 });
      await b.sayText('/poll named', { user: CO_CHAIR });
      await b.sayText('/vote 2', { user: OFFICER });
      const results = await b.sayText('/poll close', { user: CO_CHAIR });
      expect(results).toContain('these results become the agenda of the next meeting, in this order, when the secretariat adds it');
      expect(results).not.toContain('could not be saved');
      expect(await b.sayText(ADD)).toContain('2 agenda suggestions collected so far now belong to this meeting');
      expect(await b.sayText('/meeting m1', { user: OFFICER })).toMatch(/Agenda\n1\. Cryptocurrency tracing training \(1 vote\)\n2\. Encryption of seized mobile devices \(0 votes\)/);
    } finally {
      await b.stop();
    }
  });

  it('a dated meeting that appeared another way takes the undated agenda over at the next agenda command', async () => {
    const b = bot();
    try {
      await b.sayText('/suggest Drones over the green border', { user: OFFICER });
      // not through /meeting add (as a practice base reload could): no hook ran
      const spec = parseMeetingSpec('2026-03-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia', b.clock.now());
      if (!spec.ok) throw new Error(spec.problem);
      b.community.store.immediate(() => b.community.meetings.insert(spec.value, SECRETARIAT, b.clock.now()));
      expect(await b.sayText('/agenda', { user: OFFICER })).toMatch(/Agenda suggestions: 7th COLEP meeting[\s\S]*#1 Drones over the green border/);
      expect(readAudit(b.community.store, { action: 'agenda.adopt' })).toHaveLength(1);
    } finally {
      await b.stop();
    }
  });

  it('a meeting added with nothing collected says nothing about suggestions; a later meeting does not take the next one\'s', async () => {
    const b = bot();
    try {
      expect(await b.sayText(ADD)).not.toContain('agenda suggestion');
      expect(await b.sayText('/suggest Drones over the green border', { user: OFFICER })).toContain('saved for 7th COLEP meeting');
      expect(await b.sayText('/meeting add 2026-06-10 10:00 Europe/Sofia | 8th COLEP meeting | online')).not.toContain('agenda suggestion');
      expect(await b.sayText('/agenda m2', { user: OFFICER })).toContain('No suggestions yet');
      expect(await b.sayText('/agenda', { user: OFFICER })).toContain('#1 Drones over the green border');
    } finally {
      await b.stop();
    }
  });
});

describe('/agenda merge and /agenda remove', () => {
  async function seeded(): Promise<TestBot> {
    const b = bot();
    await b.sayText(ADD);
    await b.sayText('/suggest Encryption of seized mobile devices', { user: OFFICER }); // #1
    await b.sayText('/suggest Decrypting phones taken at arrest', { user: OFFICER2 }); // #2
    await b.sayText('/suggest Decrypting phones taken at arrest', { user: OFFICER }); // OFFICER supports both
    await b.sayText('/suggest Drones over the green border', { user: OFFICER3 }); // #3
    await b.sayText('/suggest Cryptocurrency tracing training', { user: OFFICER3 }); // #4
    return b;
  }
  const supporters = (b: TestBot, id: number) =>
    (b.community.store.db.prepare('SELECT COUNT(*) AS n FROM agenda_supporters WHERE suggestion_id = ?').get(id) as { n: number }).n;
  const statuses = (b: TestBot) => b.community.store.db.prepare('SELECT id, status, merged_into FROM agenda_suggestions ORDER BY id').all();

  it('merges support without counting anyone twice, and audits it', async () => {
    const b = await seeded();
    try {
      const out = await b.sayText('/agenda merge 1 2', { user: CO_CHAIR });
      expect(out).toContain('Merged #2 "Decrypting phones taken at arrest" into #1 "Encryption of seized mobile devices"');
      expect(out).toContain('It now has 2 supporters');
      expect(supporters(b, 1)).toBe(2);
      const list = await b.sayText('/agenda', { user: OFFICER });
      expect(list).toContain('#1 Encryption of seized mobile devices (2 supporters)');
      expect(list).not.toContain('#2 ');
      expect(readAudit(b.community.store, { action: 'agenda.merge' })).toMatchObject([
        { actor: CO_CHAIR, subject: 'suggestion:1', details: { merged: 2, meeting: 'm1', supporters: 2 } },
      ]);
      // the secretariat may too; '#' before the numbers is fine
      expect(await b.sayText('/agenda merge #3 #4', { user: SECRETARIAT })).toContain('Merged #4');
    } finally {
      await b.stop();
    }
  });

  it('removes an item, tells its proposer in the chat it came from, and audits it', async () => {
    const b = bot({ config: { allowedChats: [GROUP, GROUP2] } });
    try {
      await b.sayText(ADD);
      await b.sayText('/suggest Drones over the green border', { user: OFFICER3, chat: GROUP2 }); // #1
      await b.sayText('/suggest Encryption of seized mobile devices', { user: OFFICER }); // #2
      const here = await b.sayText('/agenda remove 2', { user: CO_CHAIR });
      expect(here).toContain('Suggestion #2 "Encryption of seized mobile devices" was removed from the agenda of 7th COLEP meeting');
      expect(here).toContain('Its proposer: it no longer counts for the poll');
      const there = await b.sayText('/agenda remove 1', { user: SECRETARIAT });
      expect(there).toContain('Removed #1 "Drones over the green border" from the agenda of 7th COLEP meeting, Tue 10 Mar 2026. Its proposer was told in the chat it came from.');
      const told = b.outbound.to(GROUP2).map((s) => s.text);
      expect(told.some((t) => t.includes('Suggestion #1 "Drones over the green border" was removed from the agenda'))).toBe(true);
      expect(await b.sayText('/agenda', { user: OFFICER })).toContain('No suggestions yet');
      expect(readAudit(b.community.store, { action: 'agenda.remove' }).map((r) => [r.actor, r.subject, r.details?.proposer])).toEqual([
        [CO_CHAIR, 'suggestion:2', OFFICER],
        [SECRETARIAT, 'suggestion:1', OFFICER3],
      ]);
    } finally {
      await b.stop();
    }
  });

  it('refuses officers, bad arguments and impossible items, changing nothing', async () => {
    const b = await seeded();
    try {
      const before = JSON.stringify(statuses(b));
      const audits = readAudit(b.community.store).length;
      const cases: [string, string, string][] = [
        [OFFICER, '/agenda merge 1 2', 'only the secretariat or a co-chair can use /agenda merge <n> <m>'],
        [OFFICER, '/agenda remove 1', 'only the secretariat or a co-chair can use /agenda remove <n>'],
        [CO_CHAIR, '/agenda merge', 'Say which two suggestions to merge.'],
        [CO_CHAIR, '/agenda merge 1', 'e.g. /agenda merge 3 7'],
        [CO_CHAIR, '/agenda merge one two', 'I don\'t understand "one two"'],
        [CO_CHAIR, '/agenda merge 1 2 3', 'Write /agenda merge <n> <m>'],
        [CO_CHAIR, '/agenda remove', 'e.g. /agenda remove 7'],
        [CO_CHAIR, '/agenda remove 1 2', 'I don\'t understand "1 2"'],
        [CO_CHAIR, '/agenda merge 1 1', '#1 and #1 are the same suggestion'],
        [CO_CHAIR, '/agenda merge 1 99', 'There is no suggestion #99'],
        [CO_CHAIR, '/agenda remove 99', 'There is no suggestion #99'],
        [CO_CHAIR, '/agenda m1 extra', 'I don\'t understand "extra"'],
      ];
      for (const [user, text, expected] of cases) {
        const r = await b.say(text, { user });
        expect(r[0]!.refusal, text).toBe(true);
        expect((await b.sayText(text, { user })), text).toContain(expected);
      }
      expect(JSON.stringify(statuses(b))).toBe(before);
      expect(readAudit(b.community.store)).toHaveLength(audits);

      // already merged / removed
      await b.sayText('/agenda merge 1 2', { user: CO_CHAIR });
      await b.sayText('/agenda remove 3', { user: CO_CHAIR });
      const settled = JSON.stringify(statuses(b));
      expect(await b.sayText('/agenda merge 1 2', { user: CO_CHAIR })).toContain('Suggestion #2 was already merged into #1; nothing changed');
      expect(await b.sayText('/agenda merge 2 4', { user: CO_CHAIR })).toContain('Suggestion #2 was already merged into #1');
      expect(await b.sayText('/agenda remove 2', { user: CO_CHAIR })).toContain('already merged');
      expect(await b.sayText('/agenda remove 3', { user: CO_CHAIR })).toContain('Suggestion #3 was already removed');
      expect(await b.sayText('/agenda merge 4 3', { user: CO_CHAIR })).toContain('Suggestion #3 was already removed');
      expect(JSON.stringify(statuses(b))).toBe(settled);
      expect(supporters(b, 1)).toBe(2);

      // items of another meeting; items in an open poll, then in a closed one
      await b.sayText('/meeting add 2026-06-10 10:00 Europe/Sofia | 8th COLEP meeting | online');
      await b.sayText('/suggest m2 Victim identification in trafficking cases', { user: OFFICER }); // #5
      expect(await b.sayText('/agenda merge 4 5', { user: CO_CHAIR })).toContain('only suggestions for the same meeting can be merged');
      await b.sayText('/poll', { user: CO_CHAIR });
      expect(await b.sayText('/agenda remove 4', { user: CO_CHAIR })).toMatch(/Suggestion #4 is option \d of poll #1, which is open[\s\S]*\/poll close 1/);
      await b.sayText('/poll close', { user: CO_CHAIR });
      expect(await b.sayText('/agenda merge 1 4', { user: CO_CHAIR })).toContain('Suggestion #1 was put to the vote in poll #1, which is closed');
      expect(await b.sayText('/agenda remove 4', { user: CO_CHAIR })).toContain('poll #1, which is closed');
      expect(JSON.stringify(statuses(b).slice(0, 4))).toBe(settled);
    } finally {
      await b.stop();
    }
  });

  it('a merged or removed item no longer counts toward the poll, and /help lists the subcommands', async () => {
    const b = await seeded();
    try {
      await b.sayText('/agenda merge 1 2', { user: CO_CHAIR });
      await b.sayText('/agenda remove 3', { user: CO_CHAIR });
      const poll = await b.sayText('/poll', { user: CO_CHAIR });
      expect(poll).toContain('Encryption of seized mobile devices');
      expect(poll).toContain('Cryptocurrency tracing training');
      expect(poll).not.toContain('Decrypting phones');
      expect(poll).not.toContain('Drones');
      const help = await b.sayText('/help', { user: CO_CHAIR });
      expect(help).toContain('/agenda merge <n> <m>');
      expect(help).toContain('/agenda remove <n>');
    } finally {
      await b.stop();
    }
  });
});

describe('schema version 8', () => {
  it('upgrades a version-6 database in place: its suggestions stay listed and can be merged', async () => {
    const file = tempDbPath();
    const v6 = openStore(file, { migrations: migrations.filter((m) => m.version <= 6) });
    v6.db
      .prepare("INSERT INTO agenda_suggestions (meeting_id, chat_id, text, norm, proposer_id, created_at) VALUES ('m1', ?, 'Kept from before', 'kept before', ?, 0)")
      .run(GROUP, OFFICER);
    v6.close();
    const outbound = createRecordingOutbound({ platform: 'telegram' });
    const b = bot({ config: { databasePath: file }, outbound });
    try {
      expect(b.community.store.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(8);
      await b.sayText(ADD);
      expect(await b.sayText('/agenda', { user: OFFICER })).toContain('#1 Kept from before (0 supporters)');
      await b.sayText('/suggest Another item for the list', { user: OFFICER });
      expect(await b.sayText('/agenda merge 2 1', { user: CO_CHAIR })).toContain('Merged #1');
    } finally {
      await b.stop();
    }
  });
});
