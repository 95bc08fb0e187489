// The console's staged start (src/app-console.ts): a free question is answered before the meetings,
// reminders, agenda, follow-ups and digest are built, so a first line that is one of their commands
// must wait for them (never "I don't know the command"), and the wake loop must still run.
// The console runs in this process (src/cli.ts main with a stdin of its own), as the bin does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modulesOfFile } from './helpers/bundle-modules.ts';
import { runMain } from './helpers/cli-command.ts';
import { runCli } from './helpers/run-cli.ts';

/** In the child, one ordered stream on stderr: `LOAD <url>` for each module resolved (a loader hook),
 *  and `ANSWER` when the first reply is written to stdout. */
const TRACE = `data:text/javascript,${encodeURIComponent(
  "import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(" +
    "'export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.startsWith(\"file:\")) process.stderr.write(\"LOAD \" + r.url + \"\\\\n\"); return r; }'));" +
    "const w = process.stdout.write.bind(process.stdout); let first = true;" +
    "process.stdout.write = (...a) => { if (first) { first = false; process.stderr.write('ANSWER\\n'); } return w(...a); };",
)}`;

/** The bin's console (the build when fresh, else the sources) with TRACE: what it printed on stderr, in order. */
async function traceConsole(db: string, input: string): Promise<{ code: number | null; stdout: string; trace: string[] }> {
  const r = await runCli(['console'], { nodeArgs: ['--import', TRACE], input, env: env(db) });
  return { code: r.code, stdout: r.stdout, trace: r.stderr.split('\n').filter((l) => l === 'ANSWER' || l.startsWith('LOAD ')) };
}

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

  it("answers a first free question before it loads the later features' code, which it loads after", async () => {
    const r = await traceConsole(tmpDb(), 'encrypted data\n/meetings\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\* Too much encrypted data from online exchanges to analyse[\s\S]*== Meetings ==/);
    const answer = r.trace.indexOf('ANSWER');
    // (a chunk of the bundle stands for the modules it holds)
    const late = r.trace.findIndex((l) => l.startsWith('LOAD ') && modulesOfFile(l.slice(5)).some((m) => /(^|\/)src\/(app-late|features\/meetings\/index)\.[jt]s$/.test(m)));
    expect(answer).toBeGreaterThan(0);
    // the meetings' code (and with it luxon) comes after the answer: the second stage
    expect(late).toBeGreaterThan(answer);
    expect(r.trace.slice(0, answer).filter((l) => /node_modules\/(luxon|ical-generator)\//.test(l))).toEqual([]);
  }, 60_000);
});
