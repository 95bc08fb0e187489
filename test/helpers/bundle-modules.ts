// What a loaded file of the bin holds: the bin runs dist/bundle/ (bin/build-bundle.js), whose chunks each hold
// several modules of dist/; bin/build-bundle.js lists them in dist/bundle/modules.json. Tests that check which
// code a start loads, and when, read module names through this.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli-command.ts';

let chunks: Record<string, string[]> | undefined;

/** The modules (paths from the repository's root, e.g. `dist/src/app-late.js`) that a loaded file stands
 *  for: a chunk of dist/bundle/ its modules, any other file itself. `file` is a path from the root or a
 *  file: URL. */
export function modulesOfFile(file: string): string[] {
  const rel = file.replace(`file://${ROOT}/`, '');
  if (!rel.startsWith('dist/bundle/')) return [rel];
  chunks ??= JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/bundle/modules.json'), 'utf8')) as Record<string, string[]>;
  return chunks[rel.slice('dist/bundle/'.length)] ?? [rel];
}

/** modulesOfFile over a list of loaded files, in order. */
export function modulesOf(files: string[]): string[] {
  return files.flatMap(modulesOfFile);
}
