// The answer engine: spelling correction (fuse.js on single words) in front of a BM25F index
// (src/engine/bm25.ts) over the practice base, with synonym/acronym concepts, filters, a score
// threshold and suggestions. See bench/README.md for why the index is our own and not MiniSearch.
import Fuse from 'fuse.js';
import { KIND_LABELS, type Kind } from '../knowledge/kinds.ts';
import type { Entry, PracticeBase, Theme } from '../knowledge/schema.ts';
import {
  COMMON_WORDS,
  MAX_QUERY_CHARS,
  MAX_QUERY_TOKENS,
  STOP_WORDS,
  analyseField as analyseFieldText,
  buildSynonymTable,
  commonStems,
  contentWords,
  fold,
  tokenize,
  type SynonymTable,
  type Token,
} from './analyze.ts';
import { createLru } from '../core/lru.ts';
import { Bm25Index, type FieldSpec, type QuerySlot } from './bm25.ts';
import { isEnglishWord } from './english.ts';
import { focus } from './focus.ts';
import { KIND_PREFERENCE, SOLUTION_KINDS, detectIntent, readInterpretedQuery, type Intent } from './intent.ts';
import { createEnglishInterpreter } from './small-talk.ts';
import type { FieldTermsMemo } from './field-terms-memo.ts';
import { Speller, osaDistance } from './spell.ts';
import { stem } from './stem.ts';
import type { AnswerNote, Engine, Interpretation, SearchHit, SearchOptions, SearchResult, SourceRef } from './types.ts';

/**
 * Normalised score (share of the query's maximum achievable BM25F score) below which a hit is
 * noise. A query word the base has never seen counts as a word worth an unseen term, so a query
 * that is mostly off-topic ("recipe for banana bread") stays below it even when one word matches.
 */
export const SCORE_THRESHOLD = 0.35;
/**
 * A hit that matches at least two different words of the question is accepted from this lower
 * score: two words agreeing is evidence an isolated match ("stock market today" -> "market") is not.
 */
export const COVERED_THRESHOLD = 0.25;

/** A hit that matches a single word of a question of several words needs this score: sharing one
 *  word with the base ("Sofia weather", "grooming my dog") is not an answer. */
export const ONE_WORD_THRESHOLD = 0.5;

/** A question of more than this many words (context words count by their weight) gets a lower bar
 *  for hits that match two or more of its words, in proportion ... */
export const LONG_WORDS = 6;
/** ... down to this share of COVERED_THRESHOLD. */
export const LONG_FLOOR = 0.4;

/** A query word the base has never seen counts as this share of an unseen term's best score. */
export const UNKNOWN_WEIGHT = 1;
/** ... when it is a name, a place or a word no English dictionary has ("Rashad", "Baku"). */
export const NAME_WEIGHT = 0.2;


/** A content word of a question in another language that the interpreter did not understand counts
 *  against the score as this share of a word the base has never seen: "comment installer WhatsApp sur
 *  mon nouveau téléphone" is read as "WhatsApp" plus two words not understood, not as "WhatsApp"
 *  alone. A quarter of what an English word the base lacks counts (UNKNOWN_WEIGHT): the lexicon lists
 *  the domain's words, not every everyday verb or adjective ("large", "permanent"), so a word it does
 *  not know says less than an English word the base does not use. */
export const UNMAPPED_WEIGHT = 0.25;
/** A hit matching one concept of a question in another language of which this many words were not
 *  understood is not an answer: one concept cannot stand for the question. */
export const ONE_CONCEPT_UNMAPPED = 3;
/** Most words not understood that are counted (a long message's context should not sink it). */
export const MAX_UNMAPPED = 6;

/** How many content words of an interpreted message were not understood: the interpreter's count
 *  when it gives one, else estimated from its coverage and the concepts it understood. */
export function unmappedWords(read: Interpretation): number {
  if (read.language === 'en' && read.understood.length === 0) return 0;
  if (typeof read.unmapped === 'number' && Number.isFinite(read.unmapped)) return Math.max(0, Math.min(MAX_UNMAPPED, read.unmapped));
  const c = read.coverage;
  if (!(c > 0) || c >= 1) return 0;
  const known = Math.max(1, read.understood.length);
  return Math.min(MAX_UNMAPPED, Math.round((known * (1 - c)) / c));
}

/** A challenge's addressing entries (`addressed_by`) enter a solutions answer at this share of the
 *  challenge's score (when they do not match better on their own). */
export const LINK_WEIGHT = 0.9;
/** ... when the question is clearly about that challenge (its relevance at least this). */
export const ANCHOR_MIN = 0.7;
/** Each later place in a challenge's `addressed_by` list (curated best first) costs this share. */
export const LINK_RANK_STEP = 0.03;
/** An addressing entry's own relevance to the question adds this share of it. */
export const LINK_OWN_SHARE = 0.1;
/** The nearest practices shown after "recorded as a challenge" must score at least this. */
export const NEAREST_FLOOR = 0.12;
/** Two hits of the same kind from different documents whose title and text share this share of their
 *  words (Jaccard) are one point recorded twice: shown once, with both sources. */
export const FOLD_SIMILARITY = 0.5;

/** Markup pasted with a question (HTML tags, character entities, links) is not part of it: left in,
 *  "<b>cyber</b> patrol" or "encrypted &amp;" would count "b" or "amp" as words the base never saw. */
const MARKUP = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>|&(?:[a-z]{2,8}|#\d{1,7}|#x[0-9a-f]{1,6});|\b(?:https?|ftp):\/\/[^\s<>]+/gi;

/** The term standing for a word not understood: never indexed (analysed terms have no control characters). */
const UNMAPPED_TERM = '\u0000unmapped';

/** Weight of a partial-word match (the query word is a prefix of an indexed term, or the reverse). */
const PARTIAL_WEIGHT = 0.7;

/** Index fields: title > themes > keywords/text; kind words and the source (meeting, place, section) weigh little. */
export const FIELDS: FieldSpec[] = [
  { name: 'title', boost: 3, b: 0.5 },
  { name: 'themes', boost: 1.5, b: 0.3 },
  { name: 'text', boost: 1, b: 0.75 },
  { name: 'keywords', boost: 1, b: 0.5 },
  { name: 'kind', boost: 0.8, b: 0 },
  { name: 'context', boost: 0.4, b: 0 },
];

/** Words officers use for each kind of entry ("what are the challenges with ..."). */
const KIND_WORDS: Record<Kind, string> = {
  challenge: 'challenges problems difficulties obstacles',
  'good-practice': 'good practices best practices lessons learned',
  opportunity: 'opportunities improvements',
  'next-step': 'next steps follow up plans',
  conclusion: 'key conclusions priorities recommendations outcomes',
  fact: 'facts figures statistics',
};

export interface EngineOptions {
  /** Score threshold override (0..1), mainly for experiments. */
  threshold?: number;
  /** Lower threshold for hits that match at least two query words (0..1). */
  coveredThreshold?: number;
  /** Threshold for a hit that matches one word of a question of several (0..1). */
  oneWordThreshold?: number;
  /** Postings read per query term at most (see Bm25Index). */
  championCap?: number;
  /** How much a query word the base has never seen counts against the score (see Bm25Index). */
  unknownWeight?: number;
  /** How many recent searches are kept for repeated questions and "more" pages (0: none). */
  resultCache?: number;
  /** Reads a message: its language, an English query, small talk (default: English only, see
   *  src/engine/small-talk.ts; the app wires in the multilingual interpreter). */
  interpret?: (text: string) => Interpretation;
  /** Analysed index field texts kept between starts (src/cache/engine.ts); read and filled while building. */
  fieldTerms?: FieldTermsMemo;
}

/** Recent searches kept: their keys (question text) and small result objects that point at entries. */
export const RESULT_CACHE = 1000;

function freezeResult(r: SearchResult): SearchResult {
  for (const h of r.hits) {
    Object.freeze(h.sources);
    if (h.folded) Object.freeze(h.folded);
    Object.freeze(h);
  }
  Object.freeze(r.understood);
  Object.freeze(r.remedies);
  Object.freeze(r.hits);
  Object.freeze(r.suggestions);
  return Object.freeze(r);
}

/** Per-entry text of each index field, in FIELDS order. */
export function entryFieldTexts(entry: Entry, base: { themes: Map<string, Theme>; context: Map<string, string> }): string[] {
  const themeText = entry.themes
    .map((id) => {
      const t = base.themes.get(id);
      return t ? `${t.label} ${t.terms.join(' ')}` : id.replace(/-/g, ' ');
    })
    .join(' ');
  return [
    entry.title,
    themeText,
    entry.text,
    entry.keywords.join(' '),
    `${KIND_LABELS[entry.kind].many} ${KIND_WORDS[entry.kind]}`,
    base.context.get(`${entry.source.meeting}|${entry.source.document}|${entry.source.section}`) ?? entry.source.section,
  ];
}

/** The source context of every (meeting, document, section) an entry can cite. */
function contextTexts(base: PracticeBase): Map<string, string> {
  const out = new Map<string, string>();
  const meetings = new Map(base.meetings.map((m) => [m.id, m]));
  const docs = new Map(base.documents.map((d) => [d.file, d]));
  for (const e of base.entries) {
    const key = `${e.source.meeting}|${e.source.document}|${e.source.section}`;
    if (out.has(key)) continue;
    const m = meetings.get(e.source.meeting);
    const d = docs.get(e.source.document);
    out.set(
      key,
      [
        m?.title,
        m?.series,
        m?.organiser,
        m?.place.city,
        m?.place.country,
        m?.place.virtual ? 'virtual online' : undefined,
        m?.date.start.slice(0, 4),
        d?.title,
        d?.publisher,
        e.source.section,
      ]
        .filter(Boolean)
        .join(' '),
    );
  }
  return out;
}

/** The text of every index field (FIELDS order) for each entry of a base. */
export function indexFieldTexts(base: PracticeBase): string[][] {
  const themes = new Map(base.themes.map((t) => [t.id, t]));
  const context = contextTexts(base);
  return base.entries.map((e) => entryFieldTexts(e, { themes, context }));
}

/** Adds a query slot unless one with the same terms is there already ("encryption encrypted"); a
 *  word both in the question and in its context keeps the question's weight. */
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
}

export interface PracticeEngine extends Engine {
  /** The query's slots after correction (for debugging and the bench). */
  analyse(query: string): AnalysedQuery;
}

export function createEngine(base: PracticeBase, options: EngineOptions = {}): PracticeEngine {
  const threshold = options.threshold ?? SCORE_THRESHOLD;
  const covered = { score: Math.min(threshold, options.coveredThreshold ?? COVERED_THRESHOLD), words: 2 };
  const oneWordThreshold = Math.max(threshold, options.oneWordThreshold ?? ONE_WORD_THRESHOLD);
  const table: SynonymTable = buildSynonymTable(base.synonyms);
  const themeById = new Map(base.themes.map((t) => [t.id, t]));
  const themeByLabel = new Map(base.themes.map((t) => [fold(t.label), t]));

  // ---- index ----
  const memo = options.fieldTerms;
  const analyseField = (text: string, t: SynonymTable): string[] => {
    let terms = memo?.get(text);
    if (!terms) {
      terms = analyseFieldText(text, t);
      memo?.set(text, terms);
    }
    return terms;
  };
  const fieldCache = new Map<string, string[]>();
  const analyseCached = (text: string): string[] => {
    let terms = fieldCache.get(text);
    if (!terms) {
      terms = analyseField(text, table);
      fieldCache.set(text, terms);
    }
    return terms;
  };
  const entries = base.entries;
  const index = new Bm25Index(FIELDS, { championCap: options.championCap ?? 2048, unknownWeight: options.unknownWeight ?? UNKNOWN_WEIGHT });
  // themes, kind and context repeat across entries: analyse each distinct text once
  const docs = indexFieldTexts(base).map((texts) => texts.map((t, f) => (f === 2 || f === 3 ? analyseField(t, table) : analyseCached(t))));
  // Each entry's own terms (title, themes, text, keywords; not the kind words nor the meeting
  // context), as sorted ids in one typed array: a match on the meeting's name, place or year says
  // which meeting, not what; and near-identical points are found by comparing these sets.
  const ownId = new Map<string, number>();
  const ownStart = new Int32Array(docs.length + 1);
  const ownList: number[] = [];
  docs.forEach((fields, d) => {
    const ids = new Set<number>();
    for (let f = 0; f < 4; f++) {
      for (const t of fields[f] ?? []) {
        let id = ownId.get(t);
        if (id === undefined) {
          id = ownId.size;
          ownId.set(t, id);
        }
        ids.add(id);
      }
    }
    for (const id of [...ids].sort((a, b) => a - b)) ownList.push(id);
    ownStart[d + 1] = ownList.length;
  });
  const ownTerms = Int32Array.from(ownList);
  ownList.length = 0;
  const hasOwn = (d: number, term: string): boolean => {
    const id = ownId.get(term);
    if (id === undefined) return false;
    let lo = ownStart[d]!;
    let hi = ownStart[d + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const v = ownTerms[mid]!;
      if (v === id) return true;
      if (v < id) lo = mid + 1;
      else hi = mid;
    }
    return false;
  };
  index.build(docs);
  fieldCache.clear();
  const kindOf = entries.map((e) => e.kind);
  const themesOf = entries.map((e) => e.themes);

  // ---- vocabulary for spelling correction (surface words, lower-case, American spelling) ----
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
  // everyday words are correction targets too (frequency 0: a domain word wins a tie)
  const spellWords = new Map(vocab);
  for (const w of COMMON_WORDS) if (w.length >= 3 && !spellWords.has(w)) spellWords.set(w, 0);
  const speller = new Speller(spellWords);

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
   *  vocabulary (synonym groups, theme names and terms, entry keywords): "data", "court", "victim" are
   *  everyday words too, but the base's own. */
  const curated = new Set<string>(table.words);
  for (const t of base.themes) for (const tok of tokenize(`${t.label} ${t.terms.join(' ')}`)) curated.add(tok.norm);
  for (const e of sample) for (const k of e.keywords) for (const tok of tokenize(k)) curated.add(tok.norm);
  const isEveryday = (w: string): boolean => COMMON_WORDS.has(w) && !STOP_WORDS.has(w) && !curated.has(w);

  // ---- query analysis ----
  /** How much a word the base has never seen counts against the score: an English word the base
   *  lacks fully (it says what the question is about: "weather", "recipe"); a name, a place, a rank or
   *  a word in another script much less ("Rashad", "Baku", "Inspector"), as they say who asks, not what. */
  const unknownWeightOf = (t: Token, state: number, first: boolean): number => {
    const nameLike = t.caps || (!first && /^\p{Lu}/u.test(t.raw));
    if (state === UNKNOWN || !/^[a-z]+$/.test(t.norm)) return NAME_WEIGHT;
    return nameLike ? NAME_WEIGHT : 1;
  };
  const analyse = (query: string): AnalysedQuery => {
    const raw = typeof query === 'string' ? query.slice(0, MAX_QUERY_CHARS).replace(MARKUP, ' ') : '';
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
        if (i > 0 && /^\p{Lu}/u.test(t.raw) && t.raw !== t.raw.toUpperCase()) names.add(t);
        const state = t.caps ? KNOWN : knownWord(t);
        const fix = state === UNKNOWN ? speller.correct(t.norm) : state === ENGLISH_ONLY ? speller.splitCompound(t.norm) : undefined;
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
      const add = (slot: QuerySlot) => {
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
    return { slots, intent, ...(changed ? { corrected: shown.join(' ') } : {}) };
  };

  // ---- themes ----
  const themeTerms = base.themes.map((t) => ({
    theme: t,
    label: new Set(analyseField(`${t.id.replace(/-/g, ' ')} ${t.label}`, table)),
    terms: new Set(analyseField(t.terms.join(' '), table)),
    description: new Set(analyseField(t.description, table)),
  }));
  let themeFuse: Fuse<{ theme: Theme; text: string }> | undefined;
  const slotWeight = (s: QuerySlot): number => {
    let best = 0;
    for (const a of s.alts) best = Math.max(best, index.idf(a.term));
    return best * s.weight;
  };

  /** Themes whose name, terms or (at half weight) description cover at least half of the query's weight, best first. */
  const themesForSlots = (slots: QuerySlot[], topic: string): Theme[] => {
    if (slots.length === 0) return [];
    const weights = slots.map(slotWeight);
    const sum = weights.reduce((a, b) => a + b, 0);
    const scored: { theme: Theme; score: number }[] = [];
    for (const tt of themeTerms) {
      let got = 0;
      slots.forEach((s, i) => {
        // a word of the theme's name counts most, one of its terms nearly as much, its description half
        if (s.alts.some((a) => tt.label.has(a.term))) got += weights[i]!;
        else if (s.alts.some((a) => tt.terms.has(a.term))) got += 0.9 * weights[i]!;
        else if (s.alts.some((a) => tt.description.has(a.term))) got += 0.5 * weights[i]!;
      });
      const score = sum > 0 ? got / sum : 0;
      if (score >= 0.5) scored.push({ theme: tt.theme, score });
    }
    const exact = themeByLabel.get(fold(topic.trim())) ?? themeById.get(topic.trim());
    return scored
      .sort((a, b) => Number(b.theme === exact) - Number(a.theme === exact) || b.score - a.score)
      .map((s) => s.theme);
  };

  const themesFor = (topic: string): Theme[] => {
    const t = typeof topic === 'string' ? topic.slice(0, MAX_QUERY_CHARS) : '';
    const direct = themesForSlots(analyse(t).slots, t);
    if (direct.length > 0) return direct;
    // typos the word corrector left, in a short topic: fuse over theme labels and terms
    const q = fold(t).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    if (q.length < 3 || q.length > 40) return [];
    themeFuse ??= new Fuse(
      base.themes.flatMap((th) => [th.label, ...th.terms].map((text) => ({ theme: th, text: fold(text) }))),
      { keys: ['text'], includeScore: true, threshold: 0.3, ignoreLocation: true },
    );
    const out: Theme[] = [];
    for (const r of themeFuse.search(q, { limit: 10 })) if (!out.includes(r.item.theme)) out.push(r.item.theme);
    return out.slice(0, 2);
  };

  // ---- suggestions ----
  const themeCounts = new Map<string, number>();
  for (const e of entries) for (const t of e.themes) themeCounts.set(t, (themeCounts.get(t) ?? 0) + 1);
  const popularThemes = [...themeCounts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
  const labelOf = (id: string) => themeById.get(id)?.label ?? id;

  const suggest = (query: string, slots: QuerySlot[], near: number[]): string[] => {
    const out: string[] = [];
    const add = (label: string) => {
      if (out.length < 5 && !out.includes(label)) out.push(label);
    };
    for (const t of themesForSlots(slots, query).slice(0, 3)) add(t.label);
    const counts = new Map<string, number>();
    for (const d of near) for (const t of themesOf[d] ?? []) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t] of [...counts.entries()].sort((a, b) => b[1] - a[1])) add(labelOf(t));
    for (const t of popularThemes) add(labelOf(t));
    return out;
  };

  // ---- links between entries, sources, folding ----
  // Curated links (knowledge/: addressed_by; same_as folded at load into `sources` and base.aliases)
  // and, at answer time, near-identical points the curation missed.
  const aliases = base.aliases;
  const docById = new Map<string, number>();
  entries.forEach((e, i) => docById.set(e.id, i));
  const docOf = (id: string): number | undefined => docById.get(id) ?? docById.get(aliases?.get(id) ?? '');
  const entry = (id: string): Entry | undefined => {
    const d = typeof id === 'string' ? docOf(id) : undefined;
    return d === undefined ? undefined : entries[d];
  };
  const remedyDocs = (d: number): number[] => {
    const out: number[] = [];
    for (const id of entries[d]!.addressed_by ?? []) {
      const r = docOf(id);
      if (r !== undefined && r !== d && !out.includes(r)) out.push(r);
    }
    return out;
  };
  const remediesOf = (e: Entry): Entry[] => {
    const d = docById.get(e.id);
    return d === undefined ? [] : remedyDocs(d).map((r) => entries[r]!);
  };
  const sourcesOf = (e: Entry): SourceRef[] => {
    const s = e.sources;
    return s && s.length > 0 ? [...s] : [e.source];
  };
  /** How many words of the question an entry matches in its own fields. */
  const topicalWords = (d: number, slots: readonly QuerySlot[], evidence = false): number => {
    let n = 0;
    for (const s of slots) {
      if (evidence && s.everyday) continue;
      for (const a of s.alts) {
        if (!hasOwn(d, a.term)) continue;
        n += s.words ?? s.weight;
        break;
      }
    }
    return n;
  };
  /** The entry matches only names of the question, and some topical word (neither a name nor an
   *  everyday word) of the question's own sentences is not in it. */
  const namesOnly = (d: number, slots: readonly QuerySlot[]): boolean => {
    let missed = false;
    for (const s of slots) {
      const here = slotInEntry(d, s);
      if (here && !s.name && !s.everyday) return false;
      if (!here && !s.name && !s.everyday && s.weight >= 1 - 1e-9 && !s.unknownWeight) missed = true;
    }
    return missed;
  };
  const slotInEntry = (d: number, s: QuerySlot): boolean => {
    for (const a of s.alts) if (hasOwn(d, a.term)) return true;
    return false;
  };
  /** What an interpreted question was understood as, unit by unit: each concept (its index terms) and
   *  each word kept as typed (in the query, not part of a concept's label: "data", "2024"), and whether
   *  it is a name or a number rather than a topic (written with a capital first letter and not all in
   *  capitals: France, Sofia, Europol, WhatsApp; not OSINT or COLEP, nor "encrypted data"). */
  const conceptTerms = (labels: readonly string[], query: string): { terms: string[]; name: boolean }[] => {
    const isName = (w: string) => /^\p{N}+$/u.test(w) || (/^\p{Lu}/u.test(w) && w !== w.toUpperCase());
    const units = labels.map((label) => ({ terms: analyseField(label, table), name: isName(label) }));
    let rest = ` ${query} `;
    for (const label of labels) rest = rest.replace(` ${label} `, ' ');
    for (const w of rest.split(/\s+/)) {
      if (w === '') continue;
      const terms = analyseField(w, table);
      if (terms.length > 0) units.push({ terms, name: isName(w) });
    }
    return units;
  };
  /** The same point recorded twice: same kind, different documents, near-identical words. */
  const samePoint = (a: number, b: number): boolean => {
    const ea = entries[a]!;
    const eb = entries[b]!;
    if (ea.kind !== eb.kind || ea.source.document === eb.source.document) return false;
    // Jaccard of the two sorted term-id lists
    let i = ownStart[a]!;
    let j = ownStart[b]!;
    const ie = ownStart[a + 1]!;
    const je = ownStart[b + 1]!;
    let both = 0;
    while (i < ie && j < je) {
      const x = ownTerms[i]!;
      const y = ownTerms[j]!;
      if (x === y) {
        both++;
        i++;
        j++;
      } else if (x < y) i++;
      else j++;
    }
    return both / (ie - ownStart[a]! + je - ownStart[b]! - both) >= FOLD_SIMILARITY;
  };

  // ---- search ----
  const interpret = options.interpret ?? createEnglishInterpreter((w) => index.has(stem(fold(w))));
  const readMessage = (q: string): Interpretation => {
    try {
      const r = interpret(q);
      if (r && typeof r.query === 'string') return r;
    } catch {
      // an interpreter that fails reads the message as English
    }
    return { language: 'en', query: q, understood: [], coverage: 1, smallTalk: false };
  };

  // The base does not change while the engine lives, so a search is a pure function of its
  // question and options: the latest ones are kept (frozen, as every caller shares them). A
  // question asked again, or the next page of a "more results" button, costs one lookup.
  const recent = createLru<string, SearchResult>(Math.max(0, options.resultCache ?? RESULT_CACHE));
  const search = (query: string, opts: SearchOptions = {}): SearchResult => {
    const q = typeof query === 'string' ? query : '';
    const limit = Math.max(0, Math.min(100, Math.floor(opts.limit ?? 3)));
    const offset = Math.max(0, Math.floor(opts.offset ?? 0));
    const key = `${limit}|${offset}|${opts.kinds?.join(',') ?? ''}|${opts.theme ?? ''}|${q}`;
    const known = recent.get(key);
    if (known) return known;
    const result = freezeResult(searchUncached(q, limit, offset, opts));
    if (options.resultCache !== 0) recent.set(key, result);
    return result;
  };

  interface Candidate {
    doc: number;
    /** Ranking score: relevance times the intent's preference for the entry's kind. */
    score: number;
    folded?: number[];
    /** The challenge whose `addressed_by` brought this entry in. */
    via?: number;
  }

  const searchUncached = (q: string, limit: number, offset: number, opts: SearchOptions): SearchResult => {
    const read = readMessage(q);
    const result: SearchResult = {
      query: q,
      hits: [],
      total: 0,
      suggestions: [],
      intent: 'general',
      language: read.language,
      understood: [...read.understood],
      smallTalk: read.smallTalk,
      remedies: [],
    };
    if (read.smallTalk) return result;
    // a question in another language: what it asks for is read from the interpreter's cue phrases,
    // and the rest (the concepts understood, names, numbers) is searched
    const interpreted = read.language !== 'en' || read.understood.length > 0 || read.coverage < 1;
    const cues = interpreted ? readInterpretedQuery(read.query) : undefined;
    const analysed = analyse(cues ? cues.searched : read.query);
    const { slots, corrected } = analysed;
    const intent = cues ? cues.intent : analysed.intent;
    result.intent = intent;
    // the words of a question in another language that were not understood count against the score
    // as words the base never saw (they say what the question is about: "weather", "install")
    const unmapped = unmappedWords(read);
    for (let u = 0; u < unmapped; u++) slots.push({ alts: [{ term: UNMAPPED_TERM, weight: 1 }], weight: 1, words: 1, unknownWeight: UNMAPPED_WEIGHT });
    if (corrected !== undefined && read.language === 'en') result.corrected = corrected;

    // A question in another language understood only in part: its words not understood count against
    // the score (unmappedWords) and it must be carried by what was understood (carries, below).
    let words = 0;
    for (const s of slots) words += s.words ?? s.weight;
    const thr = Math.max(threshold, words >= 2 - 1e-9 ? oneWordThreshold : 0);
    // A long message's best answer matches a smaller share of its words: the bar for a hit that
    // matches two or more of them comes down with the length (never below LONG_FLOOR of it). Words
    // not understood do not make a message long.
    const typed = words - unmapped;
    // A question in another language with words not understood must be carried by what was: a hit
    // that matches only names of the base (a country, a city, an agency, an app: "France", "Sofia",
    // "Europol", "WhatsApp") answers another question about them ("capital of France", "weather in
    // Sofia"); and one concept alone cannot stand for a question of which three or more words were not
    // understood ("how do I install LINE on my new phone").
    const concepts = unmapped > 0 ? conceptTerms(read.understood, cues?.rest ?? read.query) : undefined;
    const carries = (d: number): boolean => {
      let matched = 0;
      let topical = false;
      for (const c of concepts!) {
        if (!c.terms.some((t) => hasOwn(d, t))) continue;
        matched++;
        if (!c.name) topical = true;
      }
      if (!topical) return false;
      return matched >= 2 || unmapped < ONE_CONCEPT_UNMAPPED;
    };
    const low = { score: covered.score * Math.min(1, Math.max(LONG_FLOOR, LONG_WORDS / Math.max(1, typed))), words: covered.words };
    const pass = (score: number, matched: number) => score >= thr || (score >= low.score && matched >= low.words - 1e-9);

    let themeIdx: string | undefined;
    if (opts.theme !== undefined) themeIdx = themeById.has(opts.theme) ? opts.theme : themeByLabel.get(fold(opts.theme))?.id ?? `\u0000${opts.theme}`;
    const kinds = opts.kinds && opts.kinds.length > 0 ? new Set(opts.kinds) : undefined;
    const accept =
      kinds || themeIdx
        ? (d: number) => (!kinds || kinds.has(kindOf[d]!)) && (!themeIdx || themesOf[d]!.includes(themeIdx))
        : undefined;
    // an explicit kind filter wins over what the question asks for
    const prefer = !kinds && intent !== 'general' ? KIND_PREFERENCE[intent] : undefined;

    const ranked = index.rank(slots, {
      // hits below the threshold but covering two words interleave with the others: read enough to fill the page
      topK: 2 * (offset + limit) + 16,
      countAbove: thr,
      countAboveIfCovered: low,
      ...(accept ? { accept } : {}),
    });
    const byDoc = new Map<number, Candidate>();
    let passing = 0;
    for (const r of ranked.docs) {
      if (!pass(r.score, r.matched)) continue;
      // the words that make a hit must be in the entry itself, not only in its meeting's name, place or year
      const own = topicalWords(r.doc, slots);
      // ... and everyday words alone ("world", "new", "first") are no evidence that it is on topic: at
      // least one of them must be specific
      if (own === 0 || topicalWords(r.doc, slots, true) === 0 || (r.score < thr && !pass(r.score, Math.min(r.matched, own)))) continue;
      // a hit that matches only names ("Bangkok") of a question with a topic it does not match ("is
      // Bangkok safe for tourists?") answers another question about that name
      if (!interpreted && namesOnly(r.doc, slots)) continue;
      if (unmapped > 0 && !carries(r.doc)) continue;
      passing++;
      byDoc.set(r.doc, { doc: r.doc, score: r.score * (prefer ? prefer[kindOf[r.doc]!] : 1) });
    }
    // The challenge a solutions answer is about: the best-scoring one whose addressing entries came in.
    let anchor: Candidate | undefined;
    if (intent === 'solutions' && prefer) {
      // what members do about a matched challenge is an answer to "how do others handle it": its
      // addressing entries (best first, as curated) come in at a share of the challenge's relevance,
      // plus a little of their own relevance to the question
      const own = new Map<number, number>();
      for (const c of byDoc.values()) own.set(c.doc, c.score);
      for (const c of [...byDoc.values()]) {
        if (kindOf[c.doc] !== 'challenge') continue;
        const rel = c.score / prefer.challenge;
        remedyDocs(c.doc).forEach((r, i) => {
          if (accept && !accept(r)) return;
          const s = rel * LINK_WEIGHT * prefer[kindOf[r]!] * (1 - LINK_RANK_STEP * i) + LINK_OWN_SHARE * (own.get(r) ?? 0);
          const had = byDoc.get(r);
          if (!had) byDoc.set(r, { doc: r, score: s, via: c.doc });
          else if (s > had.score) {
            had.score = s;
            had.via = c.doc;
          }
        });
      }
    }
    const order = [...byDoc.values()].sort((a, b) => b.score - a.score || a.doc - b.doc);
    if (intent === 'solutions' && prefer) {
      // the practices that came through a challenge's links are shown with that challenge, third:
      // "how do others handle X" gets what members do about X, and X as the meetings recorded it
      const via = order.slice(0, 2).find((c) => c.via !== undefined)?.via;
      const at = via === undefined ? -1 : order.findIndex((c) => c.doc === via);
      if (at > 2 && order[at]!.score / prefer.challenge >= ANCHOR_MIN) {
        anchor = order.splice(at, 1)[0]!;
        order.splice(2, 0, anchor);
        for (let i = 3; i < order.length; i++) if (order[i]!.score > order[i - 1]!.score) order[i] = { ...order[i]!, score: order[i - 1]!.score };
        anchor.score = Math.min(anchor.score, order[1]!.score);
      }
    }
    // one point, one answer: a near-identical hit folds into the better one
    const kept: Candidate[] = [];
    for (const c of order) {
      const into = kept.find((k) => samePoint(k.doc, c.doc));
      if (into) (into.folded ??= []).push(c.doc);
      else kept.push(c);
    }
    if (interpreted && intent === 'general' && !kinds && offset === 0 && limit >= 3 && kept.length > 0 && true) {
      // A question in another language whose wording the lexicon did not read as a kind of question
      // ("what do the other services recommend?") may ask for anything: when its best hit is a
      // challenge and no practice is among the first three, the first entry addressing that challenge
      // (curated in knowledge/: addressed_by) is shown third, so the answer has the problem and what
      // members do about it.
      const top = kept[0]!;
      const shownTop = kept.slice(0, 3);
      if (kindOf[top.doc] === 'challenge' && !shownTop.some((c) => SOLUTION_KINDS.includes(kindOf[c.doc]!))) {
        const r = remedyDocs(top.doc).find((d) => !accept || accept(d));
        if (r !== undefined) {
          const at = kept.findIndex((c) => c.doc === r || (c.folded?.includes(r) ?? false));
          const c = at >= 0 ? kept.splice(at, 1)[0]! : { doc: r, score: top.score * LINK_WEIGHT };
          const pos = Math.min(2, kept.length);
          c.score = Math.min(c.score, kept[pos - 1]!.score);
          kept.splice(pos, 0, c);
          for (let i = pos + 1; i < kept.length; i++) if (kept[i]!.score > kept[i - 1]!.score) kept[i] = { ...kept[i]!, score: kept[i - 1]!.score };
        }
      }
    }
    let note: AnswerNote | undefined;
    if (intent === 'solutions' && prefer && kept[0] && kindOf[kept[0].doc] === 'challenge') {
      // The base records the topic as a problem only: say so, and show the nearest practices.
      note = 'only-challenge';
      // from the candidates already ranked; a second, filtered ranking only when they hold too few
      const isSolution = (d: number) => SOLUTION_KINDS.includes(kindOf[d]!) && (!accept || accept(d));
      let near = ranked.docs.filter((r) => isSolution(r.doc) && r.score >= NEAREST_FLOOR && r.matched > 0);
      if (near.length < 2) near = index.rank(slots, { topK: 8, countAbove: 1, accept: isSolution }).docs;
      const nearest: Candidate[] = [];
      for (const r of near) {
        if (nearest.length >= 2) break;
        if (r.score < NEAREST_FLOOR || r.matched <= 0) continue;
        if (nearest.some((n) => samePoint(n.doc, r.doc))) continue;
        nearest.push(kept.find((k) => k.doc === r.doc) ?? { doc: r.doc, score: r.score });
      }
      const first = kept[0];
      const rest = kept.slice(1).filter((k) => !nearest.includes(k));
      kept.splice(0, kept.length, first, ...nearest, ...rest);
      // scores stay best first
      for (let i = 1; i < kept.length; i++) if (kept[i]!.score > kept[i - 1]!.score) kept[i] = { ...kept[i]!, score: kept[i - 1]!.score };
    }
    const hits: SearchHit[] = [];
    for (const c of kept.slice(offset, offset + limit)) {
      const e = entries[c.doc]!;
      const sources = sourcesOf(e);
      const hit: SearchHit = { entry: e, score: Math.round(Math.min(1, c.score) * 1e4) / 1e4, sources };
      if (c.folded) {
        hit.folded = c.folded.map((d) => entries[d]!.id);
        for (const d of c.folded) for (const s of sourcesOf(entries[d]!)) if (!sources.some((x) => x.document === s.document && x.section === s.section)) sources.push(s);
      }
      hits.push(hit);
    }
    result.hits = hits;
    result.total = kept.length + Math.max(0, ranked.total - passing);
    if (note) result.note = note;
    // "What members do about it": the entries addressing the challenges shown, when not shown themselves
    const shown = new Set(kept.slice(0, offset + limit).flatMap((c) => [c.doc, ...(c.folded ?? [])]));
    const remedies: number[] = [];
    for (const h of hits) {
      if (h.entry.kind !== 'challenge') continue;
      for (const r of remedyDocs(docById.get(h.entry.id)!)) if (!shown.has(r) && !remedies.includes(r)) remedies.push(r);
    }
    result.remedies = remedies.slice(0, 4).map((d) => entries[d]!);
    if (hits.length === 0 && result.total === 0) result.suggestions = suggest(read.query, slots, ranked.docs.map((r) => r.doc).slice(0, 3));
    return result;
  };

  const closestCommand = (name: string, commands: string[]): string | undefined => {
    const n = fold(String(name ?? '')).replace(/^\/+/, '').replace(/@.*$/, '').trim().slice(0, 40);
    if (n === '' || commands.length === 0) return undefined;
    const clean = commands.map((c) => fold(c).replace(/^\/+/, ''));
    const exact = clean.indexOf(n);
    if (exact >= 0) return commands[exact];
    // transpositions and dropped letters ("hlep", "meetngs"): edit distance first, then fuse
    const max = n.length <= 3 ? 1 : 2;
    let bestI = -1;
    let bestD = max + 1;
    clean.forEach((c, i) => {
      const d = osaDistance(n, c, max);
      if (d < bestD) {
        bestD = d;
        bestI = i;
      }
    });
    if (bestI >= 0) return commands[bestI];
    const fuse = new Fuse(clean, { includeScore: true, threshold: 0.4, ignoreLocation: true });
    const best = fuse.search(n, { limit: 1 })[0];
    return best ? commands[best.refIndex] : undefined;
  };

  return { base, search, themesFor, closestCommand, analyse, entry, remediesOf, sourcesOf };
}
