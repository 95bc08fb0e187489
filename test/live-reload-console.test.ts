// Live reload end to end (issue 13): the real bin in console mode, spawned once on a temporary
// KNOWLEDGE_DIR with its stdin kept open. A question, then an entry file added to the folder is
// answered without a restart; then a broken file: the old answers keep working and the secretariat
// (who spoke in the console chat) is told there.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultKnowledgeDir } from '../src/knowledge/load.ts';
import { cliEnv } from './helpers/cli-command.ts';
import { ROOT } from './helpers/run-cli.ts';

const ENTRY = `# drones
- id: colep3-gp-drone-patrols
  kind: good-practice
  title: Drone patrols along the green border
  text: Border police use drones with thermal cameras to spot smuggling groups crossing at night in remote areas.
  themes: [border-management, equipment]
  source: {document: 001_f556e3455b226015.txt, section: Good Practices, meeting: colep-3}
`;

describe('live reload in the running console bot', () => {
  it('answers from an added entry without a restart; a broken file keeps the old answers and tells the secretariat', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-live-cli-'));
    const kb = path.join(tmp, 'knowledge');
    fs.cpSync(defaultKnowledgeDir(), kb, { recursive: true });
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/practice-bot.js'), 'console', '--as', 'console:sec'], {
      cwd: tmp,
      env: cliEnv({
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        LOG_LEVEL: 'warn',
        KNOWLEDGE_DIR: kb,
        DATABASE_PATH: path.join(tmp, 'bot.db'),
        SECRETARIAT: 'console:sec',
        ALLOWED_CHATS: 'console:local',
      }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    const waitFor = async (test: () => boolean, what: string, ms = 60_000) => {
      const until = Date.now() + ms;
      while (!test()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n--- stdout:\n${stdout.slice(-3000)}\n--- stderr:\n${stderr.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    let n = 0;
    /** Sends a line and returns what the bot wrote for it (an `/as` line after it marks the end). */
    const ask = async (line: string): Promise<string> => {
      const mark = `(now acting as console:sec)`;
      const from = stdout.length;
      const count = () => stdout.slice(from).split(mark).length - 1;
      child.stdin.write(`${line}\n/as console:sec\n`);
      n++;
      await waitFor(() => count() >= 1, `the reply to ${line}`);
      return stdout.slice(from, from + stdout.slice(from).indexOf(mark));
    };

    try {
      // a question the base cannot answer with the new entry yet
      const q = '/ask drones with thermal cameras at the green border';
      expect(await ask(q)).not.toContain('Drone patrols along the green border');
      const before = await ask('/ask cyber patrol unit');
      expect(before).toMatch(/cyber patrol/i);

      // add an entry file: answered without a restart
      fs.writeFileSync(path.join(kb, 'entries', '009-drones.yaml'), ENTRY);
      let answer = '';
      const until = Date.now() + 60_000;
      while (!answer.includes('Drone patrols along the green border') && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 500));
        answer = await ask(q);
      }
      expect(answer).toContain('Drone patrols along the green border');

      // a broken file: told in the console chat, and the old answers still come
      fs.writeFileSync(path.join(kb, 'entries', '010-broken.yaml'), ENTRY.replace('colep3-gp-drone-patrols', 'colep3-gp-drone-again').replace('equipment', 'astrology'));
      await waitFor(() => /\[to console:local\]\n\[warning\] The practice base change was not loaded: 1 problem/.test(stdout), 'the secretariat notice');
      expect(stdout).toMatch(/010-broken\.yaml:\d+: error: entry "colep3-gp-drone-again" \(item 1\), field "themes\[1\]": unknown theme "astrology"/);
      expect(await ask(q)).toContain('Drone patrols along the green border');
      expect(await ask('/ask cyber patrol unit')).toMatch(/cyber patrol/i);
      // logged at warn with the problem lines, no stack trace
      expect(stderr).toContain('practice base change not loaded');
      expect(stderr).toContain('unknown theme \\"astrology\\"');
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      child.stdin.end();
    }
    expect(await exited).toBe(0);
    expect(n).toBeGreaterThan(4);
  }, 180_000);
});
