// The snapshot cache of src/cache/: an unchanged input loads from the snapshot, a changed one (even with the
// same size and modification time) rebuilds it, a corrupt or unreadable snapshot is ignored and rebuilt, and a
// folder that cannot be written only means no caching. The practice base and the engine built through it are
// the same as without it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheDirFor, cachedLoad, type CachedLoadOptions } from '../src/cache/cached-load.ts';
import { createEngineCached } from '../src/cache/engine.ts';
import { useCachedEnglishWords } from '../src/cache/english-words.ts';
import { loadPracticeBaseCached } from '../src/cache/practice-base.ts';
import { createEngine } from '../src/engine/engine.ts';
import { isEnglishWord, setEnglishWordsSource, sortEnglishWords } from '../src/engine/english.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cache-'));
  dirs.push(d);
  return d;
};

/** A value built from one input file: its text upper-cased; counts the builds. */
function setup() {
  const root = tmp();
  const input = path.join(root, 'input.txt');
  fs.writeFileSync(input, 'alpha');
  const cache = path.join(root, 'cache');
  let builds = 0;
  const opts = (): CachedLoadOptions<{ text: string }> => ({
    dir: cache,
    name: 'thing',
    root,
    files: [input],
    code: [],
    build: () => {
      builds++;
      return { text: fs.readFileSync(input, 'utf8').toUpperCase() };
    },
  });
  return { root, input, cache, opts, builds: () => builds };
}

describe('cachedLoad', () => {
  it('builds once, then reads the snapshot while the input is unchanged', () => {
    const t = setup();
    expect(cachedLoad(t.opts())).toMatchObject({ value: { text: 'ALPHA' }, outcome: 'stored' });
    expect(cachedLoad(t.opts())).toMatchObject({ value: { text: 'ALPHA' }, outcome: 'hit' });
    expect(t.builds()).toBe(1);
  });

  it('rebuilds when the content changes, even with the same size and modification time', () => {
    const t = setup();
    cachedLoad(t.opts());
    const { atime, mtime } = fs.statSync(t.input);
    fs.writeFileSync(t.input, 'omega');
    fs.utimesSync(t.input, atime, mtime);
    expect(cachedLoad(t.opts())).toMatchObject({ value: { text: 'OMEGA' }, outcome: 'stored', reason: 'inputs changed' });
    expect(cachedLoad(t.opts()).outcome).toBe('hit');
  });

  it('reads no input while each one keeps its size, times and inode; an edit keeping size and mtime is still seen', () => {
    const t = setup();
    const code = path.join(t.root, 'code.js');
    fs.writeFileSync(code, 'v1');
    // the inputs were written just now: judged from a clock a minute ahead, they have settled
    const later = () => Date.now() + 60_000;
    const opts = () => ({ ...t.opts(), code: [code], now: later });
    // the modification time to the millisecond, so that setting it back below restores it exactly
    const { atime, mtime } = fs.statSync(t.input);
    fs.utimesSync(t.input, atime, mtime);
    const mtimeMs = fs.statSync(t.input).mtimeMs;
    const read = vi.spyOn(fs, 'readFileSync');
    const inputsRead = () => read.mock.calls.filter(([f]) => f === t.input || f === code).length;
    try {
      expect(cachedLoad(opts())).toMatchObject({ value: { text: 'ALPHA' }, outcome: 'stored' });
      expect(inputsRead()).toBe(3); // both hashed for the key, and the input read by the build
      read.mockClear();
      expect(cachedLoad(opts())).toMatchObject({ value: { text: 'ALPHA' }, outcome: 'hit' });
      expect(inputsRead()).toBe(0);
      fs.writeFileSync(t.input, 'omega');
      fs.utimesSync(t.input, atime, mtime);
      expect(fs.statSync(t.input)).toMatchObject({ mtimeMs, size: 5 });
      expect(cachedLoad(opts())).toMatchObject({ value: { text: 'OMEGA' }, outcome: 'stored', reason: 'inputs changed' });
      fs.writeFileSync(code, 'v2');
      expect(cachedLoad(opts())).toMatchObject({ outcome: 'stored', reason: 'inputs changed' });
      read.mockClear();
      expect(cachedLoad(opts()).outcome).toBe('hit');
      expect(inputsRead()).toBe(0);
    } finally {
      read.mockRestore();
    }
  });

  it('hashes inputs changed less than two seconds ago at every start, and records them once they have settled', () => {
    const t = setup();
    const read = vi.spyOn(fs, 'readFileSync');
    const inputRead = () => read.mock.calls.some(([f]) => f === t.input);
    try {
      expect(cachedLoad(t.opts()).outcome).toBe('stored');
      read.mockClear();
      // judged from now, the input changed a moment ago: it is hashed again
      expect(cachedLoad(t.opts()).outcome).toBe('hit');
      expect(inputRead()).toBe(true);
      read.mockClear();
      // two seconds on, it has settled: hashed once more, then recorded
      expect(cachedLoad({ ...t.opts(), now: () => Date.now() + 2_500 }).outcome).toBe('hit');
      expect(inputRead()).toBe(true);
      read.mockClear();
      expect(cachedLoad({ ...t.opts(), now: () => Date.now() + 2_500 }).outcome).toBe('hit');
      expect(inputRead()).toBe(false);
      expect(t.builds()).toBe(1);
    } finally {
      read.mockRestore();
    }
  });

  it('rebuilds when an input file is added, or the code that builds the value changes', () => {
    const t = setup();
    cachedLoad(t.opts());
    const extra = path.join(t.root, 'more.txt');
    fs.writeFileSync(extra, 'x');
    expect(cachedLoad({ ...t.opts(), files: [t.input, extra] }).outcome).toBe('stored');
    const code = path.join(t.root, 'code.js');
    fs.writeFileSync(code, 'v1');
    expect(cachedLoad({ ...t.opts(), code: [code] }).outcome).toBe('stored');
    fs.writeFileSync(code, 'v2');
    expect(cachedLoad({ ...t.opts(), code: [code] }).outcome).toBe('stored');
    expect(cachedLoad({ ...t.opts(), code: [code] }).outcome).toBe('hit');
  });

  it('ignores a truncated, altered or garbage snapshot and rebuilds it', () => {
    const t = setup();
    cachedLoad(t.opts());
    const file = path.join(t.cache, 'thing.json');
    const good = fs.readFileSync(file, 'utf8');
    for (const bad of [good.slice(0, good.length - 3), good.replace('ALPHA', 'ALPHB'), 'not json at all', '', '\u0000\u0001']) {
      fs.writeFileSync(file, bad);
      const r = cachedLoad(t.opts());
      expect(r.value).toEqual({ text: 'ALPHA' });
      expect(r.outcome).toBe('stored');
      expect(fs.readFileSync(file, 'utf8')).toBe(good);
    }
  });

  it('builds without caching when the folder cannot be written, or the snapshot is not a file', () => {
    const t = setup();
    fs.mkdirSync(t.cache);
    fs.chmodSync(t.cache, 0o555);
    const root = process.getuid?.() === 0;
    if (!root) {
      expect(cachedLoad(t.opts())).toMatchObject({ value: { text: 'ALPHA' }, outcome: 'built' });
      expect(cachedLoad(t.opts()).outcome).toBe('built');
    }
    fs.chmodSync(t.cache, 0o755);
    fs.mkdirSync(path.join(t.cache, 'thing.json')); // a folder where the snapshot should be
    expect(cachedLoad(t.opts())).toMatchObject({ value: { text: 'ALPHA' }, outcome: 'built' });
    expect(cachedLoad({ ...t.opts(), dir: undefined }).outcome).toBe('built');
  });

  it('passes a build error through and writes nothing', () => {
    const t = setup();
    expect(() => cachedLoad({ ...t.opts(), build: () => { throw new Error('broken file'); } })).toThrow('broken file');
    expect(fs.existsSync(path.join(t.cache, 'thing.json'))).toBe(false);
  });

  it('keeps the cache beside the database; none for an in-memory one', () => {
    expect(cacheDirFor('/var/lib/practice-bot/bot.db')).toBe(path.join('/var/lib/practice-bot', 'cache'));
    expect(cacheDirFor(':memory:')).toBeUndefined();
  });
});

describe('the practice base and engine through the cache', () => {
  it('gives the same base and the same answers as loading without it, cold and warm', async () => {
    const cache = tmp();
    const direct = loadPracticeBase(defaultKnowledgeDir());
    const plain = createEngine(direct);
    for (const expected of ['stored', 'hit'] as const) {
      const r = await loadPracticeBaseCached(defaultKnowledgeDir(), cache);
      expect(r.outcome).toBe(expected);
      expect(r.value).toEqual(direct);
      expect(r.value.aliases).toBeInstanceOf(Map);
      const { engine, outcome } = createEngineCached(r.value, defaultKnowledgeDir(), cache);
      expect(outcome).toBe(expected);
      for (const q of ['encrypted data', 'encrpyted data', 'what did the Europol meeting conclude?', 'SoM via TikTok', 'banana bread'])
        expect(engine.search(q, { limit: 5 })).toEqual(plain.search(q, { limit: 5 }));
    }
  });

  it('a broken knowledge file is reported as without the cache (the old snapshot is not used)', async () => {
    const cache = tmp();
    const kdir = tmp();
    fs.cpSync(defaultKnowledgeDir(), kdir, { recursive: true });
    await loadPracticeBaseCached(kdir, cache);
    fs.appendFileSync(path.join(kdir, 'themes.yaml'), '\n- id: Not A Slug\n');
    await expect(loadPracticeBaseCached(kdir, cache)).rejects.toThrow(/themes\.yaml/);
  });
});

describe('the English word list through the cache', () => {
  it('is sorted once into a snapshot, then read from it, with the same answers', () => {
    const cache = tmp();
    try {
      useCachedEnglishWords(cache);
      expect([isEnglishWord('channels'), isEnglishWord('safeguards'), isEnglishWord('chanels')]).toEqual([true, true, false]);
      const file = path.join(cache, 'english-words.json');
      const written = fs.statSync(file).mtimeMs;
      useCachedEnglishWords(cache);
      expect([isEnglishWord('channels'), isEnglishWord('zygote'), isEnglishWord('encrpyted')]).toEqual([true, true, false]);
      expect(fs.statSync(file).mtimeMs).toBe(written);
    } finally {
      setEnglishWordsSource(sortEnglishWords);
    }
  });
});
