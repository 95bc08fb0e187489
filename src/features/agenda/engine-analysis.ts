// The AgendaAnalysis port (./ports.ts) over the answer engine's own text analysis: the same
// tokeniser, British/American spelling, stop words, stemmer, synonym and acronym table
// (src/engine/analyze.ts) and spelling distance (src/engine/spell.ts) the engine answers with, so
// "e-evidence training" and "electronic evidence training" are one topic to the agenda exactly as
// they are to /ask. Nothing here re-implements the analysis; it only reads a suggestion through it.
// The only file of the agenda feature that imports the engine.
import { COMMON_WORDS, STOP_WORDS, buildSynonymTable, contentWords, tokenize, type SynonymTable, type Token } from '../../engine/analyze.ts';
import { isEnglishWord } from '../../engine/english.ts';
import { Speller, maxEdits, osaDistance } from '../../engine/spell.ts';
import type { PracticeBase } from '../../knowledge/schema.ts';
import { createLru } from '../../core/lru.ts';
import type { AgendaAnalysis, TopicWord } from './ports.ts';

interface Generation {
  table: SynonymTable;
  speller: Speller;
  /** Surface words the base uses (never corrected). */
  vocab: Set<string>;
  cache: ReturnType<typeof createLru<string, TopicWord[]>>;
}

/** The analysis over the practice base in service (`base()` is read on each call: a reloaded base
 *  brings its new synonyms). */
export function createEngineAnalysis(base: () => PracticeBase): AgendaAnalysis {
  const generations = new WeakMap<PracticeBase, Generation>();

  function generation(): Generation {
    const b = base();
    let g = generations.get(b);
    if (!g) {
      const table = buildSynonymTable(b.synonyms);
      const freq = new Map<string, number>();
      const add = (text: string) => {
        for (const t of tokenize(text)) {
          if (t.norm.length < 3 || STOP_WORDS.has(t.norm) || !/^[a-z]+$/.test(t.norm)) continue;
          freq.set(t.norm, (freq.get(t.norm) ?? 0) + 1);
        }
      };
      for (const e of b.entries) add(`${e.title} ${e.keywords.join(' ')}`);
      for (const t of b.themes) add(`${t.label} ${t.terms.join(' ')}`);
      for (const w of table.words) if (/^[a-z]{3,}$/.test(w)) freq.set(w, (freq.get(w) ?? 0) + 1);
      const vocab = new Set(freq.keys());
      for (const w of COMMON_WORDS) if (w.length >= 3 && !freq.has(w)) freq.set(w, 0);
      g = { table, speller: new Speller(freq), vocab, cache: createLru<string, TopicWord[]>(2000) };
      generations.set(b, g);
    }
    return g;
  }

  /** A word nobody knows: not in the base, not everyday English, not an acronym written in capitals. */
  const unknownWord = (g: Generation, t: Token): boolean =>
    !t.caps &&
    t.norm.length >= 4 &&
    /^[a-z]+$/.test(t.norm) &&
    !g.vocab.has(t.norm) &&
    !COMMON_WORDS.has(t.norm) &&
    !g.table.acronyms.has(t.norm) &&
    !isEnglishWord(t.norm);

  function analyse(g: Generation, text: string): TopicWord[] {
    const tokens: { token: Token; unknown: boolean }[] = [];
    for (const t of tokenize(text, 64)) {
      if (!unknownWord(g, t)) {
        tokens.push({ token: t, unknown: false });
        continue;
      }
      const fix = g.speller.correct(t.norm);
      if (!fix) {
        tokens.push({ token: t, unknown: true });
        continue;
      }
      for (const w of fix.split(' ')) tokens.push({ token: { raw: w, norm: w, caps: false }, unknown: false });
    }
    const unknown = new Set(tokens.filter((x) => x.unknown).map((x) => x.token));
    const out: TopicWord[] = [];
    let prevGroups: number[] = [];
    for (const w of contentWords(tokens.map((x) => x.token), g.table)) {
      const groups = w.groups;
      // The words of one synonym phrase ("electronic evidence", "taking down") are one topic word.
      const last = out.at(-1);
      if (last && groups.length && !w.acronym && groups.some((x) => prevGroups.includes(x))) {
        if (!last.keys.includes(w.stem)) last.keys.push(w.stem);
        prevGroups = groups;
        continue;
      }
      prevGroups = w.acronym ? [] : groups;
      const concepts = groups.map((x) => g.table.groups[x]!.concept);
      const keys = w.acronym ? concepts : [...concepts, w.stem];
      out.push({ keys, word: w.token.norm, unknown: unknown.has(w.token) });
    }
    return out;
  }

  return {
    topicWords(text) {
      const g = generation();
      let hit = g.cache.get(text);
      if (!hit) {
        hit = analyse(g, text);
        g.cache.set(text, hit);
      }
      return hit;
    },
    misspelt(a, b) {
      if (a === b) return true;
      const n = Math.min(a.length, b.length);
      // short words: one letter makes another word; the first letter is rarely the typo
      if (n < 5 || a[0] !== b[0]) return false;
      return osaDistance(a, b, maxEdits(n)) <= maxEdits(n);
    },
  };
}
