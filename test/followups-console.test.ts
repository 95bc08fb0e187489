// The follow-ups scenario piped into the console (issue 15): the 3rd COLEP meeting's follow-ups
// listed, one marked done, the next meeting's details show the rest, one becomes an agenda
// suggestion.
// It runs the console in this process (src/cli.ts main with a stdin of its own: what the bin does, minus the
// process); the bin piping a console script is shown once, in test/cli.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from './helpers/cli-command.ts';

describe('piped console scenario: follow-ups', () => {
  it('lists, marks one done, shows the rest on the next meeting, and puts one on its agenda', async () => {
    const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pb-fu-')), 'bot.db');
    const env = { DATABASE_PATH: db, ALLOWED_CHATS: 'console:local', SECRETARIAT: 'console:sec', CO_CHAIRS: 'console:chair' };
    const script = [
      '/as console:officer',
      '/followups colep-3',
      '/followup 1 done',
      '/as console:sec',
      '/followup 1 done Agreed at the focal points call',
      '/followup 99 done',
      '/meeting add 2030-12-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria',
      '/meeting m1',
      '/as console:chair',
      '/followup 2 suggest',
      '/agenda',
    ].join('\n');
    const r = await runMain(['console'], { input: `${script}\n`, env });
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/== Follow-ups: 3rd COLEP meeting \(4 May 2023\) ==\n- #1 Police-to-police information sharing is essential for fast investigations - open\n- #2 Keep SoM and TiP in the digital sphere on the agenda of the next meeting - open\n- #3 4th COLEP meeting in Sofia[^\n]* - open/);
    expect(out).toContain('(type: /press followup:suggest:2)');
    expect(out).toMatch(/only the secretariat or a co-chair can use/);
    expect(out).toContain('Follow-up #1 is now done (Agreed at the focal points call)');
    expect(out).toContain('There is no follow-up #99. See /followups for the numbers.');
    // The next meeting's details: the two still open, not the done one.
    const details = /== 9th COLEP meeting ==[\s\S]*?Id: m1\. Calendar file/.exec(out)?.[0] ?? '';
    expect(details).toMatch(/Open follow-ups from the 3rd COLEP meeting\n- #2 Keep SoM and TiP[^\n]*\n- #3 4th COLEP meeting in Sofia[^\n]*\n/);
    expect(details).not.toContain('Police-to-police');
    expect(out).toMatch(/suggestion #1 is saved for 9th COLEP meeting/);
    expect(out).toMatch(/== Agenda suggestions: 9th COLEP meeting[^\n]*==\n- #\d+ Keep SoM and TiP in the digital sphere on the agenda of the next meeting \(1 supporter\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
