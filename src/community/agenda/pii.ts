// Personal-data detection for agenda suggestions (refused) and unanswered questions (masked).
//
// It is a law-enforcement community: a suggestion must not carry a phone number, an e-mail address,
// a bank account (IBAN), a passport / ID number, a person's name with a date of birth, an address or
// an ID number, a messenger handle, an IP address or a vehicle licence plate. The checks are
// heuristics, tuned to refuse little ordinary text (years, meeting numbers, dates, times, legal
// references such as "Regulation (EU) 2016/679", road and bus-route numbers, section numbers)
// while catching the usual ways these are written:
//
//  - e-mail: anything@domain.tld (Unicode letters allowed), and obfuscated forms: "ivan [at] mvr
//    [dot] bg", "ivan(at)mvr.bg", "ivan {at} mvr {dot} bg", "ivan @ mvr.bg", and with bare words
//    "ivan at mvr dot bg" / "jean arobase interieur point fr" when the last part is a known
//    top-level domain (so "look at it" and "available at europol.europa.eu" pass; "ivan.petrov at
//    mvr.bg", with a dot, digit or underscore in the name, is refused).
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
//    DNI/NIE with their check letter verified, machine-readable-zone lines (P<UTO...<<...), and
//    the Pakistani CNIC (35202-1234567-1).
//  - person: a name (see below) followed by a date of birth ("born 12.03.1985", "DOB 1990-01-02",
//    "né le 3 mars 1980", "роден на 12.03.1985", "szül. 1985. 03. 12.", or a full date with a year
//    before 2013 right after it: "Ivan Petrov, 12.03.1985"), by a street address right after it
//    ("Maria Ivanova, ul. Rakovski 12") or by an ID-like number of 7+ digits right after it; and a
//    street address after words saying someone lives there ("lives at 14 rue de la Paix", "живее
//    на ул. ...", "habite au ...", "lakik ..."), with or without a name. A name is two to four
//    capitalised words (Latin, Cyrillic) of which one is a common given name (./pii-names.ts) or
//    the last has a surname ending (-ov, -ova, -ev, -ski, -ska, -ić, -escu, -yan, -zade, -ов, -ска,
//    ...), or a capitalised word after a title (Mr, Dr, Inspector, г-н, M., Mme ...), or two after
//    a role (suspect, victim, witness ...); Arabic-script names when the first word is a listed
//    given name. A name alone passes, and so does an address without a name or a "lives at"
//    (a venue: "meeting at 14 rue de la Paix", "Dr Ivanova at ul. Rakovski 12").
//  - messenger handle: @name (letters, digits, _ and ., with a letter; not a bare "@", not an
//    e-mail, and not the broadcast mentions @channel @here @everyone @all @admins), and links to a
//    Telegram or WhatsApp account or group (t.me/..., telegram.me/..., wa.me/...). Handles of
//    platforms and agencies (@Europol, @TikTok) are refused too: the guard cannot tell them from a
//    person's; the name without "@" passes.
//  - IP address: dotted IPv4 (each part 0-255, optionally /prefix or :port) unless right after a
//    word like section, article, point, version, and IPv6 in full or "::" form (with a hex letter
//    or three groups: 2001:db8::1, fe80::1ff:fe23:4567:890a; "10::30" and "2001::1" pass).
//    "IPv6 migration" passes.
//  - licence plates, in these shapes (case-sensitive: plates are written in capitals):
//      Bulgaria     CA 1234 AB, СА 1234 АВ (the 12 letters shared by Latin and Cyrillic)
//      N. Macedonia SK 1234 AB (the region codes SK, BT, KU, OH ...; 3 or 4 digits)
//      France       AB-123-CD (SIV, no I, O, U)
//      Hungary      AA BB-123 (2022); ABC-123 (older) only near a vehicle word
//      Bosnia-H.    A12-B-345 (issued with A E J K M O T, Latin or Cyrillic; any capital taken);
//                   "A12 B 345" only near a vehicle word
//      Azerbaijan   10-AB-123; "10 AB 123" only near a vehicle word
//      Pakistan     LEA-1234, ABC 123, ABC-123 (2-3 letters, 3-4 digits) only near a vehicle word
//      Bangladesh   Dhaka Metro-GA 12-3456, ঢাকা মেট্রো-গ ১২-৩৪৫৬
//      Iraq         22 A 12345 (2022 unified plates: governorate code 11-29, a letter, up to 5
//                   digits; with 1-3 digits only near a vehicle word); older Arabic plates:
//                   governorate + category (خصوصي, أجرة, حمل) + number, or governorate + 5-6 digits
//    and, in any country, a code with 2+ digits after "plate", "registration number",
//    "immatriculation", "rendszám", "рег. номер", "registarske tablice", "لوحة" and the like.
//    Vehicle words: car, van, truck, lorry, bus, taxi, makes (Mercedes, BMW ...) and their
//    equivalents in the member languages, within 40 characters.
//
// Limits (by design; see also the tests): numbers written out in words, split by unusual
// characters or spread over several messages pass; purely numeric national ID numbers without a
// keyword pass unless they look like a phone number or follow a name; local phone numbers without
// a trunk 0 in other formats (e.g. Spanish 612 345 678) pass unless a phone keyword precedes them;
// IBANs of countries missing from the table pass; a product code shaped like a passport
// (AB1234567) or a plate (AB-123-CD) is refused; names in lower case, names written surname-comma-
// given-name, dates of birth before the name and addresses without a street word or house number
// pass. Dates (2026-12-10, 10.12.2026), times (10:00), year ranges (2023-2024) and legal references
// (2016/679) are masked before the number checks so they never count as digits.
//
// Every pattern is linear or bounded (no nested unbounded repetition, word-start look-behinds), so
// a long text costs little; the tests run a 10,000-character input.

import { findPersonSpans } from './pii-person.ts';

export type PersonalDataKind =
  | 'phone'
  | 'email'
  | 'iban'
  | 'id-document'
  | 'person'
  | 'handle'
  | 'ip-address'
  | 'licence-plate';

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
  person: "a person's name with a date of birth, an address or an ID number (or a home address)",
  handle: 'a messenger handle or link',
  'ip-address': 'an IP address',
  'licence-plate': 'a vehicle licence plate',
};

/** What redactPersonalData puts in place of a finding: "[<marker> removed]". */
const MARKER: Record<PersonalDataKind, string> = {
  phone: 'phone number',
  email: 'e-mail address',
  iban: 'bank account number (IBAN)',
  'id-document': 'passport or ID number',
  person: 'personal details',
  handle: 'messenger handle',
  'ip-address': 'IP address',
  'licence-plate': 'licence plate',
};

const KIND_ORDER: readonly PersonalDataKind[] = ['phone', 'email', 'iban', 'id-document', 'person', 'handle', 'ip-address', 'licence-plate'];

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
const MRZ = /(?<![A-Z<])P[<A-Z][A-Z<]{3}[A-Z<]*<<[A-Z<]{5,}|[A-Z0-9<]{9}\d[A-Z<]{3}\d{6}[0-9<][MF<]\d{6}/gu;

const B = String.raw`(?<![\p{L}\p{N}])`; // not inside a word or number
const E = String.raw`(?![\p{L}\p{N}])`;
const altern = (words: readonly string[]) => words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+')).join('|');

// --- e-mail ---------------------------------------------------------------------------------------

const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// Obfuscated: "at" in brackets, a spaced "@" or the bare word "at"; "dot" in brackets, bare or a real dot.
const BR_AT = String.raw`\s*[[({<]\s*(?:at|@|arobase)\s*[\])}>]\s*`;
const WORD_AT = String.raw`\s+(?:at|arobase)\s+`;
const SPACED_AT = String.raw`\s*@\s+`; // "ivan @ mvr.bg"; "by @name" is a handle
const DOT = String.raw`\s*[[({<]\s*(?:dot|\.|point)\s*[\])}>]\s*|\s+(?:dot|point)\s+|\.`;
const EMAIL_OBFUSCATED = new RegExp(
  String.raw`(?<![\p{L}\p{N}._%+-])([\p{L}\p{N}._%+-]+)(${BR_AT}|${WORD_AT}|${SPACED_AT})([\p{L}\p{N}-]+(?:(?:${DOT})[\p{L}\p{N}-]+)+)`,
  'giu',
);
const TLDS = new Set(
  ('bg mk ba hu fr az pk bd iq rs hr si me al xk ro gr tr cy de at ch nl be lu it es pt pl cz sk ua md ru by ge am uk ie eu ' +
    'se no dk fi ee lv lt is mt com org net gov int edu info mil biz io co ae sa jo lb eg ir af in lk np id th my ph vn sg ' +
    'au nz jp kr cn us ca gouv police').split(' '),
);
const NOT_A_DOMAIN = new Set(['it', 'the', 'a', 'an', 'this', 'that', 'them', 'him', 'her', 'me', 'us', 'you', 'home', 'least', 'most', 'all']);

/** End of an obfuscated address in m (relative to the text), or -1 if it is not one. */
function obfuscatedEmailEnd(m: RegExpExecArray): number {
  const [, local = '', at = '', domain = ''] = m;
  const wordAt = /^\s+(?:at|arobase)\s+$/i.test(at);
  const parts = domain.split(new RegExp(`(${DOT})`, 'iu')); // label, separator, label, ...
  const firstLabel = (parts[0] ?? '').toLowerCase();
  // Where each prefix ends, and whether an obfuscated dot came before it.
  let length = 0;
  let obfuscatedDot = false;
  let best = -1;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    length += part.length;
    if (i % 2 === 1) {
      obfuscatedDot ||= part !== '.';
      continue;
    }
    const tld = part.toLowerCase();
    if (i === 0 || !/^\p{L}{2,}$/u.test(tld)) continue;
    // The longest prefix that ends in a plausible top-level domain ("... dot bg point of view").
    if (wordAt && (!TLDS.has(tld) || NOT_A_DOMAIN.has(firstLabel) || (!obfuscatedDot && !/[._%+\d]/.test(local)))) continue;
    best = length;
  }
  return best < 0 ? -1 : m.index + local.length + at.length + best;
}

// --- messenger handles ---------------------------------------------------------------------------

const HANDLE = /(?<![\p{L}\p{N}._%+@-])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,30}[A-Za-z0-9_])?)(?![A-Za-z0-9_@])/gu;
const BROADCAST_MENTIONS = new Set(['channel', 'here', 'everyone', 'all', 'admins']);
const MESSENGER_LINK = /(?<![\p{L}\p{N}.@/-])(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog|wa\.me)\/[A-Za-z0-9_+/-]{3,64}/giu;

// --- IP addresses --------------------------------------------------------------------------------

const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4 = new RegExp(String.raw`(?<![\p{L}\p{N}.])${OCTET}(?:\.${OCTET}){3}(?:\/\d{1,2}|:\d{1,5})?(?![\p{N}]|\.\p{N})`, 'gu');
const NUMBERING_WORD = /(?:section|sect\.|§|article|art\.|paragraph|para\.?|chapter|ch\.|clause|point|item|annex|rule|version|ver\.|release|step|table|figure|fig\.|no\.|nr\.|член|чл\.|точка|cikk|pont|član|članak|tačka)\s*$/iu;
const HEX = '[0-9A-Fa-f]{1,4}';
const IPV6 = new RegExp(
  String.raw`(?<![\p{L}\p{N}:])(?:${HEX}(?::${HEX}){7}|(?:${HEX}(?::${HEX}){0,6})?::(?:${HEX}(?::${HEX}){0,6})?)(?:(?:\.\d{1,3}){3})?(?:\/\d{1,3})?(?![\p{L}\p{N}:])`,
  'gu',
);

// --- licence plates ------------------------------------------------------------------------------

const BG_LETTERS = 'ABEKMHOPCTYXАВЕКМНОРСТУХ';
const BA_LETTERS = 'АЕЈКМОТ'; // Cyrillic forms of the letters Bosnian plates use
const MK_REGIONS = 'BE BT DB DE DH GE GV KA KI KO KP KS KU NE OH PP RA RE SK SN SR ST ŠT SU TE VE VI VV'.split(' ');
const IQ_GOVERNORATES = [
  'بغداد', 'نينوى', 'ميسان', 'البصرة', 'بصرة', 'الأنبار', 'الانبار', 'القادسية', 'الديوانية', 'المثنى', 'بابل', 'كربلاء',
  'ديالى', 'السليمانية', 'أربيل', 'اربيل', 'حلبجة', 'دهوك', 'كركوك', 'صلاح الدين', 'ذي قار', 'النجف', 'واسط',
];
interface PlateRule { re: RegExp; nearVehicle?: boolean }
const PLATES: PlateRule[] = [
  // Bulgaria: region (1-2 letters) 4 digits 2 letters, letters shared by Latin and Cyrillic
  { re: new RegExp(String.raw`${B}[${BG_LETTERS}]{1,2} ?\d{4} ?[${BG_LETTERS}]{2}${E}`, 'gu') },
  // North Macedonia: region code, 3-4 digits, 1-2 letters
  { re: new RegExp(String.raw`${B}(?:${MK_REGIONS.join('|')})[ -]?\d{3,4}[ -]?[A-Z]{1,2}${E}`, 'gu') },
  // France (SIV, since 2009): AB-123-CD
  { re: new RegExp(String.raw`${B}[A-HJ-NP-TV-Z]{2}[- ]\d{3}[- ][A-HJ-NP-TV-Z]{2}${E}`, 'gu') },
  // Hungary (since 2022): AA BB-123
  { re: new RegExp(String.raw`${B}[A-Z]{2} [A-Z]{2}-\d{3}${E}`, 'gu') },
  // Bosnia and Herzegovina: A12-B-345 (issued with A E J K M O T; any capital accepted), with
  // spaces only near a vehicle word
  { re: new RegExp(String.raw`${B}[A-Z${BA_LETTERS}]\d{2}-[A-Z${BA_LETTERS}]-\d{3}${E}`, 'gu') },
  { re: new RegExp(String.raw`${B}[A-Z${BA_LETTERS}]\d{2} [A-Z${BA_LETTERS}] \d{3}${E}`, 'gu'), nearVehicle: true },
  // Azerbaijan: 10-AB-123 (with spaces only near a vehicle word)
  { re: new RegExp(String.raw`${B}\d{2}-[A-Z]{2}-\d{3}${E}`, 'gu') },
  { re: new RegExp(String.raw`${B}\d{2} [A-Z]{2} \d{3}${E}`, 'gu'), nearVehicle: true },
  // Bangladesh: Dhaka Metro-GA 12-3456, in Latin or Bengali script
  { re: new RegExp(String.raw`${B}\p{Lu}\p{Ll}+(?: Metro)? ?- ?[A-Z][A-Za-z]{0,2} ?\d{2} ?- ?\d{4}${E}`, 'gu') },
  { re: /[\u0980-\u09FF]+(?: মেট্রো)? ?- ?[\u0980-\u09FF]{1,3} ?[০-৯0-9]{2} ?- ?[০-৯0-9]{4}(?![০-৯0-9])/gu },
  // Iraq (unified plates, 2022/2024): governorate code 11-29, a letter, up to 5 digits
  { re: new RegExp(String.raw`${B}(?:1[1-9]|2\d) ?[A-Z] ?\d{4,5}${E}`, 'gu') },
  { re: new RegExp(String.raw`${B}(?:1[1-9]|2\d) [A-Z] \d{1,3}${E}`, 'gu'), nearVehicle: true },
  // Iraq (older, Arabic): governorate, category (private, taxi, cargo) and number, or 5-6 digits
  { re: new RegExp(String.raw`(?:${IQ_GOVERNORATES.join('|')})\s*(?:(?:خصوصي|أجرة|اجرة|حمل)\s*\p{Nd}{1,6}|\p{Nd}{5,6})(?!\p{Nd})`, 'gu') },
  // Hungary (before 2022) ABC-123, Pakistan LEA-1234 / ABC 123: only near a vehicle word
  { re: new RegExp(String.raw`${B}[A-Z]{2,3}[- ]\d{3,4}${E}`, 'gu'), nearVehicle: true },
];
const PLATE_KEYWORD = new RegExp(
  String.raw`(?<![\p{L}])(?:(?:number|licen[cs]e|registration|reg\.?)\s+plates?|plates?|registration\s+(?:no\.?|number|mark)|reg\.?\s*no\.?|immatricul\p{L}*|plaque|rendsz[aá]m\p{L}*|рег(?:истрационен|\.)\s*(?:№|номер)|регистарск\p{L}*\s+(?:таблиц\p{L}*|број|ознак\p{L}*)|registarsk\p{L}*\s+(?:tablic\p{L}*|broj|oznak\p{L}*)|tablic[ae]|nömrə\s+nişanı|dövlət\s+nömrə\p{L}*|لوحة|رقم\s+(?:اللوحة|السيارة)|نمبر\s+پلیٹ|নম্বর\s+প্লেট)(?![\p{L}])`
  + String.raw`[\s:#№.-]{0,4}(?:(?:no|nr|number|№)\.?[\s:#-]{0,3})?`,
  'giu',
);
// The code after the keyword: capitals, other-script letters and digits (not case-insensitive:
// with the `i` flag \p{Lu} would take lower-case words too).
const PLATE_CODE = /[\p{Lu}\p{Lo}\p{N}]+(?:[\s-][\p{Lu}\p{Lo}\p{N}]+){0,3}/uy;
const VEHICLE_WORDS = [
  'car', 'cars', 'vehicle', 'vehicles', 'van', 'vans', 'minivan', 'minibus', 'bus', 'coach', 'truck', 'trucks', 'lorry', 'lorries',
  'hgv', 'trailer', 'taxi', 'motorbike', 'motorcycle', 'suv', 'jeep', 'pick-up', 'pickup', 'plate', 'plates', 'registration',
  'mercedes', 'bmw', 'audi', 'vw', 'volkswagen', 'opel', 'ford', 'toyota', 'renault', 'peugeot', 'citroën', 'citroen', 'skoda',
  'škoda', 'dacia', 'fiat', 'hyundai', 'kia', 'lada', 'nissan', 'volvo', 'iveco', 'scania', 'suzuki', 'honda',
  'кола', 'колата', 'автомобил', 'автомобила', 'бус', 'буса', 'камион', 'камиона', 'мпс', 'возило', 'возилото', 'комби',
  'voiture', 'véhicule', 'camion', 'camionnette', 'fourgon', 'fourgonnette', 'autó', 'autó', 'gépjármű', 'gépkocsi',
  'kisbusz', 'kamion', 'furgon', 'vozilo', 'vozila', 'automobil', 'auto', 'kombi', 'maşın', 'avtomobil', 'nömrə',
  'گاڑی', 'ٹرک', 'سيارة', 'السيارة', 'سيارات', 'مركبة', 'شاحنة', 'গাড়ি', 'ট্রাক',
];
const VEHICLE_NEAR = new RegExp(String.raw`(?<![\p{L}])(?:${altern(VEHICLE_WORDS)})(?![\p{L}])`, 'iu');
/** Prefixes of standards and document series that take the shape "ABC 1234" (ISO 9001, EN 1090). */
const NOT_A_PLATE = /^(?:ISO|IEC|EN|CEN|DIN|RFC|CVE|UN|EU|EC|COM|SWD|ECE|SDG|COP|ICAO|IMO|NIS|PDF|ETS|NATO|OSCE|ECHR|GDPR)[- ]/;
const nearVehicle = (text: string, start: number, end: number) =>
  VEHICLE_NEAR.test(text.slice(Math.max(0, start - 40), start)) || VEHICLE_NEAR.test(text.slice(end, end + 40));

const CNIC = /(?<![\p{L}\p{N}~-])\d{5}-\d{7}-\d(?![\p{N}~-])/gu;

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
  const addMatch = (kind: PersonalDataKind, m: RegExpExecArray) => add(kind, m.index, m.index + m[0].length);

  for (const m of all(EMAIL, text)) addMatch('email', m);
  for (const m of all(EMAIL_OBFUSCATED, text)) {
    const end = obfuscatedEmailEnd(m);
    if (end > 0) add('email', m.index, end);
  }

  for (const m of all(MESSENGER_LINK, text)) addMatch('handle', m);
  for (const m of all(HANDLE, text)) {
    const name = m[1]!;
    if (/[A-Za-z]/.test(name) && !BROADCAST_MENTIONS.has(name.toLowerCase()) && !/^\d{1,2}(?:am|pm|h\d*)$/i.test(name)) addMatch('handle', m);
  }

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

  for (const m of all(IPV6, text)) {
    // "::" forms need a hex letter or three groups, so that "10::30" passes.
    if (!m[0].includes('::') || /[a-f]/i.test(m[0]) || m[0].split(/:+/).filter(Boolean).length >= 3) addMatch('ip-address', m);
  }
  for (const m of all(IPV4, text)) if (!NUMBERING_WORD.test(text.slice(Math.max(0, m.index - 20), m.index))) addMatch('ip-address', m);

  const masked = maskHarmlessNumbers(text);

  for (const m of all(ID_KEYWORD, masked)) {
    const code = m[1]!;
    const digits = digitCount(code);
    // A code with 5+ digits (letters allowed), not a plain year or count with a unit after it.
    if (digits >= 5 && !/^(?:19|20)\d{2}$/.test(code)) addMatch('id-document', m);
  }
  for (const re of PASSPORT_SHAPES) for (const m of all(re, masked)) addMatch('id-document', m);
  for (const m of all(DNI, masked)) if (dniOk(m[0])) addMatch('id-document', m);
  for (const m of all(MRZ, masked)) addMatch('id-document', m);
  for (const m of all(CNIC, masked)) addMatch('id-document', m);

  for (const m of all(PHONE_INTL, masked)) {
    const d = digitCount(m[0]) - (m[0].startsWith('00') ? 2 : 0);
    if (d >= 8 && d <= 15) addMatch('phone', m);
  }
  for (const m of all(PHONE_TRUNK, masked)) {
    const d = digitCount(m[0]);
    if (d >= 9 && d <= 12) addMatch('phone', m);
  }
  for (const m of all(PHONE_NANP, masked)) addMatch('phone', m);
  for (const m of all(PHONE_KEYWORD, masked)) {
    if (digitCount(m[1]!) >= 7) addMatch('phone', m);
  }

  for (const rule of PLATES) {
    for (const m of all(rule.re, text)) {
      if (rule.nearVehicle && (NOT_A_PLATE.test(m[0]) || !nearVehicle(text, m.index, m.index + m[0].length))) continue;
      addMatch('licence-plate', m);
    }
  }
  for (const m of all(PLATE_KEYWORD, text)) {
    PLATE_CODE.lastIndex = m.index + m[0].length;
    const code = PLATE_CODE.exec(text)?.[0] ?? '';
    const digits = (code.match(/\p{Nd}/gu) ?? []).length;
    if (digits >= 2 && !/^(?:19|20)\d{2}$/.test(code)) add('licence-plate', m.index, PLATE_CODE.lastIndex);
  }

  for (const span of findPersonSpans(text, masked)) add('person', span.start, span.end);

  return found.sort((a, b) => a.start - b.start);
}

/** The distinct kinds found, in a fixed order (for messages). */
export function personalDataKinds(text: string): PersonalDataKind[] {
  const kinds = new Set(findPersonalData(text).map((f) => f.kind));
  return KIND_ORDER.filter((k) => kinds.has(k));
}

/** The text with every finding replaced by a marker such as "[phone number removed]". */
export function redactPersonalData(text: string): string {
  const found = findPersonalData(text);
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + `[${MARKER[f.kind]} removed]`;
    at = f.end;
  }
  return out + text.slice(at);
}
