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
  /** per algorithm, its stems as lines of `word<TAB>stem` (an older file: an object of word -> stem) */
  stems: Record<string, string | Record<string, string>>;
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

/** One algorithm's stems from the file's form of them. */
function unpack(packed: unknown): Map<string, string> {
  const words = new Map<string, string>();
  if (typeof packed === 'string') {
    for (const line of packed.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) words.set(line.slice(0, tab), line.slice(tab + 1));
    }
  } else if (packed && typeof packed === 'object') {
    for (const [w, stem] of Object.entries(packed)) if (typeof stem === 'string') words.set(w, stem);
  }
  return words;
}

/** One algorithm's stems in the file's form: a single string, which JSON reads at once (no object of thousands of keys). */
function pack(words: Map<string, string>): string {
  let out = '';
  for (const [w, stem] of words) if (!/[\t\n]/.test(w + stem)) out += `${out === '' ? '' : '\n'}${w}\t${stem}`;
  return out;
}

/** Makes the interpreter's Snowball keys read and add to `<cacheDir>/stems.json` (none: no memo). Each
 *  algorithm's stems are unpacked on its first look-up: an English question unpacks English's only. */
export function useCachedStems(cacheDir: string | undefined): void {
  if (cacheDir === undefined) {
    setStemStore(undefined);
    return;
  }
  const file = path.join(cacheDir, FILE);
  /** the file's algorithms as read (packed), until unpacked into `table` */
  let packed: Map<string, unknown> | undefined;
  const table = new Map<string, Map<string, string>>();
  let version = '';
  let pending = false;

  const read = (): Map<string, unknown> => {
    if (packed) return packed;
    packed = new Map();
    version = packageVersion();
    try {
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StemsJson>;
      if (json.version === version && json.stems && typeof json.stems === 'object') for (const [algorithm, words] of Object.entries(json.stems)) packed.set(algorithm, words);
    } catch {
      // missing or unreadable: start empty
    }
    // a file of the older form (objects): rewritten in the packed one once
    if ([...packed.values()].some((raw) => typeof raw !== 'string')) schedule();
    return packed;
  };
  const wordsOf = (algorithm: string): Map<string, string> | undefined => {
    let words = table.get(algorithm);
    if (words) return words;
    const raw = read().get(algorithm);
    if (raw === undefined) return undefined;
    table.set(algorithm, (words = unpack(raw)));
    return words;
  };

  const schedule = () => {
    if (pending) return;
    pending = true;
    setImmediate(save);
  };
  const save = () => {
    pending = false;
    const stems: Record<string, string> = {};
    for (const [algorithm, raw] of read()) if (!table.has(algorithm)) stems[algorithm] = typeof raw === 'string' ? raw : pack(unpack(raw));
    for (const [algorithm, words] of table) stems[algorithm] = pack(words);
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
    lookup: (algorithm, word) => wordsOf(algorithm)?.get(word),
    add: (algorithm, word, stem) => {
      let words = wordsOf(algorithm);
      if (!words) table.set(algorithm, (words = new Map()));
      words.set(word, stem);
      schedule();
    },
  });
}
