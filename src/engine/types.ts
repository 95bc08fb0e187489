// The answer engine's interface. Implementation: src/engine/engine.ts (createEngine).
import type { Entry, Kind, PracticeBase, Theme } from '../knowledge/schema.ts';
import type { Intent } from './intent.ts';

export type { Intent } from './intent.ts';

/** Where an entry's point was recorded (an entry's `source`; a folded point has several). */
export type SourceRef = Entry['source'];

/** What an interpreter made of a message (src/engine/small-talk.ts for English; the multilingual
 *  one in src/engine/interpret/ has the same shape). */
export interface Interpretation {
  /** ISO 639-1 code of the message's language. */
  language: string;
  /** English text for the engine: the message itself when English; otherwise the English terms of
   *  the concepts it was mapped onto, with intent cue phrases ("how do others handle", "next steps"). */
  query: string;
  /** Labels of the concepts understood ([] for English). */
  understood: string[];
  /**
   * Share 0..1 of the question's content words (stop words and chat-* words excluded) that were
   * mapped onto a concept or kept; a word of a broad concept (a place, a big organisation, the bare
   * word for phone or online) counts half, an everyday word of the `off-topic` concept (phone
   * number, capital city, weather, install) not at all. 1 for English.
   */
  coverage: number;
  /** How many content words of the message were not understood (neither mapped onto a concept nor
   *  kept as typed). Optional: when absent the engine estimates it from `coverage`. */
  unmapped?: number;
  /** Only greetings, thanks, ok, emoji or "is anyone there": nothing to search. */
  smallTalk: boolean;
  /** Optional: the message has a word of the lexicon's `off-topic` concept (install, weather, phone
   *  number): it asks something no practice base holds, so a hit must match two topical words. */
  offTopic?: boolean;
}

export interface SearchOptions {
  kinds?: Kind[];
  theme?: string;
  /** Results per page (default 3). */
  limit?: number;
  /** Skip this many results (for "more results"). */
  offset?: number;
}

/** Why an answer looks as it does. */
export type AnswerNote =
  /** A solutions question whose topic the meetings recorded only as a challenge: the challenge is
   *  shown, then the nearest practices. */
  'only-challenge';

export interface SearchHit {
  entry: Entry;
  /** Comparable across queries, 0..1; hits below the engine's threshold are never returned (the
   *  nearest practices after an 'only-challenge' note may be). */
  score: number;
  /** Every source of the point, the entry's own first (a point recorded in several documents). */
  sources: SourceRef[];
  /** Entries folded into this one because they record the same point. */
  folded?: string[];
}

export interface SearchResult {
  query: string;
  /** The query after spelling correction and normalisation, when it differs (e.g. "encrypted data"). */
  corrected?: string;
  hits: SearchHit[];
  /** How many hits passed the threshold in all (for "more results"). */
  total: number;
  /** When nothing is close: the nearest themes or terms to offer instead (theme labels or words). */
  suggestions: string[];
  /** What the question asks for. */
  intent: Intent;
  /** ISO 639-1 code of the question's language. */
  language: string;
  /** Concepts a question in another language was mapped onto ([] for English). */
  understood: string[];
  /** The message was small talk: nothing was searched. */
  smallTalk: boolean;
  note?: AnswerNote;
  /** Entries that address the challenges among the hits ("What members do about it"), not shown
   *  themselves; only on the first page. */
  remedies: Entry[];
}

export interface Engine {
  readonly base: PracticeBase;
  search(query: string, opts?: SearchOptions): SearchResult;
  /** Themes a free-text topic points to, best first (used by /challenges <topic> etc.). */
  themesFor(topic: string): Theme[];
  /** An entry by id, or by the id of an entry folded into it (`base.aliases`). */
  entry(id: string): Entry | undefined;
  /** Entries that address an entry (a challenge's `addressed_by`), aliases resolved. */
  remediesOf(entry: Entry): Entry[];
  /** Every source of an entry (its own first). */
  sourcesOf(entry: Entry): SourceRef[];
  /** Closest command name to a mistyped one (fuse.js over short strings), or undefined. */
  closestCommand(name: string, commands: string[]): string | undefined;
}
