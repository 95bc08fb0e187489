// Themes a topic points to (/challenges <topic>), and the themes offered when nothing answers a question.
import type Fuse from 'fuse.js';
import type { PracticeBase, Theme } from '../knowledge/schema.ts';
import { MAX_QUERY_CHARS, fold, type SynonymTable } from './analyze.ts';
import type { Bm25Index, QuerySlot } from './bm25.ts';
import { fuseClass } from './fuse-lazy.ts';
import type { AnalysedQuery } from './query.ts';

export interface ThemeFinder {
  /** Themes whose name, terms or description cover at least half of the query's weight, best first. */
  themesForSlots(slots: QuerySlot[], topic: string): Theme[];
  /** Themes a free-text topic points to, best first. */
  themesFor(topic: string): Theme[];
  /** Theme labels to offer for a question nothing answered. */
  suggest(query: string, slots: QuerySlot[], near: number[]): string[];
}

export function createThemeFinder(deps: {
  base: PracticeBase;
  table: SynonymTable;
  index: Bm25Index;
  analyseField: (text: string, table: SynonymTable) => string[];
  analyse: (query: string) => AnalysedQuery;
}): ThemeFinder {
  const { base, table, index, analyseField, analyse } = deps;
  const entries = base.entries;
  const themesOf = entries.map((e) => e.themes);
  const themeById = new Map(base.themes.map((t) => [t.id, t]));
  const themeByLabel = new Map(base.themes.map((t) => [fold(t.label), t]));
  // The themes' analysed words, made on the first question that needs them (a topic, or a question nothing
  // answered): analysing every theme's name, terms and description cost a good part of a start (issue 16).
  let themeTerms: { theme: Theme; label: Set<string>; terms: Set<string>; description: Set<string> }[] | undefined;
  const themeTermsNow = () =>
    (themeTerms ??= base.themes.map((t) => ({
      theme: t,
      label: new Set(analyseField(`${t.id.replace(/-/g, ' ')} ${t.label}`, table)),
      terms: new Set(analyseField(t.terms.join(' '), table)),
      description: new Set(analyseField(t.description, table)),
    })));
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
    for (const tt of themeTermsNow()) {
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
    const FuseClass = fuseClass();
    themeFuse ??= new FuseClass(
      base.themes.flatMap((th) => [th.label, ...th.terms].map((text) => ({ theme: th, text: fold(text) }))),
      { keys: ['text'], includeScore: true, threshold: 0.3, ignoreLocation: true },
    );
    const out: Theme[] = [];
    for (const r of themeFuse.search(q, { limit: 10 })) if (!out.includes(r.item.theme)) out.push(r.item.theme);
    return out.slice(0, 2);
  };

  // ---- suggestions ----
  let popular: string[] | undefined;
  const popularThemes = (): string[] => {
    if (popular) return popular;
    const themeCounts = new Map<string, number>();
    for (const e of entries) for (const t of e.themes) themeCounts.set(t, (themeCounts.get(t) ?? 0) + 1);
    return (popular = [...themeCounts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t));
  };
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
    for (const t of popularThemes()) add(labelOf(t));
    return out;
  };
  return { themesForSlots, themesFor, suggest };
}
