// "Looks like the same point": cosine similarity of tf-idf vectors over the answer engine's own text
// analysis (stems, British/American spelling, acronyms and synonyms folded into concepts), so "OCGs
// use encrypted chats" and "organised crime groups use encrypted messaging" meet. Used by ingest
// (a drafted point against the live entries) and check (entries of different documents).
import { analyseField, buildSynonymTable } from '../engine/analyze.ts';
import type { Synonym } from '../knowledge/schema.ts';

/** At or above this a drafted point is noted as a possible duplicate. */
export const DUPLICATE_THRESHOLD = 0.5;

export interface SimilarDoc {
  id: string;
  text: string;
}

export interface SimilarityIndex {
  /** Documents most like the text, best first, score in 0..1. */
  similar(text: string, opts?: { threshold?: number; limit?: number }): { id: string; score: number }[];
  /** Pairs of indexed documents at or above the threshold (each pair once, i < j). */
  pairs(threshold: number): { a: string; b: string; score: number }[];
}

type Vec = Map<string, number>;

export function createSimilarityIndex(docs: SimilarDoc[], synonyms: Synonym[]): SimilarityIndex {
  const table = buildSynonymTable(synonyms);
  const termsOf = (text: string): Map<string, number> => {
    const tf = new Map<string, number>();
    for (const t of analyseField(text, table)) tf.set(t, (tf.get(t) ?? 0) + 1);
    return tf;
  };
  const tfs = docs.map((d) => termsOf(d.text));
  const df = new Map<string, number>();
  for (const tf of tfs) for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = Math.max(1, docs.length);
  const idf = (t: string) => Math.log(1 + n / (1 + (df.get(t) ?? 0)));
  const weigh = (tf: Map<string, number>): Vec => {
    const v: Vec = new Map();
    let norm = 0;
    for (const [t, c] of tf) {
      const w = (1 + Math.log(c)) * idf(t);
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  };
  const vecs = tfs.map(weigh);
  // postings: term -> (doc, weight); very common terms are left out of candidate finding
  const postings = new Map<string, { doc: number; w: number }[]>();
  vecs.forEach((v, doc) => {
    for (const [t, w] of v) {
      let p = postings.get(t);
      if (!p) postings.set(t, (p = []));
      p.push({ doc, w });
    }
  });
  const maxDf = Math.max(50, n * 0.2);

  const scoresFor = (v: Vec): Map<number, number> => {
    const acc = new Map<number, number>();
    for (const [t, w] of v) {
      const p = postings.get(t);
      if (!p || p.length > maxDf) continue;
      for (const x of p) acc.set(x.doc, (acc.get(x.doc) ?? 0) + w * x.w);
    }
    // the common terms count too, for the candidates found
    for (const [doc] of acc) {
      let extra = 0;
      for (const [t, w] of v) {
        const p = postings.get(t);
        if (p && p.length > maxDf) extra += w * (vecs[doc]!.get(t) ?? 0);
      }
      acc.set(doc, acc.get(doc)! + extra);
    }
    return acc;
  };

  return {
    similar(text, opts = {}) {
      const threshold = opts.threshold ?? DUPLICATE_THRESHOLD;
      const out: { id: string; score: number }[] = [];
      for (const [doc, score] of scoresFor(weigh(termsOf(text)))) if (score >= threshold) out.push({ id: docs[doc]!.id, score: Math.min(1, score) });
      return out.sort((a, b) => b.score - a.score).slice(0, opts.limit ?? 3);
    },
    pairs(threshold) {
      const out: { a: string; b: string; score: number }[] = [];
      vecs.forEach((v, i) => {
        for (const [j, score] of scoresFor(v)) if (j > i && score >= threshold) out.push({ a: docs[i]!.id, b: docs[j]!.id, score: Math.min(1, score) });
      });
      return out.sort((x, y) => y.score - x.score);
    },
  };
}
