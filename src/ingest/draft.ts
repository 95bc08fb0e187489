// Draft entries from points: id, kind, a short title, the text, guessed themes, the source, the review
// marks and possible duplicates; and the draft file's YAML. A draft file is a list like an entries
// file, so that once reviewed it can be moved into entries/ as it is; until then every item carries
// `review: [draft, ...]`, which the loader refuses (unknown field) and `practice-bot check` names.
import { Document, isMap, isScalar, isSeq, Scalar, type YAMLMap } from 'yaml';
import { phraseStems } from '../engine/analyze.ts';
import type { Kind, Theme } from '../knowledge/schema.ts';
import type { DraftMeeting } from './meeting-record.ts';
import type { Point } from './points.ts';
import type { SimilarityIndex } from './similar.ts';
import { DRAFT_FIELDS, DRAFT_MARK } from './draft-marks.ts';

export { DRAFT_FIELDS, DRAFT_MARK };

export const KIND_CODES: Record<Kind, string> = {
  challenge: 'ch',
  'good-practice': 'gp',
  opportunity: 'op',
  'next-step': 'ns',
  conclusion: 'concl',
  fact: 'fact',
};

export interface DraftEntry {
  id: string;
  kind: Kind | 'unclassified';
  title: string;
  text: string;
  themes: string[];
  source: { document: string; section: string; meeting: string };
  review: string[];
  similar_to?: { id: string; score: number; title: string }[];
}

const STOP = new Set('a an the of and or to in on for with by from at as is are was were be been that this these those it its their there which who whom into via also can could should would will may might must not no than then so such more most very much many some any all each other'.split(' '));

/** The entry text: one line, first letter capitalised, a list item's closing ";" or "; and" made a full stop. */
export function entryText(s: string): string {
  let t = s.replace(/\s+/g, ' ').trim();
  t = t.replace(/\s*[;,]\s*(and|or)?\s*$/i, '').replace(/:\s*$/, '');
  if (!/[.!?…"”)]$/.test(t)) t += '.';
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** A short title: the first clause of the first sentence, at most 90 characters. */
export function shortTitle(text: string, max = 90): string {
  const first = text.split(/(?<=[.!?])\s+(?=\p{Lu})/u)[0] ?? text;
  let s = first.replace(/[.!?;:,]+$/, '').trim();
  // asides in brackets go first, then leading phrases that only set the scene ("In regards to SoM, ...")
  if (s.length > max) s = s.replace(/\s*\([^()]*\)/g, '').trim();
  const lead = /^(in regards? to|with regards? to|regarding|as regards|in terms of|concerning|moreover|furthermore|however|in addition|additionally|in that context|as a follow[- ]up|in particular)\b[^,]{0,60},\s*/i.exec(s);
  if (lead && s.length - lead[0].length >= 20) s = s.slice(lead[0].length);
  const fit = (x: string) => x.replace(/[\s,;:–—-]+$/, '').trim();
  if (s.length <= max) return cap(fit(s));
  // clause ends outside parentheses, in order
  const ends: number[] = [];
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (c === ';' || c === ':' || c === ',' || ((c === '–' || c === '—' || c === '-') && s[i - 1] === ' ' && s[i + 1] === ' '))) ends.push(i);
  }
  const words = (x: string) => x.split(/\s+/).length;
  const firstGood = ends.find((i) => i <= max && words(s.slice(0, i)) >= 5);
  const lastFit = [...ends].reverse().find((i) => i <= max && words(s.slice(0, i)) >= 3);
  const at = firstGood ?? lastFit;
  if (at !== undefined) return cap(fit(s.slice(0, at)));
  const cut = s.slice(0, max - 1);
  return cap(`${fit(cut.slice(0, cut.lastIndexOf(' ') > 40 ? cut.lastIndexOf(' ') : cut.length))}…`);
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function slugWords(title: string, maxWords = 5, maxLen = 40): string {
  const words = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((w) => w && !STOP.has(w));
  let out = '';
  for (const w of words.slice(0, maxWords)) {
    if (out.length + w.length + 1 > maxLen) break;
    out = out ? `${out}-${w}` : w;
  }
  return out || 'point';
}

/** "colep-4" -> "colep4", "europol-2024-digital-smuggling" -> "europol2024" (the id prefix of its entries). */
export function idPrefix(meetingId: string): string {
  const parts = meetingId.split('-');
  if (parts.length <= 2) return parts.join('');
  return parts[0]! + (parts.find((p) => /^\d+$/.test(p)) ?? '');
}

/** Themes whose label, id or terms occur in the text (as stems, in order), best first, at most 4. */
export function createThemeGuesser(themes: Theme[]): (text: string) => string[] {
  const phrases = themes.map((t) => ({
    id: t.id,
    list: [t.label, t.id.replace(/-/g, ' '), ...t.terms].map((p) => phraseStems(p)).filter((p) => p.length > 0),
  }));
  return (text) => {
    const stems = phraseStems(text);
    const joined = ` ${stems.join(' ')} `;
    const scored: { id: string; score: number }[] = [];
    for (const t of phrases) {
      let score = 0;
      for (const p of t.list) if (joined.includes(` ${p.join(' ')} `)) score += p.length;
      if (score > 0) scored.push({ id: t.id, score });
    }
    return scored
      .sort((a, b) => b.score - a.score)
      .slice(0, 4)
      .map((s) => s.id);
  };
}

export interface DraftContext {
  meetingId: string;
  document: string;
  themes: Theme[];
  existingIds: Set<string>;
  /** existing entries by id (for duplicate notes and a theme fallback) */
  existing: Map<string, { title: string; themes: string[] }>;
  similar: SimilarityIndex;
}

export function draftEntries(points: Point[], ctx: DraftContext): DraftEntry[] {
  const guessThemes = createThemeGuesser(ctx.themes);
  const themeIds = new Set(ctx.themes.map((t) => t.id));
  const prefix = idPrefix(ctx.meetingId);
  const used = new Set(ctx.existingIds);
  return points.map((p) => {
    const text = entryText(p.text);
    const title = shortTitle(text);
    const code = p.kind ? KIND_CODES[p.kind] : 'point';
    let id = `${prefix}-${code}-${slugWords(title)}`;
    for (let n = 2; used.has(id); n++) id = `${prefix}-${code}-${slugWords(title)}-${n}`;
    used.add(id);
    const review = [DRAFT_MARK, 'rewrite-in-own-words'];
    if (!p.kind) review.push('choose-kind');
    else if (p.how === 'guessed' || p.how === 'factual') review.push('check-kind');
    let themes = guessThemes(text);
    if (p.kind === 'fact' && themeIds.has('meetings') && /\b(meeting|attend\w*|participants?|delegates|co-?chairs?|agenda|conference|forum)\b/i.test(text) && !themes.includes('meetings'))
      themes = ['meetings', ...themes].slice(0, 4);
    const similar = ctx.similar.similar(`${title}. ${text}`);
    if (themes.length === 0) {
      // borrow the themes of the closest live entry, if any is close at all
      const near = ctx.similar.similar(`${title}. ${text}`, { threshold: 0.15, limit: 1 })[0];
      themes = near ? (ctx.existing.get(near.id)?.themes.slice(0, 2) ?? []) : [];
      review.push(themes.length > 0 ? 'check-themes' : 'choose-themes');
    }
    if (text.length > 600) review.push('shorten-text');
    if (text.length < 20) review.push('expand-text');
    const entry: DraftEntry = {
      id,
      kind: p.kind ?? 'unclassified',
      title,
      text,
      themes,
      source: { document: ctx.document, section: p.section, meeting: ctx.meetingId },
      review,
    };
    if (similar.length > 0) {
      review.push('check-duplicate');
      entry.similar_to = similar.map((s) => ({ id: s.id, score: Math.round(s.score * 100) / 100, title: ctx.existing.get(s.id)?.title ?? '' }));
    }
    return entry;
  });
}

export interface DraftFile {
  header: string[];
  meeting: DraftMeeting;
  meetingReview: string[];
  /** `added`: the day it was drafted, for /sources and /new (change it to the day it goes live if that is later). */
  document: { file: string; title: string; type: string; publisher: string; meeting: string; sections: string[]; added: string };
  documentReview: string[];
  entries: DraftEntry[];
}

/** The draft file's text: a YAML list (meeting record, document record, then the entries) with comments. */
export function renderDraft(d: DraftFile): string {
  const items: unknown[] = [
    { meeting: d.meeting, review: d.meetingReview },
    { document: d.document, review: d.documentReview },
    ...d.entries.map((e) => ({ ...e, similar_to: e.similar_to?.map((s) => s.id) })),
  ];
  const doc = new Document(items);
  doc.commentBefore = d.header.map((l) => (l ? ` ${l}` : '')).join('\n');
  const seq = doc.contents;
  if (!isSeq(seq)) return doc.toString();
  const flow = (map: YAMLMap, key: string) => {
    const n = map.get(key, true);
    if (isSeq(n) || isMap(n)) n.flow = true;
  };
  seq.items.forEach((item, i) => {
    if (!isMap(item)) return;
    if (i > 0) item.spaceBefore = true;
    flow(item, 'review');
    if (i === 0) {
      item.commentBefore = ' The meeting: add it to meetings.yaml (or merge it into the record there), checking every field.';
      const m = item.get('meeting', true);
      if (isMap(m)) for (const k of ['hosts', 'documents']) flow(m, k);
      if (isMap(m)) {
        const att = m.get('attendance', true);
        if (isMap(att)) for (const k of ['countries', 'organisations']) flow(att, k);
        for (const k of ['date', 'place']) flow(m, k);
        const date = m.get('date', true);
        // 'YYYY-MM-DD' in quotes, as meetings.yaml writes them
        if (isMap(date))
          for (const k of ['start', 'end']) {
            const v = date.get(k, true);
            if (isScalar(v)) v.type = Scalar.QUOTE_SINGLE;
          }
      }
      return;
    }
    if (i === 1) {
      item.commentBefore = ' The document: add it to documents.yaml; `sections` are the headings the entries below cite.';
      const m = item.get('document', true);
      if (isMap(m)) flow(m, 'sections');
      return;
    }
    const e = d.entries[i - 2]!;
    if (i === 2) item.commentBefore = ' The entries, in document order.';
    for (const k of ['themes', 'source', 'similar_to']) flow(item, k);
    const text = item.get('text', true);
    if (isScalar(text) && String(text.value).length > 70) text.type = Scalar.BLOCK_FOLDED;
    const sim = item.get('similar_to', true);
    if (sim && e.similar_to) {
      (sim as { comment?: string }).comment = ` looks like: ${e.similar_to.map((s) => `${s.id} (${s.score.toFixed(2)}) "${s.title}"`).join('; ')}`;
    }
  });
  return doc.toString({ lineWidth: 118, minContentWidth: 40 });
}
