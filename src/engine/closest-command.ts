// The closest command name to a mistyped one ("hlep", "meetngs"): edit distance first, then fuse.js.
import { fold } from './analyze.ts';
import { fuseClass } from './fuse-lazy.ts';
import { osaDistance } from './spell.ts';

export function closestCommand(name: string, commands: string[]): string | undefined {
  const n = fold(String(name ?? '')).replace(/^\/+/, '').replace(/@.*$/, '').trim().slice(0, 40);
  if (n === '' || commands.length === 0) return undefined;
  const clean = commands.map((c) => fold(c).replace(/^\/+/, ''));
  const exact = clean.indexOf(n);
  if (exact >= 0) return commands[exact];
  // transpositions and dropped letters ("hlep", "meetngs"): edit distance first, then fuse
  const max = n.length <= 3 ? 1 : 2;
  let bestI = -1;
  let bestD = max + 1;
  clean.forEach((c, i) => {
    const d = osaDistance(n, c, max);
    if (d < bestD) {
      bestD = d;
      bestI = i;
    }
  });
  if (bestI >= 0) return commands[bestI];
  const Fuse = fuseClass();
  const fuse = new Fuse(clean, { includeScore: true, threshold: 0.4, ignoreLocation: true });
  const best = fuse.search(n, { limit: 1 })[0];
  return best ? commands[best.refIndex] : undefined;
}
