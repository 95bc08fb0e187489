// The practice base's schema. The data lives in knowledge/*.yaml (hand-editable, diff-friendly);
// src/knowledge/load.ts validates it with these schemas at start.
import { z } from 'zod/v3';

import { KINDS, type Kind } from './kinds.ts';

// The kinds live in a module of their own, without zod, so `practice-bot ask` need not load zod.
export { KINDS, KIND_LABELS, type Kind } from './kinds.ts';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');
/** YYYY, YYYY-MM or YYYY-MM-DD */
const partialDate = z
  .string()
  .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be YYYY, YYYY-MM or YYYY-MM-DD');
/** YYYY-MM-DD, a real calendar day (quotes optional: the loader reads unquoted dates as text). */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a calendar date');

/** knowledge/themes.yaml: the controlled vocabulary of themes, defined once. */
export const themeSchema = z.strictObject({
  id: slug,
  label: z.string().min(2).max(60),
  description: z.string().min(5).max(300),
  /** Words and phrases that point to this theme in a question (used for theme suggestions). */
  terms: z.array(z.string().min(2)).default([]),
});
export type Theme = z.output<typeof themeSchema>;

/** knowledge/synonyms.yaml: acronyms and synonyms, built from the documents. Each group's terms
 *  are treated as equivalent in queries; `canonical` is what the index stores. */
export const synonymSchema = z.strictObject({
  canonical: z.string().min(2),
  terms: z.array(z.string().min(1)).min(1),
  /** Where in the sources this usage appears (document file names), for reviewers. */
  seen_in: z.array(z.string()).default([]),
});
export type Synonym = z.output<typeof synonymSchema>;

/** knowledge/meetings.yaml: the meetings the documents come from or announce. */
export const meetingSchema = z.strictObject({
  id: slug,
  title: z.string().min(3).max(120),
  /** e.g. COLEP, Bali Process, Europol, INTERPOL */
  series: z.string().min(2).max(60),
  organiser: z.string().min(2).max(200).optional(),
  date: z.strictObject({
    start: partialDate,
    end: partialDate.optional(),
    precision: z.enum(['day', 'month', 'season', 'year']),
    /** How the date is known in words when not exact, e.g. "September or October 2023". */
    label: z.string().optional(),
  }),
  status: z.enum(['held', 'announced']),
  place: z.strictObject({
    virtual: z.boolean(),
    venue: z.string().optional(),
    city: z.string().optional(),
    country: z.string().optional(),
    note: z.string().optional(),
  }),
  /** Co-chairs or hosts */
  hosts: z.array(z.string()).default([]),
  attendance: z
    .strictObject({
      participants: z.number().int().positive().optional(),
      /** "over 100", "some 140": how the source words it */
      participants_note: z.string().optional(),
      countries: z.array(z.string()).optional(),
      country_count: z.number().int().positive().optional(),
      organisations: z.array(z.string()).optional(),
      note: z.string().optional(),
    })
    .optional(),
  topic: z.string().optional(),
  documents: z.array(z.string()).default([]),
});
export type Meeting = z.output<typeof meetingSchema>;

/** knowledge/documents.yaml: the source documents (seed files). */
export const documentSchema = z.strictObject({
  /** A seed file name (001_f556e3455b226015.txt) or an ingested document's file name (colep-4-summary.pdf). */
  file: z.string().regex(/^[^/\\\s][^/\\]{0,199}\.[A-Za-z0-9]{1,8}$/, 'must be a file name with an extension (no folder), such as 001_f556e3455b226015.txt'),
  title: z.string().min(3),
  /** news item, draft summary, media release ... */
  type: z.string().min(3),
  publisher: z.string().min(2),
  meeting: slug,
  /** Headings of the document that entries cite as `section`. */
  sections: z.array(z.string().min(2)).min(1),
  /** The day the document was added to the practice base (/sources, /new). Optional. */
  added: day.optional(),
});
export type SourceDocument = z.output<typeof documentSchema>;

/** Where an entry's point comes from: a seed document, one of its sections, and its meeting. */
export const entrySourceSchema = z.strictObject({
  document: z.string(),
  section: z.string(),
  meeting: slug,
});
export type EntrySource = z.output<typeof entrySourceSchema>;

/** knowledge/entries/*.yaml: one entry as written in the files (the input). load.ts turns it into an `Entry`. */
export const entrySchema = z.strictObject({
  id: slug,
  kind: z.enum(KINDS),
  title: z.string().min(3).max(90),
  text: z.string().min(20).max(600),
  themes: z.array(slug).min(1).max(6),
  source: entrySourceSchema,
  /** Extra words officers might use for this entry (paraphrases), searched with low weight. */
  keywords: z.array(z.string()).default([]),
  /** On a challenge: the entries (good practice, opportunity, conclusion, next step; any meeting) that address it, best first. */
  addressed_by: z.array(slug).optional(),
  /** Closely related entries worth showing together. */
  related: z.array(slug).optional(),
  /** This entry records the SAME point as the canonical entry named here; it is folded into it at load. */
  same_as: slug.optional(),
  /** The day this entry was added, when it differs from its document's `added` (/new). Optional. */
  added: day.optional(),
});
/** An entry as written in knowledge/entries/*.yaml. */
export type EntryInput = z.output<typeof entrySchema>;

/** Kinds that may address a challenge (`addressed_by`). */
export const ADDRESSING_KINDS: readonly Kind[] = ['good-practice', 'opportunity', 'conclusion', 'next-step'];

/** An entry of the loaded base: duplicates folded in, links resolved to canonical ids. */
export interface Entry {
  id: string;
  kind: Kind;
  title: string;
  text: string;
  themes: string[];
  /** The entry's own source (the first of `sources`); its citation. */
  source: EntrySource;
  /** Every source of the point: `source` first, then those of the entries folded into it (`same_as`). Length >= 1. */
  sources: EntrySource[];
  keywords: string[];
  /** Entries addressing this challenge, best first (canonical ids; empty for other kinds). */
  addressed_by: string[];
  /** Closely related entries (canonical ids), possibly empty. */
  related: string[];
  /** YYYY-MM-DD the entry was added, when the file gives one (else its document's `added`). */
  added?: string;
}

export interface PracticeBase {
  themes: Theme[];
  synonyms: Synonym[];
  meetings: Meeting[];
  documents: SourceDocument[];
  /** Canonical entries only: an entry with `same_as` is folded into its canonical entry. */
  entries: Entry[];
  /** Folded entry id -> canonical entry id, so old ids (fixtures, buttons) still resolve. */
  aliases: ReadonlyMap<string, string>;
}
