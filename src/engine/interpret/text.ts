// Text handling shared by every language: tokens, scripts and folding for matching.
//
// Folding keeps what a reader types interchangeably the same: case, Latin and Cyrillic diacritics
// (données = donnees, ё = е, š = s), Arabic vowel marks, tatweel and letter variants (أ إ آ -> ا,
// ى ی -> ي, ة ہ -> ه, ک -> ك) and Eastern Arabic digits. Bengali and Thai vowel signs are marks too
// but carry the word, so they are kept.

export type Script = 'latin' | 'cyrillic' | 'arabic' | 'bengali' | 'thai' | 'devanagari' | 'other';

/** Script of one code point (letters only; digits and others are 'other'). */
export function scriptOf(cp: number): Script {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) ? 'latin' : 'other';
  if (cp < 0x250) return cp >= 0xc0 && cp !== 0xd7 && cp !== 0xf7 ? 'latin' : 'other';
  if (cp < 0x300) return cp <= 0x2af ? 'latin' : 'other'; // IPA block holds ə (U+0259)
  if (cp >= 0x400 && cp <= 0x52f) return 'cyrillic';
  if ((cp >= 0x600 && cp <= 0x6ff) || (cp >= 0x750 && cp <= 0x77f) || (cp >= 0xfb50 && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfeff))
    return 'arabic';
  if (cp >= 0x980 && cp <= 0x9ff) return 'bengali';
  if (cp >= 0xe00 && cp <= 0xe7f) return 'thai';
  if (cp >= 0x900 && cp <= 0x97f) return 'devanagari';
  if (cp >= 0x1e00 && cp <= 0x1eff) return 'latin';
  return 'other';
}

export interface Token {
  /** as typed */
  raw: string;
  /** lower-cased and folded for matching */
  fold: string;
  script: Script;
  /** digits only (or digits with a few letters: 4G, 2023) */
  numeric: boolean;
  /** two or more capitals (OSINT, TikTok, SoM) or letters mixed with digits: a name or acronym, never a word of a language */
  acronym: boolean;
  /** capitalised (first letter upper-case) */
  capital: boolean;
  /** starts a sentence (first token, or after . ! ? :) */
  initial: boolean;
}

const COMBINING = /[\u0300-\u036f]/g;
// Arabic harakat, Quranic marks, superscript alef, hamza marks left by NFD, and tatweel
const ARABIC_MARKS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g;
const LATIN_SPECIAL: Record<string, string> = { ı: 'i', ə: 'e', ß: 'ss', đ: 'd', ł: 'l', ø: 'o', æ: 'ae', œ: 'oe' };
const ARABIC_LETTERS: Record<string, string> = {
  'ى': 'ي', 'ی': 'ي', 'ې': 'ي', 'ے': 'ي', 'ۓ': 'ي',
  'ة': 'ه', 'ۃ': 'ه', 'ہ': 'ه', 'ۂ': 'ه', 'ھ': 'ه', 'ە': 'ه',
  'ک': 'ك', 'ٱ': 'ا', 'ؤ': 'و', 'ئ': 'ي',
  '٠': '0', '١': '1', '٢': '2', '٣': '3', '٤': '4', '٥': '5', '٦': '6', '٧': '7', '٨': '8', '٩': '9',
  '۰': '0', '۱': '1', '۲': '2', '۳': '3', '۴': '4', '۵': '5', '۶': '6', '۷': '7', '۸': '8', '۹': '9',
};
const LATIN_SPECIAL_RE = /[ıəßđłøæœ]/g;
const ARABIC_LETTERS_RE = new RegExp(`[${Object.keys(ARABIC_LETTERS).join('')}]`, 'g');

/** Fold one lower-case word for matching, by its script. */
export function foldWord(lower: string, script: Script): string {
  switch (script) {
    case 'latin':
    case 'cyrillic':
    case 'other': {
      let s = lower;
      for (let i = 0; i < s.length; i++) {
        if (s.charCodeAt(i) >= 0x80) {
          s = s.normalize('NFD').replace(COMBINING, '').replace(LATIN_SPECIAL_RE, (c) => LATIN_SPECIAL[c] ?? c).normalize('NFC');
          break;
        }
      }
      return s;
    }
    case 'arabic':
      // NFD splits أ إ آ ؤ ئ into a letter and a hamza/madda mark, which go with the harakat
      return lower.normalize('NFD').replace(ARABIC_MARKS, '').replace(ARABIC_LETTERS_RE, (c) => ARABIC_LETTERS[c] ?? c).normalize('NFC');
    default:
      return lower.normalize('NFC');
  }
}

/**
 * Fold a lower-case word but keep the letters of `keep` as typed (Azerbaijani ç: neçə "how many" is
 * not necə "how"). The kept letters stand in for themselves through the folding as private-use
 * characters.
 */
export function foldKeeping(lower: string, script: Script, keep: string): string {
  const w = lower.normalize('NFC');
  let has = false;
  for (const c of keep) if (w.includes(c)) has = true;
  if (!has) return foldWord(w, script);
  const kept = [...keep];
  let s = w;
  kept.forEach((c, i) => (s = s.split(c).join(String.fromCharCode(0xe000 + i))));
  s = foldWord(s, script);
  kept.forEach((c, i) => (s = s.split(String.fromCharCode(0xe000 + i)).join(c)));
  return s;
}

// Words: letters, marks and digits; an apostrophe or hyphen inside a word splits it ("кто-нибудь",
// "l'analyse" are two tokens each, on both the lexicon and the question side).
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const SENTENCE_END = /[.!?:;\n]/;
const UPPER = /\p{Lu}/gu;
const HAS_DIGIT = /\p{N}/u;
const ALL_DIGITS = /^\p{N}+$/u;
const THAI_RUN = /[\u0e00-\u0e7f]+/g;

/** Dominant script of a word (its first letter's). */
export function wordScript(w: string): Script {
  for (let i = 0; i < w.length; i++) {
    const s = scriptOf(w.codePointAt(i)!);
    if (s !== 'other') return s;
  }
  return 'other';
}

/**
 * Split a text into tokens. Thai runs are split into words with Intl.Segmenter (Thai is written
 * without spaces between words).
 */
export function tokenize(text: string, thai: Intl.Segmenter | undefined, max = 200): Token[] {
  const out: Token[] = [];
  let lastEnd = 0;
  for (const m of text.matchAll(WORD)) {
    const raw = m[0];
    const at = m.index;
    const initial = out.length === 0 || SENTENCE_END.test(text.slice(lastEnd, at));
    lastEnd = at + raw.length;
    const script = wordScript(raw);
    if (script === 'thai' && thai) {
      // the run may hold Latin letters or digits around Thai: segment the Thai parts only
      let pos = 0;
      for (const t of raw.matchAll(THAI_RUN)) {
        if (t.index > pos) pushToken(out, raw.slice(pos, t.index), out.length === 0 ? initial : false);
        for (const seg of thai.segment(t[0])) if (seg.isWordLike) pushToken(out, seg.segment, out.length === 0 ? initial : false, 'thai');
        pos = t.index + t[0].length;
      }
      if (pos < raw.length) pushToken(out, raw.slice(pos), false);
    } else {
      pushToken(out, raw, initial, script);
    }
    if (out.length >= max) break;
  }
  return out;
}

const ASCII_TEXT = /^[\x00-\x7f]*$/;
const ASCII_RUN = /[a-z0-9]+/gi;
const ASCII_DIGITS = /^[0-9]+$/;

/**
 * The folded Latin words of a text that are not numbers: what `tokenize(text, undefined)` gives with
 * script 'latin' and numeric false. An ASCII text (most lexicon terms and the base's words) is read
 * without tokenising: its tokens are its runs of letters and digits, a run with a letter is Latin, and a
 * Latin word of ASCII folds to its lower case.
 */
export function latinWords(text: string): string[] {
  if (ASCII_TEXT.test(text)) {
    const runs = text.match(ASCII_RUN) ?? [];
    // (tokenize stops at 200 tokens)
    if (runs.length <= 200) {
      const out: string[] = [];
      for (const r of runs) if (!ASCII_DIGITS.test(r)) out.push(r.toLowerCase());
      return out;
    }
  }
  const out: string[] = [];
  for (const t of tokenize(text, undefined)) if (t.script === 'latin' && !t.numeric) out.push(t.fold);
  return out;
}

/**
 * latinWords of every text, added to `into` (a set: order and repeats aside). The ASCII texts short enough to
 * hold no more than the tokeniser's 200 tokens (a token and a separator take two characters at least) are
 * read together in one pass.
 */
export function addLatinWords(texts: Iterable<string>, into: Set<string>): void {
  let batch = '';
  for (const t of texts) {
    if (t.length < 400 && ASCII_TEXT.test(t)) batch += `${t}\n`;
    else for (const w of latinWords(t)) into.add(w);
  }
  for (const r of batch.toLowerCase().match(ASCII_RUN) ?? []) if (!ASCII_DIGITS.test(r)) into.add(r);
}

function pushToken(out: Token[], raw: string, initial: boolean, script: Script = wordScript(raw)): void {
  const lower = raw.toLowerCase();
  const caps = raw === lower ? 0 : (raw.match(UPPER)?.length ?? 0);
  const numeric = ALL_DIGITS.test(raw);
  out.push({
    raw,
    fold: foldWord(lower, script),
    script,
    numeric,
    acronym: !numeric && (caps >= 2 || (HAS_DIGIT.test(raw) && script === 'latin')),
    capital: caps >= 1 && raw[0] !== lower[0],
    initial,
  });
}

/** Emoji and pictographs (small talk such as 👍 🙏). */
export const EMOJI = /\p{Extended_Pictographic}/u;
/** A chat mention: Telegram @name, Slack <@U123|name>. */
export const MENTION = /<@[\w.|-]+>|(?<![\w@])@[\w.]+/gu;
/** Links and e-mail addresses: their pieces are no words of any language. */
export const LINK = /\b(?:https?:\/\/|www\.)\S+|\S+@\S+\.\w+/giu;
