// The cross-lingual lexicon of the practice base's domain: knowledge/lexicon/concepts.yaml (each
// concept's English terms) and one <code>.yaml per language (that language's terms per concept).
// This module holds its shape and the concept ids the interpreter reads; the loader, which parses
// the YAML and validates it with zod, is lexicon-file.ts, imported only where the files are read
// (a warm start reads the lexicon's snapshot, src/cache/lexicon.ts, and imports neither yaml nor zod).

/** Languages the interpreter has a profile for (ISO 639-1). `en` may only hold small talk and filler. */
export const LEXICON_LANGUAGES = ['en', 'fr', 'ru', 'ar', 'bg', 'hu', 'mk', 'bs', 'az', 'tr', 'ur', 'bn', 'id', 'th', 'es'] as const;
export type LexiconLanguage = (typeof LEXICON_LANGUAGES)[number];

/** What the question asks for. */
export const INTENT_CONCEPTS = ['ask-solutions', 'ask-problems', 'ask-facts', 'ask-follow-ups', 'ask-meetings'] as const;
/** Small talk (a message made only of these is not searched). */
export const CHAT_CONCEPTS = ['chat-greeting', 'chat-thanks', 'chat-bye', 'chat-ack', 'chat-presence'] as const;
/** Words of address and politeness, dropped before searching. */
export const FILLER_CONCEPT = 'chat-filler';
/**
 * Everyday words the base holds nothing about ("phone number", "capital city", "weather",
 * "install"): matched so that they cannot reach a domain concept ("número" statistics, "курс"
 * training), never searched, and counted as words not understood.
 */
export const OFF_TOPIC_CONCEPT = 'off-topic';

/** One concept of concepts.yaml (validated by lexicon-file.ts's conceptSchema). */
export interface Concept {
  id: string;
  /** its English terms */
  en: string[];
  /** Names a topic but never makes one (a place, a big organisation, "phone", "online"): counts half in coverage. */
  broad?: boolean | undefined;
  note?: string | undefined;
}

export interface LanguageTerms {
  /** ISO 639-1 code */
  language: LexiconLanguage;
  /** English name of the language */
  name: string;
  /** concept id -> terms in that language, as written in the file */
  terms: Map<string, string[]>;
}

export interface Lexicon {
  concepts: Concept[];
  languages: LanguageTerms[];
}

export class LexiconError extends Error {
  readonly problems: string[];
  constructor(dir: string, problems: string[]) {
    super(`The lexicon in ${dir} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` + problems.map((p) => `  - ${p}`).join('\n'));
    this.name = 'LexiconError';
    this.problems = problems;
  }
}
