// Questions in the members' languages, read for the English engine: language detection, per-language
// normalisation and stemming, and a cross-lingual lexicon of the domain (knowledge/lexicon/).
// See docs/languages.md.
export type { Interpretation, Interpreter, InterpreterOptions } from './interpreter.ts';
export { createInterpreter } from './interpreter.ts';
export type { Concept, LanguageTerms, Lexicon, LexiconLanguage } from './lexicon.ts';
export { CHAT_CONCEPTS, FILLER_CONCEPT, INTENT_CONCEPTS, OFF_TOPIC_CONCEPT, LEXICON_LANGUAGES, LexiconError } from './lexicon.ts';
// the loader imports yaml and zod: a start that reads the snapshots imports interpreter.ts and lexicon.ts
// directly, not this index (src/cli.ts, src/cache/lexicon.ts)
export { loadLexicon } from './lexicon-file.ts';
export type { LanguageDetector } from './detect.ts';
export { createEldDetector, preloadEld } from './detect.ts';
