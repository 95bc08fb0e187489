// The `practice-bot` CLI. Its argument, output, --json and error cases run in this process through
// src/cli.ts's main(argv, io) (runMain: streams and an environment of their own, the exit code returned);
// then the real bin is started, as a user or a script would, for what only a process shows (its arguments,
// stdin, stdout, a closed pipe, stderr and exit code), once per part of the bin it loads on demand.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.ts';
import { spawnSync } from 'node:child_process';
import { cliArgs, cliEnv, runMain } from './helpers/cli-command.ts';
import { runCli } from './helpers/run-cli.ts';

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});
function tmp(): string {
  const t = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cli-'));
  temps.push(t);
  return t;
}
const tmpDb = () => path.join(tmp(), 'nested', 'bot.db');

/** A migrated database file, as a bot that ran once leaves it. */
function makeDb(): string {
  const file = path.join(tmp(), 'bot.db');
  openStore(file).close();
  return file;
}

/** What `ask --json` prints, checked against the contract (CONTRACT.md). */
function expectAskJson(out: Record<string, unknown>, query: string): void {
  expect(out.query).toBe(query);
  const results = out.results as { id: string; kind: string; score: number; source: { document: string; section: string; meeting: string }; sources: unknown[] }[];
  expect(results.length).toBeGreaterThan(0);
  const top = results[0]!;
  expect(Object.keys(top)).toEqual(expect.arrayContaining(['id', 'kind', 'title', 'text', 'themes', 'source', 'sources', 'score']));
  expect(Object.keys(top.source).sort()).toEqual(['document', 'meeting', 'section']);
  expect(top.score).toBeGreaterThan(0);
  expect(top.score).toBeLessThanOrEqual(1);
  const scores = results.map((x) => x.score);
  expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  expect(Array.isArray(out.suggestions)).toBe(true);
  expect(out).toHaveProperty('intent');
  expect(out).toHaveProperty('language');
  expect(Array.isArray(out.understood)).toBe(true);
}

describe('practice-bot ask (in-process)', () => {
  it('answers "encrypted data" as JSON citing the COLEP summary', async () => {
    const r = await runMain(['ask', '--json', 'encrypted data']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(r.stdout) as Record<string, unknown> & { results: { source: { document: string } }[] };
    expectAskJson(out, 'encrypted data');
    expect(out.results[0]!.source.document).toBe('001_f556e3455b226015.txt');
    expect(out.results.length).toBeLessThanOrEqual(5);
  });

  it('answers in text with the entry, its kind and its citation', async () => {
    const r = await runMain(['ask', 'encrypted data']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/encrypted data/i);
    expect(r.stdout).toMatch(/Challenge/);
    expect(r.stdout).toContain('3rd COLEP meeting');
  });

  it('filters by kind (an alias too) and by theme, and honours --limit', async () => {
    const r = await runMain(['ask', '--json', '--kind', 'good-practice', 'training for investigators']);
    const out = JSON.parse(r.stdout) as { results: { kind: string }[] };
    expect(out.results.length).toBeGreaterThan(0);
    for (const x of out.results) expect(x.kind).toBe('good-practice');
    const alias = JSON.parse((await runMain(['ask', '--json', '--kind', 'practices', 'training for investigators'])).stdout) as typeof out;
    expect(alias.results.map((x) => x.kind)).toEqual(out.results.map((x) => x.kind));
    const one = JSON.parse((await runMain(['ask', '--json', '--limit', '1', 'encrypted data'])).stdout) as { results: unknown[] };
    expect(one.results).toHaveLength(1);
    const themed = JSON.parse((await runMain(['ask', '--json', '--theme', 'encryption', 'data'])).stdout) as { results: { themes: string[] }[] };
    for (const x of themed.results) expect(x.themes).toContain('encryption');
  });

  it('refuses a bad --limit (negative too), an unknown kind or theme and an empty question, with the reason and exit 2', async () => {
    for (const args of [['--limit', '-1', 'x'], ['--limit', '0', 'x'], ['--limit=-3', 'x'], ['--limit', '101', 'x'], ['--limit', '2.5', 'x']]) {
      const r = await runMain(['ask', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe('--limit must be a whole number from 1 to 100\n');
      expect(r.stdout).toBe('');
    }
    const kind = await runMain(['ask', '--kind', 'gossip', 'x']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toBe('Unknown --kind "gossip". Kinds: challenge, good-practice, opportunity, next-step, conclusion, fact\n');
    const theme = await runMain(['ask', '--theme', 'astrology', 'x']);
    expect(theme.code).toBe(2);
    expect(theme.stderr).toMatch(/^Unknown --theme "astrology"\. Themes: .*encryption/);
    const empty = await runMain(['ask', '--json', ''], { input: 'encrypted data\n' });
    expect(empty.code).toBe(2);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toMatch(/question is empty/);
    const none = await runMain(['ask']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: practice-bot ask "<question>"/);
  });

  it('refuses an unknown option with the usage, exit 2', async () => {
    const r = await runMain(['ask', '--colour', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--colour'/);
    expect(r.stderr).toContain('Usage:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
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
    const r = await runMain(['ask', '--json'], { input: lines.join('\n') + '\n' });
    expect(r.code).toBe(0);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { query: string; results: unknown[]; suggestions: unknown[] });
    const expected = lines.filter((l) => l.trim() !== '');
    expect(out.map((o) => o.query)).toEqual(expected);
    for (const o of out) {
      expect(Array.isArray(o.results)).toBe(true);
      expect(Array.isArray(o.suggestions)).toBe(true);
    }
    expect(out[0]!.results.length).toBeGreaterThan(0);
  });

  it('batch mode stops quietly when its output is closed (EPIPE)', async () => {
    const r = await runMain(['ask', '--json'], { input: 'encrypted data\n'.repeat(200), closeStdoutAfter: 1 });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    // it stopped answering: at most the line in flight when the pipe closed was refused
    expect(r.refusedWrites).toBeLessThanOrEqual(1);
  });

  it('says when the base has nothing close, and offers themes instead', async () => {
    const r = await runMain(['ask', '--json', 'recipe for banana bread with walnuts']);
    const out = JSON.parse(r.stdout) as { results: unknown[]; suggestions: string[] };
    expect(out.results).toEqual([]);
    expect(out.suggestions.length).toBeGreaterThan(0);
    const text = await runMain(['ask', 'recipe for banana bread with walnuts']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^The practice base has nothing close to that\. Try: /);
  });

  it('answers small talk in text without searching', async () => {
    const r = await runMain(['ask', 'hello']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/nothing close/);
    expect(r.stdout.trim().length).toBeGreaterThan(0);
  });

  it('reads KNOWLEDGE_DIR: a broken knowledge folder is one readable line and exit 1, no stack trace', async () => {
    const kb = path.join(tmp(), 'knowledge');
    fs.cpSync(path.join(import.meta.dirname, '..', 'knowledge'), kb, { recursive: true });
    const lexicon = path.join(kb, 'lexicon', 'fr.yaml');
    fs.writeFileSync(lexicon, fs.readFileSync(lexicon, 'utf8').replace(/^terms:\n/m, 'terms:\n  no-such-concept: [rien]\n'));
    const r = await runMain(['ask', '--json', 'encrypted data'], { env: { KNOWLEDGE_DIR: kb, DATABASE_PATH: tmpDb() } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^practice-bot could not start: The lexicon in .* has 1 problem/);
    expect(r.stderr).toMatch(/fr\.yaml:\d+: language fr, concept "no-such-concept"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('practice-bot ask (a process of its own)', () => {
  it("reads the working folder's .env when there is one (the cache goes beside its DATABASE_PATH), else ./data", () => {
    const run = (cwd: string) =>
      spawnSync(process.execPath, cliArgs(['ask', '--json', 'encrypted data']), {
        cwd,
        env: cliEnv({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn' }),
        encoding: 'utf8',
      });
    const withEnv = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-dotenv-'));
    const without = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-dotenv-'));
    try {
      fs.writeFileSync(path.join(withEnv, '.env'), 'DATABASE_PATH=./elsewhere/bot.db\n');
      const a = run(withEnv);
      expect(a.status, a.stderr).toBe(0);
      expect(fs.existsSync(path.join(withEnv, 'elsewhere', 'cache', 'practice-base.json'))).toBe(true);
      expect(fs.existsSync(path.join(withEnv, 'data'))).toBe(false);
      const b = run(without);
      expect(b.status, b.stderr).toBe(0);
      expect(b.stdout).toBe(a.stdout);
      expect(fs.existsSync(path.join(without, 'data', 'cache', 'practice-base.json'))).toBe(true);
    } finally {
      fs.rmSync(withEnv, { recursive: true, force: true });
      fs.rmSync(without, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('practice-bot console (in-process)', () => {
  it('answers /help, /challenges, /practices training and /meetings', async () => {
    const r = await runMain(['console'], { input: '/help\n/challenges\n/practices training\n/meetings\n', env: { DATABASE_PATH: tmpDb() } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('/ask <question>');
    expect(r.stdout).toMatch(/Challenges: \d+ in the practice base/);
    expect(r.stdout).toMatch(/Good practices/i);
    expect(r.stdout).toContain('3rd COLEP meeting');
    // each entry says what kind it is, beside its citation
    expect(r.stdout).toMatch(/\n {2}Good practice · \([^)\n]*COLEP[^)\n]*\)/);
    expect(r.stdout).toMatch(/Sofia/);
  });

  it('suggests the closest command for a typo, and /as with a bad id gets its usage', async () => {
    const r = await runMain(['console'], { input: '/practises\n/as a b\n/challanges encryption\n/press cmd:challenges encryption\n', env: { DATABASE_PATH: tmpDb() } });
    expect(r.stdout).toContain('Did you mean /practices?');
    expect(r.stdout).toContain('Usage: /as <user id>');
    expect(r.stdout).not.toContain("don't know the command /as");
    // the suggested button can be pressed as the console shows it, topic included
    expect(r.stdout).toContain('(type: /press cmd:challenges encryption)');
    expect(r.stdout).toContain('== Challenges: encryption ==');
  });

  it('--as acts as that user (the secretariat may add a meeting, the default user may not); a bad --as is refused', async () => {
    const env = { DATABASE_PATH: tmpDb(), SECRETARIAT: 'console:sec', ALLOWED_CHATS: 'console:local' };
    const add = '/meeting add 2027-03-01 10:00 Europe/Sofia | 9th COLEP meeting | online\n';
    const sec = await runMain(['console', '--as', 'console:sec'], { input: add, env });
    expect(sec.code).toBe(0);
    expect(sec.stdout).toMatch(/Meeting added/);
    const member = await runMain(['console'], { input: add, env });
    expect(member.stdout).not.toMatch(/Meeting added/);
    expect(member.stdout).toMatch(/secretariat/i);
    const bad = await runMain(['console', '--as', 'nobody'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('--as takes a user id such as telegram:42 or slack:U123\n');
  });

  it('with no command and no token, starts the console', async () => {
    const r = await runMain([], { input: '/help\n', env: { DATABASE_PATH: tmpDb() } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('/ask <question>');
  });

  it('stops with a clear message on bad configuration, exit 2', async () => {
    for (const args of [['console'], []]) {
      const r = await runMain(args, { env: { REMINDER_OFFSETS: 'soon', DATABASE_PATH: tmpDb() } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('REMINDER_OFFSETS');
      expect(r.stderr).toContain('See .env.example for every variable.');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
  });

  it('gives a clear start-up error when the database folder cannot be created, exit 1', async () => {
    const file = path.join(tmp(), 'a-file');
    fs.writeFileSync(file, 'not a folder');
    const r = await runMain(['console'], { input: '/help\n', env: { DATABASE_PATH: path.join(file, 'bot.db') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^practice-bot could not start: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('practice-bot usage (in-process)', () => {
  it('--help, -h and help print the usage with every command, exit 0', async () => {
    for (const arg of ['--help', '-h', 'help']) {
      const r = await runMain([arg]);
      expect(r.code, arg).toBe(0);
      for (const cmd of ['console [--as <id>]', 'ask "<question>"', 'check [--dir <folder>]', 'ingest <file> --meeting <id>', 'status', 'backup <file>', 'restore <file>', 'export ']) {
        expect(r.stdout, cmd).toContain(`practice-bot ${cmd}`);
      }
      expect(r.stdout).toContain('Kinds: challenge, good-practice');
    }
  });

  it('an unknown command gets its name and the usage on stderr, exit 2', async () => {
    const r = await runMain(['chat']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Unknown command "chat"\.\n\npractice-bot: a chat assistant/);
  });

  it('check and ingest print their own usage with --help', async () => {
    const check = await runMain(['check', '--help']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/practice-bot check/);
    const ingest = await runMain(['ingest', '--help']);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toMatch(/practice-bot ingest/);
  });
});

// ---- the real bin: what only a process shows (argv, stdin, stdout, a closed pipe, the exit code, the env) ----
// One start per module graph the bin loads lazily, so each is shown to load from the build (cliEnv: dist/
// when fresh): `ask`, the console (npm start), src/ingest/commands.ts (ingest and check, whose outputs are
// checked in process here and in test/ingest.test.ts) and src/ops/cli.ts (backup here; status, restore and
// export in process below and in test/ops-*.test.ts).
describe('the practice-bot bin, one real process per module graph', () => {
  let db = '';
  beforeAll(() => {
    db = makeDb();
  });

  // the ask starts share one data folder: the first fills the snapshot cache, the next read it
  const askEnv = { DATABASE_PATH: path.join(tmp(), 'data', 'bot.db') };
  it('ask --json reads questions from stdin, prints the contract JSON, and ends quietly when the reader stops early (| head -c 20000)', async () => {
    const r = await runCli(['ask', '--json'], { input: 'encrypted data\n'.repeat(3000), closeStdoutAfter: 20_000, env: askEnv });
    // not a word on stderr: no EPIPE, no stack trace, no warning about writes piling up on the closed pipe
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectAskJson(JSON.parse(r.stdout.split('\n')[0]!) as Record<string, unknown>, 'encrypted data');
  });

  it('ask reads a question the same as one argument and in a batch (the language detector is on in both)', async () => {
    // the lexicons alone cannot settle this one's language: the statistical detector decides
    const q = 'buongiorno, come gestite i dati cifrati della polizia?';
    const single = await runCli(['ask', '--json', q], { env: askEnv });
    const batch = await runCli(['ask', '--json'], { input: `${q}\n`, env: askEnv });
    expect(single.code).toBe(0);
    const one = JSON.parse(single.stdout) as { language: string };
    expect(one.language).toBe('it');
    expect(JSON.parse(batch.stdout.trim()) as unknown).toEqual(one);
  });

  it('with no command and no token, the console starts (npm start): it answers lines piped to it and stops at the end of its input', async () => {
    const r = await runCli([], { input: '/help\n/challenges\n', env: { DATABASE_PATH: path.join(tmp(), 'data', 'bot.db') } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('/ask <question>');
    expect(r.stdout).toMatch(/Challenges: \d+ in the practice base/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('ingest drafts entries from a meeting document into --out', async () => {
    const dir = tmp();
    const doc = path.join(dir, 'colep-9.md');
    fs.writeFileSync(doc, '# 9th COLEP meeting\n\n## Challenges\n\n- Officers find it hard to read the encrypted phones of smuggling networks.\n');
    const out = path.join(dir, 'draft.yaml');
    const r = await runCli(['ingest', doc, '--meeting', 'colep-9', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toContain('encrypted phones');
  });

  it('backup copies the database named by DATABASE_PATH and says what it holds', async () => {
    const file = path.join(tmp(), 'copy.db');
    const r = await runCli(['backup', file], { env: { DATABASE_PATH: db } });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    expect(r.stdout).toMatch(/schema version/i);
  });
});

describe('check and the operator commands (in-process)', () => {
  let db = '';
  let backup = '';
  beforeAll(async () => {
    db = makeDb();
    backup = path.join(tmp(), 'made-in-process.db');
    const r = await runMain(['backup', backup], { env: { DATABASE_PATH: db } });
    expect(r.code, r.stderr).toBe(0);
  });

  it('check validates the knowledge folder, exit 0', async () => {
    const r = await runMain(['check']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/knowledge\/?: \d+ entries, \d+ documents, \d+ meetings, \d+ themes; 0 errors/);
  });

  it('status reads the database', async () => {
    const r = await runMain(['status', '--json'], { env: { DATABASE_PATH: db } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('schemaVersion');
  });

  it('restore puts a backup in place', async () => {
    const target = path.join(tmp(), 'restored.db');
    const r = await runMain(['restore', backup], { env: { DATABASE_PATH: target } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Restored .*restored\.db from .*made-in-process\.db \(schema version \d+\)\.\nThere was no database to replace\.\n$/);
    expect(fs.existsSync(target)).toBe(true);
  });

  it('export writes CSV to stdout', async () => {
    const r = await runMain(['export', 'meetings'], { env: { DATABASE_PATH: db } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^id,/);
    expect(r.stdout).toContain('\r\n');
  });
});
