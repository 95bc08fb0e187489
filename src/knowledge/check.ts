// `practice-bot check`: validates a knowledge folder without starting the bot. Everything the loader
// checks (schema, unique ids, themes, meetings, documents and sections referenced, and whatever links
// between entries the loader validates) is reported through loadPracticeBase itself, so the check and
// the bot never disagree; on top of that: draft items in entries/ (errors: the bot would refuse them),
// drafts still under review in drafts/, points that look duplicated across documents and themes no
// entry uses (warnings). One line per problem: file:line: severity: what, field, what is wrong.
import fs from 'node:fs';
import path from 'node:path';
import { parseYamlWithLines, yaml } from '../shared/yaml.ts';
import { DRAFT_FIELDS, DRAFT_MARK } from '../ingest/draft-marks.ts';
import { createSimilarityIndex } from '../ingest/similar.ts';
import { KnowledgeError, loadPracticeBase, type ParseCache } from './load.ts';
import { LexiconError } from '../engine/interpret/lexicon.ts';
import { loadLexicon } from '../engine/interpret/lexicon-file.ts';
import type { PracticeBase, Synonym } from './schema.ts';
import { cannotBeRead } from '../shared/text.ts';

export interface CheckProblem {
  severity: 'error' | 'warning';
  /** as shown: knowledge/entries/001-colep-3-summary.yaml */
  file: string;
  line?: number;
  /** the loader's or the check's own words, naming the item and the field */
  message: string;
}

export interface CheckResult {
  dir: string;
  problems: CheckProblem[];
  errors: number;
  warnings: number;
  /** the loaded base, when it loads */
  base?: PracticeBase;
}

/** Points of different documents at or above this similarity are reported as possible duplicates. */
export const CROSS_DOCUMENT_DUPLICATE = 0.6;

export function formatProblem(p: CheckProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.severity}: ${p.message}`;
}

interface RawItem {
  file: string;
  index: number;
  line: number | undefined;
  value: Record<string, unknown>;
}

function readItems(file: string, shown: string): { items: RawItem[]; error?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { items: [], error: cannotBeRead(err) };
  }
  const { doc, lines } = parseYamlWithLines(text);
  if (doc.errors.length > 0) return { items: [], error: `YAML syntax: ${doc.errors[0]!.message.split('\n')[0]}` };
  if (!yaml().isSeq(doc.contents)) return { items: [] };
  const js = doc.toJS() as unknown[];
  return {
    items: doc.contents.items.flatMap((node, index) => {
      const value = js[index];
      if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
      const range = (node as { range?: [number, number, number] }).range;
      return [{ file: shown, index, line: range ? lines.linePos(range[0]).line : undefined, value: value as Record<string, unknown> }];
    }),
  };
}

const yamlFiles = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(dir, f))
    : [];

const isDraft = (v: Record<string, unknown>) =>
  DRAFT_FIELDS.some((f) => f in v) || (('meeting' in v || 'document' in v) && Object.keys(v).every((k) => ['meeting', 'document', 'review'].includes(k)));

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

export interface CheckOptions {
  /** Also look for warnings (drafts under review, duplicated points, unused themes): default true.
   *  Live reload asks for errors only: the duplicate search is slow on a large base. */
  warnings?: boolean;
  /** Files parsed by earlier loads (src/knowledge/load.ts). */
  cache?: ParseCache;
}

export function checkKnowledge(dir: string, opts: CheckOptions = {}): CheckResult {
  const root = path.resolve(dir);
  const shown = (file: string) => path.join(path.basename(root), path.relative(root, file));
  const problems: CheckProblem[] = [];
  const error = (file: string, line: number | undefined, message: string) => problems.push({ severity: 'error', file, line, message });
  const warn = (file: string, line: number | undefined, message: string) => problems.push({ severity: 'warning', file, line, message });

  // ---- draft items that reached entries/ (the loader would only say "unrecognized key") ----
  const entryItems: RawItem[] = [];
  const draftItems = new Set<string>();
  for (const file of yamlFiles(path.join(root, 'entries'))) {
    const { items } = readItems(file, shown(file));
    for (const it of items) {
      const v = it.value;
      if (isDraft(v)) {
        draftItems.add(`${it.file}#${it.index + 1}`);
        const what = typeof v.id === 'string' ? `entry "${v.id}" (item ${it.index + 1})` : `item ${it.index + 1}`;
        if ('meeting' in v && !('id' in v)) error(it.file, it.line, `${what}: a draft meeting record: move it into meetings.yaml, then delete it here`);
        else if ('document' in v && !('id' in v)) error(it.file, it.line, `${what}: a draft document record: move it into documents.yaml, then delete it here`);
        else
          error(
            it.file,
            it.line,
            `${what}, field "review": still marked for review (${asList(v.review).join(', ') || 'similar_to'}): rewrite it in our own words, act on the marks, then delete the review and similar_to lines`,
          );
        continue;
      }
      entryItems.push(it);
    }
  }

  // ---- everything the loader checks ----
  let base: PracticeBase | undefined;
  try {
    base = loadPracticeBase(root, opts.cache ? { cache: opts.cache } : {});
  } catch (err) {
    if (!(err instanceof KnowledgeError)) throw err;
    for (const p of err.problems) {
      const m = /^(.+?)(?::(\d+)(?::\d+)?)?: (.*)$/.exec(p);
      if (!m) {
        error(shown(root), undefined, p);
        continue;
      }
      const item = /\(item (\d+)\)|at item (\d+)/.exec(m[3]!);
      if (item && draftItems.has(`${m[1]}#${item[1] ?? item[2]}`)) continue; // reported above, in plainer words
      error(m[1]!, m[2] ? Number(m[2]) : undefined, m[3]!);
    }
  }

  // ---- the lexicon of the members' languages (<dir>/lexicon/), as the bot loads it ----
  try {
    loadLexicon(root);
  } catch (err) {
    if (!(err instanceof LexiconError)) throw err;
    for (const p of err.problems) {
      const m = /^(.+?)(?::(\d+))?: (.*)$/.exec(p);
      if (m) error(m[1]!, m[2] ? Number(m[2]) : undefined, m[3]!);
      else error(shown(path.join(root, 'lexicon')), undefined, p);
    }
  }

  if (opts.warnings === false) return { dir: root, problems, errors: problems.length, warnings: 0, ...(base ? { base } : {}) };

  // ---- drafts under review (not live) ----
  for (const file of yamlFiles(path.join(root, 'drafts'))) {
    const { items, error: e } = readItems(file, shown(file));
    if (e) {
      warn(shown(file), undefined, `draft ${e}`);
      continue;
    }
    const marked = items.filter((it) => asList(it.value.review).includes(DRAFT_MARK));
    if (marked.length > 0) {
      warn(
        shown(file),
        marked[0]!.line,
        `${marked.length} draft item${marked.length === 1 ? '' : 's'} still marked for review (not live until reviewed, unmarked and moved to entries/)`,
      );
    }
  }

  // ---- points that look duplicated across documents ----
  const entries = entryItems
    .map((it) => ({
      it,
      id: typeof it.value.id === 'string' ? it.value.id : '',
      text: `${String(it.value.title ?? '')}. ${String(it.value.text ?? '')}`,
      document: String((it.value.source as { document?: unknown } | undefined)?.document ?? ''),
      links: new Set([...asList(it.value.same_as), ...asList(it.value.related), ...asList(it.value.addressed_by)]),
    }))
    .filter((e) => e.id !== '');
  const synonyms: Synonym[] = base?.synonyms ?? [];
  const index = createSimilarityIndex(
    entries.map((e) => ({ id: e.id, text: e.text })),
    synonyms,
  );
  const byId = new Map(entries.map((e) => [e.id, e]));
  for (const pair of index.pairs(CROSS_DOCUMENT_DUPLICATE)) {
    const a = byId.get(pair.a);
    const b = byId.get(pair.b);
    if (!a || !b || a.document === b.document || a.links.has(b.id) || b.links.has(a.id)) continue;
    warn(
      a.it.file,
      a.it.line,
      `entry "${a.id}" (item ${a.it.index + 1}): looks like the same point as "${b.id}" (${b.it.file}:${b.it.line ?? '?'}, ${b.document}; similarity ${pair.score.toFixed(2)}): link them (same_as or related) or drop one`,
    );
  }

  // ---- themes no entry uses ----
  if (base) {
    const used = new Set(base.entries.flatMap((e) => e.themes));
    const themesFile = ['themes.yaml', 'themes.yml'].map((f) => path.join(root, f)).find((f) => fs.existsSync(f));
    const lines = themesFile ? readItems(themesFile, shown(themesFile)).items : [];
    for (const t of base.themes) {
      if (used.has(t.id)) continue;
      const at = lines.find((it) => it.value.id === t.id);
      warn(at?.file ?? 'themes.yaml', at?.line, `theme "${t.id}": no entry uses it`);
    }
    // a document whose meeting does not list it
    const docsFile = ['documents.yaml', 'documents.yml'].map((f) => path.join(root, f)).find((f) => fs.existsSync(f));
    const docLines = docsFile ? readItems(docsFile, shown(docsFile)).items : [];
    for (const d of base.documents) {
      const m = base.meetings.find((x) => x.id === d.meeting);
      if (m && !m.documents.includes(d.file)) {
        const at = docLines.find((it) => it.value.file === d.file);
        warn(at?.file ?? 'documents.yaml', at?.line, `document "${d.file}", field "meeting": meeting "${m.id}" does not list it in its documents`);
      }
    }
  }

  const errors = problems.filter((p) => p.severity === 'error').length;
  return { dir: root, problems, errors, warnings: problems.length - errors, ...(base ? { base } : {}) };
}

export function checkSummary(r: CheckResult): string {
  const what = r.base ? `${r.base.entries.length} entries, ${r.base.documents.length} documents, ${r.base.meetings.length} meetings, ${r.base.themes.length} themes` : 'does not load';
  const count = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${r.dir}: ${what}; ${count(r.errors, 'error')}, ${count(r.warnings, 'warning')}`;
}

