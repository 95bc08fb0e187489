// A small BM25F index over typed arrays, built for sentence-long queries on up to ~100k entries.
//
// - Field boosts and per-field length normalisation (BM25F): tf~ = sum_f boost_f * tf_f / (1 - b_f + b_f * len_f / avg_f),
//   impact(t, d) = idf(t) * tf~ / (k1 + tf~). Impacts are computed once at build time.
// - A query is a list of slots (one per content word); each slot has alternatives (the word's stem,
//   its synonym concept, an acronym's expansion) and scores the best alternative only, so a synonym
//   never counts twice.
// - Postings are stored in impact order and capped ("champion lists", Manning et al., IR book 7.1.3):
//   a query reads at most `queryBudget` postings shared by its terms (at least 256 and at most
//   `championCap` each), so its cost stops growing with the base. While no term is longer than its
//   share (the real base) scoring is exact; beyond it the best 64 candidates are re-scored exactly
//   from a forward index, and `total` counts the candidates that were read.
// - Scores are normalised by the query's maximum achievable score (sum over slots of the best
//   impact any entry has for that slot), so they lie in 0..1 and mean the same across queries.

import type { Bm25Data, Bm25Options, FieldSpec, QuerySlot, RankOptions, Ranked } from './bm25-types.ts';
import { heapSiftDown, heapSwap, heapWorse } from './candidate-heap.ts';
import { RankScratch } from './rank-scratch.ts';

export type { Bm25Data, Bm25Options, FieldSpec, QuerySlot, RankOptions, Ranked, SlotAlt } from './bm25-types.ts';

/** Does a raw score pass: above the threshold, or above the lower one with enough query words covered. */
function passes(raw: number, words: number, threshold: number, lowThreshold: number, minWords: number): boolean {
  return raw >= threshold || (raw >= lowThreshold && words >= minWords);
}

export class Bm25Index {
  readonly fields: FieldSpec[];
  readonly k1: number;
  readonly championCap: number;
  readonly unknownWeight: number;
  readonly queryBudget: number;
  private terms = new Map<string, number>();
  private termNames: string[] = [];
  N = 0;
  private df = new Int32Array(0);
  private maxImpact = new Float32Array(0);
  // champion postings (CSR)
  private postStart = new Int32Array(1);
  private postDoc = new Int32Array(0);
  private postImpact = new Float32Array(0);
  // forward index (CSR)
  private fwdStart = new Int32Array(1);
  private fwdTerm = new Int32Array(0);
  private fwdImpact = new Float32Array(0);
  /** Typical best impact relative to idf (used for unknown slots). */
  private satRef = 0.5;
  // scratch buffers reused across queries
  private acc = new Float64Array(0);
  private cov = new Float64Array(0);
  private slotTmp = new Float64Array(0);
  private touched = new Int32Array(0);
  private slotTouched = new Int32Array(0);

  constructor(fields: FieldSpec[], opts: Bm25Options = {}) {
    this.fields = fields;
    this.k1 = opts.k1 ?? 1.2;
    this.championCap = opts.championCap ?? 2048;
    this.unknownWeight = opts.unknownWeight ?? 1;
    this.queryBudget = opts.queryBudget ?? 16_384;
  }

  private intern(t: string): number {
    let id = this.terms.get(t);
    if (id === undefined) {
      id = this.termNames.length;
      this.terms.set(t, id);
      this.termNames.push(t);
    }
    return id;
  }

  /** Build from analysed documents: docs[d][f] = index terms of field f. */
  build(docs: string[][][]): void {
    const steps = this.buildSteps(docs);
    while (!steps.next().done);
  }

  /** build(), yielding between its passes (for a build that lets other work run: createEngineInSteps). */
  *buildSteps(docs: string[][][]): Generator<void, void> {
    const F = this.fields.length;
    const N = docs.length;
    this.N = N;
    // pass 1: intern terms, field lengths
    const lens = new Float64Array(N * F);
    const sumLen = new Float64Array(F);
    const tidOf: Int32Array[] = new Array(N);
    for (let d = 0; d < N; d++) {
      const doc = docs[d]!;
      let n = 0;
      for (let f = 0; f < F; f++) n += doc[f]?.length ?? 0;
      const arr = new Int32Array(n + F);
      let k = 0;
      for (let f = 0; f < F; f++) {
        const ts = doc[f] ?? [];
        arr[k++] = ts.length;
        for (const t of ts) arr[k++] = this.intern(t);
        lens[d * F + f] = ts.length;
        sumLen[f] = sumLen[f]! + ts.length;
      }
      tidOf[d] = arr;
    }
    yield;
    const V = this.termNames.length;
    const avg = Array.from(sumLen, (s) => (N > 0 ? s / N || 1 : 1));
    // pass 2: tf~ per (doc, term) into the forward index; df
    const df = new Int32Array(V);
    const fwdStart = new Int32Array(N + 1);
    let fwdTerm = new Int32Array(Math.max(16, N * 32));
    let fwdTf = new Float32Array(fwdTerm.length);
    // per-doc term frequencies in scratch arrays indexed by term id (no Map per document)
    const tfAcc = new Float64Array(V);
    const seen = new Int32Array(V).fill(-1);
    let maxLen = 0;
    for (let d = 0; d < N; d++) maxLen = Math.max(maxLen, tidOf[d]!.length);
    const list = new Int32Array(maxLen);
    let pos = 0;
    for (let d = 0; d < N; d++) {
      const arr = tidOf[d]!;
      let nTerms = 0;
      let k = 0;
      for (let f = 0; f < F; f++) {
        const n = arr[k++]!;
        const spec = this.fields[f]!;
        const norm = 1 - spec.b + (spec.b * lens[d * F + f]!) / avg[f]!;
        const w = spec.boost / norm;
        for (let i = 0; i < n; i++) {
          const t = arr[k++]!;
          if (seen[t] !== d) {
            seen[t] = d;
            tfAcc[t] = 0;
            list[nTerms++] = t;
          }
          tfAcc[t] = tfAcc[t]! + w;
        }
      }
      if (pos + nTerms > fwdTerm.length) {
        const grow = Math.max(fwdTerm.length * 2, pos + nTerms);
        const nt = new Int32Array(grow);
        nt.set(fwdTerm);
        fwdTerm = nt;
        const nf = new Float32Array(grow);
        nf.set(fwdTf);
        fwdTf = nf;
      }
      fwdStart[d] = pos;
      for (let i = 0; i < nTerms; i++) {
        const t = list[i]!;
        fwdTerm[pos] = t;
        fwdTf[pos] = tfAcc[t]!;
        pos++;
        df[t] = df[t]! + 1;
      }
      tidOf[d] = undefined as unknown as Int32Array; // free as we go
    }
    fwdStart[N] = pos;
    this.fwdStart = fwdStart;
    this.fwdTerm = fwdTerm.subarray(0, pos);
    yield;
    // impacts
    const idf = new Float64Array(V);
    for (let t = 0; t < V; t++) idf[t] = Math.log(1 + (N - df[t]! + 0.5) / (df[t]! + 0.5));
    const fwdImpact = new Float32Array(pos);
    const maxImpact = new Float32Array(V);
    const k1 = this.k1;
    for (let i = 0; i < pos; i++) {
      const t = this.fwdTerm[i]!;
      const tf = fwdTf[i]!;
      const imp = (idf[t]! * tf) / (k1 + tf);
      fwdImpact[i] = imp;
      if (imp > maxImpact[t]!) maxImpact[t] = imp;
    }
    this.fwdImpact = fwdImpact;
    this.df = df;
    this.maxImpact = maxImpact;
    // typical best saturation (median of maxImpact / idf), for words the base has never seen
    const sats: number[] = [];
    for (let t = 0; t < V; t++) if (idf[t]! > 0) sats.push(maxImpact[t]! / idf[t]!);
    sats.sort((a, b) => a - b);
    this.satRef = sats.length ? sats[Math.floor(sats.length / 2)]! : 0.5;
    // champion postings: per term, the `cap` highest impacts, in impact order
    const cap = this.championCap;
    const postStart = new Int32Array(V + 1);
    for (let t = 0; t < V; t++) postStart[t + 1] = postStart[t]! + Math.min(df[t]!, cap);
    const total = postStart[V]!;
    const postDoc = new Int32Array(total);
    const postImpact = new Float32Array(total);
    // gather all postings per term (CSR by term), then order each term's list by impact
    const allStart = new Int32Array(V + 1);
    for (let t = 0; t < V; t++) allStart[t + 1] = allStart[t]! + df[t]!;
    const fill = allStart.slice(0, V);
    const allDoc = new Int32Array(pos);
    const allImp = new Float32Array(pos);
    for (let d = 0; d < N; d++) {
      for (let i = fwdStart[d]!; i < fwdStart[d + 1]!; i++) {
        const t = this.fwdTerm[i]!;
        const at = fill[t]!++;
        allDoc[at] = d;
        allImp[at] = fwdImpact[i]!;
      }
    }
    yield;
    // sort key: quantised impact (desc) then doc id (asc), packed in one float64
    const DOC_BITS = 2 ** Math.max(1, Math.ceil(Math.log2(N + 1)));
    for (let t = 0; t < V; t++) {
      const a = allStart[t]!;
      const b = allStart[t + 1]!;
      const out = postStart[t]!;
      if (b - a === 1) {
        postDoc[out] = allDoc[a]!;
        postImpact[out] = allImp[a]!;
        continue;
      }
      // all of a term's postings are in doc order, so the local index breaks ties by doc id
      const keys = new Float64Array(b - a);
      const scale = maxImpact[t]! > 0 ? 1e6 / maxImpact[t]! : 0;
      for (let i = a; i < b; i++) keys[i - a] = (1e6 - Math.round(allImp[i]! * scale)) * DOC_BITS + (i - a);
      keys.sort();
      const n = Math.min(b - a, cap);
      for (let i = 0; i < n; i++) {
        const at = a + (keys[i]! % DOC_BITS);
        postDoc[out + i] = allDoc[at]!;
        postImpact[out + i] = allImp[at]!;
      }
    }
    this.postStart = postStart;
    this.postDoc = postDoc;
    this.postImpact = postImpact;
    this.reserveScratch();
  }

  private reserveScratch(): void {
    const N = this.N;
    this.acc = new Float64Array(N);
    this.cov = new Float64Array(N);
    this.slotTmp = new Float64Array(N);
    this.touched = new Int32Array(N);
    this.slotTouched = new Int32Array(N);
  }

  /** The built index as plain data (shares the index's arrays: not to be changed). */
  data(): Bm25Data {
    return {
      k1: this.k1,
      championCap: this.championCap,
      N: this.N,
      terms: this.termNames,
      df: this.df,
      maxImpact: this.maxImpact,
      postStart: this.postStart,
      postDoc: this.postDoc,
      postImpact: this.postImpact,
      fwdStart: this.fwdStart,
      fwdTerm: this.fwdTerm,
      fwdImpact: this.fwdImpact,
      satRef: this.satRef,
    };
  }

  /** An index from data() of one built with the same fields: it ranks as that one did. Undefined when
   *  `data` was built with another k1 or champion cap than `opts` ask for. */
  static fromData(fields: FieldSpec[], opts: Bm25Options, data: Bm25Data): Bm25Index | undefined {
    const index = new Bm25Index(fields, opts);
    if (data.k1 !== index.k1 || data.championCap !== index.championCap) return undefined;
    index.N = data.N;
    index.termNames = data.terms;
    for (let t = 0; t < data.terms.length; t++) index.terms.set(data.terms[t]!, t);
    index.df = data.df;
    index.maxImpact = data.maxImpact;
    index.postStart = data.postStart;
    index.postDoc = data.postDoc;
    index.postImpact = data.postImpact;
    index.fwdStart = data.fwdStart;
    index.fwdTerm = data.fwdTerm;
    index.fwdImpact = data.fwdImpact;
    index.satRef = data.satRef;
    index.reserveScratch();
    return index;
  }

  has(term: string): boolean {
    return this.terms.has(term);
  }

  docFreq(term: string): number {
    const t = this.terms.get(term);
    return t === undefined ? 0 : this.df[t]!;
  }

  /** idf of a term (an unseen term gets the largest idf). */
  idf(term: string): number {
    const df = this.docFreq(term);
    return Math.log(1 + (this.N - df + 0.5) / (df + 0.5));
  }

  private sortedTerms: string[] | undefined;

  /** Index terms that start with `prefix` (concept terms excluded), most frequent first. */
  termsWithPrefix(prefix: string, limit: number): string[] {
    const sorted = (this.sortedTerms ??= this.termNames.filter((t) => !t.startsWith('~')).sort());
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < sorted.length && sorted[i]!.startsWith(prefix) && out.length < 50; i++) out.push(sorted[i]!);
    return out.sort((a, b) => this.docFreq(b) - this.docFreq(a)).slice(0, limit);
  }

  get vocabularySize(): number {
    return this.termNames.length;
  }

  /** The best a slot can contribute in this base (0 when nothing in the base has it). */
  slotMax(slot: QuerySlot): number {
    let best = 0;
    for (const a of slot.alts) {
      const t = this.terms.get(a.term);
      if (t !== undefined) best = Math.max(best, a.weight * this.maxImpact[t]!);
    }
    return best * slot.weight;
  }

  /** What an unseen word is assumed to be worth when normalising (so off-topic words lower the score). */
  unknownSlotMax(slot: QuerySlot): number {
    const idfUnseen = Math.log(1 + (this.N + 0.5) / 0.5);
    return slot.weight * (slot.unknownWeight ?? this.unknownWeight) * idfUnseen * this.satRef;
  }

  private scratch = new RankScratch();

  rank(slots: QuerySlot[], opts: RankOptions): Ranked {
    const N = this.N;
    let maxAchievable = 0;
    let unknownSlots = 0;
    let truncated = false;
    let total0 = 0;
    for (let s = 0; s < slots.length; s++) total0 += slots[s]!.alts.length;
    const sc = this.scratch;
    sc.reserve(total0, slots.length);
    const { altTerm, altW, rStart, rWeight, rWords } = sc;
    let nAlts = 0;
    let nRes = 0;
    for (let s = 0; s < slots.length; s++) {
      const slot = slots[s]!;
      const first = nAlts;
      for (const a of slot.alts) {
        const t = this.terms.get(a.term);
        if (t === undefined) continue;
        let dup = false;
        for (let k = first; k < nAlts; k++) if (altTerm[k] === t) dup = true;
        if (dup) continue;
        altTerm[nAlts] = t;
        altW[nAlts] = a.weight;
        nAlts++;
      }
      if (nAlts === first) {
        unknownSlots++;
        maxAchievable += this.unknownSlotMax(slot);
        continue;
      }
      maxAchievable += slot.unseen ? Math.max(this.unknownSlotMax(slot), this.slotMax(slot)) : this.slotMax(slot);
      rStart[nRes] = first;
      rWeight[nRes] = slot.weight;
      rWords[nRes] = slot.words ?? slot.weight;
      nRes++;
    }
    rStart[nRes] = nAlts;
    const cap = Math.min(this.championCap, Math.max(256, Math.floor(this.queryBudget / Math.max(1, nAlts))));
    for (let k = 0; k < nAlts; k++) if (this.df[altTerm[k]!]! > cap) truncated = true;
    if (N === 0 || nRes === 0 || maxAchievable <= 0) return { docs: [], total: 0, maxAchievable, unknownSlots };

    const acc = this.acc;
    const tmp = this.slotTmp;
    const cov = this.cov;
    const touched = this.touched;
    const slotTouched = this.slotTouched;
    let nTouched = 0;
    for (let r = 0; r < nRes; r++) {
      let nSlot = 0;
      for (let k = rStart[r]!; k < rStart[r + 1]!; k++) {
        const t = altTerm[k]!;
        const ww = altW[k]! * rWeight[r]!;
        const a = this.postStart[t]!;
        const b = Math.min(this.postStart[t + 1]!, a + cap);
        for (let i = a; i < b; i++) {
          const d = this.postDoc[i]!;
          const v = ww * this.postImpact[i]!;
          const cur = tmp[d]!;
          if (cur === 0) slotTouched[nSlot++] = d;
          if (v > cur) tmp[d] = v;
        }
      }
      const words = rWords[r]!;
      for (let i = 0; i < nSlot; i++) {
        const d = slotTouched[i]!;
        if (acc[d] === 0) touched[nTouched++] = d;
        acc[d] = acc[d]! + tmp[d]!;
        cov[d] = cov[d]! + words;
        tmp[d] = 0;
      }
    }

    // select: count above threshold, keep the best `keep` in a typed min-heap (no allocation per candidate)
    const threshold = opts.countAbove * maxAchievable;
    const covered = opts.countAboveIfCovered;
    const lowThreshold = covered ? Math.min(threshold, covered.score * maxAchievable) : threshold;
    const minWords = covered ? covered.words - 1e-9 : Infinity;
    const keep = Math.max(opts.topK, truncated ? 64 : 0);
    sc.reserveHeap(keep);
    const { heapDoc: hd, heapRaw: hr, heapCov: hc } = sc;
    let size = 0;
    let total = 0;
    const accept = opts.accept;
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i]!;
      const raw = acc[d]!;
      const words = cov[d]!;
      acc[d] = 0;
      cov[d] = 0;
      if (accept && !accept(d)) continue;
      if (passes(raw, words, threshold, lowThreshold, minWords)) total++;
      if (keep === 0) continue;
      if (size < keep) {
        let c = size++;
        hd[c] = d;
        hr[c] = raw;
        hc[c] = words;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (!heapWorse(hd, hr, c, p)) break;
          heapSwap(hd, hr, hc, c, p);
          c = p;
        }
      } else if (raw > hr[0]! || (raw === hr[0] && d < hd[0]!)) {
        hd[0] = d;
        hr[0] = raw;
        hc[0] = words;
        heapSiftDown(hd, hr, hc, size, 0);
      }
    }
    // best first: (raw desc, doc asc), the reverse of the heap's order
    sc.drain(size);

    if (truncated) {
      // exact re-scoring of the best candidates from the forward index: each term of the query points
      // at its alternatives (a term may stand in several slots), stamped with this query's generation
      const gen = sc.nextGeneration(this.termNames.length);
      const { termHead, termGen, altSlot, altNext } = sc;
      for (let r = 0; r < nRes; r++) {
        for (let k = rStart[r]!; k < rStart[r + 1]!; k++) {
          const t = altTerm[k]!;
          altSlot[k] = r;
          altNext[k] = termGen[t] === gen ? termHead[t]! : -1;
          termGen[t] = gen;
          termHead[t] = k;
        }
      }
      const { slotBest, bestDoc: bd, bestRaw: br, bestCov: bc } = sc;
      for (let j = 0; j < size; j++) {
        const doc = bd[j]!;
        slotBest.fill(0, 0, nRes);
        for (let i = this.fwdStart[doc]!; i < this.fwdStart[doc + 1]!; i++) {
          const t = this.fwdTerm[i]!;
          if (termGen[t] !== gen) continue;
          const imp = this.fwdImpact[i]!;
          for (let k = termHead[t]!; k >= 0; k = altNext[k]!) {
            const s = altSlot[k]!;
            const w = altW[k]! * rWeight[s]!;
            if (w * imp > slotBest[s]!) slotBest[s] = w * imp;
          }
        }
        let exact = 0;
        let words = 0;
        for (let s = 0; s < nRes; s++) {
          exact += slotBest[s]!;
          if (slotBest[s]! > 0) words += rWords[s]!;
        }
        if (!passes(br[j]!, bc[j]!, threshold, lowThreshold, minWords) && passes(exact, words, threshold, lowThreshold, minWords)) total++;
        // back into the heap, to come out in the new order
        hd[j] = doc;
        hr[j] = exact;
        hc[j] = words;
      }
      for (let j = (size >> 1) - 1; j >= 0; j--) heapSiftDown(hd, hr, hc, size, j);
      sc.drain(size);
    }

    const n = Math.min(size, opts.topK);
    const docs: Ranked['docs'] = [];
    for (let j = 0; j < n; j++) docs.push({ doc: sc.bestDoc[j]!, score: Math.min(1, sc.bestRaw[j]! / maxAchievable), matched: Math.round(sc.bestCov[j]! * 1000) / 1000 });
    return { docs, total, maxAchievable, unknownSlots };
  }
}
