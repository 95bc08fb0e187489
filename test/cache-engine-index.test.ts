// The engine's Porter stems kept between runs (src/cache/porter-stems.ts, issue 16): a warm `ask` reads the
// stems of the last run instead of computing them, and answers exactly as a run without any cache does; a
// corrupt or stale snapshot is ignored and rewritten; new words (a changed knowledge folder, a new question)
// are added; a cache folder that cannot be written still answers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheKey, writeSnapshot } from '../src/cache/cached-load.ts';
import { baseWordsCached, interpretWith, loadLexiconCachedAsync } from '../src/cache/lexicon.ts';
import { STEM_CODE, porterStemsBody, porterStemsKey, usePorterStems } from '../src/cache/porter-stems.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { stem } from '../src/engine/stem.ts';
import { runMain } from './helpers/cli-command.ts';
import { runCli } from './helpers/run-cli.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) {
    fs.chmodSync(d, 0o755);
    fs.rmSync(d, { recursive: true, force: true });
  }
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-stems-'));
  dirs.push(d);
  return d;
};

/** The word-stem pairs a porter-stems.json holds (its body: the words and their stems, one a line). */
const pairsIn = (text: string): [string, string][] => {
  const body = JSON.parse(text.slice(text.indexOf('\n') + 1)) as { words: string; stems: string };
  const stems = body.stems.split('\n');
  return body.words.split('\n').map((w, i) => [w, stems[i]!]);
};

const QUESTIONS = [
  'encrypted data',
  'How do other countries cope with the volume of encrypted chats from seized phones?',
  'Comment les autres pays gèrent-ils le volume énorme de données chiffrées ?',
  'smugglers advertising fake jobs on social media',
  'hello',
].join('\n');

describe('porter-stems snapshot', () => {
  it('a warm start reads the stems of the last run and answers as a run without cache', async () => {
    const root = tmp();
    const db = path.join(root, 'data', 'bot.db');
    const file = path.join(root, 'data', 'cache', 'porter-stems.json');
    // the answers without any snapshot, in this process (stems are a pure function of the word: a memo
    // another test filled changes nothing here)
    const uncached = await runMain(['ask', '--json'], { input: QUESTIONS, env: { DATABASE_PATH: ':memory:' } });
    expect(uncached.code).toBe(0);
    expect(uncached.stdout.trim().split('\n')).toHaveLength(5);

    const cold = await runCli(['ask', '--json'], { input: QUESTIONS, env: { DATABASE_PATH: db } });
    expect(cold.stdout).toBe(uncached.stdout);
    const written = fs.readFileSync(file, 'utf8');
    const writtenAt = fs.statSync(file).mtimeMs;
    // (the child may run dist/'s stem.js, whose snapshot key differs from this process's stem.ts: read the body)
    const pairs = pairsIn(written);
    expect(pairs.length).toBeGreaterThan(100);
    expect(pairs).toContainEqual(['encrypted', stem('encrypted')]);

    const warm = await runCli(['ask', '--json'], { input: QUESTIONS, env: { DATABASE_PATH: db } });
    expect(warm.stdout).toBe(uncached.stdout);
    // nothing new was stemmed: the snapshot was used as it is and not rewritten
    expect(fs.readFileSync(file, 'utf8')).toBe(written);
    expect(fs.statSync(file).mtimeMs).toBe(writtenAt);
  });

  it("stem() answers from the snapshot's stems once they are read", () => {
    const cache = path.join(tmp(), 'cache');
    const key = porterStemsKey();
    expect(key).toBeDefined();
    // a word no run has stemmed, with a stem the algorithm would not give: only the snapshot can say it
    writeSnapshot(cache, path.join(cache, 'porter-stems.json'), key!, porterStemsBody([['zzqqxyzzyings', 'from-the-snapshot'], ['zzqqxyzzyed', 'second']]));
    expect(usePorterStems(cache)).toMatchObject({ outcome: 'hit', loaded: 2 });
    expect(stem('zzqqxyzzyings')).toBe('from-the-snapshot');
    expect(stem('zzqqxyzzyed')).toBe('second');
    // the list of pairs of an earlier layout, under the key of stem.ts alone: stale, not read
    writeSnapshot(cache, path.join(cache, 'porter-stems.json'), cacheKey({ name: 'porter-stems', files: [], root: '/', code: STEM_CODE })!, [['zzqqxyzzyest', 'old']]);
    expect(usePorterStems(cache)).toMatchObject({ outcome: 'built', reason: 'inputs changed', loaded: 0 });
    // a snapshot of the right key and checksum but not two lists of the same length is ignored too
    for (const bad of [{ not: 'pairs' }, [['word', 'stem']], { words: 'one\ntwo', stems: 'one' }, { words: 'one', stems: 1 }, 'word']) {
      writeSnapshot(cache, path.join(cache, 'porter-stems.json'), key!, bad);
      expect(usePorterStems(cache)).toMatchObject({ outcome: 'built', reason: 'snapshot corrupt', loaded: 0 });
    }
  });

  it('ignores a corrupt or stale snapshot, answers the same, and writes a good one', async () => {
    const root = tmp();
    const db = path.join(root, 'data', 'bot.db');
    const cache = path.join(root, 'data', 'cache');
    const file = path.join(cache, 'porter-stems.json');
    const first = await runMain(['ask', '--json', 'encrypted data from seized phones'], { env: { DATABASE_PATH: db } });
    expect(first.code).toBe(0);
    const good = fs.readFileSync(file, 'utf8');
    const [header, body] = [good.slice(0, good.indexOf('\n')), good.slice(good.indexOf('\n') + 1)];
    const stale = `${header.replace(/"key":"[0-9a-f]+"/, `"key":"${'0'.repeat(64)}"`)}\n${body}`;
    const wrongStem = `${header}\n${body.replace('\\n', 'X\\n')}`; // one word changed: its checksum no longer matches
    for (const bad of [good.slice(0, good.length - 5), '', 'not json', wrongStem, stale, `${header}\n{"not":"pairs"}`]) {
      fs.writeFileSync(file, bad);
      const look = usePorterStems(cache);
      expect(look.outcome).toBe('built');
      expect(look.loaded).toBe(0);
      const again = await runMain(['ask', '--json', 'encrypted data from seized phones'], { env: { DATABASE_PATH: db } });
      expect(again.stdout).toBe(first.stdout);
      expect(usePorterStems(cache).outcome).toBe('hit');
    }
  });

  it('adds the stems of new words (a changed knowledge folder, a new question) to the snapshot', () => {
    const cache = path.join(tmp(), 'cache');
    const first = usePorterStems(cache);
    expect(first.outcome).toBe('built');
    stem('interoperabilities');
    expect(first.save()).toBe(true);
    const second = usePorterStems(cache);
    expect(second.outcome).toBe('hit');
    expect(second.save()).toBe(false); // nothing new: not rewritten
    stem('decentralisationally');
    expect(second.save()).toBe(true);
    const words = pairsIn(fs.readFileSync(path.join(cache, 'porter-stems.json'), 'utf8')).map(([w]) => w);
    expect(words).toContain('interoperabilities');
    expect(words).toContain('decentralisationally');
  });

  it('a cache folder that cannot be written still answers, and no snapshot is kept', async () => {
    const root = tmp();
    const db = path.join(root, 'data', 'bot.db');
    const cache = path.join(root, 'data', 'cache');
    fs.mkdirSync(path.join(cache, 'porter-stems.json'), { recursive: true }); // a folder where the snapshot goes
    fs.chmodSync(cache, 0o555);
    const r = await runMain(['ask', '--json', 'encrypted data'], { env: { DATABASE_PATH: db } });
    const plain = await runMain(['ask', '--json', 'encrypted data'], { env: { DATABASE_PATH: ':memory:' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(plain.stdout);
    expect(fs.statSync(path.join(cache, 'porter-stems.json')).isDirectory()).toBe(true);
    expect(usePorterStems(cache).save()).toBe(false);
  });
});

describe('base-words snapshot (the interpreter\'s vocabulary)', () => {
  const MESSAGES = [
    'encrypted data',
    'hello',
    'Telegram channels selling trips to Europe',
    'Comment les autres pays gèrent-ils le volume énorme de données chiffrées ?',
    'как другие страны справляются с зашифрованными данными',
    'OSINT tools for cyber patrols',
    'what about prosecutors and smugglers on WhatsApp',
    'merci',
    // read differently without the base's words (they count as English, or are kept as typed)
    "Quelqu'un a déjà mis en place une unité permanente de cyberpatrouille ?",
    'INTERPOL firearms program',
    'Bonjour à tous / hello all, Commandant Lefèvre, OCRIEST Paris. When and where is the next COLEP meeting?',
  ];

  it('reads the same interpretations from the snapshot as from the texts; a changed knowledge file or a corrupt snapshot rebuilds it', async () => {
    const root = tmp();
    const knowledge = path.join(root, 'knowledge');
    fs.cpSync(defaultKnowledgeDir(), knowledge, { recursive: true });
    const cache = path.join(root, 'cache');
    const base = loadPracticeBase(knowledge);
    const lexicon = (await loadLexiconCachedAsync(knowledge, cache)).value;
    const plain = interpretWith(lexicon, base);
    const expected = MESSAGES.map((m) => plain(m));
    const withoutWords = interpretWith(lexicon, base, []);
    expect(MESSAGES.map((m) => withoutWords(m))).not.toEqual(expected);

    const file = path.join(cache, 'base-words.json');
    const cold = interpretWith(lexicon, base, baseWordsCached(base, knowledge, cache));
    expect(MESSAGES.map((m) => cold(m))).toEqual(expected);
    const written = fs.readFileSync(file, 'utf8');
    const words = JSON.parse(written.slice(written.indexOf('\n') + 1)) as string[];
    expect(words).toContain('telegram'); // kept folded, as the interpreter reads them
    const warm = interpretWith(lexicon, base, baseWordsCached(base, knowledge, cache));
    expect(MESSAGES.map((m) => warm(m))).toEqual(expected);
    // read, not rebuilt: the same key and words. (The header may gain the record of the inputs' stats: not
    // at the cold start, which came within 2 s of copying the knowledge folder, but at a warm start after.)
    const reread = fs.readFileSync(file, 'utf8');
    const keyOf = (text: string) => (JSON.parse(text.slice(0, text.indexOf('\n'))) as { key: string }).key;
    expect(keyOf(reread)).toBe(keyOf(written));
    expect(reread.slice(reread.indexOf('\n'))).toBe(written.slice(written.indexOf('\n')));

    // a word only a changed knowledge file brings: the snapshot is rebuilt with it
    const themes = path.join(knowledge, 'themes.yaml');
    fs.writeFileSync(themes, fs.readFileSync(themes, 'utf8').replace(/label: ([^\n]+)/, 'label: $1 Zyxwvutronics'));
    const changed = loadPracticeBase(knowledge);
    expect([...baseWordsCached(changed, knowledge, cache)]).toContain('zyxwvutronics');

    // a corrupt snapshot is ignored and rewritten
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 200));
    const again = interpretWith(lexicon, changed, baseWordsCached(changed, knowledge, cache));
    expect(MESSAGES.map((m) => again(m))).toEqual(MESSAGES.map((m) => interpretWith(lexicon, changed)(m)));
    expect(JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[1]!)).toContain('zyxwvutronics');

    // a cache folder that cannot be written: the words are still all there
    fs.rmSync(cache, { recursive: true });
    fs.mkdirSync(path.join(cache, 'base-words.json'), { recursive: true });
    const ro = interpretWith(lexicon, base, baseWordsCached(base, knowledge, cache));
    expect(MESSAGES.map((m) => ro(m))).toEqual(expected);
  });
});
