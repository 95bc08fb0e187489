// What the bot keeps in memory, told by behaviour (sizes are measured in bench/memory-probe.ts):
// the language detector's n-grams are held in a compact table (src/engine/interpret/eld-compact.ts)
// that must give exactly the scores the eld package gives, and are read only when a question needs
// the detector, never for a clearly English one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eldFiles, eldScores, loadEldData, parseEldNgrams } from '../src/engine/interpret/eld-compact.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every question of the fixtures, in all the members' languages. */
function fixtureQuestions(): string[] {
  const out: string[] = [];
  const dir = `${ROOT}test/fixtures`;
  for (const f of fs.readdirSync(dir)) {
    const items = parse(fs.readFileSync(`${dir}/${f}`, 'utf8')) as { q?: unknown }[] | null;
    for (const it of items ?? []) if (typeof it.q === 'string') out.push(it.q);
  }
  return out;
}

describe('the compact language detector data', () => {
  const data = loadEldData();

  it('holds every n-gram of eld/small with the same language scores', async () => {
    const { ngramsData } = (await import(eldFiles().ngrams)) as { ngramsData: { languages: Record<string, string>; ngrams: Record<string, Record<string, number>> } };
    expect(data.languages).toEqual(Object.values(ngramsData.languages));
    const keys = Object.keys(ngramsData.ngrams);
    expect(data.keyAt.length - 1).toBe(keys.length);
    const seen: Record<string, Record<string, number>> = {};
    for (let n = 0; n + 1 < data.keyAt.length; n++) {
      const key = data.keys.slice(data.keyAt[n], data.keyAt[n + 1]);
      const pairs: Record<string, number> = {};
      for (let p = data.pairAt[n]!; p < data.pairAt[n + 1]!; p++) pairs[data.pairLang[p]!] = data.pairScore[p]!;
      seen[key] = pairs;
    }
    expect(seen).toEqual(ngramsData.ngrams);
  });

  it('scores every text as eld does: the fixtures in 15 languages, mixed scripts, emoji, long and odd texts', async () => {
    const { eld } = await import('eld/small');
    const texts = [
      ...fixtureQuestions(),
      '',
      '   ',
      '12345 678',
      'encrypted data',
      "don't we share what's known about l'État?",
      'Как другие страны справляются с зашифрованными данными? 🔐 Telegram',
      'مرحبا how are you ça va',
      '𝒽𝑒𝓁𝓁𝑜 𠜎𠜱 world',
      'ab',
      'a b c d e f',
      'Supercalifragilisticexpialidociousandmuchmorethanseventylettersinasinglewordwithoutanyspacesatallreally',
      'la '.repeat(400),
      'Здравствуйте '.repeat(60),
      'x@y.com http://example.com 2024',
    ];
    for (const t of texts) expect(eldScores(data, t), t).toEqual(Object.entries(eld.detect(t).getScores()));
  });

  it('refuses a data file it does not understand, rather than guessing', () => {
    expect(() => parseEldNgrams("export const ngramsData = {type:'S60',languages:{0:'am'},ngrams:{'ab':{0:x}}}")).toThrow(/eld data not understood/);
    expect(() => parseEldNgrams('export const ngramsData = {}')).toThrow(/eld data not understood/);
  });
});

describe('the detector is read only when a question needs it', () => {
  /** Runs a few questions in a fresh process (the detector's data is per process) and reports what happened. */
  function run(questions: string[], preload: boolean): { loadedBefore: boolean; after: { q: string; language: string; loaded: boolean; steps: string[] }[] } {
    const code = `
      import { createInterpreter, loadLexicon } from './src/engine/interpret/index.ts';
      import { eldLoaded, preloadEld } from './src/engine/interpret/detect.ts';
      import { defaultKnowledgeDir, loadPracticeBase } from './src/knowledge/load.ts';
      const dir = defaultKnowledgeDir();
      const base = loadPracticeBase(dir);
      const vocabulary = base.entries.flatMap((e) => [e.title, e.text, ...e.keywords]);
      let steps = [];
      const interp = createInterpreter(loadLexicon(dir), { vocabulary, trace: (s) => steps.push(s) });
      if (${preload}) await preloadEld();
      const loadedBefore = eldLoaded();
      const after = [];
      for (const q of ${JSON.stringify(questions)}) {
        steps = [];
        const r = interp.interpret(q);
        after.push({ q, language: r.language, loaded: eldLoaded(), steps });
      }
      process.stdout.write(JSON.stringify({ loadedBefore, after }));
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as ReturnType<typeof run>;
  }

  it('clear English questions never read it; the first question the lexicons cannot settle does, and its language is found', () => {
    // "ciao" is Italian, a language the lexicon does not have: only the detector can name it
    const { loadedBefore, after } = run(['encrypted data', 'how do others handle encrypted data?', 'thanks!', 'buongiorno, come gestite i dati cifrati della polizia?'], true);
    expect(loadedBefore).toBe(false);
    expect(after.slice(0, 3).map((a) => [a.language, a.loaded])).toEqual([
      ['en', false],
      ['en', false],
      ['en', false],
    ]);
    const italian = after[3]!;
    expect(italian.steps).toContain('detector');
    expect(italian.loaded).toBe(true);
    expect(italian.language).toBe('it');
  });

});

describe("the Bot API HTTP client's share of undici", () => {
  it('answers a Bot API call without loading the parts of undici a bot never uses (fetch, WebSocket, the index)', () => {
    const code = `
      import http from 'node:http';
      import { createRequire } from 'node:module';
      import { createBotApiHttpClient } from './adapters/telegram/http-client.ts';
      const server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ ok: true, result: { method: req.method, url: req.url, got: JSON.parse(body) } })); });
      });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const client = createBotApiHttpClient();
      const res = await client.fetch('http://127.0.0.1:' + server.address().port + '/bot123:abc/sendMessage?x=1', { method: 'POST', headers: { 'content-type': 'application/json', connection: 'keep-alive' }, body: JSON.stringify({ chat_id: 1, text: 'hi' }) });
      const json = await res.json();
      await client.close();
      server.close();
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('/node_modules/undici/')).map((f) => f.slice(f.indexOf('/node_modules/undici/') + 21));
      process.stdout.write(JSON.stringify({ ok: res.ok, status: res.status, json, loaded }));
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { ok: boolean; status: number; json: unknown; loaded: string[] };
    expect(out.ok).toBe(true);
    expect(out.status).toBe(200);
    expect(out.json).toEqual({ ok: true, result: { method: 'POST', url: '/bot123:abc/sendMessage?x=1', got: { chat_id: 1, text: 'hi' } } });
    expect(out.loaded).toContain('lib/dispatcher/agent.js');
    expect(out.loaded).not.toContain('index.js');
    expect(out.loaded.filter((f) => f.startsWith('lib/web/'))).toEqual([]);
  });
});
