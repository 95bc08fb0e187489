// The words of one language's lexicon terms as written: what tells whether a word is a term of that
// language and ranks a question's candidate languages, without a phrase matcher. Making it tokenises
// the terms once and keeps only two small sets (their words and the stop words the lexicon leaves);
// matcher.ts builds the phrase keys and trie from the same terms, for the languages a question is
// matched against.
import type { Profile } from './profiles.ts';
import { lexiconStops } from './profiles.ts';
import type { Script, Token } from './text.ts';
import { foldKeeping, foldWord, tokenize } from './text.ts';

export const segmenterFor = (p: Profile): Intl.Segmenter | undefined => (p.chars ? new Intl.Segmenter('th', { granularity: 'word' }) : undefined);

/** Matching form of one token for a profile. */
export function formOf(p: Profile, t: Token): string {
  const fold = p.keep && t.script === 'latin' ? foldKeeping(t.raw.toLowerCase(), t.script, p.keep) : t.fold;
  return p.form ? p.form(fold, t.script) : fold;
}

/** A profile's form function with a bounded cache (the same words come back in every question). */
export function cachedForm(p: Profile): Profile {
  const form = p.form;
  if (!form) return p;
  const cache = new Map<string, string>();
  return {
    ...p,
    form(folded: string, script: Script): string {
      const k = script === 'cyrillic' ? `c${folded}` : folded;
      let v = cache.get(k);
      if (v === undefined) {
        v = form(folded, script);
        if (cache.size > 20_000) cache.clear();
        cache.set(k, v);
      }
      return v;
    },
  };
}

/** A lexicon's terms tokenised: each term's tokens and their matching forms. */
export interface Parsed {
  concept: number;
  toks: Token[];
  forms: string[];
}

/** Tokenise terms (concept index, term text); `used`: the forms of the words of terms that are not small talk. */
export function parseTerms(original: Profile, terms: Iterable<[number, string]>, smallTalk: (concept: number) => boolean): { parsed: Parsed[]; used: Set<string> } {
  const seg = segmenterFor(original);
  const parsed: Parsed[] = [];
  const used = new Set<string>();
  for (const [concept, text] of terms) {
    const toks = tokenize(text, seg);
    if (toks.length === 0) continue; // emoji-only terms: emoji are small talk anyway
    const forms = toks.map((t) => formOf(original, t));
    if (!smallTalk(concept)) for (const f of forms) used.add(f);
    parsed.push({ concept, toks, forms });
  }
  return { parsed, used };
}

/**
 * The words of a profile's lexicon terms as written (no stemming, no phrases): enough to tell whether
 * a word is a term of this language (hasExact) and to rank a question's candidate languages (quick),
 * at a small part of a full matcher's memory. A matcher made from it (createMatcher's `words`) answers
 * the same; the interpreter builds full matchers only for the languages it matches.
 */
export interface TermWords {
  /** the profile, its stop words as the lexicon leaves them (lexiconStops) */
  profile: Profile;
  /** A cheap first look: tokens of `script` written exactly as a lexicon word (1) or that are stop words (0.5). */
  quick(tokens: Token[], script: Script): number;
  /** does a folded word (typed alone) hit a key of this lexicon exactly? */
  hasExact(folded: string): boolean;
}

export interface Words extends TermWords {
  /** forms of the terms' words as written (and typed without a kept letter) */
  exact: Set<string>;
  /** the terms' forms without any kept letter (keep profiles) */
  plainForms: Set<string>;
  /** Thai: whole terms as character strings (spaces removed) -> concepts */
  charTerms: Map<string, number[]>;
}

export function wordsFrom(original: Profile, parsed: Parsed[], used: Set<string>): Words {
  const profile = cachedForm(original.chars ? original : { ...original, stop: lexiconStops(original, used) });
  const charTerms = new Map<string, number[]>();
  const plainForms = new Set<string>();
  const exact = new Set<string>();
  if (profile.chars) {
    for (const { concept, toks } of parsed) {
      const s = toks.map((t) => t.fold).join('');
      const list = charTerms.get(s) ?? [];
      if (!list.includes(concept)) list.push(concept);
      charTerms.set(s, list);
    }
  } else {
    if (profile.keep) for (const { forms } of parsed) for (const form of forms) if (![...profile.keep].some((c) => form.includes(c))) plainForms.add(form);
    for (const { toks, forms } of parsed) {
      toks.forEach((t, j) => {
        const form = forms[j]!;
        // typed without the kept letter (cetinlik for çətinlik), unless that is another lexicon word (nece is necə, not neçə)
        if (!(t.acronym && form.length <= 3) && profile.keep && !plainForms.has(form)) {
          const plain = foldWord(form, 'latin');
          if (plain !== form && !plainForms.has(plain)) exact.add(plain);
        }
        exact.add(form);
      });
    }
  }
  return {
    profile,
    exact,
    plainForms,
    charTerms,
    quick(tokens: Token[], script: Script): number {
      let score = 0;
      for (const t of tokens) {
        if (t.script !== script || t.numeric || t.acronym) continue;
        const form = formOf(profile, t);
        if (exact.has(form)) score += 1;
        else if (profile.stop.has(form)) score += 0.5;
      }
      return score;
    },
    hasExact: (folded) => exact.has(profile.form ? profile.form(folded, 'latin') : folded) || charTerms.has(folded),
  };
}

/** The words of one profile's terms (concept index, term text): see TermWords. The tokenised terms are not kept. */
export function createTermWords(original: Profile, terms: Iterable<[number, string]>, options: { smallTalk?: (concept: number) => boolean } = {}): TermWords {
  const { parsed, used } = parseTerms(original, terms, options.smallTalk ?? (() => false));
  return wordsFrom(original, parsed, used);
}
