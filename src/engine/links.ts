// Links between entries and the sources of a point: curated links (knowledge/: addressed_by; same_as
// folded at load into `sources` and base.aliases), each entry's own terms (title, themes, text,
// keywords: not its kind words nor its meeting's context), and, at answer time, near-identical points
// the curation missed.
import type { Entry, PracticeBase } from '../knowledge/schema.ts';
import type { SynonymTable } from './analyze.ts';
import type { QuerySlot } from './bm25.ts';
import { FOLD_SIMILARITY } from './tuning.ts';
import type { SourceRef } from './types.ts';

/** Each entry's own terms as sorted ids in one typed array: a match on the meeting's name, place or
 *  year says which meeting, not what; and near-identical points are found by comparing these sets.
 *  `docs` holds the terms of each entry's fields in FIELDS order (the first four are its own). */
export function createOwnTerms(docs: readonly (readonly (readonly string[])[])[]): OwnTerms {
  return ownTermsFrom(ownTermsData(docs));
}

export interface OwnTerms {
  hasOwn(d: number, term: string): boolean;
  /** Jaccard similarity of two entries' own terms. */
  overlap(a: number, b: number): number;
}

/** Each entry's own terms as plain data (kept in the engine's snapshot, src/cache/engine.ts): the
 *  distinct terms in first-seen order (a term's id is its place), and entry d's sorted term ids at
 *  ids[start[d]] up to ids[start[d + 1]]. */
export interface OwnTermsData {
  terms: string[];
  start: Int32Array;
  ids: Int32Array;
}

/** The data behind createOwnTerms(docs). */
export function ownTermsData(docs: readonly (readonly (readonly string[])[])[]): OwnTermsData {
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
  return { terms: [...ownId.keys()], start: ownStart, ids: Int32Array.from(ownList) };
}

/** createOwnTerms over its data (ownTermsData). */
export function ownTermsFrom(data: OwnTermsData): OwnTerms {
  const ownId = new Map<string, number>();
  data.terms.forEach((t, i) => ownId.set(t, i));
  const ownStart = data.start;
  const ownTerms = data.ids;
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
  const overlap = (a: number, b: number): number => {
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
    return both / (ie - ownStart[a]! + je - ownStart[b]! - both);
  };
  return { hasOwn, overlap };
}

export interface Links {
  docById: Map<string, number>;
  entry(id: string): Entry | undefined;
  /** The entries addressing an entry (its `addressed_by`, aliases resolved), by index. */
  remedyDocs(d: number): number[];
  remediesOf(e: Entry): Entry[];
  sourcesOf(e: Entry): SourceRef[];
  /** Words of the question an entry matches in its own fields; `evidence`: not counting everyday
   *  words; 'topic': nor names. */
  topicalWords(d: number, slots: readonly QuerySlot[], evidence?: boolean | 'topic'): number;
  namesOnly(d: number, slots: readonly QuerySlot[]): boolean;
  conceptTerms(labels: readonly string[], query: string): { terms: string[]; name: boolean }[];
  samePoint(a: number, b: number): boolean;
}

export function createLinks(deps: {
  base: PracticeBase;
  table: SynonymTable;
  analyseField: (text: string, table: SynonymTable) => string[];
  own: ReturnType<typeof createOwnTerms>;
}): Links {
  const { base, table, analyseField } = deps;
  const { hasOwn, overlap } = deps.own;
  const entries = base.entries;
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
  const topicalWords = (d: number, slots: readonly QuerySlot[], evidence: boolean | 'topic' = false): number => {
    let n = 0;
    for (const s of slots) {
      if (evidence && s.everyday) continue;
      if (evidence === 'topic' && s.name) continue;
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
    return overlap(a, b) >= FOLD_SIMILARITY;
  };
  return { docById, entry, remedyDocs, remediesOf, sourcesOf, topicalWords, namesOnly, conceptTerms, samePoint };
}
