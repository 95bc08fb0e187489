// The whole secretariat-and-officers scenario, scripted through a pipe into the console.
// It runs the console in this process (src/cli.ts main with a stdin of its own: what the bin does, minus the
// process); the bin piping a console script is shown once, in test/cli.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from './helpers/cli-command.ts';

describe('piped console scenario', () => {
  it('meeting, subscription, suggestions, poll and reminder come out right; officers are refused', async () => {
    const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pb-scn-')), 'bot.db');
    const env = {
      DATABASE_PATH: db,
      ALLOWED_CHATS: 'console:local',
      SECRETARIAT: 'console:sec',
      CO_CHAIRS: 'console:chair',
    };
    const script = [
      '/as console:officer',
      '/meeting add 2030-12-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria',
      '/as console:sec',
      '/meeting add 2030-12-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria',
      '/subscribe',
      '/as console:officer',
      '/suggest Platform takedown procedures for smuggler ads',
      '/suggest Training prosecutors on electronic evidence',
      '/agenda',
      '/as console:chair',
      '/poll',
      '/as console:officer',
      '/vote 2',
      '/as console:chair',
      '/poll close',
      '/as console:sec',
      '/remind',
      '/meetings',
    ].join('\n');
    const r = await runMain(['console'], { input: `${script}\n`, env });
    expect(r.code).toBe(0);
    const out = r.stdout;
    // The officer's attempt is refused, naming the role; the secretariat's succeeds.
    expect(out).toMatch(/only the secretariat can use/i);
    expect(out.match(/9th COLEP meeting/g)?.length ?? 0).toBeGreaterThan(2);
    // Both suggestions are listed on the agenda, then offered in the poll.
    expect(out).toContain('Platform takedown procedures for smuggler ads');
    expect(out).toContain('Training prosecutors on electronic evidence');
    // The results rank the voted option first with its count.
    expect(out).toMatch(/Training prosecutors on electronic evidence[^\n]*1/);
    // /remind's own reply (not the /meeting add reply, which also says 10:00 and "Reminders go
    // out"): the reminder names the meeting, its time in Sofia and where the agenda is.
    expect(out).toMatch(/== Reminder: 9th COLEP meeting ==\nStarts in [^\n]*: Tue 10 Dec 2030, 10:00 Europe\/Sofia/);
    expect(out).toMatch(/== Reminder: 9th COLEP meeting ==[\s\S]*Details and agenda: \/meeting m1/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
