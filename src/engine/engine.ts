// The answer engine: spelling correction (src/engine/spell.ts: an edit-distance check, fuse.js scores) in front of a BM25F index
// (src/engine/bm25.ts) over the practice base, with synonym/acronym concepts, filters, a score
// threshold and suggestions. See bench/README.md for why the index is our own and not MiniSearch.
// Its parts: the index fields (fields.ts), reading a question (query.ts), themes and suggestions
// (themes.ts), links, sources and folding (links.ts), the tuning (tuning.ts).
import type { Kind, PracticeBase } from '../knowledge/schema.ts';
import { fold } from './analyze.ts';
import { createLru } from '../core/lru.ts';
import type { QuerySlot, Ranked } from './bm25.ts';
import { closestCommand } from './closest-command.ts';
import { KIND_PREFERENCE, SOLUTION_KINDS, readInterpretedQuery } from './intent.ts';
import { indexSteps } from './engine-build.ts';
import type { EngineOptions } from './engine-options.ts';
import { createLinks } from './links.ts';
import { baseNameWords, createQueryAnalyser, curatedCommonWords, querySlot, spellingVocabulary, type AnalysedQuery } from './query.ts';
import { createEnglishInterpreter } from './small-talk.ts';
import { stem } from './stem.ts';
import { createThemeFinder } from './themes.ts';
import {
  ANCHOR_MIN,
  COVERED_THRESHOLD,
  LINK_OWN_SHARE,
  LINK_RANK_STEP,
  LINK_SUPPORT,
  LINK_WEIGHT,
  LONG_FLOOR,
  LONG_WORDS,
  NEAREST_FLOOR,
  ONE_CONCEPT_UNMAPPED,
  ONE_WORD_THRESHOLD,
  SCORE_THRESHOLD,
  UNKNOWN_WEIGHT,
  UNMAPPED_WEIGHT,
  unmappedWords,
} from './tuning.ts';
import type { AnswerNote, Engine, Interpretation, SearchHit, SearchOptions, SearchResult } from './types.ts';

export * from './tuning.ts';
export { FIELDS, entryFieldTexts, indexFieldTexts } from './fields.ts';
export type { AnalysedQuery } from './query.ts';
export type { EngineOptions } from './engine-options.ts';

/** The term standing for a word not understood: never indexed (analysed terms have no control characters). */
const UNMAPPED_TERM = '\u0000unmapped';

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

export interface PracticeEngine extends Engine {
  /** The query's slots after correction (for debugging and the bench). */
  analyse(query: string): AnalysedQuery;
}

export function createEngine(base: PracticeBase, options: EngineOptions = {}): PracticeEngine {
  const steps = engineSteps(base, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** createEngine, awaiting `pause()` between the parts of the build (the index, the links, ...), so that
 *  a live reload lets questions be answered by the engine in service meanwhile (src/knowledge/live.ts). */
export async function createEngineInSteps(base: PracticeBase, options: EngineOptions, pause: () => Promise<void>): Promise<PracticeEngine> {
  const steps = engineSteps(base, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await pause();
  }
}

/** The build of an engine, yielding between its parts. */
function* engineSteps(base: PracticeBase, options: EngineOptions): Generator<void, PracticeEngine> {
  const threshold = options.threshold ?? SCORE_THRESHOLD;
  const covered = { score: Math.min(threshold, options.coveredThreshold ?? COVERED_THRESHOLD), words: 2 };
  const oneWordThreshold = Math.max(threshold, options.oneWordThreshold ?? ONE_WORD_THRESHOLD);
  const entries = base.entries;
  const { table, index, own, analyseField } = yield* indexSteps(base, options);
  const { hasOwn } = own;
  const themeById = new Map(base.themes.map((t) => [t.id, t]));
  const themeByLabel = new Map(base.themes.map((t) => [fold(t.label), t]));
  yield;
  const kindOf = entries.map((e) => e.kind);
  const themesOf = entries.map((e) => e.themes);

  if (options.vocabulary && !options.vocabulary.words) options.vocabulary.words = spellingVocabulary(base, table);
  if (options.curated && !options.curated.words) options.curated.words = curatedCommonWords(base, table);
  if (options.names && !options.names.words) options.names.words = baseNameWords(base);
  const analyse = createQueryAnalyser(base, table, index, { vocabulary: options.vocabulary?.words, curated: options.curated?.words, names: options.names?.words });
  yield;
  const { themesFor, suggest } = createThemeFinder({ base, table, index, analyseField, analyse });
  yield;
  const { docById, entry, remedyDocs, remediesOf, sourcesOf, topicalWords, namesOnly, conceptTerms, samePoint } = createLinks({ base, table, analyseField, own });

  // ---- search ----
  const interpret = options.interpret ?? createEnglishInterpreter((w) => index.has(stem(fold(w))));
  const readMessage = (q: string): Interpretation => {
    try {
      const r = interpret(q);
      // copied into one shape (every field, in one order), whatever shapes the interpreter returns
      if (r && typeof r.query === 'string') {
        return { language: r.language, query: r.query, understood: r.understood, coverage: r.coverage, unmapped: r.unmapped, smallTalk: r.smallTalk, offTopic: r.offTopic };
      }
    } catch {
      // an interpreter that fails reads the message as English
    }
    return { language: 'en', query: q, understood: [], coverage: 1, unmapped: undefined, smallTalk: false, offTopic: undefined };
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
    folded: number[] | undefined;
    /** The challenge whose `addressed_by` brought this entry in. */
    via: number | undefined;
  }
  /** Every candidate has every field, in one order: one object shape for the code that reads them. */
  const candidate = (doc: number, score: number, via?: number, folded?: number[]): Candidate => ({ doc, score, folded, via });

  // a doc's place among a search's candidates, valid for the search whose generation candGen holds
  const candGen = new Int32Array(entries.length);
  const candAt = new Int32Array(entries.length);
  let candGeneration = 0;
  const nextCandidateGeneration = (): number => {
    if (candGeneration >= 0x3fffffff) {
      candGen.fill(0);
      candGeneration = 0;
    }
    return candGeneration + 1;
  };
  const byScore = (a: Candidate, b: Candidate): number => b.score - a.score || a.doc - b.doc;
  // the current search's candidates; a doc's candidate found through the generation-stamped index
  let searchCands: Candidate[] = [];
  const byDoc = (d: number): Candidate | undefined => (candGen[d] === candGeneration ? searchCands[candAt[d]!] : undefined);
  const add = (c: Candidate): void => {
    candGen[c.doc] = candGeneration;
    candAt[c.doc] = searchCands.length;
    searchCands.push(c);
  };

  /** A solutions question: the entries addressing the challenges among the candidates come in (or
   *  rise) through the challenges' links. */
  function linkRemedies(cands: Candidate[], prefer: Record<Kind, number>, accept: ((d: number) => boolean) | undefined): void {
    // what members do about a matched challenge is an answer to "how do others handle it": its
    // addressing entries (best first, as curated) come in at a share of the challenge's relevance,
    // plus a little of their own relevance to the question
    // (no candidate's score changes in this loop: each reads the others' as ranked)
    const links = new Map<number, { s: number; via: number }[]>();
    for (const c of cands) {
      if (kindOf[c.doc] !== 'challenge') continue;
      const rel = c.score / prefer.challenge;
      const remedies = remedyDocs(c.doc);
      for (let i = 0; i < remedies.length; i++) {
        const r = remedies[i]!;
        if (accept && !accept(r)) continue;
        const s = rel * LINK_WEIGHT * prefer[kindOf[r]!] * (1 - LINK_RANK_STEP * i) + LINK_OWN_SHARE * (byDoc(r)?.score ?? 0);
        const list = links.get(r);
        if (list) list.push({ s, via: c.doc });
        else links.set(r, [{ s, via: c.doc }]);
      }
    }
    // an entry addressing several of the challenges matched answers more of the question: each
    // further link adds a share of what it brings
    for (const [r, list] of links) {
      list.sort((a, b) => b.s - a.s);
      let s = list[0]!.s;
      for (let k = 1; k < list.length; k++) s += LINK_SUPPORT * list[k]!.s;
      const had = byDoc(r);
      if (!had) add(candidate(r, s, list[0]!.via));
      else if (s > had.score) {
        had.score = s;
        had.via = list[0]!.via;
      }
    }
  }
  /** A solutions question: the challenge whose links brought in one of the first two is shown third. */
  function anchorChallenge(order: Candidate[], prefer: Record<Kind, number>): void {
    // the practices that came through a challenge's links are shown with that challenge, third:
    // "how do others handle X" gets what members do about X, and X as the meetings recorded it
    const via = order.slice(0, 2).find((c) => c.via !== undefined)?.via;
    const at = via === undefined ? -1 : order.findIndex((c) => c.doc === via);
    if (at > 2 && order[at]!.score / prefer.challenge >= ANCHOR_MIN) {
      const anchor = order.splice(at, 1)[0]!;
      order.splice(2, 0, anchor);
      for (let i = 3; i < order.length; i++) if (order[i]!.score > order[i - 1]!.score) order[i] = candidate(order[i]!.doc, order[i - 1]!.score, order[i]!.via, order[i]!.folded);
      anchor.score = Math.min(anchor.score, order[1]!.score);
    }
  }
  /** One point, one answer: a near-identical hit folds into the better one. */
  function foldSamePoints(order: Candidate[]): Candidate[] {
    const kept: Candidate[] = [];
    for (const c of order) {
      let into: Candidate | undefined;
      for (const k of kept) {
        if (!samePoint(k.doc, c.doc)) continue;
        into = k;
        break;
      }
      if (into) (into.folded ??= []).push(c.doc);
      else kept.push(c);
    }
    return kept;
  }
  /** A question in another language read as 'general' whose best hit is a challenge: the first entry
   *  addressing it is shown third when no practice is among the first three. */
  function remedyThird(kept: Candidate[], accept: ((d: number) => boolean) | undefined): void {
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
        const c = at >= 0 ? kept.splice(at, 1)[0]! : candidate(r, top.score * LINK_WEIGHT);
        const pos = Math.min(2, kept.length);
        c.score = Math.min(c.score, kept[pos - 1]!.score);
        kept.splice(pos, 0, c);
        for (let i = pos + 1; i < kept.length; i++) if (kept[i]!.score > kept[i - 1]!.score) kept[i] = candidate(kept[i]!.doc, kept[i - 1]!.score, kept[i]!.via, kept[i]!.folded);
      }
    }
  }
  /** A solutions question whose best hit is a challenge: the nearest practices come second and third. */
  function nearestPractices(kept: Candidate[], ranked: Ranked['docs'], slots: QuerySlot[], accept: ((d: number) => boolean) | undefined): void {
    // The base records the topic as a problem only: say so, and show the nearest practices.
    // from the candidates already ranked; a second, filtered ranking only when they hold too few
    const isSolution = (d: number) => SOLUTION_KINDS.includes(kindOf[d]!) && (!accept || accept(d));
    let near = ranked.filter((r) => isSolution(r.doc) && r.score >= NEAREST_FLOOR && r.matched > 0);
    if (near.length < 2) near = index.rank(slots, { topK: 8, countAbove: 1, accept: isSolution }).docs;
    const nearest: Candidate[] = [];
    for (const r of near) {
      if (nearest.length >= 2) break;
      if (r.score < NEAREST_FLOOR || r.matched <= 0) continue;
      if (nearest.some((n) => samePoint(n.doc, r.doc))) continue;
      nearest.push(kept.find((k) => k.doc === r.doc) ?? candidate(r.doc, r.score));
    }
    const first = kept[0]!;
    const rest = kept.slice(1).filter((k) => !nearest.includes(k));
    kept.splice(0, kept.length, first, ...nearest, ...rest);
    // scores stay best first
    for (let i = 1; i < kept.length; i++) if (kept[i]!.score > kept[i - 1]!.score) kept[i] = candidate(kept[i]!.doc, kept[i - 1]!.score, kept[i]!.via, kept[i]!.folded);
  }
  /** The page of hits, a folded point with every source. */
  function hitsOf(kept: Candidate[], offset: number, limit: number): SearchHit[] {
  const hits: SearchHit[] = [];
  for (const c of kept.slice(offset, offset + limit)) {
    const e = entries[c.doc]!;
    const sources = sourcesOf(e);
    const hit: SearchHit = { entry: e, score: Math.round(Math.min(1, c.score) * 1e4) / 1e4, sources, folded: undefined };
    if (c.folded) {
      hit.folded = c.folded.map((d) => entries[d]!.id);
      for (const d of c.folded) for (const s of sourcesOf(entries[d]!)) if (!sources.some((x) => x.document === s.document && x.section === s.section)) sources.push(s);
    }
    hits.push(hit);
  }
    return hits;
  }
  /** "What members do about it": the entries addressing the challenges shown, when not shown themselves. */
  function remediesShown(kept: Candidate[], hits: SearchHit[], upTo: number): number[] {
  const shownUpTo = Math.min(kept.length, upTo);
  const shown = (d: number): boolean => {
    for (let i = 0; i < shownUpTo; i++) if (kept[i]!.doc === d || (kept[i]!.folded?.includes(d) ?? false)) return true;
    return false;
  };
  const remedies: number[] = [];
  for (const h of hits) {
    if (h.entry.kind !== 'challenge') continue;
    for (const r of remedyDocs(docById.get(h.entry.id)!)) if (!shown(r) && !remedies.includes(r)) remedies.push(r);
  }
    return remedies;
  }

  function searchUncached(q: string, limit: number, offset: number, opts: SearchOptions): SearchResult {
    const read = readMessage(q);
    // every field present (undefined when unset), in one order: results share one object shape
    const result: SearchResult = {
      query: q,
      corrected: undefined,
      hits: [],
      total: 0,
      suggestions: [],
      intent: 'general',
      language: read.language,
      understood: [...read.understood],
      smallTalk: read.smallTalk,
      note: undefined,
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
    for (let u = 0; u < unmapped; u++) slots.push(querySlot({ alts: [{ term: UNMAPPED_TERM, weight: 1 }], weight: 1, words: 1, unknownWeight: UNMAPPED_WEIGHT }));
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
    const offTopicUnits = read.offTopic === true ? conceptTerms(read.understood, cues?.rest ?? read.query) : undefined;
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
    // the candidates, in the order they came in
    const cands: Candidate[] = (searchCands = []);
    candGeneration = nextCandidateGeneration();
    let passing = 0;
    for (const r of ranked.docs) {
      if (!pass(r.score, r.matched)) continue;
      // the words that make a hit must be in the entry itself, not only in its meeting's name, place or year
      const own = topicalWords(r.doc, slots);
      // ... and everyday words alone ("world", "new", "first") are no evidence that it is on topic: at
      // least one of them must be specific
      // ... and a hit below the threshold that passes by matching two words needs two that are not everyday ("first marathon")
      const evidence = topicalWords(r.doc, slots, true);
      if (own === 0 || evidence === 0 || (r.score < thr && !pass(r.score, Math.min(r.matched, evidence)))) continue;
      // a hit that matches only names ("Bangkok") of a question with a topic it does not match ("is
      // Bangkok safe for tourists?") answers another question about that name
      if (!interpreted && namesOnly(r.doc, slots)) continue;
      // a question asking what no practice base holds ("when was Europol founded", "install WhatsApp
      // on my new phone") shares a word or a name with the base by chance: two topical words must agree
      if (analysed.offTopic && topicalWords(r.doc, slots, 'topic') < 2) continue;
      // ... the same in another language, counted in concepts understood ("mobile phones" is one)
      if (offTopicUnits && offTopicUnits.filter((c) => !c.name && c.terms.some((t) => hasOwn(r.doc, t))).length < 2) continue;
      if (unmapped > 0 && !carries(r.doc)) continue;
      passing++;
      add(candidate(r.doc, r.score * (prefer ? prefer[kindOf[r.doc]!] : 1)));
    }
    // The rarer steps are functions of their own: each is optimised (or deoptimised, the first time a
    // branch runs) on its own, not as part of one large function that takes long to optimise again.
    if (intent === 'solutions' && prefer) linkRemedies(cands, prefer, accept);
    const order = cands.sort(byScore);
    if (intent === 'solutions' && prefer) anchorChallenge(order, prefer);
    // one point, one answer
    const kept = foldSamePoints(order);
    if (interpreted && intent === 'general' && !kinds && offset === 0 && limit >= 3 && kept.length > 0) remedyThird(kept, accept);
    let note: AnswerNote | undefined;
    if (intent === 'solutions' && prefer && kept[0] && kindOf[kept[0].doc] === 'challenge') {
      note = 'only-challenge';
      nearestPractices(kept, ranked.docs, slots, accept);
    }
    const hits = hitsOf(kept, offset, limit);
    result.hits = hits;
    result.total = kept.length + Math.max(0, ranked.total - passing);
    if (note) result.note = note;
    const remedies = remediesShown(kept, hits, offset + limit);
    result.remedies = remedies.slice(0, 4).map((d) => entries[d]!);
    if (hits.length === 0 && result.total === 0) {
      const nearest: number[] = [];
      for (let i = 0; i < ranked.docs.length && i < 3; i++) nearest.push(ranked.docs[i]!.doc);
      result.suggestions = suggest(read.query, slots, nearest);
    }
    return result;
  }
  return { base, search, themesFor, closestCommand, analyse, entry, remediesOf, sourcesOf };
}
