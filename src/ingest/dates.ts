// Dates as meeting summaries write them, with how precisely they are known: "4 May 2023",
// "May 4th, 2023", "29 and 30 April 2024", "26-27 October 2022", "14 May - 2 June 2013",
// "September or October 2023", "autumn 2023", "2023-05-04", "04.05.2023".

export type Precision = 'day' | 'month' | 'season' | 'year';

export interface FoundDate {
  start: string;
  end?: string;
  precision: Precision;
  /** how the text says it, kept for vague dates ("September or October 2023", "autumn 2023") */
  label?: string;
  index: number;
  text: string;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const D = '(\\d{1,2})(?:st|nd|rd|th)?';
const Y = '((?:19|20)\\d{2})';
const SEP = '\\s*(?:-|–|—|to|and|&|until)\\s*';
const SEASONS: Record<string, number> = { spring: 3, summer: 6, autumn: 9, fall: 9, winter: 12 };

const pad = (n: number) => String(n).padStart(2, '0');
const month = (s: string): number => MONTHS.findIndex((m) => m.startsWith(s.toLowerCase().replace(/\.$/, '').slice(0, 3))) + 1;
const ymd = (y: string | number, m: number, d?: string | number) => `${y}-${pad(m)}${d !== undefined ? `-${pad(Number(d))}` : ''}`;
const valid = (m: number, d?: string) => m >= 1 && m <= 12 && (d === undefined || (Number(d) >= 1 && Number(d) <= 31));

interface Rule {
  re: RegExp;
  make(m: RegExpExecArray): Omit<FoundDate, 'index' | 'text'> | undefined;
}

const RULES: Rule[] = [
  // 14 May - 2 June 2013
  {
    re: new RegExp(`\\b${D}\\s+${MONTH}${SEP}${D}\\s+${MONTH},?\\s+${Y}\\b`, 'gi'),
    make: (m) => {
      const [a, b] = [month(m[2]!), month(m[4]!)];
      return valid(a, m[1]) && valid(b, m[3]) ? { start: ymd(m[5]!, a, m[1]), end: ymd(m[5]!, b, m[3]), precision: 'day' } : undefined;
    },
  },
  // 29 and 30 April 2024, 26-27 October 2022
  {
    re: new RegExp(`\\b${D}${SEP}${D}\\s+${MONTH},?\\s+${Y}\\b`, 'gi'),
    make: (m) => {
      const mo = month(m[3]!);
      return valid(mo, m[1]) && valid(mo, m[2]) ? { start: ymd(m[4]!, mo, m[1]), end: ymd(m[4]!, mo, m[2]), precision: 'day' } : undefined;
    },
  },
  // 4 May 2023, 04 May 2023, 4th of May 2023
  {
    re: new RegExp(`\\b${D}\\s+(?:of\\s+)?${MONTH},?\\s+${Y}\\b`, 'gi'),
    make: (m) => {
      const mo = month(m[2]!);
      return valid(mo, m[1]) ? { start: ymd(m[3]!, mo, m[1]), precision: 'day' } : undefined;
    },
  },
  // May 29-30, 2024
  {
    re: new RegExp(`\\b${MONTH}\\s+${D}${SEP}${D},?\\s+${Y}\\b`, 'gi'),
    make: (m) => {
      const mo = month(m[1]!);
      return valid(mo, m[2]) && valid(mo, m[3]) ? { start: ymd(m[4]!, mo, m[2]), end: ymd(m[4]!, mo, m[3]), precision: 'day' } : undefined;
    },
  },
  // May 4th, 2023
  {
    re: new RegExp(`\\b${MONTH}\\s+${D},?\\s+${Y}\\b`, 'gi'),
    make: (m) => {
      const mo = month(m[1]!);
      return valid(mo, m[2]) ? { start: ymd(m[3]!, mo, m[2]), precision: 'day' } : undefined;
    },
  },
  // 2023-05-04
  {
    re: /\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b/g,
    make: (m) => (valid(Number(m[2]), m[3]) ? { start: ymd(m[1]!, Number(m[2]), m[3]), precision: 'day' } : undefined),
  },
  // 04.05.2023, 04/05/2023 (day first, as in Europe)
  {
    re: /\b(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d{2})\b/g,
    make: (m) => (valid(Number(m[2]), m[1]) ? { start: ymd(m[3]!, Number(m[2]), m[1]), precision: 'day' } : undefined),
  },
  // September or October 2023, September-October 2023
  {
    re: new RegExp(`\\b${MONTH}\\s*(?:or|-|–|to|and|/)\\s*${MONTH},?\\s+${Y}\\b`, 'gi'),
    make: (m) => {
      const [a, b] = [month(m[1]!), month(m[2]!)];
      if (!valid(a) || !valid(b)) return undefined;
      return { start: ymd(m[3]!, a), end: ymd(m[3]!, b), precision: 'month', label: m[0].replace(/\s+/g, ' ').trim() };
    },
  },
  // May 2023
  {
    re: new RegExp(`\\b${MONTH},?\\s+${Y}\\b`, 'gi'),
    make: (m) => {
      const mo = month(m[1]!);
      if (!valid(mo) || (m[1]!.length < 3 && m[1]!.toLowerCase() !== 'may')) return undefined;
      return { start: ymd(m[2]!, mo), precision: 'month' };
    },
  },
  // autumn 2023, early 2024
  {
    re: new RegExp(`\\b(?:(early|mid|late)[- ])?(spring|summer|autumn|fall|winter)\\s+(?:of\\s+)?${Y}\\b`, 'gi'),
    make: (m) => {
      const s = SEASONS[m[2]!.toLowerCase()]!;
      const y = Number(m[3]);
      const endM = s + 2 > 12 ? s + 2 - 12 : s + 2;
      const endY = s + 2 > 12 ? y + 1 : y;
      return { start: ymd(y, s), end: ymd(endY, endM), precision: 'season', label: m[0].replace(/\s+/g, ' ').trim() };
    },
  },
];

/** Every date in a text, left to right; where two readings overlap the longer (more precise) one wins. */
export function findDates(text: string): FoundDate[] {
  const found: FoundDate[] = [];
  for (const rule of RULES) {
    for (const m of text.matchAll(rule.re)) {
      const exec = m as unknown as RegExpExecArray;
      const d = rule.make(exec);
      if (!d) continue;
      const index = m.index;
      const end = index + m[0].length;
      if (found.some((f) => index < f.index + f.text.length && f.index < end)) continue;
      found.push({ ...d, index, text: m[0] });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** A year alone ("2024"), for a "Date:" line that gives no more. */
export function yearOnly(text: string): FoundDate | undefined {
  const m = /\b((?:19|20)\d{2})\b/.exec(text);
  return m ? { start: m[1]!, precision: 'year', index: m.index, text: m[0] } : undefined;
}
