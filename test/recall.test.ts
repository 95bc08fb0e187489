// Answer quality on the real practice base: recall@3 over test/fixtures/questions.yaml.
// A question is a hit when any of its expected entry ids is among the top 3 results (with its
// `kind` filter when it has one). The misses are printed so they can be looked at.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createEngine } from '../src/engine/engine.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import type { Kind } from '../src/knowledge/schema.ts';

interface Question {
  q: string;
  expect: string[];
  kind?: Kind;
}

const base = loadPracticeBase(defaultKnowledgeDir());
const engine = createEngine(base);
const questions = parse(fs.readFileSync(new URL('./fixtures/questions.yaml', import.meta.url), 'utf8')) as Question[];

describe('recall on the real base', () => {
  it('has a question set of at least 40 with known entry ids', () => {
    expect(questions.length).toBeGreaterThanOrEqual(40);
    const ids = new Set(base.entries.map((e) => e.id));
    const unknown = questions.flatMap((q) => q.expect.filter((id) => !ids.has(id)).map((id) => `${q.q} -> ${id}`));
    expect(unknown).toEqual([]);
  });

  it('finds an expected entry in the top 3 for at least 90% of the questions', () => {
    const misses: string[] = [];
    for (const q of questions) {
      const r = engine.search(q.q, { limit: 3, ...(q.kind ? { kinds: [q.kind] } : {}) });
      const got = r.hits.map((h) => h.entry.id);
      if (!got.some((id) => q.expect.includes(id))) {
        misses.push(
          `  ${JSON.stringify(q.q)}${q.kind ? ` [${q.kind}]` : ''}\n    expected one of ${q.expect.join(', ')}\n    got ${
            r.hits.map((h) => `${h.entry.id} (${h.score.toFixed(2)})`).join(', ') || `nothing; suggestions: ${r.suggestions.join(', ')}`
          }${r.corrected ? `\n    corrected to "${r.corrected}"` : ''}`,
        );
      }
    }
    const recall = (questions.length - misses.length) / questions.length;
    console.log(`recall@3 = ${(recall * 100).toFixed(1)}% (${questions.length - misses.length}/${questions.length})`);
    if (misses.length > 0) console.log(`misses:\n${misses.join('\n')}`);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  it('answers the issue example from the COLEP summary', () => {
    const r = engine.search('encrypted data');
    expect(r.hits.length).toBeGreaterThan(0);
    expect(r.hits.some((h) => h.entry.source.document === '001_f556e3455b226015.txt')).toBe(true);
  });

  it('says nothing is close for off-topic questions on the real base', () => {
    for (const q of ['recipe for banana bread', 'who won the football match yesterday', 'best pizza in Naples']) {
      const r = engine.search(q);
      expect(r.hits, q).toEqual([]);
      expect(r.suggestions.length, q).toBeGreaterThan(0);
    }
  });
});
