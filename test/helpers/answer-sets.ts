// Measures the engine on the issue-10 question sets (test/fixtures/answers-*.yaml), written by someone
// who never saw the engine's output. Shared by test/answers.test.ts and by hand-run reports.
import fs from 'node:fs';
import { parse } from 'yaml';
import type { Engine, SearchHit, SearchResult } from '../../src/engine/types.ts';
import { SOLUTION_KINDS, type Intent } from '../../src/engine/intent.ts';

export interface AnswerItem {
  q: string;
  expect: string[];
  lang?: string;
  intent?: Intent;
  small_talk?: boolean;
  note?: string;
}

export const readAnswerSet = (name: string): AnswerItem[] =>
  parse(fs.readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as AnswerItem[];

/** The ids a hit stands for: its own, the entries folded into it at answer time, and (through the
 *  base's aliases) the ids curated as the same point. */
export function hitIds(engine: Engine, hit: SearchHit): string[] {
  const ids = [hit.entry.id, ...(hit.folded ?? [])];
  const aliases = (engine.base as { aliases?: ReadonlyMap<string, string> }).aliases;
  if (aliases) for (const [from, to] of aliases) if (ids.includes(to)) ids.push(from);
  return ids;
}

/** Is an expected id among the top 3 (of a solution kind when the item asks for solutions)? */
export function answered(engine: Engine, item: AnswerItem, r: SearchResult): boolean {
  return r.hits.slice(0, 3).some((h) => {
    if (item.intent === 'solutions' && !SOLUTION_KINDS.includes(h.entry.kind)) return false;
    return hitIds(engine, h).some((id) => item.expect.includes(id));
  });
}

export interface SetReport {
  n: number;
  hits: number;
  recall: number;
  misses: string[];
  intentAgree: number;
  /** Answers whose top three show one point twice. */
  twice: number;
}

export function measure(engine: Engine, items: AnswerItem[], mode: 'recall' | 'nothing'): SetReport {
  const misses: string[] = [];
  let hits = 0;
  let intentAgree = 0;
  let intents = 0;
  let twice = 0;
  for (const item of items) {
    const r = engine.search(item.q, { limit: 3 });
    if (item.intent) {
      intents++;
      if (r.intent === item.intent) intentAgree++;
    }
    if (showsTwice(engine, r)) twice++;
    const ok = mode === 'nothing' ? r.hits.length === 0 : answered(engine, item, r);
    if (ok) hits++;
    else {
      misses.push(
        `  ${JSON.stringify(item.q.slice(0, 160))} [${item.intent ?? '-'} -> ${r.intent}${r.note ? `, ${r.note}` : ''}]\n    got ${
          r.hits.map((h) => `${h.entry.id} (${h.entry.kind}, ${h.score.toFixed(2)})`).join(', ') || 'nothing'
        }`,
      );
    }
  }
  return { n: items.length, hits, recall: items.length ? hits / items.length : 1, misses, intentAgree: intents ? intentAgree / intents : 1, twice };
}

/** The same point twice among the top three: two hits that are aliases of one entry, or whose titles
 *  and texts share most of their words (a measure independent of the engine's own folding rule:
 *  word overlap of at least 0.6 of the shorter text). */
export function showsTwice(engine: Engine, r: SearchResult): boolean {
  const top = r.hits.slice(0, 3);
  const words = (h: SearchHit) => new Set(`${h.entry.title} ${h.entry.text}`.toLowerCase().match(/[a-z]{4,}/g) ?? []);
  for (let i = 0; i < top.length; i++) {
    for (let j = i + 1; j < top.length; j++) {
      const a = top[i]!;
      const b = top[j]!;
      const ia = hitIds(engine, a);
      if (hitIds(engine, b).some((id) => ia.includes(id))) return true;
      if (a.entry.kind !== b.entry.kind) continue;
      const wa = words(a);
      const wb = words(b);
      let both = 0;
      for (const w of wa) if (wb.has(w)) both++;
      if (both / Math.min(wa.size, wb.size) >= 0.6) return true;
    }
  }
  return false;
}
