// fuse.js, loaded on its first use: importing its ES module costs a `practice-bot ask` some 8 ms (issue 16)
// and most questions never need it (a typo the edit distance does not settle, a mistyped command, a
// theme topic no word matches). Loaded then through require(): the package's CommonJS build, the same
// code and version, which a synchronous caller can load when it needs it.
import { createRequire } from 'node:module';
import type Fuse from 'fuse.js';

const load = createRequire(import.meta.url);
let fuse: typeof Fuse | undefined;

/** The Fuse class (fuse.js), loaded on the first call. */
export function fuseClass(): typeof Fuse {
  return (fuse ??= load('fuse.js') as typeof Fuse);
}
