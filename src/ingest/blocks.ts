// The common shape every reader (txt, md, docx, pdf) turns a document into: headings, list items
// and paragraphs in reading order. Everything after that (sections, kinds, the meeting record) works
// on blocks only, so a new format needs just a reader.

export type Block =
  /** level 1 = the biggest heading the reader saw (a document title is a level-1 heading too) */
  | { type: 'heading'; text: string; level: number }
  /** a bullet or numbered item; depth 0 = top level */
  | { type: 'item'; text: string; depth: number }
  | { type: 'para'; text: string };

/** Bullet glyphs seen in documents (Word's Symbol-font bullets come out as private-use characters). */
const BULLET_CHARS = '•◦▪▫■□●○‣⁃∙·➢➤►▶✓✔❖◆◇–—\u2013\u2014\uf0b7\uf0a7\uf0d8\uf0fc\uf076\uf06e\uf0a8-*+';
const BULLET = new RegExp(`^\\s*(?:[${BULLET_CHARS.replace(/[\\\]^-]/g, '\\$&')}]|o(?=\\s+[A-Z]))\\s+`, 'u');
/** "1." "2)" "a)" "(iii)" "iv." at the start of a line */
const NUMBERED = /^\s*(?:\(?(?:\d{1,2}|[a-h]|[ivx]{1,4})[.)]|\(\d{1,2}\))\s+(?=\S)/u;

/** The bullet or number that opens a line, or undefined. */
export function listMarker(line: string): string | undefined {
  return BULLET.exec(line)?.[0] ?? NUMBERED.exec(line)?.[0];
}

export function stripMarker(line: string): string {
  const m = listMarker(line);
  return m ? line.slice(m.length) : line;
}

/** Whitespace collapsed; soft hyphens and zero-width characters gone; markdown emphasis unwrapped. */
export function cleanText(s: string): string {
  return s
    .replace(/[\u00ad\u200b-\u200d\ufeff]/g, '')
    .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, '$1$2')
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/** "Key: value" lines of a document's header (Date: 04 May 2023, Location: Virtual, Topic: ...). */
export const LABEL_LINE = /^(date|dates|location|venue|place|topic|theme|title|organi[sz]er|organi[sz]ed by|hosts?|co-?chairs?|participants|attendance|time|when|where)\s*:\s*(\S.*)$/i;

const CLOSING = /[.;,!?]$/;

/** Whether a plain line reads as a heading: short, no closing punctuation, starts with a capital or
 *  a number, not a list of names (two or more commas), not a "Key: value" line. */
export function looksLikeHeading(line: string, maxWords = 12): boolean {
  const s = line.trim();
  if (s.length < 3 || s.length > 110) return false;
  if (CLOSING.test(s) || s.endsWith(':')) return false;
  if (LABEL_LINE.test(s)) return false;
  if (!/^[\p{Lu}\d]/u.test(s)) return false;
  if ((s.match(/,/g)?.length ?? 0) >= 2) return false;
  const words = s.split(/\s+/).length;
  return words <= maxWords;
}
