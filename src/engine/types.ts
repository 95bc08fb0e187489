// The answer engine's interface. Implementation: src/engine/engine.ts (createEngine).
import type { Entry, Kind, PracticeBase, Theme } from '../knowledge/schema.ts';

export interface SearchOptions {
  kinds?: Kind[];
  theme?: string;
  /** Results per page (default 3). */
  limit?: number;
  /** Skip this many results (for "more results"). */
  offset?: number;
}

export interface SearchHit {
  entry: Entry;
  /** Comparable across queries, 0..1; hits below the engine's threshold are never returned. */
  score: number;
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
}

export interface Engine {
  readonly base: PracticeBase;
  search(query: string, opts?: SearchOptions): SearchResult;
  /** Themes a free-text topic points to, best first (used by /challenges <topic> etc.). */
  themesFor(topic: string): Theme[];
  /** Closest command name to a mistyped one (fuse.js over short strings), or undefined. */
  closestCommand(name: string, commands: string[]): string | undefined;
}
