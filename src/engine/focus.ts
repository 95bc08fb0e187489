// Finding the question inside a message as people write it in a group chat:
//
//   "Good morning colleagues! Our unit in Baku is struggling with Telegram channels advertising
//    trips to Europe. Has anyone managed to get Telegram to remove them quickly? Thanks, Rashad"
//
// The message is cut into sentences. Sentences that are only greetings, thanks or sign-offs are
// dropped. If some sentences ask something (a question mark, a question word, or an intent cue such as
// "any advice"), they are the question and weigh 1; the other sentences are context: their words still
// count, at CONTEXT_WEIGHT, on both sides of the score (what they match and what they could have
// matched), so a long story around a short question neither drowns it nor is thrown away.
import { detectIntent } from './intent.ts';
import { isSmallTalk } from './small-talk.ts';

/** Weight of the words of a sentence that is not the question (context around it). */
export const CONTEXT_WEIGHT = 0.5;

export interface Segment {
  text: string;
  /** 1 for the question (or every sentence when none stands out), CONTEXT_WEIGHT for context. */
  weight: number;
  question: boolean;
}

export interface Focus {
  segments: Segment[];
  /** The text the intent is read from: the question sentences, or the whole message. */
  questionText: string;
}

const QUESTION_START =
  /^(?:how|what|which|who|whom|whose|where|when|why|is|are|was|were|does|do|did|can|could|should|would|will|has|have|any|anyone|anybody|someone|somebody|please|pls|tips|advice|ideas|suggestions|need|looking)\b/iu;

/** Sentences: ends at . ! ? … or a line break; a dot inside "e.g." or "No. 5" does not end one. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n+/)) {
    let start = 0;
    const re = /[.!?…]+(?=\s|$)|[?!]+|\p{Extended_Pictographic}(?:\u200d\p{Extended_Pictographic}|[\ufe0f\u{1f3fb}-\u{1f3ff}])*(?=\s+\p{Lu})/gu;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const end = m.index + m[0].length;
      const before = line.slice(Math.max(start, m.index - 4), m.index);
      // abbreviations: "e.g", "i.e", "No", "Mr", "Dr", "approx"
      if (m[0] === '.' && /(?:^|\s)(?:e\.g|i\.e|no|nr|mr|mrs|ms|dr|st|vs|etc|approx|incl)$/iu.test(before)) continue;
      const s = line.slice(start, end).trim();
      if (s !== '') out.push(s);
      start = end;
    }
    const rest = line.slice(start).trim();
    if (rest !== '') out.push(rest);
  }
  return out;
}

const isQuestion = (s: string): boolean => s.includes('?') || QUESTION_START.test(s.replace(/^[^\p{L}\p{N}]+/u, '')) || detectIntent(s) !== 'general';

/** The question and its context in a message. A one-sentence message is all question. */
export function focus(text: string): Focus {
  const all = sentences(text);
  if (all.length <= 1) return { segments: all.length ? [{ text: all[0]!, weight: 1, question: true }] : [], questionText: text };
  const kept = all.filter((s) => !isSmallTalk(s));
  if (kept.length === 0) return { segments: [], questionText: text };
  const asks = kept.map(isQuestion);
  const any = asks.some(Boolean);
  const segments = kept.map((s, i) => ({ text: s, weight: !any || asks[i] ? 1 : CONTEXT_WEIGHT, question: !any || asks[i]! }));
  const questionText = any ? kept.filter((_, i) => asks[i]).join(' ') : kept.join(' ');
  return { segments, questionText };
}
