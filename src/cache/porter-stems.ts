// The engine's Porter stems (src/engine/stem.ts) kept between runs (issue 16). Building the engine stems
// every word of the base's vocabulary, its synonyms and the everyday word list, and answering stems the
// question's words: a warm `ask` spent a good part of its engine build in the Porter algorithm. A stem
// depends only on the word and stem.ts's code, so `porter-stems.json` in the cache folder keeps the stems of
// the last run (the snapshot format of src/cache/cached-load.ts: header with the key and a SHA-256 of the
// body); they are put into stem()'s own memo before the engine is built. The key is the code of stem.ts:
// changed code ignores the file (and rewrites it). A missing, corrupt or unreadable file is ignored; a
// read-only folder means no memo. Answers are the same either way: the memo holds what stem() would compute.
// The body is two strings, the words and their stems one a line (no word or stem holds a newline): one
// parse of two strings and a split, where a list of pairs costs a parse and a check of every pair.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedStemLists, stemsSoFar } from '../engine/stem.ts';
import { cacheKey, readSnapshot, writeSnapshot, type CacheOutcome } from './cached-load.ts';

const EXT = path.extname(fileURLToPath(import.meta.url));
const here = path.dirname(fileURLToPath(import.meta.url));
/** The code a stem depends on (as .ts from the sources, .js from dist/). */
export const STEM_CODE = [path.join(here, `../engine/stem${EXT}`)];
const NAME = 'porter-stems';
/** The body's layout (in the key: a file of another layout is stale). */
const VERSION = 'words and stems, one a line';

/** The key of the snapshot: the code of stem.ts and the layout. */
export function porterStemsKey(): string | undefined {
  return cacheKey({ name: NAME, files: [], root: here, code: STEM_CODE, version: VERSION });
}

/** The stems as a snapshot body. */
export function porterStemsBody(pairs: Iterable<readonly [string, string]>, max = Infinity): { words: string; stems: string } {
  const words: string[] = [];
  const stems: string[] = [];
  for (const [w, s] of pairs) {
    if (words.length >= max) break;
    if (w === '' || s === '' || w.includes('\n') || s.includes('\n')) continue; // not kept: the next run stems it again
    words.push(w);
    stems.push(s);
  }
  return { words: words.join('\n'), stems: stems.join('\n') };
}
/** Stems kept at most (stem()'s memo starts over above 50,000). */
const MAX_KEPT = 40_000;

export interface PorterStemSnapshot {
  /** 'hit': stems read from the snapshot; 'built': none (missing, stale, corrupt, caching off). */
  outcome: Exclude<CacheOutcome, 'stored'>;
  reason?: string;
  /** How many stems were read. */
  loaded: number;
  /** Writes the stems computed since (when there are new ones); false when nothing was written. */
  save(): boolean;
}

/** Puts the stems of the last run kept in `cacheDir` into stem()'s memo; save() keeps this run's. */
export function usePorterStems(cacheDir: string | undefined): PorterStemSnapshot {
  if (cacheDir === undefined) return { outcome: 'built', reason: 'caching off', loaded: 0, save: () => false };
  const key = porterStemsKey();
  if (key === undefined) return { outcome: 'built', reason: 'code unreadable', loaded: 0, save: () => false };
  const file = path.join(cacheDir, `${NAME}.json`);
  const read = readSnapshot(file, key);
  let reason: string | undefined;
  let loaded = 0;
  if ('json' in read) {
    const body = read.json as { words?: unknown; stems?: unknown } | null;
    const lines = (t: unknown) => (typeof t !== 'string' ? undefined : t === '' ? [] : t.split('\n'));
    const words = lines(body?.words);
    const stems = lines(body?.stems);
    if (words && stems && words.length === stems.length) {
      seedStemLists(words, stems);
      loaded = words.length;
    } else reason = 'snapshot corrupt';
  } else reason = read.reason;
  let known = stemsSoFar().size;
  return {
    outcome: reason === undefined ? 'hit' : 'built',
    ...(reason !== undefined ? { reason } : {}),
    loaded,
    save: () => {
      const stems = stemsSoFar();
      // nothing new since the snapshot was read (or last written): the file stays as it is
      if (reason === undefined && stems.size <= known) return false;
      if (!writeSnapshot(cacheDir, file, key, porterStemsBody(stems, MAX_KEPT))) return false;
      known = stems.size;
      reason = undefined;
      return true;
    },
  };
}
