// The interpreter builds each language's matcher on the first question that needs it (and loads the
// English word list on the first word the base does not know): built that way it must read every
// question exactly as one built eagerly at construction, in every language of the lexicon.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { preloadEld } from '../src/engine/interpret/detect.ts';
import { CHAT_CONCEPTS, FILLER_CONCEPT, LEXICON_LANGUAGES, createInterpreter, loadLexicon, type Lexicon } from '../src/engine/interpret/index.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { loadLexiconCached } from '../src/app.ts';
import { baseVocabulary } from '../src/cache/lexicon.ts';

beforeAll(() => preloadEld());

const dir = defaultKnowledgeDir();
const lexicon: Lexicon = loadLexicon(dir);
const base = loadPracticeBase(dir);
const vocabulary: string[] = [...baseVocabulary(base)];

const skip = new Set<string>([...CHAT_CONCEPTS, FILLER_CONCEPT, 'off-topic']);

/** Questions made of the language's own terms: one question-word term and two topic terms, then a topic term alone. */
function samples(code: string): string[] {
  const lang = lexicon.languages.find((l) => l.language === code);
  if (!lang) return [];
  const topics: string[] = [];
  const asks: string[] = [];
  for (const [id, list] of lang.terms) {
    if (skip.has(id) || list.length === 0) continue;
    (id.startsWith('ask-') ? asks : topics).push(...list.slice(0, 2));
  }
  const out: string[] = [];
  for (let i = 0; i < 6 && 2 * i + 1 < topics.length; i++) {
    const step = Math.max(1, Math.floor(topics.length / 7));
    out.push(`${asks[i % Math.max(1, asks.length)] ?? ''} ${topics[i * step]!} ${topics[i * step + 1]!}?`.trim());
  }
  if (topics[0]) out.push(topics[0]);
  const greeting = lang.terms.get('chat-greeting')?.[0];
  if (greeting) out.push(greeting);
  return out;
}

const foreign = LEXICON_LANGUAGES.filter((l) => l !== 'en');
const english = ['encrypted data', 'how do others handle encrypted data?', 'encrypted grandmother recipes from the attic', 'thanks!', 'merci', 'hola colleagues'];

describe('lazy matchers read questions as eager ones', () => {
  const eager = createInterpreter(lexicon, { vocabulary, eager: true });
  const all = [...english, ...foreign.flatMap(samples)];

  it('one lazy interpreter across every language, in turn', () => {
    const lazy = createInterpreter(lexicon, { vocabulary });
    for (const q of all) expect(lazy.interpret(q), q).toEqual(eager.interpret(q));
  });

  it.each(foreign)('%s: a fresh lazy interpreter, its questions first; the language is recognised', (code) => {
    const qs = samples(code);
    expect(qs.length).toBeGreaterThanOrEqual(3);
    const lazy = createInterpreter(lexicon, { vocabulary });
    const got = qs.map((q) => lazy.interpret(q));
    expect(got).toEqual(qs.map((q) => eager.interpret(q)));
    // the lazy path must not drop the language: most of its own terms are read as that language
    expect(got.filter((r) => r.language === code).length, JSON.stringify(got.map((r) => r.language))).toBeGreaterThanOrEqual(qs.length / 2);
  });

  it('an English question builds no foreign trie: the same answer as eager, before and after foreign ones', () => {
    const lazy = createInterpreter(lexicon, { vocabulary });
    for (const q of [...english, ...samples('fr'), ...english]) expect(lazy.interpret(q), q).toEqual(eager.interpret(q));
  });
});

describe('lexicon snapshot', () => {
  const eager = createInterpreter(lexicon, { vocabulary, eager: true });
  it('an unchanged lexicon loads from the snapshot as parsed; a change is parsed and validated again; a corrupt snapshot is rebuilt', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lexicon-snapshot-'));
    try {
      const knowledge = path.join(tmp, 'knowledge');
      fs.cpSync(path.join(dir, 'lexicon'), path.join(knowledge, 'lexicon'), { recursive: true });
      const cacheDir = path.join(tmp, 'cache');
      const first = loadLexiconCached(knowledge, cacheDir);
      expect(first.outcome).toBe('stored');
      expect(first.value).toEqual(lexicon);
      const again = loadLexiconCached(knowledge, cacheDir);
      expect(again.outcome).toBe('hit');
      expect(again.value).toEqual(lexicon);
      const [snapshot] = fs.readdirSync(cacheDir).filter((f) => f.startsWith('lexicon'));
      // corrupt: ignored and rebuilt
      fs.writeFileSync(path.join(cacheDir, snapshot!), '{"key": "trunc');
      const rebuilt = loadLexiconCached(knowledge, cacheDir);
      expect(rebuilt.outcome).toBe('stored');
      expect(rebuilt.value).toEqual(lexicon);
      expect(loadLexiconCached(knowledge, cacheDir).outcome).toBe('hit');
      // from the snapshot, a language's terms are parsed when first needed: an English question parses
      // English's alone, a French one the Latin-script languages' (the Cyrillic ones still not)
      const parse = vi.spyOn(JSON, 'parse');
      try {
        const fromSnapshot = createInterpreter(loadLexiconCached(knowledge, cacheDir).value, { vocabulary });
        const parsedTerms = () => parse.mock.calls.filter(([text]) => typeof text === 'string' && text.startsWith('[[')).length;
        parse.mockClear();
        expect(fromSnapshot.interpret('how do others handle encrypted data?')).toEqual(eager.interpret('how do others handle encrypted data?'));
        expect(parsedTerms()).toBeLessThanOrEqual(1);
        const q = samples('fr')[0]!;
        expect(fromSnapshot.interpret(q)).toEqual(eager.interpret(q));
        expect(parsedTerms()).toBeGreaterThan(1);
        expect(parsedTerms()).toBeLessThan(lexicon.languages.length - 1);
      } finally {
        parse.mockRestore();
      }
      // a problem added after a snapshot was written is still reported, at every load
      const fr = path.join(knowledge, 'lexicon', 'fr.yaml');
      fs.appendFileSync(fr, '  no-such-concept: [rien]\n');
      for (let i = 0; i < 2; i++) expect(() => loadLexiconCached(knowledge, cacheDir)).toThrow(/fr\.yaml:\d+: language fr, concept "no-such-concept".*unknown concept id/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
