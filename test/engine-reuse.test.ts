// The engine reuses its scratch space between searches (typed arrays in the ranking, candidates found
// through generation stamps: src/engine/rank-scratch.ts, engine.ts): an answer must not depend on the
// questions asked before it. A small champion cap makes the ranking re-score its best candidates
// exactly (the path of a large base) on the real base.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createEngine } from '../src/engine/engine.ts';
import type { SearchResult } from '../src/engine/types.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';

const base = loadPracticeBase(defaultKnowledgeDir());
const questions = (parse(fs.readFileSync(new URL('./fixtures/questions.yaml', import.meta.url), 'utf8')) as { q: string }[]).map((f) => f.q);

/** What a user sees of an answer. */
const seen = (r: SearchResult) => ({
  hits: r.hits.map((h) => [h.entry.id, h.score, h.folded ?? []]),
  total: r.total,
  suggestions: r.suggestions,
  remedies: r.remedies.map((e) => e.id),
  note: r.note,
});

describe('answers do not depend on the questions asked before', () => {
  it('the same answers in the order of the fixture and in reverse, on two engines', () => {
    const a = createEngine(base, { resultCache: 0, championCap: 8 });
    const b = createEngine(base, { resultCache: 0, championCap: 8 });
    const forward = questions.map((q) => seen(a.search(q, { limit: 5 })));
    const backward = [...questions].reverse().map((q) => seen(b.search(q, { limit: 5 })));
    backward.reverse();
    expect(questions.length).toBeGreaterThan(50);
    expect(forward.filter((r) => r.hits.length > 0).length).toBeGreaterThan(50);
    for (let i = 0; i < questions.length; i++) expect(backward[i], questions[i]).toEqual(forward[i]);
  });
});
