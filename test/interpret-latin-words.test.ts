// latinWords and addLatinWords (src/engine/interpret/text.ts) read the Latin words of ASCII texts without the tokeniser
// (issue 16: the interpreter's English vocabulary, every concept's English terms and the base's words, is
// made at every start). It must give what the tokeniser gives, for every text: the lexicon's terms in
// every language, the base's texts, the fixtures' questions, and seeded ASCII texts with digits,
// punctuation, apostrophes, hyphens, capitals and more than the tokeniser's 200 tokens.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import os from 'node:os';
import { baseVocabulary, baseWordsCached } from '../src/cache/lexicon.ts';
import { loadLexicon } from '../src/engine/interpret/index.ts';
import { addLatinWords, latinWords, tokenize } from '../src/engine/interpret/text.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { seeded } from './helpers/seeded.ts';

const byTokens = (text: string): string[] => tokenize(text, undefined).flatMap((t) => (t.script === 'latin' && !t.numeric ? [t.fold] : []));

const dir = defaultKnowledgeDir();

function texts(): string[] {
  const lexicon = loadLexicon(dir);
  const out: string[] = [];
  for (const c of lexicon.concepts) out.push(...c.en);
  for (const l of lexicon.languages) for (const terms of l.terms.values()) out.push(...terms);
  out.push(...baseVocabulary(loadPracticeBase(dir)));
  const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
  for (const f of fs.readdirSync(fixtures).filter((n) => n.endsWith('.yaml')))
    for (const m of fs.readFileSync(path.join(fixtures, f), 'utf8').matchAll(/^\s*-?\s*(?:q|question): *(.+)$/gm)) out.push(m[1]!.replace(/^['"]|['"]$/g, ''));
  return out;
}

describe('latinWords', () => {
  it('gives the tokeniser’s Latin words for every term of the lexicon, text of the base and question of the fixtures', () => {
    const all = texts();
    expect(all.length).toBeGreaterThan(5000);
    const ascii = all.filter((t) => /^[\x00-\x7f]*$/.test(t));
    // most of them take the fast path
    expect(ascii.length).toBeGreaterThan(all.length / 3);
    for (const t of all) expect(latinWords(t), t).toEqual(byTokens(t));
    // all of them at once: the same set of words
    const together = new Set<string>();
    addLatinWords(all, together);
    expect([...together].sort()).toEqual([...new Set(all.flatMap(byTokens))].sort());
  });

  it('the base’s words kept in the cache (base-words.json, folded) give the interpreter the vocabulary the base’s texts give', () => {
    const base = loadPracticeBase(dir);
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-base-words-'));
    try {
      const fromTexts = new Set<string>();
      addLatinWords(baseVocabulary(base), fromTexts);
      for (const run of ['cold', 'warm']) {
        const words = [...baseWordsCached(base, dir, cache)];
        const fromWords = new Set<string>();
        addLatinWords(words, fromWords);
        expect([...fromWords].sort(), run).toEqual([...fromTexts].sort());
        // already folded: each reads as itself
        for (const w of words) expect(latinWords(w), run).toEqual([w]);
      }
      expect(fs.readdirSync(cache)).toEqual(['base-words.json']);
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it('gives the tokeniser’s words for seeded ASCII texts: digits, punctuation, capitals, and past 200 tokens', () => {
    const rnd = seeded(16);
    const pieces = ['data', 'IT', 'OSINT', 'TikTok', '4G', '2023', '3rd', "l'analyse", 'e-mail', 'x', 'Hello', 'vs.', '!', '?', '...', '@', '#tag', '_', '  ', '\t', '\n', '42nd', 'a1b2', '0', 'O\u0027Neil'];
    const batch: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const n = 1 + Math.floor(rnd() * (i % 50 === 0 ? 400 : 12));
      let text = '';
      // (a word of its own now and then: one past the 200th token must be missing from the set too)
      for (let k = 0; k < n; k++) text += (rnd() < 0.1 ? `w${i}x${k}` : pieces[Math.floor(rnd() * pieces.length)]!) + (rnd() < 0.7 ? ' ' : '');
      expect(latinWords(text), text).toEqual(byTokens(text));
      batch.push(text);
    }
    const together = new Set<string>();
    addLatinWords(batch, together);
    expect([...together].sort()).toEqual([...new Set(batch.flatMap(byTokens))].sort());
  });
});
