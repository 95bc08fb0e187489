// Snowball stemmers, loaded on first use (issue 16): the snowball-stemmers package is one large CommonJS
// file holding every language's stemmer, so it is required (no ESM export scan) only when a word is to be
// stemmed that the stem memo (src/cache/stems.ts, installed by src/cli.ts) does not know.
import { createRequire } from 'node:module';
import type snowballStemmers from 'snowball-stemmers';

const require = createRequire(import.meta.url);

/** The `algorithm` stemmer's stem of `word` (a lower-case word), from the memo when it knows it. */
export function lazyStemmer(algorithm: string): (word: string) => string {
  let stemmer: { stem(word: string): string } | undefined;
  return (word) => {
    const known = stemStore?.lookup(algorithm, word);
    if (known !== undefined) return known;
    stemmer ??= (require('snowball-stemmers') as typeof snowballStemmers).newStemmer(algorithm);
    const stem = stemmer.stem(word);
    stemStore?.add(algorithm, word, stem);
    return stem;
  };
}

/** A memo of Snowball stems kept across runs (src/cache/stems.ts): a stem is a pure function of the
 *  algorithm and the word, so a known one is taken as it is and the package is not even loaded. */
export interface StemStore {
  lookup(algorithm: string, word: string): string | undefined;
  add(algorithm: string, word: string, stem: string): void;
}

let stemStore: StemStore | undefined;

/** Installs (or removes) the stem memo: src/cli.ts, with the snapshot cache folder. */
export function setStemStore(store: StemStore | undefined): void {
  stemStore = store;
}
