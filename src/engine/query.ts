// Reading a question into query slots: the question's sentences found inside a message (focus.ts),
// markup dropped, typos corrected against the base's vocabulary (spell.ts), each content word a slot of
// its stem and synonym concepts (an acronym its expansion), names and everyday words marked, and what
// the question asks for (intent.ts).
import {
  COMMON_WORDS,
  MAX_QUERY_CHARS,
  MAX_QUERY_TOKENS,
  STOP_WORDS,
  commonStems,
  contentWords,
  tokenize,
  type SynonymTable,
  type Token,
} from './analyze.ts';
import type { Bm25Index, QuerySlot } from './bm25.ts';
import { isEnglishWord } from './english.ts';
import { focus } from './focus.ts';
import { detectIntent, type Intent } from './intent.ts';
import type { PracticeBase } from '../knowledge/schema.ts';
import { Speller } from './spell.ts';
import { stem } from './stem.ts';
import { NAME_WEIGHT } from './tuning.ts';

/** Markup pasted with a question (HTML tags, character entities, links) is not part of it: left in,
 *  "<b>cyber</b> patrol" or "encrypted &amp;" would count "b" or "amp" as words the base never saw. */
const MARKUP = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>|&(?:[a-z]{2,8}|#\d{1,7}|#x[0-9a-f]{1,6});|\b(?:https?|ftp):\/\/[^\s<>]+/gi;

/** Currency words ("euro", "dollars"). */
const CURRENCY = /^(?:euros?|eur|dollars?|usd|pounds?|gbp|yen|yuan|rupees?|takas?|lira|manats?|dinars?|denars?|leva?|forints?|baht|rupiah|pesos?|rubles?|roubles?)$/;

/** The term standing for an off-topic word: never indexed (analysed terms have no control characters). */
const OFF_TOPIC_TERM = '\u0000offtopic';

/** Whom a solutions question asks about ("how do other countries handle X", "what did other units do",
 *  "in other services"): the asker's peers, not the topic. Read as "others" (still a solutions cue for
 *  detectIntent), so "countries" or "services" do not pull in entries about countries or services.
 *  Left alone where the other country is the topic ("evidence from another country"). */
const PEERS =
  /\b(how\s+(?:do|did|does|can|could|should|would|are|have|has)|what\s+(?:do|did|does|are|have|has)|(?:do|did|does|have|has|are)|in)\s+(?:the\s+|some\s+|any\s+)?other\s+(?:countries|states|services|units|agencies|forces|police\s+forces|departments|teams|members|member\s+states|colleagues|partners|authorities|jurisdictions|nations|law\s+enforcement\s+agencies)\b/giu;

/** What no practice base of meetings holds, asked in words it may share by chance ("when was Europol
 *  founded", "opening hours", "install WhatsApp", "bitcoin rate"): an organisation's history and
 *  office details, consumer how-to, prices and rates. The words are taken out of the search (so
 *  "founded" does not meet "found") and count as words the base never saw; a hit must then match two
 *  topical words of the question (see the engine). */
const OFF_TOPIC = new RegExp(
  [
    String.raw`\b(?:founded|founding\s+(?:date|year)|established|created|set\s+up)\s*\?*\s*$`,
    String.raw`\b(?:opening|office|business|visiting)\s+(?:hours|times)\b|\bopen\s+on\s+(?:weekends?|sundays?|saturdays?)\b`,
    String.raw`\b(?:postal|street|office|email|e-mail|mailing)\s+address\b|\b(?:phone|telephone|fax|contact)\s+(?:number|details)\b|\bwebsite\b`,
    String.raw`\b(?:un)?install(?:ing|ed|s)?\b|\bdownload(?:ing|ed|s)?\b|\bapp\s+store\b|\bplay\s+store\b|\b(?:software|app|phone)\s+update\b`,
    String.raw`\b(?:exchange\s+)?rates?\b(?=.*\b(?:now|today|current|currently)\b)|\b(?:exchange|interest)\s+rates?\b|\bprice\s+of\b|\bstock\s+(?:market|price)s?\b`,
    String.raw`\bweather\b|\brecipes?\b|\bhoroscope\b`,
  ].join('|'),
  'giu',
);

/** A word every match of OFF_TOPIC holds, looked for first: compiling OFF_TOPIC (case-insensitive
 *  Unicode) costs a first question some 5 ms, and most questions hold none of these. Looked for in the
 *  text lower-cased, with the long s as s: the only letters besides A-Z that OFF_TOPIC's /iu matches to
 *  a-z are the long s (U+017F) and the Kelvin sign (U+212A, lower-cased to k). */
const OFF_TOPIC_WORDS = /found|established|created|set|hours|times|open|address|number|details|website|install|download|store|update|rate|price|stock|weather|recipe|horoscope/;
const mayBeOffTopic = (text: string): boolean => OFF_TOPIC_WORDS.test(text.toLowerCase().replace(/\u017f/g, 's'));

/** A word typed with a capital first (one object for every search: no flag g, so test() keeps no state). */
const CAPITAL = /^\p{Lu}/u;

/** Weight of a partial-word match (the query word is a prefix of an indexed term, or the reverse). */
const PARTIAL_WEIGHT = 0.7;

/** Adds a query slot unless one with the same terms is there already ("encryption encrypted"); a
 *  word both in the question and in its context keeps the question's weight. */
/**
 * A query slot with every optional field present (undefined when unset), always in the same order:
 * slots then share one object shape, so the ranking code that reads them is not deoptimised by a
 * slot of a new shape ("wrong map") midway through a run of questions.
 */
export function querySlot(init: QuerySlot): QuerySlot {
  return {
    alts: init.alts,
    weight: init.weight,
    unseen: init.unseen,
    words: init.words,
    unknownWeight: init.unknownWeight,
    everyday: init.everyday,
    name: init.name,
  };
}

function pushSlot(slots: QuerySlot[], seen: Map<string, QuerySlot>, slot: QuerySlot): void {
  let key: string;
  if (slot.alts.length === 1) key = slot.alts[0]!.term;
  else {
    const terms: string[] = [];
    for (const a of slot.alts) terms.push(a.term);
    key = terms.sort().join('|');
  }
  const had = seen.get(key);
  if (had) {
    if (slot.weight > had.weight) had.weight = slot.weight;
    if ((slot.words ?? 0) > (had.words ?? 0)) had.words = slot.words;
    return;
  }
  seen.set(key, slot);
  slots.push(slot);
}

function anyIndexed(index: Bm25Index, slot: QuerySlot): boolean {
  for (const a of slot.alts) if (index.has(a.term)) return true;
  return false;
}

export interface AnalysedQuery {
  slots: QuerySlot[];
  corrected?: string;
  /** What the question asks for (read from its question sentences). */
  intent: Intent;
  /** The question asks something no practice base holds (OFF_TOPIC): it was searched without those words. */
  offTopic?: boolean;
}

/** The base's spelling vocabulary: its surface words (lower-case a-z, three letters or more, American
 *  spelling, no stop words) with how often entries, themes, synonym groups and meetings use them. A pure
 *  function of the base and its synonym table, kept in the engine's snapshot (src/cache/engine.ts). */
export function spellingVocabulary(base: PracticeBase, table: SynonymTable): Map<string, number> {
  const entries = base.entries;
  const vocab = new Map<string, number>();
  const addWords = (text: string) => {
    for (const t of tokenize(text)) {
      if (t.norm.length < 3 || STOP_WORDS.has(t.norm) || !/^[a-z]+$/.test(t.norm)) continue;
      vocab.set(t.norm, (vocab.get(t.norm) ?? 0) + 1);
    }
  };
  const sample = entries.length > 5000 ? entries.slice(0, 5000) : entries; // synthetic bases reuse the same words
  for (const e of sample) addWords(`${e.title} ${e.text} ${e.keywords.join(' ')}`);
  for (const t of base.themes) addWords(`${t.label} ${t.terms.join(' ')}`);
  for (const w of table.words) if (/^[a-z]{3,}$/.test(w)) vocab.set(w, (vocab.get(w) ?? 0) + 1);
  for (const m of base.meetings) addWords(`${m.title} ${m.series} ${m.place.city ?? ''} ${m.place.country ?? ''}`);
  return vocab;
}

/** The everyday words (COMMON_WORDS, not stop words) that are the base's own: words of its curated
 *  vocabulary (synonym groups, theme names and terms, entry keywords), or sharing a stem with one
 *  ("protect" is the base's own when it says "victim protection"). A question's word that is an everyday
 *  word but not one of these is no evidence on its own that a hit is on topic. A pure function of the
 *  base and its synonym table, kept in the engine's snapshot (src/cache/engine.ts). */
export function curatedCommonWords(base: PracticeBase, table: SynonymTable): Set<string> {
  const curated = new Set<string>(table.words);
  for (const t of base.themes) for (const tok of tokenize(`${t.label} ${t.terms.join(' ')}`)) curated.add(tok.norm);
  const sample = base.entries.length > 5000 ? base.entries.slice(0, 5000) : base.entries;
  for (const e of sample) for (const k of e.keywords) for (const tok of tokenize(k)) curated.add(tok.norm);
  const curatedStems = new Set<string>();
  for (const w of curated) curatedStems.add(stem(w));
  const out = new Set<string>();
  for (const w of COMMON_WORDS) if (!STOP_WORDS.has(w) && (curated.has(w) || curatedStems.has(stem(w)))) out.add(w);
  return out;
}

/** Names the base knows as names (its meetings' cities and countries, its organisers and publishers:
 *  "Europol", "Sofia", "Bangkok"), wherever they stand in a question: "Europol headquarters opening
 *  hours" is about Europol, not about a topic. A pure function of the base, kept in the engine's snapshot. */
export function baseNameWords(base: PracticeBase): Set<string> {
  const names = new Set<string>();
  const addNames = (text: string | undefined) => {
    for (const t of tokenize(text ?? '')) if (t.norm.length >= 3 && /^[a-z]+$/.test(t.norm) && CAPITAL.test(t.raw) && !COMMON_WORDS.has(t.norm) && !STOP_WORDS.has(t.norm)) names.add(t.norm);
  };
  for (const m of base.meetings) {
    addNames(m.place.city);
    addNames(m.place.country);
    addNames(m.organiser);
  }
  for (const d of base.documents) addNames(d.publisher);
  return names;
}

/** Reads questions against one base and its index: `analyse(question)` gives its slots, its
 *  correction and its intent. `kept`: spellingVocabulary(base, table), curatedCommonWords(base, table)
 *  and baseNameWords(base) when already known (read from a snapshot); they must be this base's, as
 *  they are not checked. */
export function createQueryAnalyser(
  base: PracticeBase,
  table: SynonymTable,
  index: Bm25Index,
  kept: { vocabulary?: Map<string, number>; curated?: ReadonlySet<string>; names?: ReadonlySet<string> } = {},
): (query: string) => AnalysedQuery {
  const { vocabulary, curated } = kept;
  // ---- vocabulary for spelling correction (surface words, lower-case, American spelling) ----
  const vocab = vocabulary ?? spellingVocabulary(base, table);
  // The speller (its prefix buckets and deletion indexes) is built on the first word to correct: a
  // question whose words are all known never needs it.
  let speller: Speller | undefined;
  const getSpeller = (): Speller => {
    if (!speller) {
      // everyday words are correction targets too (frequency 0: a domain word wins a tie)
      const spellWords = new Map(vocab);
      for (const w of COMMON_WORDS) if (w.length >= 3 && !spellWords.has(w)) spellWords.set(w, 0);
      speller = new Speller(spellWords);
    }
    return speller;
  };

  /** What is known of a word: the base (or everyday English it uses) knows it, so it is left alone;
   *  only English knows it ("safeguards"), so it is not corrected but may be two base words run
   *  together; or nobody does, so it is a typo to correct. */
  const KNOWN = 0;
  const ENGLISH_ONLY = 1;
  const UNKNOWN = 2;
  const wordState = (w: string): number =>
    w.length < 4 ||
    !/^[a-z]+$/.test(w) ||
    COMMON_WORDS.has(w) ||
    vocab.has(w) ||
    table.acronyms.has(w) ||
    index.has(stem(w)) ||
    commonStems().has(stem(w))
      ? KNOWN
      : isEnglishWord(w)
        ? ENGLISH_ONLY
        : UNKNOWN;
  const known = new Map<string, number>();
  const knownWord = (t: Token): number => {
    let k = known.get(t.norm);
    if (k === undefined) {
      k = wordState(t.norm);
      if (known.size > 50_000) known.clear();
      known.set(t.norm, k);
    }
    return k;
  };

  /** Everyday English ("new", "open", "hours", "first") that is not a word of the base's curated
   *  vocabulary (curatedCommonWords): "data", "court", "victim" are everyday words too, but the base's own. */
  // found on the first word that is in no synonym group (many questions have none), unless given
  let curatedCommon = curated;
  // ordinals ("first", "2nd") say which one, and currencies how much, not what
  const isEveryday = (w: string): boolean =>
    (COMMON_WORDS.has(w) && !STOP_WORDS.has(w) && !(curatedCommon ??= curatedCommonWords(base, table)).has(w)) ||
    /^\d+(?:st|nd|rd|th)$/.test(w) ||
    CURRENCY.test(w);

  const baseNames = kept.names ?? baseNameWords(base);

  // ---- query analysis ----
  /** How much a word the base has never seen counts against the score: an English word the base
   *  lacks fully (it says what the question is about: "weather", "recipe"); a name, a place, a rank or
   *  a word in another script much less ("Rashad", "Baku", "Inspector"), as they say who asks, not what. */
  const unknownWeightOf = (t: Token, state: number, first: boolean): number => {
    const nameLike = t.caps || (!first && CAPITAL.test(t.raw));
    if (state === UNKNOWN || !/^[a-z]+$/.test(t.norm)) return NAME_WEIGHT;
    return nameLike ? NAME_WEIGHT : 1;
  };
  const analyse = (query: string): AnalysedQuery => {
    let offTopic = 0;
    const text = typeof query === 'string' ? query.slice(0, MAX_QUERY_CHARS).replace(MARKUP, ' ').replace(PEERS, '$1 others') : '';
    const raw = mayBeOffTopic(text)
      ? text.replace(OFF_TOPIC, () => {
          offTopic++;
          return ' ';
        })
      : text;
    const { segments, questionText } = focus(raw);
    const slots: QuerySlot[] = [];
    const seen = new Map<string, QuerySlot>();
    const shown: string[] = [];
    let changed = false;
    let budget = MAX_QUERY_TOKENS;
    for (const seg of segments) {
      if (budget <= 0) break;
      const tokens = tokenize(seg.text, budget);
      budget -= tokens.length;
      const fixed: Token[] = [];
      const penalty = new Map<Token, number>();
      const names = new Set<Token>();
      tokens.forEach((t, i) => {
        if ((i > 0 || baseNames.has(t.norm)) && CAPITAL.test(t.raw) && t.raw !== t.raw.toUpperCase()) names.add(t);
        const state = t.caps ? KNOWN : knownWord(t);
        const fix = state === UNKNOWN ? getSpeller().correct(t.norm) : state === ENGLISH_ONLY ? getSpeller().splitCompound(t.norm) : undefined;
        if (!fix) {
          fixed.push(t);
          penalty.set(t, unknownWeightOf(t, state, i === 0));
          shown.push(t.raw.toLowerCase());
          return;
        }
        changed = true;
        for (const w of fix.split(' ')) {
          fixed.push({ raw: w, norm: w, caps: false });
          shown.push(w);
        }
      });
      const add = (init: QuerySlot) => {
        const slot = querySlot(init);
        slot.words = slot.weight;
        slot.weight *= seg.weight;
        pushSlot(slots, seen, slot);
      };
      for (const w of contentWords(fixed, table, true)) {
        const unknownWeight = penalty.get(w.token) ?? 1;
        if (w.acronym) {
          const groups = w.groups.map((g) => table.groups[g]!);
          if (groups.length === 1 && groups[0]!.expansion.length > 0) {
            const g = groups[0]!;
            const k = g.expansion.length;
            for (const s of g.expansion) add({ alts: [{ term: g.concept, weight: 1 }, { term: s, weight: 1 }], weight: 1 / k, ...(names.has(w.token) ? { name: true } : {}) });
          } else {
            add({ alts: groups.map((g) => ({ term: g.concept, weight: 1 })), weight: 1, ...(names.has(w.token) ? { name: true } : {}) });
          }
          continue;
        }
        const alts = [{ term: w.stem, weight: 1 }];
        for (const g of w.groups) alts.push({ term: table.groups[g]!.concept, weight: 1 });
        add({ alts, weight: 1, ...(unknownWeight !== 1 ? { unknownWeight } : {}), ...(w.groups.length === 0 && isEveryday(w.token.norm) ? { everyday: true } : {}), ...(names.has(w.token) ? { name: true } : {}) });
      }
    }
    // a word the index does not know may be cut short ("lecouf") or longer than a known stem
    // ("biometrically"): offer those terms as weaker alternatives
    for (const slot of slots) {
      if (anyIndexed(index, slot)) continue;
      const s = slot.alts[0]!.term;
      if (s.length < 5 || !/^[a-z]+$/.test(s)) continue;
      const extra = index.termsWithPrefix(s, 3);
      for (let k = s.length - 1; extra.length === 0 && k >= 6; k--) if (index.has(s.slice(0, k))) extra.push(s.slice(0, k));
      for (const term of extra) slot.alts.push({ term, weight: PARTIAL_WEIGHT });
      if (extra.length > 0) slot.unseen = true;
    }
    let intent = detectIntent(questionText);
    if (intent === 'general' && questionText !== raw) intent = detectIntent(raw);
    for (let k = 0; k < offTopic; k++) slots.push(querySlot({ alts: [{ term: OFF_TOPIC_TERM, weight: 1 }], weight: 1, words: 1 }));
    return { slots, intent, ...(changed ? { corrected: shown.join(' ') } : {}), ...(offTopic > 0 ? { offTopic: true } : {}) };
  };
  return analyse;
}
