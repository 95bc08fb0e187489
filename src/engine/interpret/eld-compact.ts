// eld's 'small' n-gram data (npm package eld 2.x, Apache-2.0, by Nito T.M.) in a compact form, and
// eld's scoring on it, giving the very scores eld.detect(text).getScores() gives.
//
// Why: importing `eld/small` builds one JavaScript object per n-gram (81,000 of them, each with its own
// little object of language scores): about 44 MB of heap that a running bot keeps for good. Here the
// same data sits in one sorted string of n-grams and three typed arrays (about 1.5 MB), read from the
// package's own data file on first use, synchronously, in about half the time the package's import takes (0.9 s against 1.6 s, measured under load). The algorithm
// below follows eld's languageDetector.js, LanguageResult.js and regexPatterns.js line by line;
// test/memory-footprint.test.ts checks that data and scores agree with the package's.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** eld's dictionary.js: the character standing for each byte of a UTF-8 encoded text. */
// prettier-ignore
const DICTIONARY = [
  ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
  ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', '\'', ' ', ' ', ' ', ' ', ' ', ' ',
  ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
  ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
  ' ', ' ', ' ', ' ', '`', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r',
  's', 't', 'u', 'v', 'w', 'x', 'y', 'z', ' ', ' ', ' ', ' ', ' ', 'M', '2', 'R', 'J', 'O', 'P', '{', 'ä', '>', 'â',
  'ü', 'é', '_', 'Q', 'á', 'ô', 'ë', 'å', 'õ', 'è', 'ï', 'Z', 'û', '}', 'à', '3', 'ù', 'É', 'Y', 'î', 'í', ']', '|',
  ')', 'ÿ', '~', '1', 'V', 'D', 'T', '4', '8', 'F', 'I', 'K', '7', 'W', 'S', '/', 'E', 'B', '5', ';', 'N', 'C', 'ê',
  '*', 'X', '=', '^', ':', '[', 'H', 'ò', ' ', ' ', '¢', '!', '(', ',', 'ß', ' ', 'ø', 'ó', ' ', ' ', ' ', ' ', 'U',
  'ö', '6', '@', 'À', 'Á', ' ', '<', 'ý', 'G', '-', 'A', 'ñ', 'ú', ' ', ' ', ' ', ' ', '$', 'L', 'æ', '?', '0', '"',
  '#', '%', '&', '+', 'ì', '9', '.', 'ç', ' ', 'µ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
  ' ', ' ', ' '];

/** The n-gram table: n-grams sorted (code-unit order), each with its (language, score) pairs. */
export interface EldData {
  /** language index -> ISO 639-1 code */
  languages: string[];
  /** all n-grams, concatenated in sorted order */
  keys: string;
  /** n-gram i is keys.slice(keyAt[i], keyAt[i + 1]) */
  keyAt: Uint32Array;
  /** n-gram i's pairs are pairLang/pairScore[pairAt[i] .. pairAt[i + 1]) */
  pairAt: Uint32Array;
  pairLang: Uint8Array;
  pairScore: Uint8Array;
  /** eld's separators regex (regexPatterns.js), built from the package's own letter ranges */
  separators: RegExp;
}

/** Where eld's files are: the folder of its src/ (next to entries/static.small.js). */
function eldSrcDir(): string {
  return fileURLToPath(new URL('../', import.meta.resolve('eld/small')));
}

/** The package's files this module reads; throws when they are missing (a changed or absent package). */
export function eldFiles(): { ngrams: string; patterns: string } {
  const src = eldSrcDir();
  const files = { ngrams: `${src}ngrams/small.js`, patterns: `${src}regexPatterns.js` };
  for (const f of Object.values(files)) if (!fs.existsSync(f)) throw new Error(`eld data file not found: ${f}`);
  return files;
}

/** Reads eld's small.js (an object literal: `{type:'S60',languages:{0:'am',...},isSubset:false,ngrams:{'key':{lang:score,...},...}}`). */
export function parseEldNgrams(text: string): Omit<EldData, 'separators'> {
  const fail = (what: string, at: number): never => {
    throw new Error(`eld data not understood (${what} at ${at})`);
  };
  const langsMatch = /languages:\{([^}]*)\}/.exec(text) ?? fail('languages', 0);
  const languages: string[] = [];
  for (const m of langsMatch[1]!.matchAll(/(\d+):'([a-z]+)'/g)) languages[Number(m[1])] = m[2]!;
  if (languages.length === 0 || languages.length > 255 || languages.some((c) => !c)) fail('languages', langsMatch.index);
  let i = text.indexOf('ngrams:{');
  if (i < 0) fail('ngrams', 0);
  i += 'ngrams:{'.length;
  const table = new Map<string, number[]>(); // key -> lang, score, lang, score ... (a repeated key: the last wins, as in JS)
  const digits = (): number => {
    let n = 0;
    const start = i;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) n = n * 10 + text.charCodeAt(i++) - 48;
    if (i === start) fail('a number', i);
    return n;
  };
  while (text[i] !== '}') {
    let key = '';
    if (text[i] === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) fail('an n-gram', i);
      const raw = text.slice(i + 1, end);
      if (!raw.includes('\\')) {
        key = raw;
        i = end + 1;
      } else {
        // an escaped quote or backslash inside: read it character by character
        i++;
        while (text[i] !== "'") {
          if (i >= text.length) fail('an n-gram', i);
          if (text[i] === '\\') i++;
          key += text[i++];
        }
        i++;
      }
    } else {
      const end = text.indexOf(':', i);
      if (end < 0) fail('an n-gram', i);
      key = text.slice(i, end);
      i = end;
    }
    if (text[i] !== ':' || text[i + 1] !== '{') fail("':{'", i);
    i += 2;
    const pairs: number[] = [];
    while (text[i] !== '}') {
      const lang = digits();
      if (text[i++] !== ':') fail("':'", i - 1);
      const score = digits();
      if (lang >= languages.length || score > 255) fail('a score', i);
      pairs.push(lang, score);
      if (text[i] === ',') i++;
    }
    i++;
    table.set(key, pairs);
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail("',' or '}'", i);
  }
  const sorted = [...table.keys()].sort();
  const keyAt = new Uint32Array(sorted.length + 1);
  const pairAt = new Uint32Array(sorted.length + 1);
  let nPairs = 0;
  let nChars = 0;
  sorted.forEach((k, n) => {
    keyAt[n] = nChars;
    pairAt[n] = nPairs;
    nChars += k.length;
    nPairs += table.get(k)!.length / 2;
  });
  keyAt[sorted.length] = nChars;
  pairAt[sorted.length] = nPairs;
  const pairLang = new Uint8Array(nPairs);
  const pairScore = new Uint8Array(nPairs);
  let p = 0;
  for (const k of sorted) {
    const pairs = table.get(k)!;
    for (let j = 0; j < pairs.length; j += 2) {
      pairLang[p] = pairs[j]!;
      pairScore[p++] = pairs[j + 1]!;
    }
  }
  return { languages, keys: sorted.join(''), keyAt, pairAt, pairLang, pairScore };
}

/** eld's separators: `[^<letters>]+(?<![\x27\x60\u2019])`, the letters as regexPatterns.js lists them. */
export function parseEldSeparators(text: string): RegExp {
  const m = /'bmp':\s*'([^']*)'/.exec(text);
  if (!m) throw new Error('eld letter ranges not understood');
  return new RegExp(`[^${m[1]!}]+(?<![\\x27\\x60\\u2019])`, 'gu');
}

/** Reads and compacts the package's data (synchronous). */
export function loadEldData(): EldData {
  const files = eldFiles();
  return {
    ...parseEldNgrams(fs.readFileSync(files.ngrams, 'utf8')),
    separators: parseEldSeparators(fs.readFileSync(files.patterns, 'utf8')),
  };
}

/** Index of n-gram `g` in the table, or -1. */
function find(d: EldData, g: string): number {
  let lo = 0;
  let hi = d.keyAt.length - 2;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const cur = d.keys.slice(d.keyAt[mid]!, d.keyAt[mid + 1]!);
    if (cur === g) return mid;
    if (cur < g) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** eld's strToUtf8Bytes: the words of `str`, each byte of its UTF-8 form written as one dictionary character. */
function toByteWords(str: string): string[] {
  let encoded = '';
  const words: string[] = [];
  let countBytes = 0;
  const cutAfter = 350;
  const enforceCutAfter = 380;
  const dict = (b: number) => DICTIONARY[b]!;
  for (let ii = 0; ii < str.length; ii++) {
    let charCode = str.charCodeAt(ii);
    if (charCode < 0x80) {
      if (charCode === 32) {
        if (encoded !== '') {
          words.push(encoded);
          encoded = '';
        }
        if (countBytes > cutAfter) break;
      } else {
        encoded += str[ii];
      }
      countBytes++;
    } else if (charCode < 0x800) {
      encoded += dict(0xc0 | (charCode >> 6)) + dict(0x80 | (charCode & 0x3f));
      countBytes += 2;
    } else if (charCode < 0xd800 || charCode >= 0xe000) {
      encoded += dict(0xe0 | (charCode >> 12)) + dict(0x80 | ((charCode >> 6) & 0x3f)) + dict(0x80 | (charCode & 0x3f));
      countBytes += 3;
    } else {
      ii++;
      charCode = 0x10000 + (((charCode & 0x3ff) << 10) | (str.charCodeAt(ii) & 0x3ff));
      encoded +=
        dict(0xf0 | (charCode >> 18)) + dict(0x80 | ((charCode >> 12) & 0x3f)) + dict(0x80 | ((charCode >> 6) & 0x3f)) + dict(0x80 | (charCode & 0x3f));
      countBytes += 4;
    }
    if (countBytes > enforceCutAfter) break;
  }
  if (encoded !== '') words.push(encoded);
  return words;
}

/**
 * eld.detect(text).getScores() as an ordered list: [code, score] from the best down (ties in
 * language order), empty when nothing was detected.
 */
export function eldScores(d: EldData, input: string): [string, number][] {
  let text = input.substring(0, 1000);
  text = text.replace(d.separators, ' ').trim().toLowerCase();
  const words = toByteWords(text);
  // getByteNgrams: 4-byte n-grams with a 3-byte stride, the first marked by a leading space, the last by a trailing one
  const ngrams = new Set<string>();
  for (const word of words) {
    let len = word.length;
    if (len > 70) len = 70;
    let j;
    for (j = 0; j + 4 < len; j += 3) ngrams.add((j === 0 ? ' ' : '') + word.substring(j, j + 4));
    ngrams.add((j === 0 ? ' ' : '') + word.substring(len !== 3 ? len - 4 : 0) + ' ');
  }
  // calculateScores (eld stores each score minus 53)
  const results = new Array<number>(d.languages.length).fill(0);
  for (const g of ngrams) {
    const n = find(d, g);
    if (n < 0) continue;
    for (let p = d.pairAt[n]!; p < d.pairAt[n + 1]!; p++) results[d.pairLang[p]!]! += d.pairScore[p]! + 53;
  }
  // getMaxLang found nothing: an empty result
  if (!results.some((v) => v > 0)) return [];
  // LanguageResult's orderAndScale
  const numNgrams = ngrams.size;
  const out: [number, number][] = [];
  results.forEach((v, lang) => {
    if (v > 0) {
      const s = v / numNgrams;
      out.push([lang, s / (s + 25)]);
    }
  });
  out.sort((a, b) => b[1] - a[1]);
  return out.map(([lang, s]) => [d.languages[lang]!, s]);
}
