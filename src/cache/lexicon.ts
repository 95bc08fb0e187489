// The lexicon (knowledge/lexicon/*.yaml) through the snapshot cache (src/cache/cached-load.ts), and the
// interpreter built over it: parsing the YAML and validating ~20,000 terms costs about 0.6 s, reading the
// snapshot about 20 ms. The key covers every file under `<dir>/lexicon/` and the loader's code, so any change
// parses and validates everything again. A lexicon with problems throws LexiconError and is never written,
// so its problems are reported at every start; a missing or corrupt snapshot is rebuilt.
// This module imports neither yaml nor zod: the loader (lexicon-file.ts) is passed in by whoever has it
// loaded already (src/app.ts), or imported here only to rebuild (loadLexiconCachedAsync, for `ask`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterpreter } from '../engine/interpret/interpreter.ts';
import type { LanguageTerms, Lexicon } from '../engine/interpret/lexicon.ts';
import { latinWords } from '../engine/interpret/text.ts';
import type { Interpretation } from '../engine/types.ts';
import type { PracticeBase } from '../knowledge/schema.ts';
import { cachedLoad, cachedLoadAsync, filesUnder, type CachedLoadOptions, type CachedLoadResult } from './cached-load.ts';

/** This module runs as .ts (tsx) or as compiled .js: the loader's sources are next to it in the same form. */
const EXT = path.extname(fileURLToPath(import.meta.url));
const here = path.dirname(fileURLToPath(import.meta.url));
export const LEXICON_CODE = [path.join(here, `../engine/interpret/lexicon${EXT}`), path.join(here, `../engine/interpret/lexicon-file${EXT}`)];

/** The snapshot's body: one line of JSON (the concepts, and each language's code, name and the length in bytes of
 *  its terms), then each language's terms, the JSON text of its [concept, terms] pairs, one after the other.
 *  A language's terms are decoded and parsed on their first use: an English question reads no other
 *  language's, and decoding them all (UTF-8 of every script) and parsing them was most of reading the lexicon. */
type LexiconHead = { concepts: Lexicon['concepts']; languages: { language: LanguageTerms['language']; name: string; bytes: number }[] };

/** A language whose terms are parsed from `read()` when first read. */
function lazyLanguage(language: LanguageTerms['language'], name: string, read: () => string): LanguageTerms {
  let terms: Map<string, string[]> | undefined;
  return {
    language,
    name,
    get terms() {
      return (terms ??= new Map(JSON.parse(read()) as [string, string[]][]));
    },
  };
}

function encodeLexicon(l: Lexicon): Buffer {
  const texts = l.languages.map((x) => Buffer.from(JSON.stringify([...x.terms])));
  const head: LexiconHead = { concepts: l.concepts, languages: l.languages.map((x, i) => ({ language: x.language, name: x.name, bytes: texts[i]!.length })) };
  return Buffer.concat([Buffer.from(`${JSON.stringify(head)}\n`), ...texts]);
}

function decodeLexicon(body: unknown): Lexicon {
  if (!Buffer.isBuffer(body)) throw new Error('not a lexicon');
  const nl = body.indexOf(0x0a);
  if (nl < 0) throw new Error('not a lexicon');
  const head = JSON.parse(body.toString('utf8', 0, nl)) as Partial<LexiconHead>;
  if (!Array.isArray(head.concepts) || !Array.isArray(head.languages) || !head.languages.every((x) => Number.isSafeInteger(x.bytes) && x.bytes >= 0)) throw new Error('not a lexicon');
  let at = nl + 1;
  const languages = head.languages.map((x) => {
    const from = at;
    at += x.bytes;
    return lazyLanguage(x.language, x.name, () => body.toString('utf8', from, from + x.bytes));
  });
  // the lengths must add up to the body's: a body cut short or run on is no lexicon
  if (at !== body.length) throw new Error('not a lexicon');
  return { concepts: head.concepts, languages };
}

function snapshot(root: string, cacheDir: string | undefined): Omit<CachedLoadOptions<Lexicon>, 'build'> {
  return {
    dir: cacheDir,
    name: 'lexicon',
    root,
    files: filesUnder(path.join(root, 'lexicon'), ['.yaml', '.yml']),
    code: LEXICON_CODE,
    // the layout of the snapshot (see LexiconHead): a snapshot of another layout has another key
    version: 'terms as bytes after a head line',
    raw: true,
    encode: encodeLexicon,
    decode: decodeLexicon,
  };
}

/** `load(dir)` (loadLexicon) through the snapshot in `cacheDir`. */
export function loadLexiconSnapshot(dir: string, cacheDir: string | undefined, load: (dir: string) => Lexicon): CachedLoadResult<Lexicon> {
  const root = path.resolve(dir);
  return cachedLoad<Lexicon>({ ...snapshot(root, cacheDir), build: () => load(root) });
}

/** The same, importing the loader (yaml, zod) only when the snapshot cannot be used. */
export async function loadLexiconCachedAsync(dir: string, cacheDir: string | undefined): Promise<CachedLoadResult<Lexicon>> {
  const root = path.resolve(dir);
  return cachedLoadAsync<Lexicon>({ ...snapshot(root, cacheDir), build: async () => (await import('../engine/interpret/lexicon-file.ts')).loadLexicon(root) });
}

/** The engine's `interpret` option: the interpreter over `lexicon` and the base's vocabulary (`vocabulary`:
 *  the same words from their snapshot, baseWordsCached). */
export function interpretWith(lexicon: Lexicon, base: PracticeBase, vocabulary: Iterable<string> = baseVocabulary(base)): (text: string) => Interpretation {
  const interpreter = createInterpreter(lexicon, { vocabulary });
  return (text) => interpreter.interpret(text);
}

/** The code the base's words depend on: the tokeniser, the interpreter that reads them, this file's
 *  baseVocabulary, and the base's loader. */
const WORDS_CODE = [
  path.join(here, `../engine/interpret/text${EXT}`),
  path.join(here, `../engine/interpret/interpreter${EXT}`),
  path.join(here, `lexicon${EXT}`),
  path.join(here, `../knowledge/load${EXT}`),
  path.join(here, `../knowledge/schema${EXT}`),
];

/**
 * The base's vocabulary as the interpreter reads it, from a snapshot (`base-words.json`) when the knowledge
 * folder and the code are unchanged: its distinct Latin words as the interpreter keeps them (latinWords: the
 * tokeniser's Latin tokens that are no numbers, folded), so a start reads a few thousand words, already
 * folded, instead of tokenising every entry's text; a folded word reads as itself again. Same interpretations.
 * `base` must be the base loaded from `knowledgeDir`.
 */
export function baseWordsCached(base: PracticeBase, knowledgeDir: string, cacheDir: string | undefined): Iterable<string> {
  if (cacheDir === undefined) return baseVocabulary(base);
  const root = path.resolve(knowledgeDir);
  return cachedLoad<string[]>({
    dir: cacheDir,
    name: 'base-words',
    root,
    files: filesUnder(root, ['.yaml', '.yml']),
    code: WORDS_CODE,
    build: () => {
      const words = new Set<string>();
      // as createInterpreter reads its vocabulary (addLatinWords)
      for (const text of baseVocabulary(base)) for (const w of latinWords(text)) words.add(w);
      return [...words];
    },
    decode: (j) => {
      if (!Array.isArray(j) || !j.every((w) => typeof w === 'string')) throw new Error('not a list of words');
      return j as string[];
    },
  }).value;
}

/** The words the English engine knows: entry titles, texts and keywords, theme labels and terms. */
export function* baseVocabulary(base: PracticeBase): Iterable<string> {
  for (const e of base.entries) {
    yield e.title;
    yield e.text;
    yield* e.keywords;
  }
  for (const t of base.themes) {
    yield t.label;
    yield* t.terms;
  }
  for (const s of base.synonyms) {
    yield s.canonical;
    yield* s.terms;
  }
}
