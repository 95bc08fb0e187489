// The "person" rule of the personal-data guard (./pii.ts): a person's name followed by a date of
// birth, a street address or an ID-like number, and a street address after words saying someone
// lives there. What counts as a name, a date and an address is described in ./pii.ts; the lists of
// given names, titles and roles are in ./pii-names.ts.

import { GIVEN_NAMES, NAME_ROLES, NAME_TITLES } from './pii-names.ts';

export interface Span {
  start: number;
  end: number;
}

function* all(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    yield m;
    if (m[0].length === 0) re.lastIndex++;
  }
}
const digitCount = (s: string) => (s.match(/\p{Nd}/gu) ?? []).length;
const altern = (words: readonly string[]) => words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+')).join('|');
/** A word list as a case-tolerant alternation: as written, Capitalised and UPPER CASE. (The `i`
 *  flag cannot be used where \p{Lu} must mean capital letters: with `iu` it matches lower case.) */
const anyCase = (words: readonly string[]) =>
  altern([...new Set(words.flatMap((w) => [w, w.charAt(0).toUpperCase() + w.slice(1), w.toUpperCase()]))].sort((a, b) => b.length - a.length));

const GIVEN = new Set(GIVEN_NAMES);
const TITLES = new Set(NAME_TITLES);
const ROLES = new Set(NAME_ROLES);
const SURNAME_ENDING = /(?:ov|ova|ev|eva|yev|yeva|ski|ska|sky|vić|vic|vich|ić|escu|enko|yan|zade|zadeh|oğlu|oglu|ов|ова|ев|ева|ски|ска|ић|вич|енко|ян)$/u;
const WORD = /[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'’-]*\.?/gu;
const isCapitalised = (w: string) => /^\p{Lu}[\p{L}\p{M}'’-]*$/u.test(w) && /\p{Ll}/u.test(w);
const isUpperWord = (w: string) => /^\p{Lu}{2,}$/u.test(w);
const isArabic = (w: string) => /^\p{Script=Arabic}+$/u.test(w);

const MONTH_OR_NUMBER = String.raw`(?:\p{Nd}{1,2}|\p{L}{3,12}\.?)`;
const FULL_DATE = String.raw`(?:\p{Nd}{1,2}\s?[./-]\s?\p{Nd}{1,2}\s?[./-]\s?\p{Nd}{2,4}|\p{Nd}{4}\s?[./-]\s?\p{Nd}{1,2}\s?[./-]\s?\p{Nd}{1,2}\.?|\p{Nd}{1,2}\.?\s+${MONTH_OR_NUMBER},?\s+\p{Nd}{4}|\p{L}{3,12}\.?\s+\p{Nd}{1,2},?\s+\p{Nd}{4})`;
const BIRTH_WORDS = [
  'born', 'b.', 'dob', 'd.o.b.', 'd.o.b', 'date of birth', 'birth date', 'birthdate', 'née le', 'né le', 'née', 'né', 'date de naissance',
  'роден на', 'родена на', 'роден', 'родена', 'род.', 'дата на раждане', 'дата на раѓање', 'született', 'szül.', 'szül', 'születési idő',
  'rođen', 'rođena', 'rodjen', 'rodjena', 'datum rođenja', 'doğum tarixi', 'doğulub', 'تاريخ الميلاد', 'مواليد', 'المولود', 'تاریخ پیدائش',
  'জন্ম তারিখ', 'জন্ম',
];
const BIRTH = `(?:${anyCase(BIRTH_WORDS)})(?![\\p{L}])[\\s:,]{0,3}(?:on\\s+|le\\s+|на\\s+|am\\s+|in\\s+)?(?:${FULL_DATE}|(?:19|20)\\p{Nd}{2})(?!\\p{Nd})`;
const DOB_AFTER_NAME = new RegExp(String.raw`^[^.;!?\n]{0,40}?${BIRTH}`, 'u');
const DATE_RIGHT_AFTER = new RegExp(String.raw`^\s?[,(–-]?\s?(${FULL_DATE})(?!\p{Nd})`, 'u');

const STREET_THEN_NAME = ['ul.', 'ул.', 'улица', 'ulica', 'ulitsa', 'str.', 'бул.', 'bul.', 'blvd.', 'blvd', 'boulevard', 'булевард',
  'булевар', 'bulevar', 'avenue', 'av.', 'rue', 'trg', 'ж.к.', 'жк', 'zh.k.', 'кв.', 'kv.', 'mahalla', 'mohalla', 'شارع', 'حي'];
const STREET_THEN_NUMBER = ['house', 'h.', 'h.no.', 'flat', 'apt.', 'apt', 'apartment', 'street', 'road', 'sector', 'block', 'plot', 'lane',
  'gali', 'بيت', 'دار', 'زقاق', 'محلة', 'মহল্লা', 'রোড', 'বাড়ি'];
const STREET_AFTER_NUMBER = ['rue', 'avenue', 'av.', 'boulevard', 'bd', 'place', 'allée', 'chemin', 'impasse', 'quai', 'cours', 'route'];
const STREET_AFTER_NAME = ['utca', 'u.', 'út', 'útja', 'tér', 'körút', 'krt.', 'köz', 'sétány', 'küçəsi', 'küç.', 'prospekti', 'pr.',
  'str.', 'street', 'st.', 'road', 'rd.', 'lane', 'avenue', 'ave.', 'drive', 'ulica', 'cesta', 'sokak', 'caddesi', 'br.', 'бр.'];
const HOUSE_NO = String.raw`(?:(?:no|nr|№|бр|br)\.?\s*)?\p{Nd}{1,4}(?:\s?[\p{L}](?![\p{L}]))?(?!\p{Nd})`;
const ADDRESS = String.raw`(?:(?:${anyCase(STREET_THEN_NAME)})\s*(?:[\p{L}\p{M}'’.-]+\s+){0,4}${HOUSE_NO}`
  + String.raw`|(?:${anyCase(STREET_THEN_NUMBER)})\s*(?:no\.?|#|№)?\s*\p{Nd}{1,4}(?!\p{Nd})`
  + String.raw`|\p{Nd}{1,4}(?:\s?(?:bis|ter|[A-Za-z]))?,?\s+(?:${anyCase(STREET_AFTER_NUMBER)})(?![\p{L}])(?:(?:\s+(?:de|du|des|la|le)){0,2}(?:\s+[dl]['’]|\s+)\p{Lu}[\p{L}\p{M}'’-]*)?`
  + String.raw`|\p{Nd}{1,4}[A-Za-z]?\s+(?:\p{Lu}[\p{L}'’-]*\s+){1,3}(?:Street|St\.|Road|Rd\.|Lane|Avenue|Ave\.|Drive|Way|Close|Court|Square)(?![\p{L}])`
  + String.raw`|(?:\p{Lu}[\p{L}\p{M}'’.-]*\s+){1,3}(?:${anyCase(STREET_AFTER_NAME)})\s*${HOUSE_NO})`;
const RESIDENCE_WORDS = [
  'lives at', 'lives in', 'lives on', 'living at', 'living in', 'lived at', 'resides at', 'resides in', 'residing at', 'residing in',
  'resident at', 'resident of', 'home address', 'private address', 'residential address', 'domiciled at', 'staying at',
  'habite au', 'habite à', 'habite', 'demeurant au', 'demeurant à', 'demeurant', 'domicilié au', 'domicilié à', 'domiciliée au',
  'domiciliée à', 'domicilié', 'domiciliée', 'réside au', 'réside à', 'adresse personnelle', 'adresse du domicile',
  'живее на', 'живее в', 'живущ на', 'живуща на', 'живущ в', 'живуща в', 'адрес на живеене', 'постоянен адрес', 'настоящ адрес',
  'домашен адрес', 'живее', 'живеe', 'lakik', 'lakcíme', 'lakcím', 'lakhelye', 'állandó lakcím', 'stanuje u', 'stanuje na', 'stanuje',
  'živi u', 'živi na', 'adresa stanovanja', 'prebivalište', 'yaşayır', 'yaşayış ünvanı', 'qeydiyyat ünvanı',
  'رہتا ہے', 'رہائش', 'يسكن في', 'يسكن', 'تسكن', 'عنوان السكن', 'محل الإقامة', 'থাকে', 'ঠিকানা',
];
const RESIDENCE = `(?:${anyCase(RESIDENCE_WORDS)})(?![\\p{L}])[\\s:,]{0,3}(?:(?:in|at|on|à|au|на|в|u|na|في)\\s+)?(?:\\p{Lu}[\\p{L}\\p{M}-]*,\\s*)?`;
const HOME_ADDRESS = new RegExp(String.raw`(?<![\p{L}])${RESIDENCE}(?:${ADDRESS})`, 'gu');
const ADDRESS_AFTER_NAME = new RegExp(String.raw`^[\s,;:(–-]{0,4}(?:${RESIDENCE})?(?:${ADDRESS})`, 'u');
const ID_AFTER_NAME = new RegExp(
  String.raw`^[\s,;:(#№-]{0,4}(?:(?:${anyCase(['id', 'egn', 'егн', 'jmbg', 'јмбг', 'cnic', 'nic', 'nid', 'pin', 'personal no', 'personal number'])})\.?[\s:#№-]{0,3})?([\p{Lu}\p{N}][\p{Lu}\p{N}-]{5,24})(?![\p{L}\p{N}])`,
  'u',
);

/** Spans of text that look like a person's name. */
function nameSpans(text: string): Span[] {
  const words: { w: string; start: number; end: number }[] = [];
  for (const m of all(WORD, text)) words.push({ w: m[0], start: m.index, end: m.index + m[0].length });
  const adjacent = (i: number) => {
    const a = words[i - 1];
    const b = words[i];
    return !!a && !!b && /^[ \t\u00a0]{1,2}$/.test(text.slice(a.end, b.start));
  };
  const bare = (w: string) => w.replace(/\.$/, '').toLowerCase();
  const spans: Span[] = [];
  for (let i = 0; i < words.length; i++) {
    const first = words[i]!;
    const key = bare(first.w);
    // A title or role, then capitalised words.
    const introduced = TITLES.has(key) ? 1 : ROLES.has(key) ? 2 : 0;
    let j = i + 1;
    while (j < words.length && j - i <= 4 && adjacent(j) && (isCapitalised(words[j]!.w) || isUpperWord(words[j]!.w))) j++;
    if (introduced && j - i - 1 >= introduced) {
      spans.push({ start: (introduced === 1 ? first : words[i + 1]!).start, end: words[j - 1]!.end });
      i = j - 1;
      continue;
    }
    // Arabic script: a listed given name and the next word (more may follow before a date of birth).
    if (isArabic(first.w) && GIVEN.has(first.w)) {
      let k = i + 1;
      while (k < words.length && k - i <= 1 && adjacent(k) && isArabic(words[k]!.w)) k++;
      if (k - i >= 2) {
        spans.push({ start: first.start, end: words[k - 1]!.end });
        i = k - 1;
      }
      continue;
    }
    // Two to four capitalised words, one a given name or the last with a surname ending.
    if (!isCapitalised(first.w) && !isUpperWord(first.w)) continue;
    let k = i + 1;
    while (k < words.length && k - i < 4 && adjacent(k) && (isCapitalised(words[k]!.w) || isUpperWord(words[k]!.w))) k++;
    const run = words.slice(i, k);
    // A sentence's first word before a name ("Ask Ivan Petrov") is not part of it.
    while (run.length > 2 && !GIVEN.has(bare(run[0]!.w)) && !SURNAME_ENDING.test(run[0]!.w.toLowerCase())) run.shift();
    if (run.length < 2) continue;
    const given = run.some((r) => GIVEN.has(bare(r.w)));
    const lastWord = run.at(-1)!.w;
    const surname = isCapitalised(lastWord) && lastWord.length >= 4 && SURNAME_ENDING.test(lastWord.toLowerCase());
    if (given || (surname && !run.every((r) => isUpperWord(r.w)))) {
      spans.push({ start: run[0]!.start, end: run.at(-1)!.end });
      i = k - 1;
    }
  }
  return spans;
}

/** End of the date of birth, address or ID-like number that follows a name ending at `end`, or -1. */
function personDetailEnd(text: string, masked: string, end: number): number {
  const after = text.slice(end, end + 90);
  if (!/\p{Nd}/u.test(after)) return -1; // each of them has a digit
  const dob = DOB_AFTER_NAME.exec(after) ?? ADDRESS_AFTER_NAME.exec(after);
  if (dob) return end + dob[0].length;
  const date = DATE_RIGHT_AFTER.exec(after);
  if (date) {
    const y = /\p{Nd}{4}/u.exec(date[1]!)?.[0] ?? /\p{Nd}{2}$/u.exec(date[1]!)?.[0];
    const year = y === undefined ? NaN : y.length === 2 ? (Number(y) > 25 ? 1900 : 2000) + Number(y) : Number(y);
    if (year >= 1900 && year <= 2012) return end + date[0].length;
  }
  const id = ID_AFTER_NAME.exec(masked.slice(end, end + 60));
  if (id && digitCount(id[1]!) >= 7) return end + id[0].length;
  return -1;
}

/** Where a person's name comes with a date of birth, an address or an ID number, and where a home
 *  address follows "lives at" and the like. `masked` is the text with dates, times and legal
 *  references blanked out (same length), used for ID-like numbers. */
export function findPersonSpans(text: string, masked: string): Span[] {
  const spans: Span[] = [];
  for (const name of nameSpans(text)) {
    const end = personDetailEnd(text, masked, name.end);
    if (end > 0) spans.push({ start: name.start, end });
  }
  for (const m of all(HOME_ADDRESS, text)) spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
}
