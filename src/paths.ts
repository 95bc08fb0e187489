// Where the package's data folders are (knowledge/, seeds/), found from this module's location, so they
// resolve the same whether the code runs from src/ (tsx: tests, bench) or from the compiled dist/src/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package's root folder: the nearest folder above this module holding package.json. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return (root = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** A folder of the package, e.g. packagePath('knowledge'). */
export function packagePath(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}
