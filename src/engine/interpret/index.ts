// Questions in the members' languages, read for the English engine: language detection, per-language
// normalisation and stemming, and a cross-lingual lexicon of the domain (knowledge/lexicon/).
// See docs/languages.md.
export type { Interpretation, Interpreter, InterpreterOptions } from './interpreter.ts';
export { createInterpreter } from './interpreter.ts';
export type { Concept, LanguageTerms, Lexicon, LexiconLanguage } from './lexicon.ts';
export { CHAT_CONCEPTS, FILLER_CONCEPT, INTENT_CONCEPTS, OFF_TOPIC_CONCEPT, LEXICON_LANGUAGES, LexiconError, loadLexicon } from './lexicon.ts';
export type { LanguageDetector } from './detect.ts';
export { createEldDetector, preloadEld } from './detect.ts';
