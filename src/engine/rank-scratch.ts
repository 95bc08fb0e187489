// The scratch space of one Bm25Index's rankings (src/engine/bm25.ts), kept between queries so a
// ranking allocates no object per term, slot or candidate: the query's terms resolved per slot, the
// candidate heap, the best candidates in order, and the term -> alternatives lists of the exact
// re-scoring, marked valid by a generation number instead of being cleared.
import { heapDrain } from './candidate-heap.ts';

export class RankScratch {
  /** Slot r's alternatives are altTerm/altW[rStart[r] .. rStart[r + 1]). */
  altTerm = new Int32Array(64);
  altW = new Float64Array(64);
  /** The slot of an alternative, and the next alternative of the same term (-1: none). */
  altSlot = new Int32Array(64);
  altNext = new Int32Array(64);
  rStart = new Int32Array(33);
  rWeight = new Float64Array(32);
  rWords = new Float64Array(32);
  slotBest = new Float64Array(32);
  /** The first alternative of a term in this query, valid when termGen[t] is this query's generation. */
  termHead = new Int32Array(0);
  termGen = new Int32Array(0);
  private gen = 0;
  /** A min-heap of candidates (src/engine/candidate-heap.ts). */
  heapDoc = new Int32Array(64);
  heapRaw = new Float64Array(64);
  heapCov = new Float64Array(64);
  /** The best candidates, best first. */
  bestDoc = new Int32Array(64);
  bestRaw = new Float64Array(64);
  bestCov = new Float64Array(64);

  /** Room for `nAlts` alternatives and `nSlots` slots. */
  reserve(nAlts: number, nSlots: number): void {
    if (this.altTerm.length < nAlts) {
      const n = Math.max(nAlts, 2 * this.altTerm.length);
      this.altTerm = new Int32Array(n);
      this.altW = new Float64Array(n);
      this.altSlot = new Int32Array(n);
      this.altNext = new Int32Array(n);
    }
    if (this.rWeight.length < nSlots) {
      const n = Math.max(nSlots, 2 * this.rWeight.length);
      this.rStart = new Int32Array(n + 1);
      this.rWeight = new Float64Array(n);
      this.rWords = new Float64Array(n);
      this.slotBest = new Float64Array(n);
    }
  }

  /** Room for `keep` candidates in the heap and in the best list. */
  reserveHeap(keep: number): void {
    if (this.heapDoc.length >= keep) return;
    this.heapDoc = new Int32Array(keep);
    this.heapRaw = new Float64Array(keep);
    this.heapCov = new Float64Array(keep);
    this.bestDoc = new Int32Array(keep);
    this.bestRaw = new Float64Array(keep);
    this.bestCov = new Float64Array(keep);
  }

  /** The heap's `size` candidates into the best list, best first (raw score descending, doc ascending). */
  drain(size: number): void {
    heapDrain(this.heapDoc, this.heapRaw, this.heapCov, size, this.bestDoc, this.bestRaw, this.bestCov);
  }

  /** A new generation for a vocabulary of `terms` terms: every termGen entry of an earlier one is stale. */
  nextGeneration(terms: number): number {
    if (this.termHead.length < terms || this.gen >= 0x3fffffff) {
      this.termHead = new Int32Array(terms);
      this.termGen = new Int32Array(terms);
      this.gen = 0;
    }
    return ++this.gen;
  }
}
