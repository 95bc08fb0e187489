// The sorted English word list (src/engine/english.ts) through the snapshot cache: sorting the package's
// 274,000 words costs about 0.1 s and leaves some 40 MB of heap to a long-running bot; the snapshot is one
// string read at once. Installed by src/cli.ts; the list is still loaded only on the first unknown word.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wordListPath from 'word-list';
import { setEnglishWordsSource, sortEnglishWords } from '../engine/english.ts';
import { cachedLoad } from './cached-load.ts';

const EXT = path.extname(fileURLToPath(import.meta.url));
const ENGLISH_CODE = fileURLToPath(new URL(`../engine/english${EXT}`, import.meta.url));

/** Makes the engine read its word list from `cacheDir` (built there on first use). */
export function useCachedEnglishWords(cacheDir: string | undefined): void {
  setEnglishWordsSource(
    () =>
      cachedLoad<string>({
        dir: cacheDir,
        name: 'english-words',
        root: path.dirname(wordListPath),
        files: [wordListPath],
        code: [ENGLISH_CODE],
        build: sortEnglishWords,
        decode: (j) => {
          if (typeof j !== 'string' || j.length < 1000) throw new Error('not a word list');
          return j;
        },
      }).value,
  );
}
