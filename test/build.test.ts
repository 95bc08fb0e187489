// The compiled build (issue 16): `npm install` runs `prepare` (tsc -p tsconfig.build.json into dist/, then
// bin/build-bundle.js bundles dist/src/cli.js into dist/bundle/), and the `practice-bot` bin runs the bundle
// with no TypeScript at run time. Other tests spawn the bin on the current code
// (test/helpers/cli-command.ts: dist/ when it is fresh, else the sources); the one test here runs the compiled bin, as `npx practice-bot` does
// after `npm install` (or `npm ci` in .ci/run), and checks what it loads: no tsx, no platform SDK for `ask`
// or the console, and on a second run (snapshot cache warm) no YAML parser or zod either.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modulesOf } from './helpers/bundle-modules.ts';
import { ROOT } from './helpers/cli-command.ts';
import { runCli } from './helpers/run-cli.ts';

/** Prints every file module the child resolves, on stderr, one `LOAD <url>` line each; at exit, the
 *  CommonJS modules it required too (createRequire: no ESM resolve hook sees them). */
const LIST_MODULES = `data:text/javascript,${encodeURIComponent(
  "import { register, createRequire } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(" +
    "'export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.startsWith(\"file:\")) process.stderr.write(\"LOAD \" + r.url + \"\\\\n\"); return r; }'));" +
    "process.on('exit', () => { for (const f of Object.keys(createRequire(process.cwd() + '/').cache)) process.stderr.write('LOAD file://' + f + '\\n'); });",
)}`;

/** The compiled bin (PRACTICE_BOT_FROM_SOURCE off), run in `cwd` with its database there, listing what it loads. */
async function runCompiled(args: string[], cwd: string, input = ''): Promise<{ code: number | null; stdout: string; stderr: string; loaded: string[] }> {
  const r = await runCli(args, { nodeArgs: ['--import', LIST_MODULES], cwd, input, env: { PRACTICE_BOT_FROM_SOURCE: '0', DATABASE_PATH: path.join(cwd, 'data', 'bot.db') } });
  const lines = r.stderr.split('\n');
  const loaded = lines.filter((l) => l.startsWith('LOAD ')).map((l) => l.slice(5).replace(`file://${ROOT}/`, ''));
  return { code: r.code, stdout: r.stdout, stderr: lines.filter((l) => !l.startsWith('LOAD ') && l !== '').join('\n'), loaded };
}

const PLATFORM = /node_modules\/(grammy|@grammyjs|@slack|undici|ws|axios)\//;

describe('the compiled build', () => {
  it('npm install builds dist/ (prepare) and the bin runs it; tsx is a development tool only', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.bin['practice-bot']).toBe('bin/practice-bot.js');
    expect(pkg.scripts.prepare).toBe('tsc -p tsconfig.build.json && node bin/build-bundle.js');
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(pkg.devDependencies.tsx).toBeDefined();
    expect(fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('dist/');
  });

  it('the compiled bin answers ask --json like the sources, loading no tsx and no platform SDK; the console neither', async () => {
    expect(fs.existsSync(path.join(ROOT, 'dist/src/cli.js')), 'dist/ is not built: run npm install (or npm run build)').toBe(true);
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-build-'));
    try {
      const cold = await runCompiled(['ask', '--json', 'encrypted data'], cwd);
      // a dist/ older than the sources says so on stderr: rebuild (npm run build) before trusting this test
      expect(cold.stderr).toBe('');
      expect(cold.code).toBe(0);
      const answer = JSON.parse(cold.stdout) as { query: string; results: { id: string }[] };
      expect(answer.results.length).toBeGreaterThan(0);
      expect(cold.loaded.filter((u) => u.startsWith('src/') || /node_modules\/(tsx|esbuild)\//.test(u))).toEqual([]);
      expect(cold.loaded.filter((u) => PLATFORM.test(u))).toEqual([]);
      // the bundle runs (dist/bundle/, made by the same build), none of tsc's separate modules
      expect(cold.loaded).toContain('dist/bundle/cli.js');
      expect(cold.loaded.filter((u) => u.startsWith('dist/src/'))).toEqual([]);
      // (no stems.json: an English question that is no small talk needs no Snowball stem, see below)
      expect(fs.readdirSync(path.join(cwd, 'data', 'cache')).sort()).toEqual(['base-words.json', 'field-terms.json', 'lexicon.json', 'porter-stems.json', 'practice-base.json']);

      // the second start reads the snapshots (none is written again), and so imports no YAML parser, no zod
      // (the configuration, the base's and the lexicon's validation), no database and no platform SDK
      const stamps = () => fs.readdirSync(path.join(cwd, 'data', 'cache')).sort().map((f) => `${f}:${fs.statSync(path.join(cwd, 'data', 'cache', f)).mtimeMs}`);
      const before = stamps();
      const warm = await runCompiled(['ask', '--json', 'encrypted data'], cwd);
      expect(warm.stdout).toBe(cold.stdout);
      expect(stamps()).toEqual(before);
      expect(warm.loaded.filter((u) => /node_modules\/(yaml|zod|better-sqlite3|pino|tsx|esbuild)\//.test(u) || PLATFORM.test(u))).toEqual([]);
      expect(modulesOf(warm.loaded).filter((u) => /^dist\/src\/(app|config|store\/|community\/|knowledge\/load|knowledge\/schema)/.test(u))).toEqual([]);
      // an English question with a word that is surely no chat term ("encrypted") is no small talk without the
      // English phrase matcher: the lexicon's English words are not keyed, and the Snowball package (every
      // language's stemmer, one large CommonJS file) is not loaded at all, cold or warm (the stems a matcher
      // needs are kept in the cache's stems.json: test/cache-stems.test.ts)
      expect(cold.loaded.filter((u) => u.includes('node_modules/snowball-stemmers/'))).toEqual([]);
      expect(warm.loaded.filter((u) => u.includes('node_modules/snowball-stemmers/'))).toEqual([]);

      // the same answer as the sources give
      const source = await runCli(['ask', '--json', 'encrypted data'], { env: { PRACTICE_BOT_FROM_SOURCE: '1' } });
      expect(source.stdout).toBe(cold.stdout);

      const chat = await runCompiled(['console'], cwd, '/help\n');
      expect(chat.code).toBe(0);
      expect(chat.stdout).toMatch(/\/challenges/);
      expect(chat.loaded.filter((u) => PLATFORM.test(u) || /node_modules\/(tsx|esbuild)\//.test(u))).toEqual([]);
      // a restart with the same knowledge and seeds reads their snapshots: no YAML parser is imported
      const again = await runCompiled(['console'], cwd, '/help\n');
      expect(again.stdout).toBe(chat.stdout);
      expect(again.loaded.filter((u) => /node_modules\/yaml\//.test(u))).toEqual([]);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
    // five starts of the bin (one through tsx): generous on a loaded machine
  }, 120_000);
});
