// The engine of the repository's own practice base, built once per test file and read from the
// snapshot cache (src/cache/) across files and runs. Building it (the lexicon and the index
// analysis above all) costs one to three seconds on this machine, and the end-to-end harnesses start
// a fresh app per test: they pass `sharedEngineBuilder` to createApp as `buildEngine`.
//
// - Within a test file (one module graph), the engine is memoised: only the first app builds it.
// - Across files and runs, the build goes through the snapshot cache the bot itself uses
//   (createEngineCached, the lexicon and English word snapshots, as src/cli.ts does) in one folder
//   under the system temp folder. Snapshot keys cover every knowledge file and the engine's code,
//   so a change is never served stale; writes are atomic, so parallel workers may share the folder.
// A folder other than the repository's knowledge/ (live-reload tests, temporary copies) is built
// afresh every time, as createApp does by default.
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createInterpretFromDisk } from '../../src/app.ts';
import { createEngineCached } from '../../src/cache/engine.ts';
import { loadPracticeBaseSnapshot } from '../../src/cache/practice-base.ts';
import { useCachedEnglishWords } from '../../src/cache/english-words.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/types.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../../src/knowledge/load.ts';
import type { EngineBuilder } from '../../src/knowledge/live.ts';
import type { PracticeBase } from '../../src/knowledge/schema.ts';

const REPO_KNOWLEDGE = path.resolve(defaultKnowledgeDir());
/** One cache folder per checkout (its path hashed), kept between runs. */
export const TEST_CACHE_DIR = path.join(os.tmpdir(), `practice-bot-test-cache-${createHash('sha1').update(REPO_KNOWLEDGE).digest('hex').slice(0, 12)}`);
let shared: Engine | undefined;
let sharedBase: PracticeBase | undefined;

/** createApp's default builder (createEngine with the interpreter of the members' languages). */
const build: EngineBuilder = (base, dir) => createEngine(base, { interpret: createInterpretFromDisk(dir, base) });

/** The bot's own builder (src/cli.ts): the engine through the snapshot cache, here TEST_CACHE_DIR.
 *  For any knowledge folder: snapshot keys name files relative to the folder, so a temporary copy of
 *  knowledge/ hits the same snapshots until a test changes a file (then that build misses, and
 *  rewrites the snapshot). */
export const snapshotEngineBuilder: EngineBuilder = (base, dir) => {
  useCachedEnglishWords(TEST_CACHE_DIR);
  return createEngineCached(base, dir, TEST_CACHE_DIR, { interpret: createInterpretFromDisk(dir, base, TEST_CACHE_DIR) }).engine;
};

/** The bot's own first-base loader (src/cli.ts): the practice base from its snapshot in
 *  TEST_CACHE_DIR, parsed and validated on a miss; a temporary copy of knowledge/ hits the same
 *  snapshot until a test changes a file. Reloads parse the folder as ever. */
export const snapshotBaseLoader = (dir: string): PracticeBase => loadPracticeBaseSnapshot(dir, TEST_CACHE_DIR, loadPracticeBase).value;

/** The engine for the repository's knowledge folder (which no test edits), memoised and cached. */
export const sharedEngineBuilder: EngineBuilder = (base, dir) => {
  if (path.resolve(dir) !== REPO_KNOWLEDGE) return build(base, dir);
  shared ??= snapshotEngineBuilder(base, dir);
  return shared;
};

/** The first generation's base of the repository's knowledge folder, parsed once per module graph
 *  (0.2 to 1 s a time here); any other folder is parsed afresh. createApp's `loadFirstBase`. Reloads
 *  parse the folder as ever. */
export const sharedBaseLoader = (dir: string): PracticeBase => {
  if (path.resolve(dir) !== REPO_KNOWLEDGE) return loadPracticeBase(dir);
  sharedBase ??= shared?.base ?? loadPracticeBase(dir);
  return sharedBase;
};

/** Both, for createApp: `createApp(config, { ...sharedApp, log })`. */
export const sharedApp = { buildEngine: sharedEngineBuilder, loadFirstBase: sharedBaseLoader } as const;
