// Live reload end to end (issue 13): the bot in console mode (src/cli.ts main, in this process) on a
// temporary KNOWLEDGE_DIR with its stdin kept open. A question, then an entry file added to the folder is
// answered without a restart; then a broken file: the old answers keep working and the secretariat
// (who spoke in the console chat) is told there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defaultKnowledgeDir } from '../src/knowledge/load.ts';
import { startMain } from './helpers/cli-command.ts';

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
    // The console in this process (src/cli.ts main) reading a stdin kept open. LOG_LEVEL=debug shows the
    // reload's own info line ("practice base reloaded"): the test waits for it rather than asking again
    // and again until the answer changes.
    const stdin = new PassThrough();
    const bot = startMain(['console', '--as', 'console:sec'], { LOG_LEVEL: 'debug', KNOWLEDGE_DIR: kb, DATABASE_PATH: path.join(tmp, 'bot.db'), SECRETARIAT: 'console:sec', ALLOWED_CHATS: 'console:local' }, stdin);
    const reloads = () => bot.out().split('"msg":"practice base reloaded"').length - 1;
    const reloaded = (n: number) => bot.waitForOutput(new RegExp(`(?:"msg":"practice base reloaded"[\\s\\S]*){${n}}`), 'the reload');
    /** Sends a line and returns what the bot wrote for it (an `/as` line after it marks the end). */
    const ask = async (line: string): Promise<string> => {
      const mark = `(now acting as console:sec)`;
      const from = bot.out().length;
      const marks = bot.out().split(mark).length - 1;
      stdin.write(`${line}\n/as console:sec\n`);
      await bot.waitForOutput(new RegExp(`(?:\\(now acting as console:sec\\)[\\s\\S]*?){${marks + 1}}`), `the reply to ${line}`);
      const after = bot.out().slice(from);
      return after.slice(0, after.indexOf(mark));
    };

    try {
      // a question the base cannot answer with the new entry yet
      const q = '/ask drones with thermal cameras at the green border';
      expect(await ask(q)).not.toContain('Drone patrols along the green border');
      const before = await ask('/ask cyber patrol unit');
      expect(before).toMatch(/cyber patrol/i);

      // add an entry file: answered without a restart, once the watcher has reloaded the base
      const done = reloads();
      fs.writeFileSync(path.join(kb, 'entries', '009-drones.yaml'), ENTRY);
      await reloaded(done + 1);
      expect(await ask(q)).toContain('Drone patrols along the green border');

      // a broken file: told in the console chat, and the old answers still come
      fs.writeFileSync(path.join(kb, 'entries', '010-broken.yaml'), ENTRY.replace('colep3-gp-drone-patrols', 'colep3-gp-drone-again').replace('equipment', 'astrology'));
      await bot.waitForOutput(/\[to console:local\]\n\[warning\] The practice base change was not loaded: 1 problem/, 'the secretariat notice');
      expect(bot.out()).toMatch(/010-broken\.yaml:\d+: error: entry "colep3-gp-drone-again" \(item 1\), field "themes\[1\]": unknown theme "astrology"/);
      expect(await ask(q)).toContain('Drone patrols along the green border');
      expect(await ask('/ask cyber patrol unit')).toMatch(/cyber patrol/i);
      // logged at warn with the problem lines, no stack trace
      expect(bot.out()).toMatch(/"level":40[^\n]*unknown theme \\"astrology\\"[^\n]*"msg":"practice base change not loaded/);
      expect(bot.out()).not.toMatch(/\n\s+at /);
    } finally {
      stdin.end();
    }
    expect(await bot.exited).toBe(0);
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 180_000);
});
