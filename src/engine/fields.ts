// The index's fields and the text of each for an entry: its title, themes, text, keywords, the words
// officers use for its kind, and its source's context (meeting, place, year, document, section).
import { KIND_LABELS, type Kind } from '../knowledge/kinds.ts';
import type { Entry, PracticeBase, Theme } from '../knowledge/schema.ts';
import type { FieldSpec } from './bm25.ts';

/** Index fields: title > themes > keywords/text; kind words and the source (meeting, place, section) weigh little. */
export const FIELDS: FieldSpec[] = [
  { name: 'title', boost: 3, b: 0.5 },
  { name: 'themes', boost: 1.5, b: 0.3 },
  { name: 'text', boost: 1, b: 0.75 },
  { name: 'keywords', boost: 1, b: 0.5 },
  { name: 'kind', boost: 0.8, b: 0 },
  { name: 'context', boost: 0.4, b: 0 },
];

/** Words officers use for each kind of entry ("what are the challenges with ..."). */
const KIND_WORDS: Record<Kind, string> = {
  challenge: 'challenges problems difficulties obstacles',
  'good-practice': 'good practices best practices lessons learned',
  opportunity: 'opportunities improvements',
  'next-step': 'next steps follow up plans',
  conclusion: 'key conclusions priorities recommendations outcomes',
  fact: 'facts figures statistics',
};

/** Per-entry text of each index field, in FIELDS order. */
export function entryFieldTexts(entry: Entry, base: { themes: Map<string, Theme>; context: Map<string, string> }): string[] {
  const themeText = entry.themes
    .map((id) => {
      const t = base.themes.get(id);
      return t ? `${t.label} ${t.terms.join(' ')}` : id.replace(/-/g, ' ');
    })
    .join(' ');
  return [
    entry.title,
    themeText,
    entry.text,
    entry.keywords.join(' '),
    `${KIND_LABELS[entry.kind].many} ${KIND_WORDS[entry.kind]}`,
    base.context.get(`${entry.source.meeting}|${entry.source.document}|${entry.source.section}`) ?? entry.source.section,
  ];
}

/** The source context of every (meeting, document, section) an entry can cite. */
function contextTexts(base: PracticeBase): Map<string, string> {
  const out = new Map<string, string>();
  const meetings = new Map(base.meetings.map((m) => [m.id, m]));
  const docs = new Map(base.documents.map((d) => [d.file, d]));
  for (const e of base.entries) {
    const key = `${e.source.meeting}|${e.source.document}|${e.source.section}`;
    if (out.has(key)) continue;
    const m = meetings.get(e.source.meeting);
    const d = docs.get(e.source.document);
    out.set(
      key,
      [
        m?.title,
        m?.series,
        m?.organiser,
        m?.place.city,
        m?.place.country,
        m?.place.virtual ? 'virtual online' : undefined,
        m?.date.start.slice(0, 4),
        d?.title,
        d?.publisher,
        e.source.section,
      ]
        .filter(Boolean)
        .join(' '),
    );
  }
  return out;
}

/** The text of every index field (FIELDS order) for each entry of a base. */
export function indexFieldTexts(base: PracticeBase): string[][] {
  const themes = new Map(base.themes.map((t) => [t.id, t]));
  const context = contextTexts(base);
  return base.entries.map((e) => entryFieldTexts(e, { themes, context }));
}

