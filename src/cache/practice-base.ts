// The practice base through the snapshot cache (src/cache/cached-load.ts): an unchanged knowledge/ folder
// loads from JSON, without YAML parsing or validation (yaml and zod are not even imported then).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PracticeBase } from '../knowledge/schema.ts';
import { cachedLoad, cachedLoadAsync, filesUnder, type CachedLoadResult } from './cached-load.ts';

/** This module runs as .ts (tsx) or as compiled .js: the loader's sources are next to it in the same form. */
const EXT = path.extname(fileURLToPath(import.meta.url));
const here = path.dirname(fileURLToPath(import.meta.url));
export const BASE_CODE = [path.join(here, `../knowledge/load${EXT}`), path.join(here, `../knowledge/schema${EXT}`)];

type BaseJson = Omit<PracticeBase, 'aliases'> & { aliases: [string, string][] };

function snapshot(root: string, cacheDir: string | undefined) {
  return {
    dir: cacheDir,
    name: 'practice-base',
    root,
    files: filesUnder(root, ['.yaml', '.yml']),
    code: BASE_CODE,
    encode: (b: PracticeBase): BaseJson => ({ ...b, aliases: [...b.aliases] }),
    decode: (j: unknown): PracticeBase => {
      const b = j as BaseJson;
      if (!Array.isArray(b.entries) || !Array.isArray(b.aliases)) throw new Error('not a practice base');
      return { ...b, aliases: new Map(b.aliases) };
    },
  };
}

/** Loads `dir` (validated as loadPracticeBase does), from the snapshot in `cacheDir` when the files are unchanged. */
export async function loadPracticeBaseCached(dir: string, cacheDir: string | undefined): Promise<CachedLoadResult<PracticeBase>> {
  const root = path.resolve(dir);
  // yaml and zod cost more to import than the snapshot costs to read: imported only to rebuild
  return cachedLoadAsync<PracticeBase>({ ...snapshot(root, cacheDir), build: async () => (await import('../knowledge/load.ts')).loadPracticeBase(root) });
}

/** The same, synchronously, with the loader given (loadPracticeBase, already imported by the caller): the first
 *  generation of the live base in the bot and the console (src/knowledge/live.ts, loadFirst). */
export function loadPracticeBaseSnapshot(dir: string, cacheDir: string | undefined, load: (dir: string) => PracticeBase): CachedLoadResult<PracticeBase> {
  const root = path.resolve(dir);
  return cachedLoad<PracticeBase>({ ...snapshot(root, cacheDir), build: () => load(root) });
}
