// bin/dist-freshness.js: whether dist/ (what the bin runs) was built after the last change to the sources,
// and whether its bundle (dist/bundle/, bin/build-bundle.js) was made from that build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleIsCurrent, distBuiltAt, distIsNewer } from '../bin/dist-freshness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A checkout: dist/src/cli.js built at `builtAt`, and source files with their modification times (ms). */
function checkout(builtAt: number, sources: Record<string, number>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-fresh-'));
  dirs.push(root);
  const put = (rel: string, at: number) => {
    const f = path.join(root, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, '// x\n');
    fs.utimesSync(f, at / 1000, at / 1000);
  };
  put('dist/src/cli.js', builtAt);
  for (const [rel, at] of Object.entries(sources)) put(rel, at);
  return root;
}

describe('dist freshness', () => {
  // whole seconds: utimes takes seconds as a float, and a millisecond fraction may not come back exactly
  const built = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  it('a build newer than every source is fresh; a source edited since, in src/ or adapters/ at any depth, makes it stale', () => {
    const fresh = checkout(built, { 'src/a.ts': built - 5000, 'src/deep/er/b.ts': built - 1000, 'adapters/x/c.ts': built - 1000, 'src/notes.md': built + 5000 });
    expect(distBuiltAt(fresh)).toBe(built);
    expect(distIsNewer(fresh)).toBe(true);
    for (const edited of ['src/deep/er/b.ts', 'adapters/x/c.ts', 'src/a.ts']) {
      const stale = checkout(built, { 'src/a.ts': built - 5000, [edited]: built + 1000 });
      expect(distIsNewer(stale), edited).toBe(false);
    }
  });

  it('the bin runs the bundle only when it was made after the build: tsc alone (no bundle step) leaves it older', () => {
    const root = checkout(built, { 'src/a.ts': built - 5000 });
    expect(bundleIsCurrent(root)).toBe(false);
    const bundle = path.join(root, 'dist/bundle/cli.js');
    fs.mkdirSync(path.dirname(bundle), { recursive: true });
    fs.writeFileSync(bundle, '// x\n');
    fs.utimesSync(bundle, (built + 1000) / 1000, (built + 1000) / 1000);
    expect(bundleIsCurrent(root)).toBe(true);
    // rebuilt by tsc alone: its build info is newer than the bundle
    fs.writeFileSync(path.join(root, 'dist/.tsbuildinfo'), '{}');
    fs.utimesSync(path.join(root, 'dist/.tsbuildinfo'), (built + 2000) / 1000, (built + 2000) / 1000);
    expect(bundleIsCurrent(root)).toBe(false);
  });

  it('no build: not fresh', () => {
    const root = checkout(built, { 'src/a.ts': built - 5000 });
    fs.rmSync(path.join(root, 'dist'), { recursive: true });
    expect(distIsNewer(root)).toBe(false);
  });
});
