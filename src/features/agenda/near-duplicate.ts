// When a new suggestion is the same agenda item as one already on the list (it then counts as a
// +1 for that one). Two readings:
// - with the engine's analysis (AgendaAnalysis, wired in the app): both texts become topic words
//   (synonyms, acronyms, stems, spelling brought together). They are the same item when every topic
//   word of each is matched in the other ("e-evidence training" = "electronic evidence training"),
//   or when one has a single extra word beside at least three shared ones ("faster takedown of
//   smuggling ads" ~ "taking down smuggler adverts"). Each having a word the other lacks is two
//   items ("... seized at the border" / "... seized inland"; "cooperation with Meta on ..." /
//   "cooperation with TikTok on ..."), and so are different numbers ("item 3" / "item 4").
// - without it, the normal form and fuzzy match of src/shared/similar.ts.
import { findSimilar } from '../../shared/similar.ts';
import type { AgendaAnalysis, TopicWord } from './ports.ts';

/** Shared topic words needed before one extra word on one side is still the same item. */
export const SHARED_FOR_EXTRA = 3;

export type NearDuplicates = ReturnType<typeof createNearDuplicates>;

export function createNearDuplicates(analysis: AgendaAnalysis | undefined) {
  /** Two stems one letter apart at the end, as the stemmer leaves some forms of one word
   *  ("identif" from identification, "identifi" from identifying). */
  const stemVariant = (x: string, y: string): boolean =>
    !x.startsWith('~') && !y.startsWith('~') && Math.min(x.length, y.length) >= 5 && Math.abs(x.length - y.length) === 1 && (x.startsWith(y) || y.startsWith(x));
  const match = (a: TopicWord, b: TopicWord): boolean =>
    a.keys.some((k) => b.keys.some((l) => k === l || stemVariant(k, l))) || ((a.unknown || b.unknown) && analysis!.misspelt(a.word, b.word));

  /** Whether two texts are the same agenda item by their topic words. */
  function sameItem(a: TopicWord[], b: TopicWord[]): boolean {
    if (a.length === 0 || b.length === 0) return false;
    const matchedA = a.filter((x) => b.some((y) => match(x, y))).length;
    const matchedB = b.filter((y) => a.some((x) => match(x, y))).length;
    const onlyA = a.length - matchedA;
    const onlyB = b.length - matchedB;
    if (onlyA === 0 && onlyB === 0) return true;
    if (onlyA > 0 && onlyB > 0) return false;
    return Math.max(onlyA, onlyB) === 1 && Math.min(matchedA, matchedB) >= SHARED_FOR_EXTRA;
  }

  /** The existing suggestion `text` duplicates, if any (the first in the list's order: the most supported). */
  function find<T extends { text: string; norm: string }>(text: string, norm: string, existing: readonly T[]): T | undefined {
    if (!analysis) return findSimilar(norm, existing);
    const equal = existing.find((e) => e.norm === norm);
    if (equal) return equal;
    const mine = analysis.topicWords(text);
    return existing.find((e) => sameItem(mine, analysis.topicWords(e.text)));
  }

  return { find, sameItem };
}
