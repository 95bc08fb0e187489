// One engine per test worker for the repository's own practice base. Building it (the lexicon and
// interpreter above all) costs about a second on this machine, and the end-to-end harnesses start a
// fresh app per test: they pass `sharedEngineBuilder` to createApp as `buildEngine`, so only the
// first app of a worker builds it. A folder other than the repository's knowledge/ (live-reload
// tests, temporary copies) is built afresh every time, as createApp does by default.
import path from 'node:path';
import { createInterpretFromDisk } from '../../src/app.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/types.ts';
import { defaultKnowledgeDir } from '../../src/knowledge/load.ts';
import type { EngineBuilder } from '../../src/knowledge/live.ts';

const REPO_KNOWLEDGE = path.resolve(defaultKnowledgeDir());
let shared: Engine | undefined;

/** createApp's default builder (createEngine with the interpreter of the members' languages). */
const build: EngineBuilder = (base, dir) => createEngine(base, { interpret: createInterpretFromDisk(dir, base) });

/** The default builder, memoised per worker for the repository's knowledge folder (which no test edits). */
export const sharedEngineBuilder: EngineBuilder = (base, dir) => {
  if (path.resolve(dir) !== REPO_KNOWLEDGE) return build(base, dir);
  shared ??= build(base, dir);
  return shared;
};
