// Follow-ups (issue 15) on real database files: the practice base's next steps of the 3rd COLEP
// meeting, statuses set by the secretariat (audited), actions added in chat, the next meeting's
// details and reminders showing what is still open, and a co-chair's one-step agenda suggestion.
import { afterAll, describe, expect, it } from 'vitest';
import { readAudit } from '../src/features/access/index.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import type { PracticeBase } from '../src/knowledge/schema.ts';
import { replyText, CO_CHAIR, createFakeClock, createTestBot, fakeEngine, GROUP, OFFICER, removeTempDirs, SECRETARIAT, tempDbPath, type TestBot, stopAfterEachTest } from './helpers/community.ts';

afterAll(removeTempDirs);

let base: PracticeBase | undefined;
const realBase = () => (base ??= loadPracticeBase(defaultKnowledgeDir()));
const stopped = stopAfterEachTest();

function bot(opts: Parameters<typeof createTestBot>[0] = {}): TestBot {
  const b = createTestBot({ clock: createFakeClock('2026-12-01T08:00:00Z'), engine: fakeEngine(realBase().meetings, realBase()), ...opts });
  return stopped(b);
}

/** "#<n> <title>" of the follow-ups listed, in order. */
const numbers = (text: string) => [...text.matchAll(/^- #(\d+) /gm)].map((m) => Number(m[1]));
const numberOf = (text: string, title: RegExp) => {
  const line = text.split('\n').find((l) => title.test(l));
  return Number(/#(\d+)/.exec(line ?? '')?.[1]);
};

describe('/followups', () => {
  it("lists the 3rd COLEP meeting's next steps for a member, each with a number and a status", async () => {
    const b = bot();
    const out = await b.sayText('/followups', { user: OFFICER });
    expect(out).toContain('Follow-ups: 3rd COLEP meeting (4 May 2023)');
    expect(out).toMatch(/#\d+ Keep SoM and TiP in the digital sphere on the agenda of the next meeting - open/);
    expect(out).toMatch(/#\d+ Police-to-police information sharing is essential for fast investigations - open/);
    expect(out).toMatch(/#\d+ 4th COLEP meeting in Sofia in September or October, in person encouraged - open/);
    // The news item's duplicate of the Sofia step is folded into it: three, not four.
    expect(numbers(out)).toHaveLength(3);
    expect(await b.sayText('/followups colep-3', { user: OFFICER })).toBe(out);
  });

  it('answers an unknown meeting id, a meeting without follow-ups and a chat that is not allowed politely', async () => {
    const b = bot();
    const [unknown] = await b.say('/followups colep-99', { user: OFFICER });
    expect(unknown!.refusal).toBe(true);
    expect(replyText(unknown)).toMatch(/There is no meeting with the id colep-99\. See \/meetings/);
    expect(replyText(unknown)).toContain('/followups colep-3');
    expect(await b.sayText('/followups colep-4', { user: OFFICER })).toMatch(/No follow-ups are recorded for this meeting.*\/followup add colep-4 <text>/);
    const [outside] = await b.say('/followups', { user: OFFICER, chat: 'telegram:-100999' });
    expect(replyText(outside)).toMatch(/only available in chats the secretariat has approved.*telegram:-100999/s);
  });
});

describe('/followup (secretariat)', () => {
  it('sets a status with a note, audited; a repeat changes nothing; the status survives a restart', async () => {
    const databasePath = tempDbPath();
    const b = bot({ config: { databasePath } });
    const n = numberOf(await b.sayText('/followups'), /Police-to-police/);
    const done = await b.sayText(`/followup ${n} done Shared at the focal points call`);
    expect(done).toContain(`Follow-up #${n} is now done (Shared at the focal points call)`);
    expect(await b.sayText('/followups')).toMatch(new RegExp(`#${n} Police-to-police[^\\n]* - done \\(Shared at the focal points call\\)`));
    expect(await b.sayText(`/followup ${n} done`)).toContain(`Follow-up #${n} is already done; nothing changed.`);
    const rows = readAudit(b.community.store, { action: 'followup.status' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: SECRETARIAT, subject: `followup:${n}`, details: { meeting: 'colep-3', from: 'open', to: 'done' } });
    expect(await b.sayText(`/followup ${n} progress`)).toContain(`Follow-up #${n} is now in progress`);
    await b.stop();
    const again = bot({ config: { databasePath } });
    expect(await again.sayText('/followups')).toMatch(new RegExp(`#${n} Police-to-police[^\\n]* - in progress`));
  });

  it('refuses unknown numbers, statuses and missing parts with the syntax and an example; officers and co-chairs may not set a status', async () => {
    const b = bot();
    const n = numberOf(await b.sayText('/followups'), /Police-to-police/);
    for (const [line, expected] of [
      ['/followup 999 done', /There is no follow-up #999\. See \/followups for the numbers\.\nWrite \/followup <n> done\|progress\|drop \[note\], e\.g\./],
      [`/followup ${n} finished-ish`, /"finished-ish" is not a status: use done, progress or drop/],
      [`/followup ${n}`, new RegExp(`Say what to do with follow-up #${n}: done, progress or drop`)],
      ['/followup', /Say what to do with which follow-up\.[\s\S]*\/followup add \[<meeting id>\] <text>/],
      ['/followup twelve done', /I don't understand "twelve": give a follow-up number or add\./],
      [`/followup ${n} done call +36 1 234 5678 for details`, /I did not save this note: it seems to contain a phone number/],
      ['/followup add', /Write the action after the command\./],
      ['/followup add x', /too short/],
    ] as const) {
      const [r] = await b.say(line);
      expect(r!.refusal, line).toBe(true);
      expect(replyText(r), line).toMatch(expected);
    }
    expect(await b.sayText(`/followup ${n} done`, { user: OFFICER })).toMatch(/only the secretariat or a co-chair can use/);
    expect(await b.sayText(`/followup ${n} done`, { user: CO_CHAIR })).toMatch(/only the secretariat can use \/followup <n> done\|progress\|drop/);
    expect(await b.sayText('/followup add Something to do', { user: CO_CHAIR })).toMatch(/only the secretariat can use \/followup add/);
    expect(await b.sayText('/followups')).not.toMatch(/ - done/);
    expect(readAudit(b.community.store, { action: 'followup.status' })).toHaveLength(0);
  });

  it('adds an action to the last COLEP meeting held, or to the meeting named, audited', async () => {
    const b = bot();
    const added = await b.sayText('/followup add Share the contact list of national focal points');
    // The 4th COLEP meeting's window (September or October 2023) is over: it is the last one held.
    expect(added).toMatch(/Follow-up #(\d+) added to 4th COLEP meeting:\n"Share the contact list of national focal points"/);
    const named = await b.sayText('/followup add colep-3 Circulate the summary to the member countries');
    const n = Number(/#(\d+) added to 3rd COLEP meeting/.exec(named)?.[1]);
    expect(n).toBeGreaterThan(0);
    expect(await b.sayText('/followups colep-3', { user: OFFICER })).toMatch(new RegExp(`#${n} Circulate the summary to the member countries - open`));
    expect(readAudit(b.community.store, { action: 'followup.add' }).map((r) => r.details?.meeting)).toEqual(['colep-4', 'colep-3']);
  });
});

describe('the next meeting', () => {
  it("shows the previous COLEP meeting's open follow-ups in its details and reminders, not the done ones", async () => {
    const b = bot({ config: { reminderOffsetsMs: [3_600_000] } });
    const list = await b.sayText('/followups');
    const police = numberOf(list, /Police-to-police/);
    const keep = numberOf(list, /Keep SoM and TiP/);
    await b.sayText(`/followup ${police} done`);
    await b.sayText(`/followup ${keep} progress`);
    await b.sayText('/subscribe');
    const add = await b.sayText('/meeting add 2026-12-10 10:00 Europe/Sofia | 5th COLEP meeting | Sofia, Bulgaria');
    const id = /Id: (m\d+)/.exec(add)![1]!;
    const details = await b.sayText(`/meeting ${id}`, { user: OFFICER });
    expect(details).toMatch(/Open follow-ups from the 3rd COLEP meeting\n- #\d+ Keep SoM and TiP[^\n]*\(in progress\)\n- #\d+ 4th COLEP meeting in Sofia/);
    expect(details).not.toContain('Police-to-police');
    // A meeting of another series, or one that has taken place, shows none.
    expect(await b.sayText('/meeting europol-2024-digital-smuggling', { user: OFFICER })).not.toContain('Open follow-ups');
    expect(await b.sayText('/meeting colep-3', { user: OFFICER })).not.toContain('Open follow-ups');
    b.clock.set('2026-12-10T07:00:00Z');
    await b.community.runDue();
    const reminder = b.outbound.to(GROUP).find((s) => s.text.startsWith('Reminder:'));
    expect(reminder?.text).toMatch(/Open follow-ups from the 3rd COLEP meeting\n- #\d+ Keep SoM[^\n]*\n- #\d+ 4th COLEP[^\n]*\nAll follow-ups: \/followups colep-3/);
  });

  it('a co-chair makes one an agenda suggestion for the next COLEP meeting, by command or button; officers may not; a done one is refused', async () => {
    const b = bot();
    const add = await b.sayText('/meeting add 2026-12-10 10:00 Europe/Sofia | 5th COLEP meeting | Sofia, Bulgaria');
    const id = /Id: (m\d+)/.exec(add)![1]!;
    const [list] = await b.say('/followups', { user: OFFICER });
    const keep = numberOf(replyText(list), /Keep SoM and TiP/);
    const police = numberOf(replyText(list), /Police-to-police/);
    const press = (user: string, n: number) => b.core.handleAction({ platform: 'telegram', chat: { id: GROUP, type: 'group' }, user: { id: user }, action: `followup:suggest:${n}` });
    expect(list!.buttons?.flat().map((x) => x.action)).toContain(`followup:suggest:${keep}`);

    const refused = replyText(await press(OFFICER, keep));
    expect(refused).toMatch(/only the secretariat or a co-chair can use \/followup \d+ suggest/);
    const viaCommand = await b.sayText(`/followup ${keep} suggest`, { user: CO_CHAIR });
    expect(viaCommand).toMatch(/suggestion #\d+ is saved for 5th COLEP meeting/);
    expect(viaCommand).toContain('"Keep SoM and TiP in the digital sphere on the agenda of the next meeting"');
    // The button does the same; the agenda's own rule counts a second time as a +1, not a copy.
    expect(replyText(await press(SECRETARIAT, keep))).toMatch(/similar suggestion is already on the list/);
    await b.sayText(`/followup ${police} drop`);
    expect(replyText(await press(CO_CHAIR, police))).toMatch(/is dropped: only open follow-ups go on the agenda/);
    const agenda = await b.sayText(`/agenda ${id}`, { user: OFFICER });
    expect(agenda).toMatch(/#\d+ Keep SoM and TiP in the digital sphere on the agenda of the next meeting \(2 supporters\)/);
    expect(agenda).not.toContain('Police-to-police');
    expect(readAudit(b.community.store, { action: 'followup.suggest' })).toHaveLength(2);
  });
});
