#!/usr/bin/env node
// The `practice-bot` bin. It runs the JavaScript that `npm install` compiled into dist/ (the `prepare`
// script: tsc -p tsconfig.build.json), so a start transpiles nothing. PRACTICE_BOT_FROM_SOURCE=1 runs the
// TypeScript sources through tsx instead (a devDependency): the tests spawn the bin that way, so they
// always test the current sources, never a stale build (test/helpers/cli-command.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time (ms) of the .ts files under the given folders. */
function newestSource(dirs) {
  let newest = 0;
  const walk = (dir) => {
    let list;
    try {
      list = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const d of list) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) walk(d);
  return newest;
}

let main;
if (process.env.PRACTICE_BOT_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli.ts'));
} else {
  const entry = path.join(root, 'dist', 'src', 'cli.js');
  let built;
  try {
    built = fs.statSync(entry).mtimeMs;
  } catch {
    process.stderr.write('practice-bot is not built (dist/src/cli.js is missing): run npm install, or npm run build\n');
    process.exit(1);
  }
  // The build is incremental: it rewrites only the files a change touched, and always its build info.
  try {
    built = Math.max(built, fs.statSync(path.join(root, 'dist', '.tsbuildinfo')).mtimeMs);
  } catch {
    // built without build info: cli.js's own time it is
  }
  // A checkout edited (or pulled) after the last build would run old code without a word.
  if (newestSource([path.join(root, 'src'), path.join(root, 'adapters')]) > built)
    process.stderr.write('practice-bot: dist/ is older than the sources; run npm run build (this run uses the old build)\n');
  ({ main } = await import('../dist/src/cli.js'));
}
process.exitCode = await main(process.argv.slice(2));
