// The question's language and what it asks, in the words the English engine knows.
//
// English takes a fast path: text whose letters are all ASCII and whose words are mostly English
// is passed through unchanged (only checked for small talk). Anything else is tokenised once and
// matched against the lexicon of every language written in its script; the language is the one
// whose terms and stop words cover most of the words, with letters only some languages write and
// the eld detector as further votes. The winner's matches become the English query: each concept's
// first English term, plus names and numbers kept as typed.
import { isEnglishWord } from '../english.ts';
import type { ChatWords } from './chat-words.ts';
import { createChatWords } from './chat-words.ts';
import type { LanguageDetector } from './detect.ts';
import { createEldDetector, letterVotes } from './detect.ts';
import type { Lexicon } from './lexicon.ts';
import { CHAT_CONCEPTS, FILLER_CONCEPT, OFF_TOPIC_CONCEPT } from './lexicon.ts';
import type { MatchResult, Matcher } from './matcher.ts';
import { createMatcher } from './matcher.ts';
import type { TermWords } from './term-words.ts';
import { createTermWords } from './term-words.ts';
import type { Profile } from './profiles.ts';
import { EN_STOP, createProfiles } from './profiles.ts';
import type { Script, Token } from './text.ts';
import { addLatinWords, EMOJI, LINK, MENTION, tokenize } from './text.ts';

/** What the interpreter makes of a message: one shape, declared with the engine that reads it. */
export type { Interpretation } from '../types.ts';
import type { Interpretation } from '../types.ts';

const THAI_LETTER = /[\u0E00-\u0E7F]/;

export interface Interpreter {
  interpret(text: string): Interpretation;
}

export interface InterpreterOptions {
  /**
   * Words the English engine knows (the practice base's vocabulary, any case). They count as
   * English on the fast path and are kept as typed in a foreign question ("Telegram", "OSINT",
   * "data"). The concepts' English terms are always included.
   */
  vocabulary?: Iterable<string>;
  /** Statistical language detector; default eld. `null`: none (script, stop words and lexicon only). */
  detector?: LanguageDetector | null;
  /** Share of English words from which ASCII text is English without further look (default 0.7). */
  englishShare?: number;
  /** Told which way each question went ('english' fast path, 'matched' lexicons, 'detector' run too); for tests and benches. */
  trace?: (step: 'english' | 'matched' | 'detector') => void;
  /**
   * Told when a language's phrase matcher is made (its terms tokenised and, on its first match, stemmed
   * into phrase keys): only the languages a question is matched against get one; for tests and benches.
   */
  onMatcher?: (profileId: string) => void;
  /**
   * Build every language's matcher (phrase keys and trie included) and load the English word list
   * now, not on the first question that needs them (the default, which keeps start-up cheap). The
   * interpretations are the same either way; for tests and for a long-running bot that would rather
   * pay at start than on its first questions.
   */
  eager?: boolean;
  /**
   * Whether an English question is small talk is first looked at from the chat terms' words alone
   * (chat-words.ts: a word that provably is no chat term nor stop word settles it without the English
   * phrase matcher); the default. `false`: always the phrase matcher. The interpretations are the same
   * either way; for the test that compares them.
   */
  chatShortcut?: boolean;
}

/** Characters of a message that are looked at all. */
const MAX_CHARS = 2000;
/** Most languages of one script whose lexicon is matched in full on a question (the others are left after a first look). */
const MAX_MATCHED = 4;
/**
 * The lexicons decide the language without the statistical detector when the best covers at
 * least this share of the words and leads the next by this margin; the detector (about half the
 * cost of a foreign question) only breaks near ties and names languages without a lexicon.
 */
const DECIDED_EVIDENCE = 0.34;
const DECIDED_MARGIN = 0.15;
/** Weight of letter evidence in the first look, per word. */
const QUICK_LETTER_WEIGHT = 1;
/** Most tokens looked at. */
const MAX_TOKENS = 80;
const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_LETTER = /(?=\p{L})[^\x00-\x7f]/u;

interface Special {
  chat: boolean;
  /** an everyday word the base holds nothing about: not searched, not understood */
  offTopic: boolean;
  /** names a topic but never makes one: half a word in coverage */
  broad: boolean;
  /** concept index -> en[0] when it goes into the query */
  label: string | undefined;
  /** shown in `understood` */
  understood: boolean;
}

export function createInterpreter(lexicon: Lexicon, options: InterpreterOptions = {}): Interpreter {
  const concepts = lexicon.concepts;
  const conceptIndex = new Map(concepts.map((c, i) => [c.id, i]));
  const chatIds = new Set<string>([...CHAT_CONCEPTS, FILLER_CONCEPT]);
  const special: Special[] = concepts.map((c) => ({
    chat: chatIds.has(c.id),
    offTopic: c.id === OFF_TOPIC_CONCEPT,
    broad: c.broad === true,
    label: chatIds.has(c.id) || c.id === OFF_TOPIC_CONCEPT ? undefined : c.en[0],
    understood: !chatIds.has(c.id) && c.id !== OFF_TOPIC_CONCEPT && !c.id.startsWith('ask-'),
  }));

  // ---- one matcher per profile that has terms, each created on first need ----
  // Whether a word is a term of a language, and which of a script's languages a question is matched
  // against, come from the words of its terms (term-words.ts: two sets, made on first need); a full
  // matcher (phrase keys and trie, see matcher.ts) is made only for a language a question is matched
  // against. Only the profiles of a question's script are candidates.
  const byLanguage = new Map(lexicon.languages.map((l) => [l.language, l]));
  interface Slot {
    profile: Profile;
    words: TermWords | undefined;
    matcher: Matcher | undefined;
  }
  /** A profile's terms (concept index, term): its language's, and for English the concepts' own; listed when its matcher is made. */
  const termsOf = (profile: Profile): [number, string][] => {
    const terms: [number, string][] = [];
    const lang = byLanguage.get(profile.language as never);
    if (lang) {
      for (const [id, list] of lang.terms) {
        const ci = conceptIndex.get(id);
        if (ci !== undefined) for (const t of list) terms.push([ci, t]);
      }
    }
    if (profile.id === 'en') concepts.forEach((c, ci) => c.en.forEach((t) => terms.push([ci, t])));
    return terms;
  };
  /** Whether termsOf(profile) lists any term, without listing them. */
  const hasTerms = (profile: Profile): boolean => {
    if (profile.id === 'en') return true;
    const lang = byLanguage.get(profile.language as never);
    if (lang) for (const [id, list] of lang.terms) if (list.length > 0 && conceptIndex.has(id)) return true;
    return false;
  };
  // A profile has a slot when it has terms; whether it has is found out (reading its language's terms) the
  // first time its script is looked at: an English question looks at English alone.
  const profiles = createProfiles();
  const slotOfProfile = new Map<Profile, Slot | null>();
  const slotOf = (profile: Profile): Slot | undefined => {
    let s = slotOfProfile.get(profile);
    if (s === undefined) slotOfProfile.set(profile, (s = hasTerms(profile) ? { profile, words: undefined, matcher: undefined } : null));
    return s ?? undefined;
  };
  const slotsWhere = (keep: (p: Profile) => boolean): Slot[] => profiles.filter(keep).flatMap((p) => slotOf(p) ?? []);
  const smallTalkConcept = (c: number) => special[c]!.chat;
  const wordsOf = (s: Slot): TermWords => (s.words ??= createTermWords(s.profile, termsOf(s.profile), { smallTalk: smallTalkConcept }));
  const matcherOf = (s: Slot): Matcher => {
    if (!s.matcher) {
      options.onMatcher?.(s.profile.id);
      // a matcher made before its language's words (English's, on a first small-talk question) tokenises the
      // terms once and serves as those words (the same profile, quick and hasExact) instead of tokenising twice
      s.matcher = createMatcher(s.profile, termsOf(s.profile), { smallTalk: smallTalkConcept, ...(s.words ? { words: s.words } : {}) });
      s.words ??= s.matcher;
    }
    return s.matcher;
  };
  const enSlot = slotOf(profiles.find((p) => p.id === 'en')!)!;
  const enM = (): Matcher => matcherOf(enSlot);
  // the chat terms' words (chat-words.ts), made on the first English question; false: none, the phrase matcher decides
  let chatWords: ChatWords | false | undefined = options.chatShortcut === false ? false : undefined;
  /** The terms of termsOf(English) whose concept is small talk or filler, without listing the others. */
  const chatTerms = (): string[] => {
    const out: string[] = [];
    for (const [id, list] of byLanguage.get('en')?.terms ?? []) if (chatIds.has(id) && conceptIndex.has(id)) out.push(...list);
    for (const c of concepts) if (chatIds.has(c.id)) out.push(...c.en);
    return out;
  };
  const chatWordsOf = (): ChatWords | false => (chatWords ??= createChatWords(enSlot.profile, chatTerms()) ?? false);
  let foreignLatinSlots: Slot[] | undefined;
  const foreignLatin = (): Slot[] => (foreignLatinSlots ??= slotsWhere((p) => p !== enSlot.profile && p.script === 'latin'));
  const byScript = new Map<Script, Slot[]>();
  const slotsOfScript = (script: Script): Slot[] => {
    let l = byScript.get(script);
    if (!l) byScript.set(script, (l = slotsWhere((p) => p.script === script)));
    return l;
  };

  // ---- English words ----
  // the Latin words (as the tokeniser folds them) of the concepts' English terms and of the base
  const vocabulary = new Set<string>();
  addLatinWords(
    (function* () {
      for (const c of concepts) if (c.id !== OFF_TOPIC_CONCEPT) yield* c.en;
      yield* options.vocabulary ?? [];
    })(),
    vocabulary,
  );
  const foreignOnly = new Map<string, boolean>();
  /** A word written alone that is a term of some other language's lexicon and no English word of the base (merci, hola, salam). */
  const isForeignTerm = (w: string): boolean => {
    let v = foreignOnly.get(w);
    if (v === undefined) {
      v = !vocabulary.has(w) && !EN_STOP.has(w) && foreignLatin().some((s) => wordsOf(s).hasExact(w));
      if (foreignOnly.size > 20_000) foreignOnly.clear();
      foreignOnly.set(w, v);
    }
    return v;
  };
  const englishCache = new Map<string, boolean>();
  /**
   * How English a word is: 1 for a function word or a word of the base, 0.5 for a word of the
   * general English list (which also holds "pour", "les", "vacances", "hora"), 0 otherwise.
   */
  const englishness = (w: string): number => {
    if (EN_STOP.has(w) || vocabulary.has(w)) return 1;
    if (isForeignTerm(w)) return 0;
    let v = englishCache.get(w);
    if (v === undefined) {
      v = isEnglishWord(w);
      if (englishCache.size > 20_000) englishCache.clear();
      englishCache.set(w, v);
    }
    return v ? 0.5 : 0;
  };
  const slipCache = new Map<string, boolean>();
  /** A word of the base mistyped by one slip of the fingers ("encrpyted", "encryptd", "encrypteed"):
   *  two neighbouring letters swapped, or (in a word of six letters or more) one letter dropped or
   *  added. One such typo in an English question does not make it French. Checked against the base's
   *  words only, so a word of another language that happens to resemble a general English word is not
   *  taken for English. */
  const isSlipOfBaseWord = (w: string): boolean => {
    if (w.length < 5 || !/^[a-z]+$/.test(w)) return false;
    let v = slipCache.get(w);
    if (v !== undefined) return v;
    v = false;
    for (let i = 0; i + 1 < w.length && !v; i++) v = vocabulary.has(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2));
    if (w.length >= 6) {
      for (let i = 0; i < w.length && !v; i++) v = vocabulary.has(w.slice(0, i) + w.slice(i + 1));
      for (let i = 0; i <= w.length && !v; i++) for (let c = 97; c <= 122 && !v; c++) v = vocabulary.has(w.slice(0, i) + String.fromCharCode(c) + w.slice(i));
    }
    if (slipCache.size > 20_000) slipCache.clear();
    slipCache.set(w, v);
    return v;
  };
  if (options.eager) {
    for (const s of slotsWhere(() => true)) matcherOf(s).match([]);
    isEnglishWord('the');
  }
  const englishShare = options.englishShare ?? 0.7;
  const trace = options.trace;

  const detector = options.detector === undefined ? createEldDetector() : options.detector;
  // Thai is written without spaces: its words come from ICU's segmenter, made on the first Thai question
  // (making it costs tens of milliseconds at start-up, which a question in any other script never needs).
  let thaiSegmenter: Intl.Segmenter | undefined;
  const thaiFor = (text: string): Intl.Segmenter | undefined =>
    THAI_LETTER.test(text) && slotsOfScript('thai').length > 0 ? (thaiSegmenter ??= new Intl.Segmenter('th', { granularity: 'word' })) : undefined;

  /** Interpretation from one profile's matches. */
  function build(language: string, tokens: Token[], r: MatchResult, m: Matcher, dominant: Script, emoji: boolean): Interpretation {
    const query: string[] = [];
    const seenQuery = new Set<number>();
    const understood: string[] = [];
    let content = 0;
    let covered = 0;
    let unmapped = 0;
    let chat = false;
    let offTopic = false;
    // English terms typed inside the question ("OSINT", "Telegram", "social media") reach their concepts too
    let english: MatchResult | undefined;
    const en = enM();
    if (m !== en) {
      for (let i = 0; i < tokens.length && !english; i++) if (r.spanOf[i] === -1 && !r.stop[i] && tokens[i]!.script === 'latin') english = en.match(tokens);
    }
    const emit = (concepts: number[], words: number) => {
      if (concepts.every((c) => special[c]!.chat)) {
        chat = true;
        return;
      }
      const n = Math.max(1, words);
      content += n;
      if (concepts.every((c) => special[c]!.chat || special[c]!.offTopic)) {
        unmapped += n;
        offTopic = true;
        return;
      }
      covered += concepts.every((c) => special[c]!.chat || special[c]!.offTopic || special[c]!.broad) ? n / 2 : n;
      for (const c of concepts) {
        const s = special[c]!;
        if (s.chat || s.offTopic || seenQuery.has(c)) continue;
        seenQuery.add(c);
        query.push(s.label!);
        if (s.understood && !understood.includes(s.label!)) understood.push(s.label!);
      }
    };
    let i = 0;
    while (i < tokens.length) {
      const t = tokens[i]!;
      const si = r.spanOf[i]!;
      if (si >= 0) {
        const span = r.spans[si]!;
        let words = 0;
        for (let k = span.from; k < span.to; k++) if (!r.stopWord[k]) words++;
        emit(span.concepts, words);
        i = span.to;
        continue;
      }
      if (r.stop[i]) {
        i++;
        continue;
      }
      const ei = english?.spanOf[i] ?? -1;
      if (ei >= 0 && english!.spans[ei]!.from === i) {
        const span = english!.spans[ei]!;
        // only English words as written (words of the base, English function words, names): "druge",
        // "drugite" ("others") must not reach "drugs" through an English ending
        let free = true;
        for (let k = span.from; k < span.to && free; k++) {
          const tk = tokens[k]!;
          free = r.spanOf[k] === -1 && tk.script === 'latin' && (tk.acronym || tk.numeric || vocabulary.has(tk.fold) || EN_STOP.has(tk.fold));
        }
        if (free) {
          let words = 0;
          for (let k = span.from; k < span.to; k++) if (!r.stop[k] && !english!.stopWord[k]) words++;
          emit(span.concepts, words);
          i = span.to;
          continue;
        }
      }
      content++;
      if (isKept(t, dominant)) {
        covered++;
        query.push(t.raw);
      } else unmapped++;
      i++;
    }
    return {
      language,
      query: query.join(' '),
      understood,
      coverage: content === 0 ? 0 : covered / content,
      smallTalk: content === 0 && (chat || emoji),
      unmapped,
      ...(offTopic ? { offTopic: true } : {}),
    };
  }

  /** Tokens kept as typed: numbers, names and acronyms, Latin words in another script's text, words of the base. */
  function isKept(t: Token, dominant: Script): boolean {
    if (t.numeric || t.acronym) return true;
    if (t.script === 'latin' && dominant !== 'latin') return true;
    return t.script === 'latin' && t.fold.length >= 3 && vocabulary.has(t.fold);
  }

  function english(text: string, tokens: Token[], emoji: boolean): Interpretation {
    // small talk: every word is a chat term or a stop word (a word surely neither settles it without the phrase matcher)
    let smallTalk = false;
    const words = chatWordsOf();
    if (!words || !words.surelyContent(tokens)) {
      const r = enM().match(tokens);
      let chat = false;
      let content = false;
      for (let i = 0; i < tokens.length && !content; i++) {
        const si = r.spanOf[i]!;
        if (si >= 0) {
          if (r.spans[si]!.concepts.every((c) => special[c]!.chat)) chat = true;
          else content = true;
        } else if (!r.stop[i]) content = true;
      }
      smallTalk = !content && (chat || emoji);
    }
    return { language: 'en', query: text, understood: [], coverage: 1, smallTalk };
  }

  function interpret(input: string): Interpretation {
    const text = input.length > MAX_CHARS ? input.slice(0, MAX_CHARS) : input;
    let clean = text;
    if (clean.includes('@') || clean.includes('://') || clean.includes('www.')) clean = clean.replace(LINK, ' ').replace(MENTION, ' ');
    const emoji = NON_ASCII.test(clean) && EMOJI.test(clean);
    const tokens = tokenize(clean, thaiFor(clean), MAX_TOKENS);
    // no words at all: emoji or punctuation ("👍", "?") is small talk; an empty message is nothing
    if (tokens.length === 0) return { language: 'en', query: text, understood: [], coverage: 1, smallTalk: clean.trim() !== '' };

    // ---- fast path: ASCII letters, mostly English words ----
    if (!NON_ASCII_LETTER.test(clean)) {
      let words = 0;
      let eng = 0;
      // (a share of 0 takes every such text for English: its words need no look)
      for (const t of englishShare > 0 ? tokens : []) {
        if (t.numeric || t.acronym) continue;
        words++;
        const e = englishness(t.fold);
        eng += e > 0 || isForeignTerm(t.fold) ? e : isSlipOfBaseWord(t.fold) ? 1 : 0;
      }
      if (words === 0 || eng >= englishShare * words) {
        trace?.('english');
        return english(text, tokens, emoji);
      }
    }

    trace?.('matched');
    // ---- which script ----
    const perScript = new Map<Script, number>();
    let latin = 0;
    for (const t of tokens) {
      if (t.numeric || t.acronym || t.script === 'other') continue;
      if (t.script === 'latin') latin++;
      else perScript.set(t.script, (perScript.get(t.script) ?? 0) + 1);
    }
    let dominant: Script = 'latin';
    let most = 0;
    for (const [s, n] of perScript) if (n > most) [dominant, most] = [s, n];
    if (most === 0 || most < 0.3 * (latin + most)) dominant = latin > 0 || most === 0 ? 'latin' : dominant;

    // ---- which language: lexicon and stop words, letters, detector ----
    const candidates = slotsOfScript(dominant);
    const en = enM();
    let bearing = 0;
    for (const t of tokens) if (t.script === dominant && !t.numeric && !t.acronym) bearing++;
    const lower = clean.toLowerCase();
    const letters = letterVotes(lower, dominant);
    // a first look (exact words and stop words) keeps the few likeliest of a script's languages
    // (from the words of their terms: only the languages kept get a full matcher)
    let pool = candidates;
    if (candidates.length > MAX_MATCHED) {
      pool = candidates
        .map((s, order) => ({ s, order, q: wordsOf(s).quick(tokens, dominant) + QUICK_LETTER_WEIGHT * (letters.get(s.profile.id) ?? 0) * bearing }))
        .sort((a, b) => b.q - a.q || a.order - b.order)
        .slice(0, MAX_MATCHED)
        .map((x) => x.s);
    }
    const scored: { m: Matcher; r: MatchResult; ev: number; score: number }[] = [];
    for (const m of pool.map(matcherOf)) {
      const r = m.match(tokens);
      // a word reaching a lexicon key counts 0.8, written exactly as a lexicon word 1, a stop word 0.5
      let inSpans = 0;
      let hits = 0;
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i]!;
        if (t.script !== dominant || t.numeric || t.acronym) continue;
        if (r.spanOf[i]! >= 0) inSpans++;
        else if (r.stop[i]) hits += 0.5;
        else if (m === en) hits += 0.5 * englishness(t.fold);
      }
      hits += 0.8 * inSpans + 0.2 * Math.min(inSpans, r.exact);
      const ev = bearing === 0 ? 0 : hits / bearing;
      scored.push({ m, r, ev, score: ev + (letters.get(m.profile.id) ?? 0) });
    }
    scored.sort((a, b) => b.score - a.score);
    let best = scored[0];
    const second = scored[1];
    let detected: Map<string, number> | undefined;
    const decided = best !== undefined && best.ev >= DECIDED_EVIDENCE && (second === undefined || best.score - second.score >= DECIDED_MARGIN);
    if (!decided && detector && bearing > 0) {
      trace?.('detector');
      detected = detector.scores(clean);
      for (const s of scored) {
        const as = s.m.profile.detectAs;
        let d = detected.get(s.m.profile.language) ?? 0;
        if (as) d = as.length === 0 ? 0.5 : Math.max(...as.map((c) => detected!.get(c) ?? 0));
        s.score += 0.3 * d;
      }
      scored.sort((a, b) => b.score - a.score);
      best = scored[0];
    }
    // the detector's language when the lexicons say little and it names a language we have no lexicon for
    let language = best?.m.profile.language;
    if (!best || best.ev < 0.34) {
      if (!detected && detector && bearing > 0) trace?.('detector');
      detected ??= detector && bearing > 0 ? detector.scores(clean) : new Map<string, number>();
      for (const [code, v] of detected) if (v === 1 && !candidates.some((s) => s.profile.language === code)) language = code;
    }
    if (!best || (best.ev === 0 && best.score <= 0.3)) {
      // nothing of any lexicon: search nothing but names and numbers
      language ??= dominant === 'latin' ? 'en' : dominant === 'devanagari' ? 'hi' : 'und';
      if (language === 'en' && dominant === 'latin') return english(text, tokens, emoji);
      const m = best?.m ?? en;
      return build(language === 'und' ? 'en' : language, tokens, best?.r ?? m.match(tokens), m, dominant, emoji);
    }
    if (best.m === en && language === 'en') return english(text, tokens, emoji);
    return build(language ?? best.m.profile.language, tokens, best.r, best.m, dominant, emoji);
  }

  return { interpret };
}

