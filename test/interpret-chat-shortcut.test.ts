// The English path decides "no small talk" from the chat terms' words when a word of the question
// provably is no chat term nor stop word (chat-words.ts), without building the English phrase matcher
// (issue 16: the first English question of a start). That shortcut must give the interpretation the
// phrase matcher gives, for every input: every question of the fixtures, and a large seeded corpus of
// texts near the edge of small talk (chat terms and their words inflected, cut, mistyped, in capitals,
// with stop words, words of the base, terms of other concepts, unknown words between a chat phrase's
// words, numbers, acronyms, emoji and punctuation).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createChatWords } from '../src/engine/interpret/chat-words.ts';
import { preloadEld } from '../src/engine/interpret/detect.ts';
import { CHAT_CONCEPTS, FILLER_CONCEPT, createInterpreter, loadLexicon, type Lexicon } from '../src/engine/interpret/index.ts';
import { EN_STOP, createProfiles } from '../src/engine/interpret/profiles.ts';
import { tokenize } from '../src/engine/interpret/text.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { baseVocabulary } from '../src/cache/lexicon.ts';
import { seeded } from './helpers/seeded.ts';

beforeAll(() => preloadEld());

const dir = defaultKnowledgeDir();
const lexicon: Lexicon = loadLexicon(dir);
const vocabulary: string[] = [...baseVocabulary(loadPracticeBase(dir))];
const chatIds = new Set<string>([...CHAT_CONCEPTS, FILLER_CONCEPT]);

/** The English terms of the chat and filler concepts, and of the others. */
const en = lexicon.languages.find((l) => l.language === 'en');
const chatTerms: string[] = [];
const otherTerms: string[] = [];
for (const c of lexicon.concepts) (chatIds.has(c.id) ? chatTerms : otherTerms).push(...c.en);
for (const [id, list] of en?.terms ?? []) (chatIds.has(id) ? chatTerms : otherTerms).push(...list);

function fixtureQuestions(): string[] {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object')
      for (const [k, v] of Object.entries(x)) {
        if ((k === 'q' || k === 'question') && typeof v === 'string') out.push(v);
        else walk(v);
      }
  };
  const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
  for (const f of fs.readdirSync(fixtures).filter((n) => n.endsWith('.yaml'))) walk(parse(fs.readFileSync(path.join(fixtures, f), 'utf8')));
  return out;
}

/** Texts near the edge of small talk, the same on every run. */
function corpus(count: number, seed: number): string[] {
  const rnd = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chatWords = [...new Set(chatTerms.flatMap((t) => tokenize(t, undefined).map((k) => k.raw.toLowerCase())))];
  const stops = [...EN_STOP].filter((w) => /^[a-z]+$/.test(w));
  const baseWords = vocabulary.filter((w) => /^[a-z]+$/i.test(w));
  const endings = ['s', 'es', 'ed', 'd', 'ing', 'er', 'ers', 'ly', 'y', 'ie', 'ness', 'ful', 'fully', 'ings', 'ingly', 'ment'];
  const inflect = (w: string): string => {
    switch (Math.floor(rnd() * 6)) {
      case 0:
      case 1:
        return w + pick(endings);
      case 2:
        return w.slice(0, Math.max(1, w.length - 1 - Math.floor(rnd() * 3))); // cut
      case 3: {
        const i = Math.floor(rnd() * Math.max(1, w.length - 1)); // two letters swapped
        return w.slice(0, i) + (w[i + 1] ?? '') + w[i] + w.slice(i + 2);
      }
      case 4: {
        const i = Math.floor(rnd() * w.length); // a letter dropped or doubled
        return rnd() < 0.5 ? w.slice(0, i) + w.slice(i + 1) : w.slice(0, i) + w[i] + w.slice(i);
      }
      default:
        return w.slice(0, 3) + pick(['x', 'zz', 'q', 'ab', 'ington', 'ly']); // shares a chat word's first letters
    }
  };
  const letters = () => Array.from({ length: 3 + Math.floor(rnd() * 6) }, () => String.fromCharCode(97 + Math.floor(rnd() * 26))).join('');
  // pools of made-up words (the interpreter memoises what it learns of a word: a few thousand distinct ones keep the test fast)
  const unknowns = Array.from({ length: 500 }, letters);
  const chatForms = Array.from({ length: 2500 }, () => inflect(pick(chatWords)));
  const baseForms = Array.from({ length: 1500 }, () => inflect(pick(baseWords).toLowerCase()));
  const unknown = () => pick(unknowns);
  const extras = ['2023', '4G', '12', 'OSINT', 'EU', 'IT', 'TikTok', 'COLEP', '👍', '🙏', '👋', '😊', '✅', '!', '?', '...', ',', ' - ', "'", '@', '#', ':)'];
  const piece = (): string => {
    const r = rnd();
    if (r < 0.22) return pick(chatTerms);
    if (r < 0.4) return pick(chatWords);
    if (r < 0.5) return pick(chatForms);
    if (r < 0.65) return pick(stops);
    if (r < 0.72) return pick(baseWords);
    if (r < 0.78) return pick(baseForms);
    if (r < 0.84) return pick(otherTerms);
    if (r < 0.9) return unknown();
    return pick(extras);
  };
  const cased = (s: string): string => {
    const r = rnd();
    return r < 0.75 ? s : r < 0.9 ? s.charAt(0).toUpperCase() + s.slice(1) : s.toUpperCase();
  };
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const parts: string[] = [];
    const len = 1 + Math.floor(rnd() * 5);
    for (let i = 0; i < len; i++) parts.push(cased(piece()));
    // a chat phrase of two words or more with a word put inside it ("good xyzzy morning")
    if (rnd() < 0.12) {
      const phrase = pick(chatTerms.filter((t) => t.includes(' '))).split(' ');
      const at = 1 + Math.floor(rnd() * (phrase.length - 1));
      const inside = [rnd() < 0.5 ? unknown() : piece()];
      if (rnd() < 0.3) inside.splice(rnd() < 0.5 ? 0 : 1, 0, pick(stops)); // with a stop word beside it
      parts.push([...phrase.slice(0, at), ...inside, ...phrase.slice(at)].join(' '));
    }
    out.push(parts.join(pick([' ', ' ', ' ', ', ', '! ', '. ', '? ', ' 🙂 '])));
  }
  return out;
}

describe('small talk decided from the chat words reads every text as the phrase matcher does', () => {
  it('every question of the fixtures, as the bot reads them', () => {
    const fast = createInterpreter(lexicon, { vocabulary });
    const full = createInterpreter(lexicon, { vocabulary, chatShortcut: false });
    const questions = fixtureQuestions();
    expect(questions.length).toBeGreaterThan(400);
    for (const q of questions) expect(fast.interpret(q), q).toEqual(full.interpret(q));
  });

  it('tens of thousands of seeded texts near the edge of small talk, each read on the English path', () => {
    // englishShare 0 sends every text of ASCII letters to the English path, where small talk is decided
    const options = { vocabulary, englishShare: 0, detector: null };
    const fast = createInterpreter(lexicon, options);
    const full = createInterpreter(lexicon, { ...options, chatShortcut: false });
    const check = createChatWords(createProfiles().find((p) => p.id === 'en')!, chatTerms)!;
    const texts = corpus(30_000, 16);
    let shortcut = 0;
    let smallTalk = 0;
    let mismatches = 0;
    const shown: string[] = [];
    for (const text of texts) {
      const a = fast.interpret(text);
      const b = full.interpret(text);
      if (check.surelyContent(tokenize(text, undefined, 80))) shortcut++;
      if (b.smallTalk) smallTalk++;
      if (a.smallTalk !== b.smallTalk || JSON.stringify(a) !== JSON.stringify(b)) {
        mismatches++;
        if (shown.length < 5) shown.push(`${JSON.stringify(text)}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
    }
    expect(shown, `${mismatches} of ${texts.length} texts read otherwise`).toEqual([]);
    // both ways are walked many times: texts the shortcut settles, and small talk the matcher finds
    expect(shortcut).toBeGreaterThan(texts.length / 4);
    expect(smallTalk).toBeGreaterThan(texts.length / 10);
    expect(texts.length - shortcut - smallTalk).toBeGreaterThan(texts.length / 20);
  });

  it('the usual English question is settled without the English phrase matcher', () => {
    const made: string[] = [];
    const fast = createInterpreter(lexicon, { vocabulary, onMatcher: (id) => made.push(id) });
    expect(fast.interpret('encrypted data').smallTalk).toBe(false);
    expect(fast.interpret('how do others handle fake job ads').smallTalk).toBe(false);
    expect(made).toEqual([]);
    expect(fast.interpret('thanks a lot').smallTalk).toBe(true);
    expect(made).toEqual(['en']);
    // the reference the texts above are compared with does build it
    const byMatcher: string[] = [];
    const full = createInterpreter(lexicon, { vocabulary, chatShortcut: false, onMatcher: (id) => byMatcher.push(id) });
    expect(full.interpret('encrypted data').smallTalk).toBe(false);
    expect(byMatcher).toEqual(['en']);
  });
});
