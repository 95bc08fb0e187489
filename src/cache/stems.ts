// Snowball stems kept across runs (issue 16): the snowball-stemmers package is one large CommonJS file
// (every language's stemmer) whose load costs more than the rest of an English question. A stem depends
// only on the algorithm, the word and the package's version, so `stems.json` in the cache folder keeps
// the ones computed so far (the lexicon's words, keyed when a language's matcher is built): a start whose
// words are all known does not load the package. New stems are written once per turn of the event loop.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setStemStore } from '../engine/interpret/stemmers.ts';

const FILE = 'stems.json';

interface StemsJson {
  version: string;
  stems: Record<string, Record<string, string>>;
}

function packageVersion(): string {
  try {
    const file = createRequire(import.meta.url).resolve('snowball-stemmers/package.json');
    const v = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : '';
  } catch {
    return '';
  }
}

/** Makes the interpreter's Snowball keys read and add to `<cacheDir>/stems.json` (none: no memo). */
export function useCachedStems(cacheDir: string | undefined): void {
  if (cacheDir === undefined) {
    setStemStore(undefined);
    return;
  }
  const file = path.join(cacheDir, FILE);
  let table: Map<string, Map<string, string>> | undefined;
  let version = '';
  let pending = false;

  const load = (): Map<string, Map<string, string>> => {
    if (table) return table;
    table = new Map();
    version = packageVersion();
    try {
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StemsJson>;
      if (json.version === version && json.stems && typeof json.stems === 'object') {
        for (const [algorithm, words] of Object.entries(json.stems)) {
          if (words && typeof words === 'object') table.set(algorithm, new Map(Object.entries(words).filter(([, s]) => typeof s === 'string')));
        }
      }
    } catch {
      // missing or unreadable: start empty
    }
    return table;
  };

  const save = () => {
    pending = false;
    const stems: StemsJson['stems'] = {};
    for (const [algorithm, words] of load()) stems[algorithm] = Object.fromEntries(words);
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ version, stems } satisfies StemsJson));
      fs.renameSync(tmp, file);
    } catch {
      // a read-only cache folder: stems are computed again next time
    }
  };

  setStemStore({
    lookup: (algorithm, word) => load().get(algorithm)?.get(word),
    add: (algorithm, word, stem) => {
      const t = load();
      let words = t.get(algorithm);
      if (!words) t.set(algorithm, (words = new Map()));
      words.set(word, stem);
      if (!pending) {
        pending = true;
        setImmediate(save);
      }
    },
  });
}
