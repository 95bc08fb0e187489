// From blocks to points: one point per list item or paragraph, each with the section heading it sits
// under and its kind. The kind comes from the heading (or a parent heading), else from a lead-in line
// ("Delegates identified the following priorities:"), else, for a clearly factual point, `fact`; a
// point whose own words strongly suggest a kind gets that kind marked as a guess; the rest is left
// unclassified for the reviewer.
import type { Kind } from '../knowledge/schema.ts';
import { LABEL_LINE, type Block } from './blocks.ts';
import { boilerplateHeading, guessKind, headingKind, leadInKind, looksFactual, looksLikeMessage } from './kinds.ts';

export type KindSource = 'heading' | 'lead-in' | 'factual' | 'guessed' | 'unclassified';

export interface Point {
  text: string;
  /** the heading it sits under (the document's own words), or Introduction/Purpose/Participants */
  section: string;
  kind: Kind | undefined;
  how: KindSource;
  /** a list item (not a paragraph) */
  item: boolean;
}

export interface DocumentStructure {
  title: string | undefined;
  /** "Date: ...", "Location: ..." lines of the document's header */
  labels: { key: string; value: string }[];
  /** a heading above the title, usually the publisher */
  publisher?: string;
  /** document type named by a heading ("Draft Summary", "Minutes") */
  type: string | undefined;
  points: Point[];
  /** headings in document order that points cite */
  sections: string[];
  /** headings skipped as page furniture ("Other news") with the blocks under them */
  skipped: { heading: string; blocks: number }[];
  /** every heading's text, in order */
  headings: string[];
  /** every block's text, in order (for the meeting record) */
  texts: { text: string; section: string | undefined; kind: Kind | undefined }[];
}

const DOC_TYPE = /^(draft |final )?(summary|report|minutes|meeting (report|summary|notes|minutes)|notes|summary report|chair'?s summary|outcome document|media release|press release|news( item)?)$/i;
const EVENT_WORDS = /\b(meeting|conference|forum|workshop|seminar|summit|dialogue|session|roundtable|round table|webinar|consultation|gathering)\b/i;
/** a speaker's words: "X said: ..." or a quotation with "said X" */
const SPEECH_IN = /\b(said|stated|underlined|stressed|concluded)\b\s*:|^[“"].{20,}[”"]\s*,?\s*(said|stated|concluded)\b/i;

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

function preambleSection(text: string): string {
  if (/\b(purpose|objectives?|aim(ed)?|goal)\b/i.test(text)) return 'Purpose';
  if (/\b(attend(ed|ance|ees)?|participants?|delegates|officers from|countries)\b/i.test(text)) return 'Participants';
  return 'Introduction';
}

function pickTitle(blocks: Block[]): number | undefined {
  const head = blocks.slice(0, 8);
  // a heading or short unpunctuated line that names an event, else the first heading, else a short first line
  let i = head.findIndex((b) => (b.type === 'heading' || (b.type === 'para' && words(b.text) <= 30 && !/[.:;]$/.test(b.text))) && EVENT_WORDS.test(b.text));
  if (i < 0) i = head.findIndex((b) => b.type === 'heading' && !DOC_TYPE.test(b.text) && !headingKind(b.text));
  if (i < 0 && head[0]?.type === 'para' && words(head[0].text) <= 30 && !/[.:;]$/.test(head[0].text)) i = 0;
  if (i < 0) return undefined;
  // nothing but a heading before a kind heading: a section, not the title
  const b = blocks[i]!;
  if (b.type === 'heading' && headingKind(b.text)) return undefined;
  return i;
}

export function structure(blocks: Block[]): DocumentStructure {
  const out: DocumentStructure = { title: undefined, labels: [], type: undefined, points: [], sections: [], skipped: [], headings: [], texts: [] };
  const titleAt = pickTitle(blocks);
  if (titleAt !== undefined) out.title = blocks[titleAt]!.text;

  const stack: { level: number; text: string; kind: Kind | undefined }[] = [];
  let skipping: { heading: string; blocks: number; toKind: boolean } | undefined;
  /** a lead-in line for the items after it, and the kind it names */
  let leadIn: { kind: Kind | undefined; text: string } | undefined;
  let itemsSinceHeading = 0;
  const headingKindNow = () => {
    for (let k = stack.length - 1; k >= 0; k--) if (stack[k]!.kind) return stack[k]!.kind;
    return undefined;
  };
  const sectionNow = () => stack.at(-1)?.text;

  const add = (text: string, item: boolean) => {
    const section = sectionNow() ?? preambleSection(text);
    const byHeading = headingKindNow();
    let kind: Kind | undefined;
    let how: KindSource;
    const trailing = !item && byHeading && byHeading !== 'fact' && itemsSinceHeading > 0 && !leadIn;
    if (byHeading && !trailing) {
      kind = byHeading;
      how = 'heading';
    } else if (leadIn?.kind) {
      kind = leadIn.kind;
      how = 'lead-in';
    } else if (guessKind(text) === 'next-step') {
      kind = 'next-step';
      how = 'guessed';
    } else if (SPEECH_IN.test(text) || looksLikeMessage(text)) {
      kind = 'conclusion';
      how = 'guessed';
    } else if (looksFactual(text)) {
      kind = 'fact';
      how = 'factual';
    } else {
      kind = guessKind(text);
      how = kind ? 'guessed' : 'unclassified';
    }
    if (!out.sections.includes(section)) out.sections.push(section);
    out.points.push({ text, section, kind, how, item });
  };

  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (i === titleAt) continue;
    if (b.type === 'heading') {
      out.headings.push(b.text);
      const furniture = boilerplateHeading(b.text);
      if (furniture) {
        skipping = { heading: b.text, blocks: 0, toKind: furniture === 'end' };
        out.skipped.push(skipping);
        continue;
      }
      if (skipping?.toKind && !headingKind(b.text)) {
        skipping.blocks++;
        continue;
      }
      skipping = undefined;
      if (titleAt !== undefined && i < titleAt) {
        // a heading above the title: the publisher's name, as a rule ("Budapest Process")
        out.publisher ??= b.text;
        continue;
      }
      const label = LABEL_LINE.exec(b.text);
      if (label) {
        out.labels.push({ key: label[1]!.toLowerCase(), value: label[2]! });
        continue;
      }
      if (DOC_TYPE.test(b.text)) {
        out.type ??= b.text.toLowerCase();
        continue;
      }
      while (stack.length > 0 && stack.at(-1)!.level >= b.level) stack.pop();
      stack.push({ level: b.level, text: b.text, kind: headingKind(b.text) });
      leadIn = undefined;
      itemsSinceHeading = 0;
      continue;
    }
    if (skipping) {
      skipping.blocks++;
      continue;
    }
    if (titleAt !== undefined && i < titleAt && words(b.text) <= 6 && !/[.;:]$/.test(b.text)) {
      out.publisher ??= b.text; // "Budapest Process" above the title
      continue;
    }
    out.texts.push({ text: b.text, section: sectionNow(), kind: headingKindNow() });
    const label = LABEL_LINE.exec(b.text);
    if (b.type === 'para' && label && words(label[2]!) <= 15) {
      out.labels.push({ key: label[1]!.toLowerCase(), value: label[2]! });
      continue;
    }
    if (b.text.endsWith(':')) {
      const next = blocks[i + 1];
      // "Officers from the following countries attended:" + a line of names, "X said:" + the quote: one point
      if (b.type === 'para' && next?.type === 'para' && words(b.text) <= 25 && !next.text.endsWith(':')) {
        blocks[i + 1] = { type: 'para', text: `${b.text} ${next.text}` };
        continue;
      }
      leadIn = { kind: leadInKind(b.text.slice(0, -1)), text: b.text };
      if (words(b.text) <= 12) continue; // a label for the items below, not a point
      add(b.text.replace(/:$/, '.'), b.type === 'item');
      continue;
    }
    if (b.type === 'item') {
      itemsSinceHeading++;
      add(b.text, true);
    } else {
      // a paragraph ends the list a lead-in introduced
      leadIn = undefined;
      add(b.text, false);
    }
  }
  return out;
}
