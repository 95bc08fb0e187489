// The engine's default interpreter: English only. It tells small talk ("thanks!", "ok", "👍",
// "good morning all", "is anyone there?") from questions, and passes everything else on as it is.
// The multilingual interpreter (src/engine/interpret/, wired in by the app) has the same shape.
import type { Interpretation } from './types.ts';

/** Words and phrases that carry no question: greetings, thanks, acknowledgements, sign-offs,
 *  addressing the group, presence checks. Matched as whole words on the lower-cased message. */
const SMALL_TALK_PHRASES = [
  // presence checks
  'is anyone there', 'is anybody there', 'anyone there', 'anybody there', 'anyone here', 'anybody here', 'are you there',
  'you there', 'is this working', 'are you awake', 'are you alive', 'is this bot working', 'hello bot', 'hi bot',
  // greetings
  'good morning', 'good afternoon', 'good evening', 'good night', 'good day', 'morning', 'evening', 'afternoon',
  'hello', 'hallo', 'hi', 'hey', 'hiya', 'howdy', 'greetings', 'salam', 'salaam', 'assalamu alaikum', 'as salamu alaykum',
  'how are you', 'how are you doing', 'how is it going', 'hope you are well', 'hope all is well', 'nice to meet you',
  'welcome', 'dear', 'yo', 'sup',
  // thanks, acknowledgements
  'thank you very much', 'thank you so much', 'thanks a lot', 'thanks so much', 'many thanks', 'thank you', 'thanks',
  'thx', 'thnx', 'ty', 'tyvm', 'cheers', 'much appreciated', 'appreciated', 'appreciate it', 'in advance', 'again',
  'ok', 'okay', 'okey', 'k', 'kk', 'alright', 'all right', 'fine', 'great', 'cool', 'nice', 'perfect', 'excellent',
  'awesome', 'super', 'noted', 'got it', 'understood', 'roger', 'roger that', 'sure', 'yes', 'yeah', 'yep', 'no',
  'nope', 'indeed', 'agreed', 'sounds good', 'well done', 'good job', 'great job', 'brilliant', 'lol', 'haha', 'hehe',
  'wow', 'very helpful', 'helpful', 'that helps', 'that helped', 'useful', 'very useful', 'interesting',
  // sign-offs
  'bye', 'goodbye', 'bye bye', 'see you', 'see you soon', 'see you later', 'take care', 'have a nice day',
  'have a good day', 'have a great day', 'have a good weekend', 'best regards', 'kind regards', 'warm regards',
  'regards', 'best wishes', 'best', 'br', 'sincerely', 'yours',
  // the people addressed
  'all', 'everyone', 'everybody', 'colleagues', 'dear colleagues', 'team', 'guys', 'folks', 'friends', 'partners',
  'bot', 'sir', 'madam', 'there', 'again', 'to you', 'you too', 'and you', 'for that', 'for this', 'for the answer',
  'for your help', 'for the help', 'for the info', 'for the information', 'very much', 'so much', 'a lot', 'so', 'and',
  'very', 'too', 'much', 'me', 'it', 'that', 'this', 'is', 'was', 'you', 'u', 'i', 'am', 'we', 'our', 'my',
];

const phrases = [...new Set(SMALL_TALK_PHRASES)].sort((a, b) => b.length - a.length);
const SMALL_TALK = new RegExp(`(?<![\\p{L}\\p{N}])(?:${phrases.map((p) => p.replace(/\s+/g, '\\s+')).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
/** A name-like word: capitalised, letters only ("Rashad", "Anna-Maria"). */
const NAME = /^\p{Lu}[\p{Ll}'’-]+$/u;

/** Is the whole message small talk? What is left once greetings, thanks, emoji and punctuation are
 *  taken out may be at most one or two names ("Thanks, Rashad!"), and a name is not a word the
 *  practice base knows (`known`): "Hello, Telegram?" is a question. */
export function isSmallTalk(text: string, known: (word: string) => boolean = () => false): boolean {
  if (typeof text !== 'string') return false;
  const t = text.slice(0, 300).trim();
  if (t === '') return false;
  // emoji, symbols and punctuation alone ("👍", "🙏🙏", "!!", ":)")
  if (!/[\p{L}\p{N}]/u.test(t)) return true;
  if (t.length > 120) return false;
  const rest = t.replace(SMALL_TALK, ' ').match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  if (rest.length === 0) return true;
  // "Thanks Rashad", "Good morning, Inspector Ali": names only
  return rest.length <= 2 && rest.length < t.split(/\s+/).length && rest.every((w) => NAME.test(w) && !known(w));
}

/** The default interpreter: the text is English; small talk is recognised (`known`: see isSmallTalk). */
export function createEnglishInterpreter(known?: (word: string) => boolean): (text: string) => Interpretation {
  return (text) => {
    const q = typeof text === 'string' ? text : '';
    return { language: 'en', query: q, understood: [], coverage: 1, smallTalk: isSmallTalk(q, known) };
  };
}
