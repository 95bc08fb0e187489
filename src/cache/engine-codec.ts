// The engine snapshot's body (src/cache/engine.ts): what a warm start reads should cost a copy of bytes,
// not a parse and check of every number. The body is binary (cached-load.ts `raw`): a small JSON head
// (the synonym table, lists of words as one newline-joined string each, the numbers of the blocks) then
// blocks of bytes: the typed arrays (the index's postings, the entries' own terms, the vocabulary's
// counts, the analysed field texts as ids of index terms) as they are in memory. Decoding checks the
// head, every block's type and bounds, every array's length and every start array (never decreasing,
// ending at its list's length): a snapshot that passes the checksum but not these is rebuilt. The ids
// inside the postings and own terms are not checked one by one (a loop over every element is what a
// warm start no longer pays): they are what the encoder wrote, as the body's SHA-256 says, and one out of
// range in a file made by hand reads as no match (a typed array gives undefined there), never a crash.
import type { SynonymTable } from '../engine/analyze.ts';
import type { Bm25Data } from '../engine/bm25-types.ts';
import type { OwnTermsData } from '../engine/links.ts';

type Typed = Int32Array<ArrayBuffer> | Float32Array<ArrayBuffer>;

const corrupt = (what: string): never => {
  throw new Error(`engine snapshot: bad ${what}`);
};

/** Collects the typed arrays and byte blocks of a body; the head (JSON) names them by number. */
export class Packer {
  private blocks: { kind: 'i32' | 'f32' | 'bytes'; bytes: Uint8Array; count: number }[] = [];
  private put(kind: 'i32' | 'f32' | 'bytes', bytes: Uint8Array, count: number): number {
    this.blocks.push({ kind, bytes, count });
    return this.blocks.length - 1;
  }
  int32(a: Int32Array): number {
    return this.put('i32', new Uint8Array(a.buffer, a.byteOffset, a.byteLength), a.length);
  }
  float32(a: Float32Array): number {
    return this.put('f32', new Uint8Array(a.buffer, a.byteOffset, a.byteLength), a.length);
  }
  bytes(b: Uint8Array): number {
    return this.put('bytes', b, b.length);
  }
  /** [head length (u32, little-endian)][head JSON][blocks, each at a multiple of 4] */
  body(head: Record<string, unknown>): Buffer {
    const blocks: [string, number, number][] = [];
    let at = 0;
    for (const b of this.blocks) {
      blocks.push([b.kind, at, b.count]);
      at += (b.bytes.length + 3) & ~3;
    }
    const json = Buffer.from(JSON.stringify({ ...head, blocks }));
    const out = Buffer.alloc(4 + json.length + at);
    out.writeUInt32LE(json.length, 0);
    json.copy(out, 4);
    let pos = 4 + json.length;
    for (const b of this.blocks) {
      out.set(b.bytes, pos);
      pos += (b.bytes.length + 3) & ~3;
    }
    return out;
  }
}

/** Reads a body written by Packer: its head, and its blocks by number (typed arrays copied out of it). */
export class Unpacker {
  readonly head: Record<string, unknown>;
  private blocks: [string, number, number][];
  private data: number;
  constructor(private readonly buf: Buffer) {
    const n = buf.length >= 4 ? buf.readUInt32LE(0) : Infinity;
    if (4 + n > buf.length) throw new Error('engine snapshot: bad head');
    const head = JSON.parse(buf.toString('utf8', 4, 4 + n)) as unknown;
    if (typeof head !== 'object' || head === null || !Array.isArray((head as { blocks?: unknown }).blocks)) throw new Error('engine snapshot: bad head');
    this.head = head as Record<string, unknown>;
    this.blocks = this.head.blocks as [string, number, number][];
    this.data = 4 + n;
  }
  private block(i: unknown, kind: string, size: number, what: string): { at: number; count: number } {
    const b = Number.isInteger(i) ? this.blocks[i as number] : undefined;
    if (!Array.isArray(b) || b[0] !== kind || !isCount(b[1]) || !isCount(b[2]) || this.data + b[1] + b[2] * size > this.buf.length) return corrupt(what);
    return { at: this.data + b[1], count: b[2] };
  }
  private typed<T extends Typed>(i: unknown, kind: string, make: (n: number) => T, what: string): T {
    const { at, count } = this.block(i, kind, 4, what);
    const out = make(count);
    new Uint8Array(out.buffer).set(this.buf.subarray(at, at + count * 4));
    return out;
  }
  int32(i: unknown, what: string): Int32Array<ArrayBuffer> {
    return this.typed(i, 'i32', (n) => new Int32Array(n), what);
  }
  float32(i: unknown, what: string): Float32Array<ArrayBuffer> {
    return this.typed(i, 'f32', (n) => new Float32Array(n), what);
  }
  bytes(i: unknown, what: string): Buffer {
    const { at, count } = this.block(i, 'bytes', 1, what);
    return this.buf.subarray(at, at + count);
  }
}

/** A list of strings: one newline-joined string when that says it unambiguously, else the list itself. */
export const wordsOf = (list: readonly string[]): string | readonly string[] =>
  list.length > 0 && list.every((w) => w !== '' && !w.includes('\n')) ? list.join('\n') : list;

export function listOf(j: unknown, what: string): string[] {
  if (typeof j === 'string') return j === '' ? corrupt(what) : j.split('\n');
  if (Array.isArray(j) && j.every((w) => typeof w === 'string')) return j as string[];
  return corrupt(what);
}

/** `start` is a CSR start array over `n` rows of `size` items: starts at 0, never decreases, ends at size. */
export function checkStarts(start: Int32Array, n: number, size: number, what: string): void {
  if (start.length !== n + 1 || start[0] !== 0 || start[n] !== size) corrupt(what);
  for (let i = 0; i < n; i++) if (start[i]! > start[i + 1]!) corrupt(what);
}
/** Every id is in 0..n-1 (read unsigned: a negative one is then too large, one comparison each). */
export function checkBelow(ids: Int32Array, n: number, what: string): void {
  const u = new Uint32Array(ids.buffer, ids.byteOffset, ids.length);
  for (let i = 0; i < u.length; i++) if (u[i]! >= n) corrupt(what);
}
const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;

export function encodeIndex(d: Bm25Data, p: Packer): unknown {
  return {
    k1: d.k1,
    championCap: d.championCap,
    N: d.N,
    satRef: d.satRef,
    terms: wordsOf(d.terms),
    df: p.int32(d.df),
    maxImpact: p.float32(d.maxImpact),
    postStart: p.int32(d.postStart),
    postDoc: p.int32(d.postDoc),
    postImpact: p.float32(d.postImpact),
    fwdStart: p.int32(d.fwdStart),
    fwdTerm: p.int32(d.fwdTerm),
    fwdImpact: p.float32(d.fwdImpact),
  };
}

export function decodeIndex(j: unknown, u: Unpacker): Bm25Data {
  if (typeof j !== 'object' || j === null) return corrupt('index');
  const o = j as Record<string, unknown>;
  const { k1, championCap, N, satRef } = o;
  if (typeof k1 !== 'number' || !isCount(championCap) || !isCount(N) || typeof satRef !== 'number' || !Number.isFinite(satRef)) return corrupt('index');
  const terms = listOf(o.terms, 'index terms');
  const V = terms.length;
  const d: Bm25Data = {
    k1,
    championCap,
    N,
    satRef,
    terms,
    df: u.int32(o.df, 'df'),
    maxImpact: u.float32(o.maxImpact, 'impacts'),
    postStart: u.int32(o.postStart, 'postings'),
    postDoc: u.int32(o.postDoc, 'postings'),
    postImpact: u.float32(o.postImpact, 'postings'),
    fwdStart: u.int32(o.fwdStart, 'forward index'),
    fwdTerm: u.int32(o.fwdTerm, 'forward index'),
    fwdImpact: u.float32(o.fwdImpact, 'forward index'),
  };
  if (d.df.length !== V || d.maxImpact.length !== V) corrupt('index terms');
  checkStarts(d.postStart, V, d.postDoc.length, 'postings');
  if (d.postImpact.length !== d.postDoc.length) corrupt('postings');
  checkStarts(d.fwdStart, N, d.fwdTerm.length, 'forward index');
  if (d.fwdImpact.length !== d.fwdTerm.length) corrupt('forward index');
  return d;
}

export function encodeOwnTerms(d: OwnTermsData, p: Packer): unknown {
  return { terms: wordsOf(d.terms), start: p.int32(d.start), ids: p.int32(d.ids) };
}

export function decodeOwnTerms(j: unknown, u: Unpacker): OwnTermsData {
  if (typeof j !== 'object' || j === null) return corrupt('own terms');
  const o = j as Record<string, unknown>;
  const terms = listOf(o.terms, 'own terms');
  const start = u.int32(o.start, 'own terms');
  const ids = u.int32(o.ids, 'own terms');
  if (start.length < 1) corrupt('own terms');
  checkStarts(start, start.length - 1, ids.length, 'own terms');
  return { terms, start, ids };
}

export function encodeVocabulary(words: Map<string, number>, p: Packer): unknown {
  return { words: wordsOf([...words.keys()]), counts: p.int32(Int32Array.from(words.values())) };
}

export function decodeVocabulary(j: unknown, u: Unpacker): Map<string, number> {
  if (typeof j !== 'object' || j === null) return corrupt('vocabulary');
  const o = j as Record<string, unknown>;
  const words = listOf(o.words, 'vocabulary');
  const counts = u.int32(o.counts, 'vocabulary');
  if (counts.length !== words.length) corrupt('vocabulary');
  const out = new Map<string, number>();
  for (let i = 0; i < words.length; i++) out.set(words[i]!, counts[i]!);
  return out;
}

export function encodeTable(t: SynonymTable): unknown {
  return {
    groups: t.groups.map((g) => [g.concept, g.canonical, g.expansion]),
    acronyms: [...t.acronyms].map(([k, a]) => [k, a.groups, a.ambiguous]),
    phrases: [...t.phrases].map(([k, list]) => [k, list.map((p) => [p.stems, p.group])]),
    words: [...t.words],
  };
}

const isStrings = (a: unknown): a is string[] => Array.isArray(a) && a.every((s) => typeof s === 'string');

export function decodeTable(j: unknown): SynonymTable {
  if (typeof j !== 'object' || j === null) return corrupt('synonym table');
  const o = j as Record<string, unknown>;
  if (!Array.isArray(o.groups) || !Array.isArray(o.acronyms) || !Array.isArray(o.phrases) || !isStrings(o.words)) return corrupt('synonym table');
  const table: SynonymTable = { groups: [], acronyms: new Map(), phrases: new Map(), words: new Set(o.words) };
  for (const g of o.groups as unknown[]) {
    if (!Array.isArray(g) || typeof g[0] !== 'string' || typeof g[1] !== 'string' || !isStrings(g[2])) return corrupt('synonym group');
    table.groups.push({ concept: g[0], canonical: g[1], expansion: g[2] });
  }
  const G = table.groups.length;
  const isGroup = (n: unknown): n is number => isCount(n) && n < G;
  for (const a of o.acronyms as unknown[]) {
    if (!Array.isArray(a) || typeof a[0] !== 'string' || !Array.isArray(a[1]) || !a[1].every(isGroup) || typeof a[2] !== 'boolean') return corrupt('acronym');
    table.acronyms.set(a[0], { groups: a[1] as number[], ambiguous: a[2] });
  }
  for (const p of o.phrases as unknown[]) {
    if (!Array.isArray(p) || typeof p[0] !== 'string' || !Array.isArray(p[1])) return corrupt('phrase');
    const list = (p[1] as unknown[]).map((x) => {
      if (!Array.isArray(x) || !isStrings(x[0]) || x[0].length === 0 || !isGroup(x[1])) return corrupt('phrase');
      return { stems: x[0], group: x[1] };
    });
    table.phrases.set(p[0], list);
  }
  return table;
}
