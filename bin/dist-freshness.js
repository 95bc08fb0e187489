// Is dist/ (what `npm install` compiles and the bin runs) as new as the sources? One rule for the bin,
// which warns when it runs an old build, and for the tests and the bench, which run the sources then.
import fs from 'node:fs';
import path from 'node:path';

/** Newest modification time (ms) of the .ts files under the given folders. A file's path is its folder's
 *  and its name joined by hand: path.join normalises every path it makes, which was most of the walk's
 *  time at start-up (a name read from a folder has no separator, "." or ".." in it). */
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
      const p = dir + path.sep + d.name;
      if (d.isDirectory()) walk(p);
      else if (d.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) walk(d);
  return newest;
}

/** When dist/ was last built (ms), or undefined when dist/src/cli.js is missing. The build is
 *  incremental: it rewrites only the files a change touched, and always its build info. */
export function distBuiltAt(root) {
  let built;
  try {
    built = fs.statSync(path.join(root, 'dist', 'src', 'cli.js')).mtimeMs;
  } catch {
    return undefined;
  }
  try {
    built = Math.max(built, fs.statSync(path.join(root, 'dist', '.tsbuildinfo')).mtimeMs);
  } catch {
    // built without build info: cli.js's own time it is
  }
  return built;
}

/** dist/bundle/ (bin/build-bundle.js) was made from the build of `built` or a later one: a build without
 *  the bundle step (tsc alone) leaves an older bundle, which would run the code before it. */
export function bundleIsCurrent(root, built = distBuiltAt(root)) {
  if (built === undefined) return false;
  try {
    return fs.statSync(path.join(root, 'dist', 'bundle', 'cli.js')).mtimeMs >= built;
  } catch {
    return false;
  }
}

/** dist/ was built after the last change to src/ and adapters/. */
export function distIsNewer(root, built = distBuiltAt(root)) {
  return built !== undefined && newestSource([path.join(root, 'src'), path.join(root, 'adapters')]) <= built;
}
