// Everyday English beyond the practice base's own vocabulary: a word in this list is never
// "corrected" ("channels" must not become "changes", "reset" not "rest"). The list is
// sindresorhus/word-list (about 274,000 lower-case words). It is read on the first word the base
// does not know, sorted, and kept as one string searched by halves: about 3 MB, where a Set of the
// same words takes over 30 MB of heap.
import fs from 'node:fs';
import wordListPath from 'word-list';

let sorted: string | undefined;

/** The package's list, sorted (274,000 strings for a moment: about 40 MB of heap the process keeps). */
export function sortEnglishWords(): string {
  const words = fs.readFileSync(wordListPath, 'utf8').split('\n').filter((w) => w !== '');
  return words.sort().join('\n');
}

/** Where the sorted list comes from: sorted here by default; src/cache/english-words.ts reads it from a snapshot. */
let source: () => string = sortEnglishWords;
export function setEnglishWordsSource(load: () => string): void {
  source = load;
  sorted = undefined;
}

/** Is `w` (lower-case) an English word? Binary search over the newline-separated sorted list. */
export function isEnglishWord(w: string): boolean {
  const text = (sorted ??= source());
  let lo = 0; // always the start of a line
  let hi = text.length; // the end of the range still to search (exclusive)
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const start = text.lastIndexOf('\n', mid - 1) + 1; // >= lo, since lo starts a line
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const cur = text.slice(start, end);
    if (cur === w) return true;
    if (cur < w) lo = end + 1;
    else hi = start;
  }
  return false;
}
