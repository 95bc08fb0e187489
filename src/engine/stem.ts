// English stemming: the classic Porter (1980) algorithm, plus two narrow agent-noun rules the
// practice base needs ("smugglers" ~ "smuggling", "prosecutors" ~ "prosecution"). Input is a
// lower-case a-z word; anything else (digits, other scripts, short words) is returned unchanged.

const isConsonant = (w: string, i: number): boolean => {
  const c = w[i];
  if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return false;
  if (c === 'y') return i === 0 ? true : !isConsonant(w, i - 1);
  return true;
};

/** m(): the number of VC sequences in w[0..end). */
function measure(w: string, end: number): number {
  let n = 0;
  let i = 0;
  while (i < end && isConsonant(w, i)) i++;
  while (i < end) {
    while (i < end && !isConsonant(w, i)) i++;
    if (i >= end) break;
    n++;
    while (i < end && isConsonant(w, i)) i++;
  }
  return n;
}

function hasVowel(w: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (!isConsonant(w, i)) return true;
  return false;
}

function endsDoubleConsonant(w: string): boolean {
  const n = w.length;
  return n >= 2 && w[n - 1] === w[n - 2] && isConsonant(w, n - 1);
}

/** *o: ends consonant-vowel-consonant, the last not w, x or y. */
function endsCvc(w: string, end = w.length): boolean {
  if (end < 3) return false;
  if (!isConsonant(w, end - 1) || isConsonant(w, end - 2) || !isConsonant(w, end - 3)) return false;
  const c = w[end - 1];
  return c !== 'w' && c !== 'x' && c !== 'y';
}

/** Replace suffix s by r when the stem before it has measure > min. Returns undefined when s doesn't match. */
function replaceIf(w: string, s: string, r: string, min: number): string | undefined {
  if (!w.endsWith(s)) return undefined;
  const stemLen = w.length - s.length;
  return measure(w, stemLen) > min ? w.slice(0, stemLen) + r : w;
}

const STEP2: [string, string][] = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['bli', 'ble'],
  ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'], ['ation', 'ate'],
  ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'],
  ['iviti', 'ive'], ['biliti', 'ble'], ['logi', 'log'],
];
const STEP3: [string, string][] = [
  ['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', ''],
];
const STEP4 = [
  'al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou', 'ism', 'ate',
  'iti', 'ous', 'ive', 'ize',
];

export function porter(word: string): string {
  let w = word;
  if (w.length <= 2) return w;
  // Step 1a
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('ss')) {
    /* keep */
  } else if (w.endsWith('s')) w = w.slice(0, -1);
  // Step 1b
  let extra = false;
  if (w.endsWith('eed')) {
    if (measure(w, w.length - 3) > 0) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && hasVowel(w, w.length - 2)) {
    w = w.slice(0, -2);
    extra = true;
  } else if (w.endsWith('ing') && hasVowel(w, w.length - 3)) {
    w = w.slice(0, -3);
    extra = true;
  }
  if (extra) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
    else if (endsDoubleConsonant(w) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
    else if (measure(w, w.length) === 1 && endsCvc(w)) w += 'e';
  }
  // Step 1c
  if (w.endsWith('y') && hasVowel(w, w.length - 1)) w = w.slice(0, -1) + 'i';
  // Step 2
  for (const [s, r] of STEP2) {
    const out = replaceIf(w, s, r, 0);
    if (out !== undefined) {
      w = out;
      break;
    }
  }
  // Step 3
  for (const [s, r] of STEP3) {
    const out = replaceIf(w, s, r, 0);
    if (out !== undefined) {
      w = out;
      break;
    }
  }
  // Step 4
  for (const s of STEP4) {
    if (!w.endsWith(s)) continue;
    const stemLen = w.length - s.length;
    if (measure(w, stemLen) > 1) {
      if (s === 'ion') {
        const c = w[stemLen - 1];
        if (c === 's' || c === 't') w = w.slice(0, stemLen);
      } else {
        w = w.slice(0, stemLen);
      }
    }
    break;
  }
  // Step 5a
  if (w.endsWith('e')) {
    const m = measure(w, w.length - 1);
    if (m > 1 || (m === 1 && !endsCvc(w, w.length - 1))) w = w.slice(0, -1);
  }
  // Step 5b
  if (measure(w, w.length) > 1 && endsDoubleConsonant(w) && w.endsWith('l')) w = w.slice(0, -1);
  return w;
}

const cache = new Map<string, string>();

/** Stem one folded word. Cached (the vocabulary is small); non a-z words pass through. */
export function stem(word: string): string {
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  let out = word;
  if (word.length > 3 && word.length < 40 && /^[a-z]+$/.test(word)) {
    out = porter(word);
    // agent nouns Porter leaves alone: smuggler -> smuggl (as smuggling), prosecutor -> prosecut (as prosecution)
    if (out.length >= 6 && out.endsWith('ler')) out = out.slice(0, -2);
    else if (out.length >= 7 && out.endsWith('utor')) out = out.slice(0, -2);
  }
  if (cache.size > 50_000) cache.clear();
  cache.set(word, out);
  return out;
}

/** The stems computed so far in this process, word -> stem (src/cache/porter-stems.ts keeps them
 *  between runs: a stem depends only on the word and this file's code). */
export function stemsSoFar(): ReadonlyMap<string, string> {
  return cache;
}

/** Adds stems computed by an earlier run of the same code (src/cache/porter-stems.ts): `stem()` then
 *  returns them without running the algorithm. Words already known are left as they are. */
export function seedStems(pairs: Iterable<readonly [string, string]>): void {
  for (const [word, out] of pairs) {
    if (cache.size >= 50_000) return;
    if (!cache.has(word)) cache.set(word, out);
  }
}

/** seedStems from two lists: words[i] stems to stems[i]. */
export function seedStemLists(words: readonly string[], stems: readonly string[]): void {
  const n = Math.min(words.length, stems.length, 50_000 - cache.size);
  for (let i = 0; i < n; i++) if (!cache.has(words[i]!)) cache.set(words[i]!, stems[i]!);
}
