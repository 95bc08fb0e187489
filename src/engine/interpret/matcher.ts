// Phrase matching of one language's lexicon terms on a question's tokens, longest first.
//
// Built once per profile: every term becomes a sequence of word keys (see profiles.ts), indexed by
// its first key. The terms' words as written and the stop words (quick() and hasExact()) come from
// term-words.ts, made when the matcher is created or given to it; stemming the terms and building the
// index waits for the first match(), so a language that is never a question's best candidates costs little. Per question: each token is looked up once (key + bounded ending, a few Set
// look-ups), then phrases are matched left to right, the one covering most tokens winning. Stop
// words inside a phrase are optional on both sides ("trafic de migrants" = "trafic des migrants"),
// unless the phrase is made of stop words only ("comment faire" must be typed as is).
import type { Profile } from './profiles.ts';
import type { Parsed, TermWords, Words } from './term-words.ts';
import { formOf, parseTerms, wordsFrom } from './term-words.ts';
import type { Script, Token } from './text.ts';
import { foldWord } from './text.ts';
import type { TrieNode } from './trie.ts';
import { addChild, addEnd, childOf, newNode } from './trie.ts';

interface Phrase {
  keys: string[];
  /** whether each word is a stop word (optional when the phrase has other words) */
  stop: boolean[];
  allStop: boolean;
  /** words that are not stop words */
  content: number;
  /** concept indexes (one phrase may name several concepts) */
  concepts: number[];
  /**
   * A phrase of one content word and one stop word ("por mar") that must not match on that word
   * alone: its stop word must be typed too. Set when the word is not a term of the concept alone.
   */
  needStop: boolean;
  /** the phrase this one was cut from (a phrase may also start at its first content word) */
  parent?: Phrase;
  /**
   * One word of several concepts cut to one key ("cifras" figures and "cifrado" encrypted are both
   * "cifr" to Snowball): the words listed per concept, so that the question's word goes to the
   * concept whose listed word it shares most letters with.
   */
  words?: Map<number, string[]>;
}

export interface Span {
  /** first token index */
  from: number;
  /** one past the last token index */
  to: number;
  concepts: number[];
}

export interface MatchResult {
  spans: Span[];
  /** span index per token, -1 when the token is in no span */
  spanOf: Int32Array;
  /** per token: a stop word of this language (and not in a span) */
  stop: Uint8Array;
  /** per token: a stop word of this language, in a span or not */
  stopWord: Uint8Array;
  /** tokens in a span */
  covered: number;
  /** tokens not in a span that are stop words */
  stops: number;
  /** tokens in a span written exactly as a lexicon word (not only reaching its key) */
  exact: number;
}

export interface Matcher {
  profile: Profile;
  match(tokens: Token[]): MatchResult;
  /** A cheap first look: tokens of `script` written exactly as a lexicon word (1) or that are stop words (0.5). */
  quick(tokens: Token[], script: Script): number;
  /** does a folded word (typed alone) hit a key of this lexicon exactly? */
  hasExact(folded: string): boolean;
}

/** Phrase words met and letters of their keys, of the last `fit` (most specific reading wins: "удаления" is "удаление", not "удалось"). */
const FIT = { words: 0, letters: 0 };

/**
 * How many tokens from i phrase p covers (0: it does not match there). Stop words are optional on
 * both sides (at most two skipped in the question), and one word no lexicon knows may stand inside
 * a phrase of two content words or more ("خفیہ کردہ ڈیٹا").
 */
function fit(p: Phrase, i: number, n: number, cand: (string[] | undefined)[], stop: Uint8Array): number {
  let qi = i + 1;
  let pi = 1;
  let content = p.stop[0] ? 0 : 1;
  let skips = 0;
  let gap = p.content >= 2 ? 1 : 0;
  let stops = p.stop[0] ? 1 : 0;
  FIT.words = 1;
  FIT.letters = p.keys[0]!.length;
  while (pi < p.keys.length) {
    const k = p.keys[pi]!;
    if (qi < n && cand[qi]?.includes(k)) {
      if (!p.stop[pi]) content++;
      else stops++;
      FIT.words++;
      FIT.letters += k.length;
      qi++;
      pi++;
    } else if (p.stop[pi] && !p.allStop) pi++;
    else if (qi < n && stop[qi] && skips < 2 && !p.allStop) {
      qi++;
      skips++;
    } else if (qi < n && gap > 0 && cand[qi] === undefined && !stop[qi]) {
      qi++;
      gap--;
    } else return 0;
  }
  if (!p.allStop && content === 0) return 0;
  if (stops === 0 && (p.parent ?? p).needStop) return 0;
  return qi - i;
}

/** Marks the key of a short acronym. */
const ACRONYM = '\u0001';

/** Longest common prefix length. */
function lcp(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

export interface MatcherOptions {
  /** concepts of small talk and filler: their words may stay stop words, their phrases match on any of their words */
  smallTalk?: (concept: number) => boolean;
  /** the words of the same terms, made by createTermWords with the same profile and smallTalk (the terms are then tokenised on the first match()) */
  words?: TermWords;
}

/** Build the matcher of one profile from its terms (concept index, term text). */
export function createMatcher(original: Profile, terms: Iterable<[number, string]>, options: MatcherOptions = {}): Matcher {
  const smallTalk = options.smallTalk ?? (() => false);
  // ---- pass 1: the terms' words and their matching forms; a word the lexicon uses is no stop word ----
  // With `words` (made by createTermWords from the same terms and options) that is done already, and
  // the terms are tokenised again on the first match(); otherwise the tokenised terms wait for it.
  let parsed: Parsed[] | undefined;
  let list: Iterable<[number, string]> | undefined;
  let words: Words;
  if (options.words) {
    words = options.words as Words;
    if (!original.chars) list = Array.isArray(terms) ? terms : [...terms];
  } else {
    const p = parseTerms(original, terms, smallTalk);
    words = wordsFrom(original, p.parsed, p.used);
    // Thai matches whole terms (words.charTerms) and never builds
    if (!original.chars) parsed = p.parsed;
  }
  const { profile, exact, plainForms, charTerms } = words;
  const wordSuffix = Math.min(profile.maxSuffix, profile.wordSuffix ?? 3);
  const charLengths = [...new Set([...charTerms.keys()].map((s) => s.length))].sort((a, b) => b - a);
  const { minStem } = profile;

  // ---- keys, phrases and the trie: built on the first match() (stemming every term is the cost) ----
  const byFirst = new Map<string, Phrase[]>();
  // What a question word's beginning may be -> the phrase key it stands for and the most letters
  // allowed after it, as a trie over UTF-16 code units: a question word is walked once, no slices.
  const root: TrieNode = newNode();
  let hasAcronyms = false;
  const acronymKeys = new Set<string>();
  let built = profile.chars === true;
  const index = (prefix: string, key: string, allow: number): void => {
    let node = root;
    for (let i = 0; i < prefix.length; i++) node = addChild(node, prefix.charCodeAt(i));
    addEnd(node, key, allow);
  };

  function build(): void {
    built = true;
    const tokenised = parsed ?? parseTerms(original, list ?? [], smallTalk).parsed;
    parsed = undefined;
    list = undefined;
    const bySeq = new Map<string, Phrase>();
    // ---- keys ----
    const keyOf = new Map<string, string>();
    for (const { toks, forms } of tokenised) {
      toks.forEach((t, j) => {
        const form = forms[j]!;
        if (keyOf.has(form)) return;
        keyOf.set(form, t.numeric || t.acronym ? form : profile.key(form, profile.form ? form : t.raw.toLowerCase()));
      });
    }
    // ---- phrases and the index of keys ----
    for (const { concept, toks, forms } of tokenised) {
      const ks: string[] = [];
      const stop: boolean[] = [];
      toks.forEach((t, j) => {
        const form = forms[j]!;
        // a short acronym (ЕС, EU, IT) matches only when typed in capitals: "es", "it" are words
        const short = t.acronym && form.length <= 3;
        const k = short ? ACRONYM + form : keyOf.get(form)!;
        ks.push(k);
        if (short) {
          acronymKeys.add(k);
          hasAcronyms = true;
        } else {
          const allow = k.length < form.length ? profile.maxSuffix : wordSuffix;
          index(k, k, allow);
          // the word as listed reaches its key too, with a short ending ("investigación" when the stem is "investig")
          if (k.length < form.length) index(form, k, wordSuffix);
          if (profile.alternates && !t.numeric && !t.acronym)
            for (const alt of profile.alternates(k)) if (alt.length >= profile.minStem) index(alt, k, profile.maxSuffix);
          // typed without the kept letter (see exact above)
          if (profile.keep && !plainForms.has(form)) {
            const plain = foldWord(form, 'latin');
            if (plain !== form && !plainForms.has(plain)) {
              index(foldWord(k, 'latin'), k, allow);
              if (k.length < form.length) index(plain, k, wordSuffix);
            }
          }
        }
        stop.push(profile.stop.has(form));
      });
      const seq = ks.join(' ');
      let phrase = bySeq.get(seq);
      if (!phrase) {
        // (copies: an array grown by push keeps room for 17 items, and there are thousands of phrases)
        phrase = { keys: ks.slice(), stop: stop.slice(), allStop: stop.every(Boolean), content: stop.filter((x) => !x).length, concepts: [], needStop: false };
        bySeq.set(seq, phrase);
        const list = byFirst.get(ks[0]!) ?? [];
        list.push(phrase);
        byFirst.set(ks[0]!, list);
        // a phrase may also start at its first content word ("de l'analyse" -> "analyse")
        const firstContent = stop.indexOf(false);
        if (firstContent > 0) {
          const l2 = byFirst.get(ks[firstContent]!) ?? [];
          l2.push({ keys: ks.slice(firstContent), stop: stop.slice(firstContent), allStop: false, content: phrase.content, concepts: phrase.concepts, needStop: false, parent: phrase });
          byFirst.set(ks[firstContent]!, l2);
        }
      }
      if (!phrase.concepts.includes(concept)) phrase.concepts.push(concept);
      if (ks.length === 1) {
        phrase.words ??= new Map();
        const list = phrase.words.get(concept) ?? [];
        if (!list.includes(forms[0]!)) list.push(forms[0]!);
        phrase.words.set(concept, list);
      }
    }
    // "por mar", "kerja sama" (were sama a stop word): in a phrase of two words, the content word alone
    // is not the concept unless the lexicon lists it alone for that concept too. (Longer phrases of one
    // content word are function words around a word that carries the meaning: "как другие справляются".)
    // A longer phrase of one content word whose word alone is another concept's term ("quand est la
    // réunion" asks for the calendar, "réunion" alone is the meeting) also needs its function words
    // typed: "qui a participé à la réunion" is about a meeting, not a request for the next one.
    for (const phrase of bySeq.values()) {
      if (phrase.keys.length < 2 || phrase.content !== 1 || phrase.concepts.every(smallTalk)) continue;
      const alone = bySeq.get(phrase.keys[phrase.stop.indexOf(false)]!);
      if (phrase.keys.length === 2) phrase.needStop = !alone || !alone.concepts.some((c) => phrase.concepts.includes(c));
      else phrase.needStop = alone !== undefined && !alone.concepts.some((c) => phrase.concepts.includes(c));
    }
    // memory layout only: the concept lists at their final length (a cut phrase shares its parent's),
    // and the tokenised terms, needed by nothing once built (dropped above)
    const trimmed = new Map<number[], number[]>();
    for (const list of byFirst.values())
      for (const p of list) {
        let t = trimmed.get(p.concepts);
        if (!t) trimmed.set(p.concepts, (t = p.concepts.slice()));
        p.concepts = t;
      }
  }

  /** Keys a question word reaches: a key that is a prefix of it, leaving at most maxSuffix letters. */
  function lookup(form: string, acronym: boolean): string[] | undefined {
    let out: string[] | undefined;
    if (acronym && hasAcronyms && acronymKeys.has(ACRONYM + form)) out = [ACRONYM + form];
    out = walk(form, out);
    if (profile.variants) for (const v of profile.variants(form)) out = walk(v, out);
    return out;
  }

  function walk(v: string, found: string[] | undefined): string[] | undefined {
    let out = found;
    {
      const len = v.length;
      let node: TrieNode | undefined = root;
      for (let d = 0; d < len; d++) {
        node = childOf(node, v.charCodeAt(d));
        if (!node) break;
        const ends = node.ends;
        if (!ends) continue;
        const rest = len - d - 1;
        if (rest > 0 && d + 1 < minStem) continue;
        if (!Array.isArray(ends)) {
          if (rest <= ends.allow && !(out ??= []).includes(ends.key)) out.push(ends.key);
        } else for (const e of ends) if (rest <= e.allow && !(out ??= []).includes(e.key)) out.push(e.key);
      }
    }
    return out;
  }

  function matchChars(tokens: Token[], r: MatchResult): void {
    // positions of token starts in the concatenation of the tokens' folded forms
    const starts: number[] = [];
    let s = '';
    for (const t of tokens) {
      starts.push(s.length);
      s += t.fold;
    }
    let ti = 0;
    while (ti < tokens.length) {
      const pos = starts[ti]!;
      let hit: { len: number; concepts: number[] } | undefined;
      for (const len of charLengths) {
        if (pos + len > s.length) continue;
        const c = charTerms.get(s.slice(pos, pos + len));
        if (c) {
          hit = { len, concepts: c };
          break;
        }
      }
      if (!hit) {
        ti++;
        continue;
      }
      const end = pos + hit.len;
      let tj = ti;
      while (tj < tokens.length && starts[tj]! < end) tj++;
      addSpan(r, ti, tj, hit.concepts);
      ti = tj;
    }
  }

  /** The concepts of a one-word phrase whose listed words share most letters with the question's word. */
  function closest(p: Phrase, form: string): number[] {
    let most = -1;
    let out: number[] = [];
    for (const c of p.concepts) {
      let n = 0;
      for (const w of p.words?.get(c) ?? []) n = Math.max(n, w === form ? Infinity : lcp(w, form));
      if (n > most) [most, out] = [n, [c]];
      else if (n === most) out.push(c);
    }
    return out;
  }

  function addSpan(r: MatchResult, from: number, to: number, concepts: number[]): void {
    const idx = r.spans.length;
    r.spans.push({ from, to, concepts });
    for (let k = from; k < to; k++) r.spanOf[k] = idx;
    r.covered += to - from;
  }

  function match(tokens: Token[]): MatchResult {
    if (!built) build();
    const n = tokens.length;
    const r: MatchResult = { spans: [], spanOf: new Int32Array(n).fill(-1), stop: new Uint8Array(n), stopWord: new Uint8Array(n), covered: 0, stops: 0, exact: 0 };
    if (profile.chars) {
      matchChars(tokens, r);
    } else {
      const cand: (string[] | undefined)[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const t = tokens[i]!;
        const form = formOf(profile, t);
        cand[i] = lookup(form, t.acronym);
        if (profile.stop.has(form)) r.stop[i] = 1;
      }
      let i = 0;
      while (i < n) {
        let best: Phrase | undefined;
        let bestLen = 0;
        let bestWords = 0;
        let bestLetters = 0;
        for (const k of cand[i] ?? []) {
          for (const p of byFirst.get(k) ?? []) {
            const len = fit(p, i, n, cand, r.stop);
            if (len === 0) continue;
            if (len > bestLen || (len === bestLen && (FIT.words > bestWords || (FIT.words === bestWords && FIT.letters > bestLetters)))) {
              best = p;
              bestLen = len;
              bestWords = FIT.words;
              bestLetters = FIT.letters;
            }
          }
        }
        if (best) {
          addSpan(r, i, i + bestLen, best.words && best.concepts.length > 1 ? closest(best, formOf(profile, tokens[i]!)) : best.concepts);
          i += bestLen;
        } else i++;
      }
    }
    for (let i = 0; i < n; i++) {
      if (profile.chars && profile.stop.has(tokens[i]!.fold)) r.stop[i] = 1;
      r.stopWord[i] = r.stop[i]!;
      if (r.spanOf[i] !== -1) {
        r.stop[i] = 0;
        if (profile.chars || exact.has(formOf(profile, tokens[i]!))) r.exact++;
      }
      if (r.stop[i]) r.stops++;
    }
    return r;
  }

  return {
    profile,
    match,
    quick: words.quick,
    hasExact: words.hasExact,
  };
}

