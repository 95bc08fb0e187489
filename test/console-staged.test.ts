// The console's staged start (src/app-console.ts): a free question is answered before the meetings,
// reminders, agenda, follow-ups and digest are built, so a first line that is one of their commands
// must wait for them (never "I don't know the command"), and the wake loop must still run.
// The console runs in this process (src/cli.ts main with a stdin of its own), as the bin does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from './helpers/cli-command.ts';

const tmpDb = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pb-staged-')), 'bot.db');
const env = (db: string) => ({ DATABASE_PATH: db, ALLOWED_CHATS: 'console:local', SECRETARIAT: 'console:sec' });

describe('the console started in stages', () => {
  it("answers a first line that is a later feature's command, and the lines after it", async () => {
    const db = tmpDb();
    const script = ['/meeting add 2030-12-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria', '/subscribe', '/meetings'].join('\n');
    const r = await runMain(['console', '--as', 'console:sec'], { input: `${script}\n`, env: env(db) });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/I don't know the command/);
    // the meeting is added, the chat subscribed, and the meeting listed, in that order
    expect(r.stdout).toMatch(
      /^== Meeting added: 9th COLEP meeting ==\nId: m1[\s\S]*This chat is now subscribed\.[\s\S]*== Meetings ==\nUpcoming\n- 9th COLEP meeting - Tue 10 Dec 2030, 10:00 Europe\/Sofia/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('answers a first free question from the practice base; every command works after it and the wake loop runs', async () => {
    const db = tmpDb();
    const r = await runMain(['console', '--as', 'console:sec'], { input: 'encrypted data\n/help all\n/meetings\n', env: env(db) });
    expect(r.code).toBe(0);
    const [answer, help] = r.stdout.split('== practice-bot commands ==');
    expect(answer).toMatch(/Too much encrypted data from online exchanges to analyse/);
    // the full list, the later features' commands included
    for (const c of ['/meetings', '/remind', '/subscribe', '/suggest', '/poll', '/followups', '/gaps', '/reload', '/role']) expect(help).toContain(c);
    expect(help).toMatch(/== Meetings ==/);
    expect(r.stdout).not.toMatch(/I don't know the command/);
    // the wake loop ran (its first wake comes after the first answer): `practice-bot status` shows its tick
    const status = await runMain(['status'], { env: env(db) });
    expect(status.stdout).toMatch(/scheduler tick:\s+\d{4}-\d\d-\d\dT/);
  });

  it('a console that is given no line still builds everything and wakes once before it stops', async () => {
    const db = tmpDb();
    const r = await runMain(['console'], { input: '', env: env(db) });
    expect(r.code).toBe(0);
    const status = await runMain(['status'], { env: env(db) });
    expect(status.stdout).toMatch(/scheduler tick:\s+\d{4}-\d\d-\d\dT/);
    // the meetings feature was built: it seeded the practice base's meetings
    const list = await runMain(['console'], { input: '/meetings\n', env: env(db) });
    expect(list.stdout).toMatch(/== Meetings ==[\s\S]*Latest held/);
  });
});
