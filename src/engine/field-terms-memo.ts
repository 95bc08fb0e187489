// A hook for keeping the index's text analysis between starts: the engine looks each field text up here
// before analysing it, and stores what it analysed. src/cache/engine.ts fills it from a snapshot keyed by
// the knowledge files (which hold the synonyms the analysis uses) and the engine's code. A Map will do.
export interface FieldTermsMemo {
  get(text: string): string[] | undefined;
  set(text: string, terms: string[]): void;
}
