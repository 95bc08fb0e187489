// The `practice-bot` bin, run as a user or a script would: a real child process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.ts';

const tmpDb = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cli-')), 'nested', 'bot.db');

describe('practice-bot ask', () => {
  it('answers "encrypted data" as JSON citing the COLEP summary', async () => {
    const r = await runCli(['ask', '--json', 'encrypted data']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.query).toBe('encrypted data');
    expect(out.results.length).toBeGreaterThan(0);
    const top = out.results[0];
    expect(Object.keys(top)).toEqual(expect.arrayContaining(['id', 'kind', 'title', 'text', 'themes', 'source', 'score']));
    expect(top.source.document).toBe('001_f556e3455b226015.txt');
    expect(top.score).toBeGreaterThan(0);
    expect(top.score).toBeLessThanOrEqual(1);
    const scores = out.results.map((x: { score: number }) => x.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(Array.isArray(out.suggestions)).toBe(true);
  });

  it('filters by kind', async () => {
    const r = await runCli(['ask', '--json', '--kind', 'good-practice', 'training for investigators']);
    const out = JSON.parse(r.stdout);
    expect(out.results.length).toBeGreaterThan(0);
    for (const x of out.results) expect(x.kind).toBe('good-practice');
  });

  it('batch mode ends quietly when the reader stops early (| head -1)', async () => {
    const r = await runCli(['ask', '--json'], { input: 'encrypted data\n'.repeat(3000), closeStdoutAfter: 1, env: { DATABASE_PATH: tmpDb() } });
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.ts:\d+/);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('{"query":"encrypted data"')).toBe(true);
  });

  it('refuses a bad --limit (negative too) and an empty question, with the reason', async () => {
    for (const args of [['--limit', '-1', 'x'], ['--limit', '0', 'x'], ['--limit=-3', 'x']]) {
      const r = await runCli(['ask', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe('--limit must be a whole number from 1 to 100\n');
    }
    const empty = await runCli(['ask', '--json', ''], { input: 'encrypted data\n' });
    expect(empty.code).toBe(2);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toMatch(/question is empty/);
  });

  it('refuses an unknown kind with the list of kinds', async () => {
    const r = await runCli(['ask', '--kind', 'gossip', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('good-practice');
  });

  it('batch mode: one valid JSON line per non-blank input line, in order, whatever it holds', async () => {
    const lines = [
      'how do others get platforms to take down smuggler ads?',
      '',
      'x'.repeat(10_000),
      '<b>bold</b> & <script>alert(1)</script>',
      'ما هي الممارسات الجيدة',
      '🚤🚤🚤 smugglers',
      '   ',
      'Как бороться с контрабандой',
      '"quoted" \\ backslash',
    ];
    const r = await runCli(['ask', '--json'], { input: lines.join('\n') + '\n' });
    expect(r.code).toBe(0);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const expected = lines.filter((l) => l.trim() !== '');
    expect(out.map((o) => o.query)).toEqual(expected);
    for (const o of out) {
      expect(Array.isArray(o.results)).toBe(true);
      expect(Array.isArray(o.suggestions)).toBe(true);
    }
    expect(out[0].results.length).toBeGreaterThan(0);
  });

  it('says when the base has nothing close, and offers themes instead', async () => {
    const r = await runCli(['ask', '--json', 'recipe for banana bread with walnuts']);
    const out = JSON.parse(r.stdout);
    expect(out.results).toEqual([]);
    expect(out.suggestions.length).toBeGreaterThan(0);
  });
});

describe('practice-bot console', () => {
  it('answers /help, /challenges, /practices training and /meetings through a pipe', async () => {
    const r = await runCli(['console'], {
      input: '/help\n/challenges\n/practices training\n/meetings\n',
      env: { DATABASE_PATH: tmpDb() },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('/ask <question>');
    expect(r.stdout).toMatch(/Challenges: \d+ in the practice base/);
    expect(r.stdout).toMatch(/Good practices/i);
    expect(r.stdout).toContain('3rd COLEP meeting');
    // each entry says what kind it is, beside its citation
    expect(r.stdout).toMatch(/\n  Good practice · \([^)\n]*COLEP[^)\n]*\)/);
    expect(r.stdout).toMatch(/Sofia/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('suggests the closest command for a typo, and /as with a bad id gets its usage', async () => {
    const r = await runCli(['console'], { input: '/practises\n/as a b\n/challanges encryption\n/press cmd:challenges encryption\n', env: { DATABASE_PATH: tmpDb() } });
    expect(r.stdout).toContain('Did you mean /practices?');
    expect(r.stdout).toContain('Usage: /as <user id>');
    expect(r.stdout).not.toContain("don't know the command /as");
    // the suggested button can be pressed as the console shows it, topic included
    expect(r.stdout).toContain('(type: /press cmd:challenges encryption)');
    expect(r.stdout).toContain('== Challenges: encryption ==');
  });

  it('stops with a clear message on bad configuration', async () => {
    const r = await runCli(['console'], { input: '', env: { REMINDER_OFFSETS: 'soon' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('REMINDER_OFFSETS');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('gives a clear start-up error when the database folder cannot be created', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cli-'));
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'not a folder');
    const r = await runCli(['console'], { input: '/help\n', env: { DATABASE_PATH: path.join(file, 'bot.db') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('could not start');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
