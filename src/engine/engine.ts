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
import type { FieldTermsMemo } from './field-terms-memo.ts';
import { Speller, osaDistance } from './spell.ts';
import { stem } from './stem.ts';
import type { Engine, SearchHit, SearchOptions, SearchResult } from './types.ts';

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

/** A query word the base has never seen counts as this share of an unseen term's best score. */
export const UNKNOWN_WEIGHT = 1;

/** Markup pasted with a question (HTML tags, character entities, links) is not part of it: left in,
 *  "<b>cyber</b> patrol" or "encrypted &amp;" would count "b" or "amp" as words the base never saw. */
const MARKUP = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>|&(?:[a-z]{2,8}|#\d{1,7}|#x[0-9a-f]{1,6});|\b(?:https?|ftp):\/\/[^\s<>]+/gi;

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
  /** Postings read per query term at most (see Bm25Index). */
  championCap?: number;
  /** How much a query word the base has never seen counts against the score (see Bm25Index). */
  unknownWeight?: number;
  /** How many recent searches are kept for repeated questions and "more" pages (0: none). */
  resultCache?: number;
  /** Analysed index field texts kept between starts (src/cache/engine.ts); read and filled while building. */
  fieldTerms?: FieldTermsMemo;
}

/** Recent searches kept: their keys (question text) and small result objects that point at entries. */
export const RESULT_CACHE = 1000;

function freezeResult(r: SearchResult): SearchResult {
  for (const h of r.hits) Object.freeze(h);
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

/** Adds a query slot unless one with the same terms is there already ("encryption encrypted"). */
function pushSlot(slots: QuerySlot[], seen: Set<string>, slot: QuerySlot): void {
  let key: string;
  if (slot.alts.length === 1) key = slot.alts[0]!.term;
  else {
    const terms: string[] = [];
    for (const a of slot.alts) terms.push(a.term);
    key = terms.sort().join('|');
  }
  if (seen.has(key)) return;
  seen.add(key);
  slots.push(slot);
}

function anyIndexed(index: Bm25Index, slot: QuerySlot): boolean {
  for (const a of slot.alts) if (index.has(a.term)) return true;
  return false;
}

export interface AnalysedQuery {
  slots: QuerySlot[];
  corrected?: string;
}

export interface PracticeEngine extends Engine {
  /** The query's slots after correction (for debugging and the bench). */
  analyse(query: string): AnalysedQuery;
}

export function createEngine(base: PracticeBase, options: EngineOptions = {}): PracticeEngine {
  const threshold = options.threshold ?? SCORE_THRESHOLD;
  const covered = { score: Math.min(threshold, options.coveredThreshold ?? COVERED_THRESHOLD), words: 2 };
  const passes = (score: number, matched: number) => score >= threshold || (score >= covered.score && matched >= covered.words - 1e-9);
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

  // ---- query analysis ----
  const analyse = (query: string): AnalysedQuery => {
    const raw = typeof query === 'string' ? query.slice(0, MAX_QUERY_CHARS).replace(MARKUP, ' ') : '';
    const tokens = tokenize(raw, MAX_QUERY_TOKENS);
    const fixed: Token[] = [];
    const shown: string[] = [];
    let changed = false;
    for (const t of tokens) {
      const state = t.caps ? KNOWN : knownWord(t);
      const fix = state === UNKNOWN ? speller.correct(t.norm) : state === ENGLISH_ONLY ? speller.splitCompound(t.norm) : undefined;
      if (!fix) {
        fixed.push(t);
        shown.push(t.raw.toLowerCase());
        continue;
      }
      changed = true;
      for (const w of fix.split(' ')) {
        fixed.push({ raw: w, norm: w, caps: false });
        shown.push(w);
      }
    }
    const slots: QuerySlot[] = [];
    const seen = new Set<string>();
    for (const w of contentWords(fixed, table, true)) {
      if (w.acronym) {
        const groups = w.groups.map((g) => table.groups[g]!);
        if (groups.length === 1 && groups[0]!.expansion.length > 0) {
          const g = groups[0]!;
          const k = g.expansion.length;
          for (const s of g.expansion) pushSlot(slots, seen, { alts: [{ term: g.concept, weight: 1 }, { term: s, weight: 1 }], weight: 1 / k });
        } else {
          pushSlot(slots, seen, { alts: groups.map((g) => ({ term: g.concept, weight: 1 })), weight: 1 });
        }
        continue;
      }
      const alts = [{ term: w.stem, weight: 1 }];
      for (const g of w.groups) alts.push({ term: table.groups[g]!.concept, weight: 1 });
      pushSlot(slots, seen, { alts, weight: 1 });
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
    return { slots, ...(changed ? { corrected: shown.join(' ') } : {}) };
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

  // ---- search ----
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
  const searchUncached = (q: string, limit: number, offset: number, opts: SearchOptions): SearchResult => {
    const { slots, corrected } = analyse(q);
    const result: SearchResult = { query: q, hits: [], total: 0, suggestions: [] };
    if (corrected !== undefined) result.corrected = corrected;

    let themeIdx: string | undefined;
    if (opts.theme !== undefined) themeIdx = themeById.has(opts.theme) ? opts.theme : themeByLabel.get(fold(opts.theme))?.id ?? `\u0000${opts.theme}`;
    const kinds = opts.kinds && opts.kinds.length > 0 ? new Set(opts.kinds) : undefined;
    const accept =
      kinds || themeIdx
        ? (d: number) => (!kinds || kinds.has(kindOf[d]!)) && (!themeIdx || themesOf[d]!.includes(themeIdx))
        : undefined;

    const ranked = index.rank(slots, {
      // hits below the threshold but covering two words interleave with the others: read enough to fill the page
      topK: 2 * (offset + limit) + 16,
      countAbove: threshold,
      countAboveIfCovered: covered,
      ...(accept ? { accept } : {}),
    });
    const hits: SearchHit[] = [];
    let passed = 0;
    for (const r of ranked.docs) {
      if (!passes(r.score, r.matched)) continue;
      if (passed++ < offset) continue;
      if (hits.length >= limit) break;
      hits.push({ entry: entries[r.doc]!, score: Math.round(r.score * 1e4) / 1e4 });
    }
    result.hits = hits;
    result.total = ranked.total;
    if (ranked.total === 0) result.suggestions = suggest(q, slots, ranked.docs.map((r) => r.doc).slice(0, 3));
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

  return { base, search, themesFor, closestCommand, analyse };
}
