// A min-heap of candidates in three parallel typed arrays (doc, raw score, covered words), so
// ranking allocates nothing per candidate. Heap order: worse first (lower raw score; on ties the
// higher doc id counts as worse). Module functions rather than closures made per query.

export function heapWorse(hd: Int32Array, hr: Float64Array, i: number, j: number): boolean {
  return hr[i]! < hr[j]! || (hr[i] === hr[j] && hd[i]! > hd[j]!);
}

export function heapSwap(hd: Int32Array, hr: Float64Array, hc: Float64Array, i: number, j: number): void {
  const d = hd[i]!;
  hd[i] = hd[j]!;
  hd[j] = d;
  const r = hr[i]!;
  hr[i] = hr[j]!;
  hr[j] = r;
  const c = hc[i]!;
  hc[i] = hc[j]!;
  hc[j] = c;
}

export function heapSiftDown(hd: Int32Array, hr: Float64Array, hc: Float64Array, size: number, i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < size && heapWorse(hd, hr, l, m)) m = l;
    if (r < size && heapWorse(hd, hr, r, m)) m = r;
    if (m === i) return;
    heapSwap(hd, hr, hc, i, m);
    i = m;
  }
}

/** Empties the heap of `size` candidates into the out arrays, best first (the worst is popped first
 *  and goes last): the order (raw score descending, doc id ascending) with no sort and no allocation. */
export function heapDrain(hd: Int32Array, hr: Float64Array, hc: Float64Array, size: number, outD: Int32Array, outR: Float64Array, outC: Float64Array): void {
  for (let k = size - 1; k >= 0; k--) {
    outD[k] = hd[0]!;
    outR[k] = hr[0]!;
    outC[k] = hc[0]!;
    hd[0] = hd[k]!;
    hr[0] = hr[k]!;
    hc[0] = hc[k]!;
    heapSiftDown(hd, hr, hc, k, 0);
  }
}
