// The Snowball stems kept in `<cache>/stems.json` (src/cache/stems.ts): a stem found there is taken as it
// is (the package is not consulted), a new one is added to the file, and a file of the older form (one
// object per algorithm) is read too and rewritten in the packed form.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useCachedStems } from '../src/cache/stems.ts';
import { lazyStemmer, setStemStore } from '../src/engine/interpret/stemmers.ts';

const dirs: string[] = [];
afterEach(() => {
  setStemStore(undefined);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-stems-'));
  dirs.push(d);
  return d;
};
const version = (createRequire(import.meta.url)('snowball-stemmers/package.json') as { version: string }).version;
/** Lets the store's write (one per turn of the event loop) happen. */
const turn = () => new Promise((r) => setImmediate(r));
const fileOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'stems.json'), 'utf8')) as { version: string; stems: Record<string, unknown> };

describe('Snowball stems kept in the cache folder', () => {
  it('answers from the file, adds new stems to it, and leaves the other algorithms as they were', async () => {
    const dir = tmp();
    // stems no algorithm would give: only the file can say them
    fs.writeFileSync(path.join(dir, 'stems.json'), JSON.stringify({ version, stems: { english: 'zzqqa\tfrom-file\nzzqqb\tfrom-file-too', french: 'mot\tfrench-from-file' } }));
    useCachedStems(dir);
    expect(lazyStemmer('english')('zzqqa')).toBe('from-file');
    expect(lazyStemmer('english')('encrypted')).toBe('encrypt');
    await turn();
    const saved = fileOf(dir);
    expect(saved.stems.english).toBe('zzqqa\tfrom-file\nzzqqb\tfrom-file-too\nencrypted\tencrypt');
    expect(saved.stems.french).toBe('mot\tfrench-from-file');
    // a later run reads them back
    useCachedStems(dir);
    expect(lazyStemmer('english')('zzqqb')).toBe('from-file-too');
    expect(lazyStemmer('french')('mot')).toBe('french-from-file');
  });

  it('reads a file of the older form (an object per algorithm) and rewrites it packed', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'stems.json'), JSON.stringify({ version, stems: { english: { zzqqa: 'from-old-file' } } }));
    useCachedStems(dir);
    expect(lazyStemmer('english')('zzqqa')).toBe('from-old-file');
    await turn();
    expect(fileOf(dir).stems).toEqual({ english: 'zzqqa\tfrom-old-file' });
  });

  it('ignores the stems of another version of the package', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'stems.json'), JSON.stringify({ version: '0.0.0-other', stems: { english: 'encrypted\twrong' } }));
    useCachedStems(dir);
    expect(lazyStemmer('english')('encrypted')).toBe('encrypt');
  });
});
