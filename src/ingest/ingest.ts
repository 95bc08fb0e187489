// `practice-bot ingest`: a meeting document in, a draft file of entries out (nothing live changes).
// Reads the document, finds its points and their kinds, drafts the meeting and document records,
// notes points that look like live entries, writes the draft atomically and returns a one-screen
// summary. Any failure is an IngestError or ReadError with a one-line message, and nothing is written.
import fs from 'node:fs';
import path from 'node:path';
import { clip } from '../core/reply-helpers.ts';
import { KnowledgeError, loadPracticeBase } from '../knowledge/load.ts';
import { KINDS, type Kind } from '../knowledge/kinds.ts';
import { DRAFT_MARK, draftEntries, renderDraft, type DraftEntry, type DraftFile } from './draft.ts';
import { draftMeeting, type DraftMeeting } from './meeting-record.ts';
import { structure } from './points.ts';
import { readDocument } from './read.ts';
import { createSimilarityIndex } from './similar.ts';

export class IngestError extends Error {
  override name = 'IngestError';
}

export interface IngestOptions {
  file: string;
  meetingId: string;
  knowledgeDir: string;
  /** default: <knowledgeDir>/drafts/<meeting id>.yaml */
  out?: string;
  /** overwrite an existing draft */
  force?: boolean;
  /** "today", for whether the meeting is past (held) or announced */
  now?: Date;
}

export interface IngestResult {
  out: string;
  yaml: string;
  entries: DraftEntry[];
  meeting: DraftMeeting;
  /** meeting record fields the text did not give */
  missing: string[];
  counts: Record<Kind | 'unclassified', number>;
  summary: string;
}

const MEETING_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function defaultDraftPath(knowledgeDir: string, meetingId: string): string {
  return path.join(knowledgeDir, 'drafts', `${meetingId}.yaml`);
}

export async function ingestDocument(opts: IngestOptions): Promise<IngestResult> {
  if (!MEETING_ID.test(opts.meetingId)) throw new IngestError(`--meeting "${opts.meetingId}" is not a meeting id: lower-case words joined by hyphens, e.g. colep-4`);
  const out = path.resolve(opts.out ?? defaultDraftPath(opts.knowledgeDir, opts.meetingId));
  if (!opts.force && fs.existsSync(out)) throw new IngestError(`${out} already exists (a draft under review?): pass --force to replace it, or --out another file`);
  if (path.extname(out) !== '.yaml' && path.extname(out) !== '.yml') throw new IngestError(`--out must be a .yaml file: ${out}`);

  const blocks = await readDocument(opts.file);
  let base;
  try {
    base = loadPracticeBase(opts.knowledgeDir);
  } catch (err) {
    if (err instanceof KnowledgeError)
      throw new IngestError(`the practice base in ${opts.knowledgeDir} does not load (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}): run practice-bot check --dir ${opts.knowledgeDir}`);
    throw err;
  }

  const s = structure(blocks);
  const document = path.basename(opts.file);
  const points = s.points;
  if (points.length === 0) throw new IngestError(`${document}: no points found (no paragraphs or list items under its headings)`);
  const now = opts.now ?? new Date();
  const { meeting, missing } = draftMeeting(s, { id: opts.meetingId, file: document, now });
  const similar = createSimilarityIndex(
    base.entries.map((e) => ({ id: e.id, text: `${e.title}. ${e.text}` })),
    base.synonyms,
  );
  const entries = draftEntries(points, {
    meetingId: opts.meetingId,
    document,
    themes: base.themes,
    existingIds: new Set(base.entries.map((e) => e.id)),
    existing: new Map(base.entries.map((e) => [e.id, { title: e.title, themes: e.themes }])),
    similar,
  });

  const existingMeeting = base.meetings.find((m) => m.id === opts.meetingId);
  const knownDocument = base.documents.some((d) => d.file === document);
  const sections = [...new Set(entries.map((e) => e.source.section))];
  const draft: DraftFile = {
    header: [
      `Draft entries from ${document} for meeting ${opts.meetingId}, written by \`practice-bot ingest\` on ${now.toISOString().slice(0, 10)}.`,
      'NOT LIVE: the bot does not read knowledge/drafts/. Every item below is marked `review: [draft, ...]`.',
      'To publish (knowledge/README.md, "From a meeting\'s PDF to live entries"):',
      '  1. rewrite each `text` in our own words (the base holds paraphrases, not copies); fix title, kind, themes;',
      '     delete what is not a point; act on every other review mark (choose-kind, check-duplicate: see similar_to);',
      '  2. add the meeting record to meetings.yaml and the document record to documents.yaml, then delete both items;',
      '  3. delete every `review:` and `similar_to:` line, move this file to entries/<nnn>-<meeting>-<what>.yaml;',
      '  4. npx practice-bot check; the running bot loads the change by itself (or send /reload).',
    ],
    meeting,
    meetingReview: [DRAFT_MARK, existingMeeting ? 'merge-into-meetings-yaml' : 'add-to-meetings-yaml', ...missing.map((m) => `fill-in-${m}`)],
    document: {
      file: document,
      title: (s.title ?? meeting.title).slice(0, 200),
      type: s.type ?? 'meeting summary',
      publisher: s.publisher ?? meeting.organiser ?? meeting.series,
      meeting: opts.meetingId,
      sections: sections.length > 0 ? sections : ['Summary'],
      added: now.toISOString().slice(0, 10),
    },
    documentReview: [DRAFT_MARK, knownDocument ? 'already-in-documents-yaml' : 'add-to-documents-yaml', 'check-publisher'],
    entries,
  };
  const yaml = renderDraft(draft);

  // write atomically: a temporary file beside the target, then rename
  try {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, yaml);
    fs.renameSync(tmp, out);
  } catch (err) {
    throw new IngestError(`${out}: cannot be written (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }

  const counts = Object.fromEntries([...KINDS, 'unclassified'].map((k) => [k, 0])) as Record<Kind | 'unclassified', number>;
  for (const e of entries) counts[e.kind]++;
  const result: IngestResult = { out, yaml, entries, meeting, missing, counts, summary: '' };
  result.summary = summarise(result, document, opts.meetingId, Boolean(existingMeeting), s.skipped);
  return result;
}

function describeMeeting(m: DraftMeeting): string {
  const parts: string[] = [m.title];
  if (m.date) parts.push(m.date.label ?? (m.date.end ? `${m.date.start} to ${m.date.end}` : m.date.start));
  if (m.place) parts.push(m.place.virtual && !m.place.city ? 'online' : [m.place.city, m.place.country].filter(Boolean).join(', ') + (m.place.virtual ? ' (and online)' : ''));
  if (m.hosts.length > 0) parts.push(`hosts ${m.hosts.join(', ')}`);
  if (m.attendance?.participants) parts.push(`${m.attendance.participants} participants`);
  if (m.attendance?.country_count) parts.push(`${m.attendance.country_count} countries`);
  parts.push(m.status);
  return parts.join(', ');
}

const MAX_LINES = 8;

function summarise(r: IngestResult, document: string, meetingId: string, meetingExists: boolean, skipped: { heading: string; blocks: number }[]): string {
  const lines: string[] = [];
  lines.push(`Drafted ${r.entries.length} entr${r.entries.length === 1 ? 'y' : 'ies'} from ${document} (meeting ${meetingId}) into ${r.out}`);
  lines.push(`  ${KINDS.map((k) => `${k} ${r.counts[k]}`).join(', ')}; unclassified ${r.counts.unclassified}`);
  const guessed = r.entries.filter((e) => e.review.includes('check-kind')).length;
  if (guessed > 0) lines.push(`  ${guessed} kind${guessed === 1 ? '' : 's'} read from the wording, not a heading (marked check-kind)`);
  lines.push(`Meeting record${meetingExists ? ` (${meetingId} is already in meetings.yaml: merge)` : ''}: ${describeMeeting(r.meeting)}`);
  if (r.missing.length > 0) lines.push(`  not in the text: ${r.missing.join(', ')} (fill in by hand)`);
  const dups = r.entries.filter((e) => e.similar_to?.length);
  lines.push(`Possible duplicates of live entries: ${dups.length}`);
  for (const e of dups.slice(0, MAX_LINES)) lines.push(`  ${e.id} ~ ${e.similar_to!.map((s) => `${s.id} (${s.score.toFixed(2)})`).join(', ')}`);
  if (dups.length > MAX_LINES) lines.push(`  ... and ${dups.length - MAX_LINES} more (similar_to in the draft)`);
  const unclassified = r.entries.filter((e) => e.kind === 'unclassified');
  lines.push(`Unclassified (choose a kind or delete): ${unclassified.length}`);
  for (const e of unclassified.slice(0, MAX_LINES)) lines.push(`  ${e.id}: ${clip(e.title, 70)} [${e.source.section}]`);
  if (unclassified.length > MAX_LINES) lines.push(`  ... and ${unclassified.length - MAX_LINES} more`);
  if (skipped.length > 0) lines.push(`Skipped as page furniture: ${skipped.map((x) => `"${x.heading}"`).join(', ')}`);
  lines.push('Next: review and rewrite the draft, then follow knowledge/README.md ("From a meeting\'s PDF to live entries").');
  return lines.join('\n');
}
