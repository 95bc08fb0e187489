#!/usr/bin/env node
// The `practice-bot` bin. It runs the JavaScript that `npm install` compiled into dist/ (the `prepare`
// script: tsc -p tsconfig.build.json, then bin/build-bundle.js), so a start transpiles nothing: the bundle
// in dist/bundle/ when it was made from the current build, else dist/src/ as tsc left it. PRACTICE_BOT_FROM_SOURCE=1 runs the
// TypeScript sources through tsx instead (a devDependency): the tests spawn the bin that way, so they
// always test the current sources, never a stale build (test/helpers/cli-command.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleIsCurrent, distBuiltAt, distIsNewer } from './dist-freshness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let main;
if (process.env.PRACTICE_BOT_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli.ts'));
} else {
  const built = distBuiltAt(root);
  if (built === undefined) {
    process.stderr.write('practice-bot is not built (dist/src/cli.js is missing): run npm install, or npm run build\n');
    process.exit(1);
  }
  // A checkout edited (or pulled) after the last build would run old code without a word.
  if (!distIsNewer(root, built))
    process.stderr.write('practice-bot: dist/ is older than the sources; run npm run build (this run uses the old build)\n');
  ({ main } = await (bundleIsCurrent(root, built) ? import('../dist/bundle/cli.js') : import('../dist/src/cli.js')));
}
process.exitCode = await main(process.argv.slice(2));
