// The engine snapshot (src/cache/engine.ts) keeps the base's spelling vocabulary (and each entry's own terms): a warm start reads it
// instead of tokenising every entry again, and corrects typos as a cold start does; a changed knowledge
// file rebuilds it, so a word new to the base is a correction target at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineCached } from '../src/cache/engine.ts';
import { createEngine } from '../src/engine/engine.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import type { PracticeBase } from '../src/knowledge/schema.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-vocab-'));
  dirs.push(d);
  return d;
};

const TYPOS = ['encrpyted data', 'ecnryption', 'migrant smugling', 'cyber patorl units', 'human traficking'];

describe('the spelling vocabulary in the engine snapshot', () => {
  it('is computed on a cold start, read on a warm one, with the same corrections and answers', () => {
    const cache = tmp();
    const base = loadPracticeBase(defaultKnowledgeDir());
    const plain = createEngine(base);

    const cold = createEngineCached(base, defaultKnowledgeDir(), cache);
    expect(cold.outcome).toBe('stored');
    const warm = createEngineCached(base, defaultKnowledgeDir(), cache);
    expect(warm.outcome).toBe('hit');
    for (const q of [...TYPOS, 'encrypted data', 'what did the Europol meeting conclude?', 'how do other countries handle smuggling ads on TikTok?']) {
      const expected = plain.search(q, { limit: 5 });
      if (TYPOS.includes(q)) expect(expected.corrected).toBeDefined();
      expect(warm.engine.search(q, { limit: 5 })).toEqual(expected);
      expect(cold.engine.search(q, { limit: 5 })).toEqual(expected);
    }

    // The warm start reads the vocabulary stored by the cold one rather than computing it from the base it
    // is given: a word that only this in-memory copy holds (the files, and so the snapshot, do not) is no
    // correction target, while an engine that computes its vocabulary corrects to it.
    const first = base.entries[0]!;
    const edited: PracticeBase = { ...base, entries: [{ ...first, keywords: [...first.keywords, 'quokkaphone'] }, ...base.entries.slice(1)] };
    expect(createEngine(edited).search('quokkaphane', { limit: 5 }).corrected).toBe('quokkaphone');
    const fromSnapshot = createEngineCached(edited, defaultKnowledgeDir(), cache);
    expect(fromSnapshot.outcome).toBe('hit');
    expect(fromSnapshot.engine.search('quokkaphane', { limit: 5 }).corrected).toBeUndefined();
  });

  it('is rebuilt when a knowledge file changes: a word new to the base is corrected to', () => {
    const cache = tmp();
    const kdir = tmp();
    fs.cpSync(defaultKnowledgeDir(), kdir, { recursive: true });
    const before = createEngineCached(loadPracticeBase(kdir), kdir, cache);
    expect(before.outcome).toBe('stored');
    expect(before.engine.search('quokkaphane', { limit: 5 }).corrected).toBeUndefined();

    const file = path.join(kdir, 'entries', '000-colep-3-news.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const changed = text.replace('keywords: [encrypted data, encryption,', 'keywords: [encrypted data, quokkaphone, encryption,');
    expect(changed).not.toBe(text);
    fs.writeFileSync(file, changed);

    const after = createEngineCached(loadPracticeBase(kdir), kdir, cache);
    expect(after.outcome).not.toBe('hit');
    expect(after.engine.search('quokkaphane', { limit: 5 }).corrected).toBe('quokkaphone');

    const again = createEngineCached(loadPracticeBase(kdir), kdir, cache);
    expect(again.outcome).toBe('hit');
    expect(again.engine.search('quokkaphane', { limit: 5 }).corrected).toBe('quokkaphone');
  });
});
