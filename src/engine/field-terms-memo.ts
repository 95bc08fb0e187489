// A hook for keeping the index's text analysis between starts: the engine looks each field text up here
// before analysing it, and stores what it analysed. src/cache/engine.ts fills it from a snapshot keyed by
// the knowledge files (which hold the synonyms the analysis uses) and the engine's code. A Map will do.
//
// Between live reloads (src/knowledge/live.ts) a CarryOverMemo keeps the analysis of the generation in
// service: an entry unchanged since then is not analysed again. It is keyed by the synonyms (the only
// input of the analysis besides the text), and holds only the texts the last build used, so it does not
// grow with edits. warmFieldTerms analyses a base's field texts in steps that yield to the event loop,
// so that the build proper (synchronous) finds them all in the memo.
import type { PracticeBase } from '../knowledge/schema.ts';
import { analyseField, buildSynonymTable } from './analyze.ts';
import { indexFieldTexts } from './fields.ts';

export interface FieldTermsMemo {
  get(text: string): string[] | undefined;
  set(text: string, terms: string[]): void;
}

export interface CarryOverMemo {
  /** The memo for the next build of a base with these synonyms: it reads the analysis of the last
   *  committed build (when its synonyms were the same) and keeps what this build uses. */
  begin(base: Pick<PracticeBase, 'synonyms'>): FieldTermsMemo;
  /** The build begun last went into service: its memo is the one carried over to the next. */
  commit(): void;
  /** Did a build read or fill the memo? (a builder that ignores it is not worth warming for) */
  readonly used: boolean;
}

/** `onAnalyse` is called for every text analysed (stored in the memo): a test hook. */
export function createCarryOverMemo(onAnalyse?: (text: string) => void): CarryOverMemo {
  let kept = { key: '', terms: new Map<string, string[]>() };
  let pending: { key: string; terms: Map<string, string[]> } | undefined;
  let used = false;
  return {
    begin(base) {
      const key = JSON.stringify(base.synonyms);
      const prev = kept.key === key ? kept.terms : new Map<string, string[]>();
      const next = new Map<string, string[]>();
      pending = { key, terms: next };
      return {
        get(text) {
          used = true;
          let terms = next.get(text);
          if (terms === undefined) {
            terms = prev.get(text);
            if (terms !== undefined) next.set(text, terms);
          }
          return terms;
        },
        set(text, terms) {
          used = true;
          onAnalyse?.(text);
          next.set(text, terms);
        },
      };
    },
    commit() {
      if (pending) kept = pending;
      pending = undefined;
    },
    get used() {
      return used;
    },
  };
}

/** Analyses the index field texts of `base` not yet in `memo`, `step` entries at a time, awaiting
 *  `pause()` between steps (so that questions are answered meanwhile). */
export async function warmFieldTerms(base: PracticeBase, memo: FieldTermsMemo, step: number, pause: () => Promise<void>): Promise<void> {
  const table = buildSynonymTable(base.synonyms);
  const texts = indexFieldTexts(base);
  const size = Math.max(1, Math.floor(step));
  for (let i = 0; i < texts.length; i += size) {
    for (const fields of texts.slice(i, i + size)) {
      for (const text of fields) if (memo.get(text) === undefined) memo.set(text, analyseField(text, table));
    }
    await pause();
  }
}
