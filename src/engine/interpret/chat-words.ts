// A cheap, exact first look at whether an English question is small talk (issue 16): the interpreter's
// English path asks only whether every word of the question is a chat term's or a stop word, and the
// full answer takes the English phrase matcher (every lexicon term tokenised, stemmed and put in a
// trie: tens of milliseconds on a start). Most questions hold a word that provably is neither, which
// this module tells from the words of the chat terms alone, with no stemming and no trie.
//
// Why it is exact (matcher.ts, for a profile with no variants, alternates, kept letters, form or
// character matching, as English): the matcher makes a question no small talk when one of its tokens
// is in no span and no stop word, or in a span one of whose concepts is no chat concept. A token in a
// span was (1) matched to a key of the span's phrase, (2) skipped as a stop word, or (3) the one
// unknown word ("gap") of a phrase of two content words or more, which needs matched tokens of that
// phrase before it (its first key, then keys or skipped stop words up to it) and after it (stop words
// skipped, then the content key it stands before). A span whose
// concepts all are chat concepts comes from a phrase that has a chat term's key sequence, so its keys
// are keys of chat terms' words. A word's key is a prefix of it at least min(length, minStem) code
// units long (keyFromStem, suffixKey), and a question word reaches a key only when the key is a prefix
// of it (the trie is walked from the word's start), and a key shorter than minStem only as typed.
// So a question word reaches no chat key unless it is a chat word shorter than minStem as typed or
// begins with the first minStem letters of a chat word (`reach` below, a superset). A token that is no
// stop word of the profile (a superset of the matcher's, which the lexicon only shrinks), reaches no
// chat key and is no gap of a chat phrase (on one side of it, the nearest token that is no stop word
// cannot reach a key of a chat term of several words) is in no span or in a span with a concept other
// than chat: the question is no small talk.
import type { Profile } from './profiles.ts';
import { formOf } from './term-words.ts';
import type { Token } from './text.ts';
import { tokenize } from './text.ts';

export interface ChatWords {
  /** True only when the phrase matcher would find a word of `tokens` that is no chat term nor stop word (false: it may or may not). */
  surelyContent(tokens: readonly Token[]): boolean;
}

/**
 * The chat terms' words of `profile` (the terms of every small-talk and filler concept, as listed),
 * or undefined when the profile matches in a way the argument above does not cover.
 */
export function createChatWords(profile: Profile, chatTerms: Iterable<string>): ChatWords | undefined {
  if (profile.variants || profile.alternates || profile.keep || profile.form || profile.chars) return undefined;
  const { minStem, stop } = profile;
  /** chat words shorter than minStem: their key is the word, reached only as typed */
  const whole = new Set<string>();
  /** the first minStem code units of the other chat words: a prefix of their key */
  const starts = new Set<string>();
  /** the same of the words of chat terms of several words (the phrases that may hold a gap) */
  const wholeInPhrase = new Set<string>();
  const startsInPhrase = new Set<string>();
  for (const text of chatTerms) {
    const toks = tokenize(text, undefined);
    for (const t of toks) {
      const f = formOf(profile, t);
      const short = f.length < minStem;
      (short ? whole : starts).add(short ? f : f.slice(0, minStem));
      if (toks.length > 1) (short ? wholeInPhrase : startsInPhrase).add(short ? f : f.slice(0, minStem));
    }
  }
  const reaches = (form: string, w: Set<string>, s: Set<string>): boolean => w.has(form) || (form.length >= minStem && s.has(form.slice(0, minStem)));
  return {
    surelyContent(tokens) {
      const forms = tokens.map((t) => formOf(profile, t));
      const isStop = forms.map((f) => stop.has(f));
      const inPhrase = forms.map((f) => reaches(f, wholeInPhrase, startsInPhrase));
      /** from token i, stepping by `step`: a token that may be matched in a chat phrase of several words, with only stop words before it */
      const phraseNear = (i: number, step: number): boolean => {
        for (let k = i + step; k >= 0 && k < forms.length; k += step) {
          if (inPhrase[k]) return true;
          if (!isStop[k]) return false;
        }
        return false;
      };
      for (let i = 0; i < forms.length; i++) {
        if (isStop[i] || reaches(forms[i]!, whole, starts)) continue;
        // a gap has its chat phrase's matched words (and skipped stop words) on both sides
        if (phraseNear(i, -1) && phraseNear(i, 1)) continue;
        return true;
      }
      return false;
    },
  };
}
