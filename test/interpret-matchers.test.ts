// The interpreter makes a language's phrase matcher (its terms tokenised and stemmed into phrase keys,
// megabytes for the lexicon's Latin-script languages together) only for a language a question is
// matched against. Whether a word is another language's term, and which languages a question is
// matched against, come from small sets of the terms' words. A misspelt English question must not
// make every Latin-script language's matcher, and must read as before.
import { beforeAll, describe, expect, it } from 'vitest';
import { preloadEld } from '../src/engine/interpret/detect.ts';
import { createInterpreter, loadLexicon, type Lexicon } from '../src/engine/interpret/index.ts';
import { createProfiles } from '../src/engine/interpret/profiles.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { baseVocabulary } from '../src/cache/lexicon.ts';

beforeAll(() => preloadEld());

const dir = defaultKnowledgeDir();
const lexicon: Lexicon = loadLexicon(dir);
const base = loadPracticeBase(dir);
const vocabulary: string[] = [...baseVocabulary(base)];

const latinWithTerms = createProfiles()
  .filter((p) => p.script === 'latin' && p.id !== 'en')
  .filter((p) => lexicon.languages.some((l) => l.language === p.language && [...l.terms.values()].some((t) => t.length > 0)));

/** A fresh lazy interpreter and the profiles whose matchers it made, in order. */
function counted() {
  const made: string[] = [];
  const steps: string[] = [];
  const interpreter = createInterpreter(lexicon, { vocabulary, onMatcher: (id) => made.push(id), trace: (s) => steps.push(s) });
  return { interpreter, made, steps };
}

describe('matchers are made only for the languages a question is matched against', () => {
  const eager = createInterpreter(lexicon, { vocabulary, eager: true });

  it('the lexicon has more Latin-script languages than one question is matched against', () => {
    expect(latinWithTerms.length).toBeGreaterThan(4);
  });

  it('an English question with misspelt words makes no language matcher and reads as English', () => {
    // "hndle", "encrpyted", "polcy": words of no lexicon, so each is looked up in the other languages' words
    for (const q of ['how do others hndle encrpyted data?', 'what polcy do they have on encrypted messengers?']) {
      const { interpreter, made, steps } = counted();
      const got = interpreter.interpret(q);
      expect(got, q).toEqual(eager.interpret(q));
      expect(steps, q).toEqual(['english']);
      expect(got.language, q).toBe('en');
      // not even the English one: a word surely no chat term tells it is no small talk (chat-words.ts)
      expect(made, q).toEqual([]);
    }
  });

  it('a badly misspelt English question off the English shortcut makes English and at most four other Latin matchers, and reads as before', () => {
    // the bench's mix has these: "plicy" is read as Polish, "rach" and "safe trps" leave the shortcut too
    for (const q of ['plicy', 'rach', 'safe trps', 'how do other countries hndle rd?']) {
      const { interpreter, made, steps } = counted();
      expect(interpreter.interpret(q), q).toEqual(eager.interpret(q));
      expect(steps[0], q).toBe('matched');
      const other = made.filter((id) => id !== 'en');
      expect(other.length, `${q}: ${made.join(' ')}`).toBeLessThanOrEqual(4);
      expect(other.length, `${q}: ${made.join(' ')}`).toBeLessThan(latinWithTerms.length);
    }
  });

  it('a French question still gets the French matcher', () => {
    const { interpreter, made } = counted();
    const q = 'comment les autres pays gèrent-ils le chiffrement des données ?';
    const got = interpreter.interpret(q);
    expect(got).toEqual(eager.interpret(q));
    expect(got.language).toBe('fr');
    expect(made).toContain('fr');
  });
});
