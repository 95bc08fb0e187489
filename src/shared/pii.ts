// Personal-data detection for agenda suggestions (refused) and unanswered questions (masked).
//
// It is a law-enforcement community: a suggestion must not carry a phone number, an e-mail address,
// a bank account (IBAN) or a passport / ID number. The checks are heuristics, tuned to refuse
// little ordinary text (years, meeting numbers, dates, times, legal references such as
// "Regulation (EU) 2016/679") while catching the usual ways these are written:
//
//  - e-mail: anything@domain.tld (Unicode letters allowed), and "name [at] domain [dot] org".
//  - phone: international numbers (+ or 00, 8 to 15 digits, any of space . - / () between digits);
//    local numbers with a trunk 0 (9 to 12 digits: 0612345678, 06 12 34 56 78, (020) 7946 0958,
//    030/1234567, 0888 123 456); North-American 555-123-4567 / (555) 123-4567; and any run of
//    7 or more digits right after a word such as phone, tel, mobile, WhatsApp, Signal, fax.
//  - IBAN: two letters, two check digits, the country's exact length (table below), and the
//    ISO 13616 mod-97 checksum, so random letter/digit strings are not taken for one.
//  - passport / ID numbers: (a) a word such as passport, ID card, identity number, DNI, EGN, PESEL
//    directly followed (only "no", "number", ":" or "#" between) by a code with 5+ digits;
//    (b) without a keyword, the shapes passports typically take: 1-3 capital letters then 6-9
//    digits (AB1234567, PAA123456), 2 digits + 2 letters + 5 digits (French 12AB34567), Spanish
//    DNI/NIE with their check letter verified, and machine-readable-zone lines (P<UTO...<<...).
//
// Limits (by design; see also the tests): numbers written out in words, split by unusual
// characters or spread over several messages pass; purely numeric national ID numbers without a
// keyword pass unless they look like a phone number; local phone numbers without a trunk 0 in
// other formats (e.g. Spanish 612 345 678) pass unless a phone keyword precedes them; IBANs of
// countries missing from the table pass; a product code shaped like a passport (AB1234567) is
// refused. Dates (2026-12-10, 10.12.2026), times (10:00), year ranges (2023-2024) and legal
// references (2016/679) are masked before the number checks so they never count as digits.

export type PersonalDataKind = 'phone' | 'email' | 'iban' | 'id-document';

export interface PersonalDataFinding {
  kind: PersonalDataKind;
  start: number;
  end: number;
}

export const PERSONAL_DATA_LABEL: Record<PersonalDataKind, string> = {
  phone: 'a phone number',
  email: 'an e-mail address',
  iban: 'a bank account number (IBAN)',
  'id-document': 'a passport or ID number',
};

// IBAN lengths by country (ISO 13616 registry, the countries in SWIFT's IBAN registry).
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 = 1. */
export function ibanChecksumOk(iban: string): boolean {
  const s = iban.toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const val = code >= 65 ? String(code - 55) : ch;
    for (const d of val) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
function dniOk(s: string): boolean {
  const m = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(s);
  if (!m) return false;
  const prefix = m[1] ? String('XYZ'.indexOf(m[1])) : '';
  const num = Number(prefix + m[2]);
  return DNI_LETTERS[num % 23] === m[3];
}

const digitCount = (s: string) => (s.match(/\d/g) ?? []).length;

/** Replaces dates, times, year ranges and legal references with same-length filler so that
 *  their digits never add up to a phone or ID number; indexes stay valid. */
function maskHarmlessNumbers(text: string): string {
  const fill = (m: string) => m.replace(/\d/g, '~');
  return (
    text
      // ISO dates and date-times: 2026-12-10, 2026-12-10T10:00
      .replace(/(?<![\d~])\d{4}-\d{1,2}-\d{1,2}(?![\d~])/g, fill)
      // 10.12.2026, 10/12/26, 10-12-2026 (not when more digit groups follow, as in 06.12.34.56.78)
      .replace(/(?<![\d~./-])\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?![\d~]|[./-]\d)/g, fill)
      // times 10:00, 9:30:15
      .replace(/(?<![\d~])\d{1,2}:\d{2}(?::\d{2})?(?![\d~])/g, fill)
      // year ranges 2023-2024, 2023/24, 2023 – 2024
      .replace(/(?<![\d~])(?:19|20)\d{2}\s?[-–/]\s?(?:19|20)?\d{2}(?![\d~])/g, fill)
      // legal references: 2016/679, (EU) 2019/1157, No 1234/2010
      .replace(/(?<![\d~])\d{2,4}\/\d{1,4}(?:\/[A-Z]{2,4})?(?![\d~])/g, fill)
  );
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const EMAIL_OBFUSCATED = /[\p{L}\p{N}._%+-]+\s*[[(]\s*at\s*[\])]\s*[\p{L}\p{N}-]+(?:\s*[[(]\s*dot\s*[\])]\s*[\p{L}\p{N}-]+)+/giu;

const SEP = String.raw`[\s.\-/()\u2010-\u2015]`;
const PHONE_INTL = new RegExp(String.raw`(?<![\p{L}\p{N}+~])(?:\+|00)\s?\(?\d(?:${SEP}{0,2}\d){6,16}(?![\p{N}~])`, 'gu');
const PHONE_TRUNK = new RegExp(String.raw`(?<![\p{L}\p{N}~.,])\(?0\d(?:${SEP}{0,2}\d){7,11}(?![\p{N}~])`, 'gu');
const PHONE_NANP = /(?<![\p{L}\p{N}~])(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\p{N}~])/gu;
const PHONE_KEYWORD = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:phone|telephone|tel|mobile|mob|cell|gsm|whats\s?app|signal|viber|fax|call\s+me(?:\s+on|\s+at)?|telefon|t[ée]l[ée]phone|t[ée]l|tel[ée]fono|telefone|телефон|тел|هاتف|جوال)(?![\p{L}])\.?\s*(?:no\.?|nr\.?|number|n°|#)?\s*[:\-]?\s*(\+?\(?\d(?:${SEP}{0,2}\d){6,16})`,
  'giu',
);

const IBAN = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]){11,32}/gu;

const ID_KEYWORD = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:passports?|passeport|pasaporte|passaporto|reisepass|paszport|pasaport|паспорт|جواز(?:\s+السفر)?|id(?:entity)?[\s-]*(?:card|document|number|no\.?|nr\.?)|identity|national\s+id|personal\s+id|personalausweis|ausweis(?:nummer)?|carte\s+d['’]identit[ée]|cni|dni|nie|nif|egn|егн|pesel|bsn|cnp|oib|jmbg|emšo|personnummer|henkilötunnus|codice\s+fiscale|social\s+security(?:\s+number)?|ssn|driv(?:ing|er['’]?s)\s+licen[cs]e|licen[cs]e)(?![\p{L}])`
  + String.raw`\s*(?:(?:no\.?|nr\.?|number|num\.?|n°|№|#)\s*)?[:\-]?\s*((?=[A-Za-z]{0,3}[ \-]?\d)[A-Za-z0-9](?:[ \-/]?[A-Za-z0-9]){4,19})`,
  'giu',
);
const PASSPORT_SHAPES = [
  /(?<![\p{L}\p{N}])[A-Z]{1,3}\d{6,9}(?![\p{L}\p{N}])/gu,
  /(?<![\p{L}\p{N}])\d{2}[A-Z]{2}\d{5}(?![\p{L}\p{N}])/gu,
];
const DNI = /(?<![\p{L}\p{N}])[XYZ]?\d{7,8}[A-Z](?![\p{L}\p{N}])/gu;
const MRZ = /P[<A-Z][A-Z<]{3}[A-Z<]*<<[A-Z<]{5,}|[A-Z0-9<]{9}\d[A-Z<]{3}\d{6}[0-9<][MF<]\d{6}/gu;

function* all(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    yield m;
    if (m[0].length === 0) re.lastIndex++;
  }
}

/** Finds personal data in a text. Returns the kinds and where they are (never logs or echoes them). */
export function findPersonalData(text: string): PersonalDataFinding[] {
  const found: PersonalDataFinding[] = [];
  const add = (kind: PersonalDataKind, start: number, end: number) => {
    if (!found.some((f) => f.start < end && start < f.end)) found.push({ kind, start, end });
  };

  for (const re of [EMAIL, EMAIL_OBFUSCATED]) for (const m of all(re, text)) add('email', m.index, m.index + m[0].length);

  // IBAN before phones and IDs: its digits would otherwise look like either.
  for (const m of all(IBAN, text)) {
    const country = m[0].slice(0, 2).toUpperCase();
    const len = IBAN_LENGTHS[country];
    if (!len) continue;
    // The match may run into following words: take exactly the country's length of characters.
    let compact = '';
    let end = m.index;
    for (let i = 0; i < m[0].length && compact.length < len; i++) {
      const ch = m[0][i]!;
      if (/[A-Za-z0-9]/.test(ch)) compact += ch;
      end = m.index + i + 1;
    }
    if (compact.length === len && ibanChecksumOk(compact)) add('iban', m.index, end);
  }

  const masked = maskHarmlessNumbers(text);

  for (const m of all(ID_KEYWORD, masked)) {
    const code = m[1]!;
    const digits = digitCount(code);
    // A code with 5+ digits (letters allowed), not a plain year or count with a unit after it.
    if (digits >= 5 && !/^(?:19|20)\d{2}$/.test(code)) add('id-document', m.index, m.index + m[0].length);
  }
  for (const re of PASSPORT_SHAPES) for (const m of all(re, masked)) add('id-document', m.index, m.index + m[0].length);
  for (const m of all(DNI, masked)) if (dniOk(m[0])) add('id-document', m.index, m.index + m[0].length);
  for (const m of all(MRZ, masked)) add('id-document', m.index, m.index + m[0].length);

  for (const m of all(PHONE_INTL, masked)) {
    const d = digitCount(m[0]) - (m[0].startsWith('00') ? 2 : 0);
    if (d >= 8 && d <= 15) add('phone', m.index, m.index + m[0].length);
  }
  for (const m of all(PHONE_TRUNK, masked)) {
    const d = digitCount(m[0]);
    if (d >= 9 && d <= 12) add('phone', m.index, m.index + m[0].length);
  }
  for (const m of all(PHONE_NANP, masked)) add('phone', m.index, m.index + m[0].length);
  for (const m of all(PHONE_KEYWORD, masked)) {
    if (digitCount(m[1]!) >= 7) add('phone', m.index, m.index + m[0].length);
  }

  return found.sort((a, b) => a.start - b.start);
}

/** The distinct kinds found, in a fixed order (for messages). */
export function personalDataKinds(text: string): PersonalDataKind[] {
  const kinds = new Set(findPersonalData(text).map((f) => f.kind));
  return (['phone', 'email', 'iban', 'id-document'] as const).filter((k) => kinds.has(k));
}

/** The text with every finding replaced by a marker such as "[phone number removed]". */
export function redactPersonalData(text: string): string {
  const found = findPersonalData(text);
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + `[${PERSONAL_DATA_LABEL[f.kind].replace(/^an? /, '')} removed]`;
    at = f.end;
  }
  return out + text.slice(at);
}
