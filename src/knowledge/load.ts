// Loads and validates the practice base in knowledge/ (themes.yaml, synonyms.yaml, meetings.yaml,
// documents.yaml, entries/*.yaml; each a top-level YAML list). Every problem is reported on its
// own line with the file, line, entry id (or list index) and field, so a secretariat member who
// broke a file by hand can find and fix it.
import fs from 'node:fs';
import path from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { parseYamlWithLines, yaml } from '../shared/yaml.ts';
import type { z } from 'zod/v3';
import { zodMessages } from '../shared/zod-messages.ts';
import { packagePath } from '../paths.ts';
import { readTextOrProblem } from '../shared/text.ts';
import {
  ADDRESSING_KINDS,
  documentSchema,
  entrySchema,
  meetingSchema,
  synonymSchema,
  themeSchema,
  type Entry,
  type EntryInput,
  type Meeting,
  type PracticeBase,
  type SourceDocument,
  type Synonym,
  type Theme,
} from './schema.ts';

export class KnowledgeError extends Error {
  readonly problems: string[];
  constructor(dir: string, problems: string[]) {
    super(
      `The practice base in ${dir} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'KnowledgeError';
    this.problems = problems;
  }
}

/** The repository's knowledge/ folder (the same from src/ and from the compiled dist/src/). */
export function defaultKnowledgeDir(): string {
  return packagePath('knowledge') + path.sep;
}

type PathKey = string | number | symbol;

function fieldPath(p: readonly PathKey[]): string {
  let out = '';
  for (const k of p) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out === '' ? String(k) : `.${String(k)}`;
  }
  return out;
}

interface ParsedFile {
  /** display name, e.g. knowledge/entries/colep-3.yaml */
  name: string;
  /** The syntax tree, for line numbers (parsed again on demand for a file kept in a ParseCache). */
  ast(): { doc: Document; lines: LineCounter };
  items: unknown[];
}

/**
 * Files read by earlier loads, kept with what was made of them (items, schema results) and reused
 * while a file's text is unchanged: a live reload parses only the files that changed. Keeps texts
 * and items, not syntax trees. One cache per knowledge folder.
 */
export interface ParseCache {
  /** by absolute path */
  readonly files: Map<string, CachedFile>;
}
interface CachedFile {
  text: string;
  parsed: ParsedFile | undefined;
  /** problems the file itself gave (syntax, not a list) */
  problems: string[];
  validated?: { what: string; out: { value: unknown; index: number }[]; problems: string[] };
}

/** The cache record of a ParsedFile that came from (or went into) a ParseCache. */
const cachedFiles = new WeakMap<ParsedFile, CachedFile>();

export function createParseCache(): ParseCache {
  return { files: new Map() };
}

const parseText = (text: string) => parseYamlWithLines(text, { prettyErrors: true, uniqueKeys: true });

function readList(file: string, name: string, problems: string[], cache?: ParseCache): ParsedFile | undefined {
  const text = readTextOrProblem(file, name, problems);
  if (text === undefined) return undefined;
  const hit = cache?.files.get(file);
  if (hit && hit.text === text && (hit.parsed === undefined || hit.parsed.name === name)) {
    problems.push(...hit.problems);
    return hit.parsed;
  }
  const own: string[] = [];
  const parsed = parseList(text, name, own);
  problems.push(...own);
  if (cache) {
    // the cached copy re-parses its tree only when a line number is asked for
    let tree: ReturnType<typeof parseText> | undefined;
    const keep = parsed && { name, items: parsed.items, ast: () => (tree ??= parseText(text)) };
    const entry: CachedFile = { text, parsed: keep, problems: own };
    cache.files.set(file, entry);
    if (keep) cachedFiles.set(keep, entry);
    return keep;
  }
  return parsed;
}

function parseList(text: string, name: string, problems: string[]): ParsedFile | undefined {
  const { doc, lines } = parseText(text);
  const ast = () => ({ doc, lines });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const at = e.linePos?.[0];
      problems.push(`${name}${at ? `:${at.line}:${at.col}` : ''}: YAML syntax: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    return undefined;
  }
  if (doc.contents === null) return { name, ast, items: [] };
  if (!yaml().isSeq(doc.contents)) {
    problems.push(`${name}: must be a YAML list (each item starting with "- ")`);
    return undefined;
  }
  let items: unknown[];
  try {
    items = doc.toJS() as unknown[];
  } catch (err) {
    // e.g. "Excessive alias count": reported like any other problem, not thrown
    problems.push(`${name}: YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    return undefined;
  }
  return { name, ast, items };
}

function lineOf(f: ParsedFile, p: readonly PathKey[]): number | undefined {
  const { doc, lines } = f.ast();
  for (let n = p.length; n >= 0; n--) {
    const node = doc.getIn(p.slice(0, n).filter((k): k is string | number => typeof k !== 'symbol'), true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node && typeof node === 'object' && Array.isArray(node.range)) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function label(what: string, item: unknown, i: number): string {
  const id =
    item && typeof item === 'object'
      ? ((item as Record<string, unknown>).id ?? (item as Record<string, unknown>).file ?? (item as Record<string, unknown>).canonical)
      : undefined;
  return typeof id === 'string' && id !== '' ? `${what} "${id}" (item ${i + 1})` : `${what} at item ${i + 1}`;
}

/** Validate every item of a file with a schema; problems name file:line, the item and the field. Results are
 *  kept in the ParseCache with the file, when there is one. */
function validate<S extends z.ZodType>(
  f: ParsedFile,
  schema: S,
  what: string,
  problems: string[],
): { value: z.output<S>; index: number }[] {
  const cached = cachedFiles.get(f);
  if (cached) {
    if (cached.validated?.what === what) {
      problems.push(...cached.validated.problems);
      return cached.validated.out as { value: z.output<S>; index: number }[];
    }
    const own: string[] = [];
    const out = validateItems(f, schema, what, own);
    cached.validated = { what, out, problems: own };
    problems.push(...own);
    return out;
  }
  return validateItems(f, schema, what, problems);
}

function validateItems<S extends z.ZodType>(f: ParsedFile, schema: S, what: string, problems: string[]): { value: z.output<S>; index: number }[] {
  const out: { value: z.output<S>; index: number }[] = [];
  f.items.forEach((item, i) => {
    const r = schema.safeParse(item, { errorMap: zodMessages });
    if (r.success) {
      out.push({ value: r.data, index: i });
      return;
    }
    for (const issue of r.error.issues) {
      let p: PathKey[] = [...issue.path];
      let field = fieldPath(p);
      const keys = (issue as { keys?: string[] }).keys;
      if (issue.code === 'unrecognized_keys' && keys?.length) {
        field = fieldPath([...p, keys[0]!]);
        p = [...p, keys[0]!];
      }
      const line = lineOf(f, [i, ...p]);
      problems.push(
        `${f.name}${line ? `:${line}` : ''}: ${label(what, item, i)}, field ${field === '' ? '(the item itself)' : `"${field}"`}: ${issue.message}`,
      );
    }
  });
  return out;
}

export interface LoadOptions {
  /** Reuse what earlier loads made of files that have not changed (live reload, src/knowledge/live.ts). */
  cache?: ParseCache;
}

/** Load knowledge/ and validate it; throws KnowledgeError listing every problem. */
export function loadPracticeBase(dir: string, opts: LoadOptions = {}): PracticeBase {
  const { cache } = opts;
  const root = path.resolve(dir);
  const shown = (file: string) => path.join(path.basename(root), path.relative(root, file));
  const problems: string[] = [];
  const pick = (base: string, optional = false): string | undefined => {
    for (const ext of ['.yaml', '.yml']) {
      const f = path.join(root, base + ext);
      if (fs.existsSync(f)) return f;
    }
    if (!optional) problems.push(`${shown(path.join(root, `${base}.yaml`))}: missing`);
    return undefined;
  };
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new KnowledgeError(root, [`${root}: no such folder`]);

  const files = {
    themes: pick('themes'),
    synonyms: pick('synonyms', true),
    meetings: pick('meetings'),
    documents: pick('documents'),
  };
  const entriesDir = path.join(root, 'entries');
  const entryFiles = fs.existsSync(entriesDir)
    ? fs
        .readdirSync(entriesDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(entriesDir, f))
    : [];
  if (entryFiles.length === 0) problems.push(`${shown(entriesDir)}/: no entry files (*.yaml)`);

  const parse = (f: string | undefined) => (f ? readList(f, shown(f), problems, cache) : undefined);

  const themesF = parse(files.themes);
  const synonymsF = parse(files.synonyms);
  const meetingsF = parse(files.meetings);
  const documentsF = parse(files.documents);
  const entriesF = entryFiles.map((f) => parse(f));
  if (cache) {
    const read = new Set([...Object.values(files), ...entryFiles]);
    for (const f of cache.files.keys()) if (!read.has(f)) cache.files.delete(f);
  }

  const themes = themesF ? validate(themesF, themeSchema, 'theme', problems) : [];
  const synonyms = synonymsF ? validate(synonymsF, synonymSchema, 'synonym', problems) : [];
  const meetings = meetingsF ? validate(meetingsF, meetingSchema, 'meeting', problems) : [];
  const documents = documentsF ? validate(documentsF, documentSchema, 'document', problems) : [];
  const entries: EntryRecord[] = [];
  for (const f of entriesF) if (f) for (const v of validate(f, entrySchema, 'entry', problems)) entries.push({ ...v, file: f });

  // ---- cross-checks ----
  const at = (f: ParsedFile, i: number, p: PathKey[]) => {
    const line = lineOf(f, [i, ...p]);
    return `${f.name}${line ? `:${line}` : ''}`;
  };
  const unique = <T>(list: { value: T; index: number }[], f: ParsedFile | undefined, key: (v: T) => string, what: string) => {
    const seen = new Map<string, number>();
    for (const { value, index } of list) {
      const k = key(value);
      const prev = seen.get(k);
      if (prev !== undefined && f) problems.push(`${at(f, index, [])}: ${what} "${k}" (item ${index + 1}): duplicate id, already used by item ${prev + 1}`);
      else seen.set(k, index);
    }
    return seen;
  };
  const themeIds = unique(themes, themesF, (t) => t.id, 'theme');
  const meetingIds = unique(meetings, meetingsF, (m) => m.id, 'meeting');
  const docByFile = new Map<string, SourceDocument>();
  unique(documents, documentsF, (d) => d.file, 'document');
  for (const { value } of documents) docByFile.set(value.file, value);

  // cross-check only against lists that could be read (a broken file is reported once, not once per reference)
  const haveThemes = themesF !== undefined;
  const haveMeetings = meetingsF !== undefined;
  const haveDocuments = documentsF !== undefined;
  for (const { value: d, index } of documents) {
    if (haveMeetings && !meetingIds.has(d.meeting) && documentsF)
      problems.push(`${at(documentsF, index, ['meeting'])}: document "${d.file}" (item ${index + 1}), field "meeting": unknown meeting "${d.meeting}"`);
  }
  for (const { value: m, index } of meetings) {
    m.documents.forEach((file, k) => {
      if (haveDocuments && !docByFile.has(file) && meetingsF)
        problems.push(`${at(meetingsF, index, ['documents', k])}: meeting "${m.id}" (item ${index + 1}), field "documents[${k}]": unknown document "${file}"`);
    });
  }

  const byId = new Map<string, EntryRecord>();
  for (const rec of entries) {
    const { value: e, index, file } = rec;
    const who = `entry "${e.id}" (item ${index + 1})`;
    const prev = byId.get(e.id);
    if (prev) problems.push(`${at(file, index, ['id'])}: ${who}, field "id": duplicate id, already used in ${prev.file.name}`);
    else byId.set(e.id, rec);
    e.themes.forEach((t, k) => {
      if (haveThemes && !themeIds.has(t)) problems.push(`${at(file, index, ['themes', k])}: ${who}, field "themes[${k}]": unknown theme "${t}"`);
    });
    const doc = docByFile.get(e.source.document);
    if (!doc) {
      if (haveDocuments) problems.push(`${at(file, index, ['source', 'document'])}: ${who}, field "source.document": unknown document "${e.source.document}"`);
    } else if (!doc.sections.includes(e.source.section)) {
      problems.push(
        `${at(file, index, ['source', 'section'])}: ${who}, field "source.section": "${e.source.section}" is not a section of ${doc.file} (sections: ${doc.sections.join(', ')})`,
      );
    }
    if (haveMeetings && !meetingIds.has(e.source.meeting))
      problems.push(`${at(file, index, ['source', 'meeting'])}: ${who}, field "source.meeting": unknown meeting "${e.source.meeting}"`);
  }
  // ids that cannot be checked against: entries that failed their schema, or any entry file that could not be read
  // (a broken entry is reported once, not once more per link to it)
  const unreadable: ReadonlySet<string> | 'all' = entriesF.some((f) => f === undefined)
    ? 'all'
    : new Set(
        entriesF.flatMap((f) =>
          (f?.items ?? []).flatMap((item) => {
            const id = item && typeof item === 'object' ? (item as Record<string, unknown>).id : undefined;
            return typeof id === 'string' && !byId.has(id) ? [id] : [];
          }),
        ),
      );
  const folded = checkLinks(entries, byId, unreadable, at, problems);

  if (problems.length > 0) throw new KnowledgeError(root, problems);
  return {
    themes: themes.map((t) => t.value as Theme),
    synonyms: synonyms.map((s) => s.value as Synonym),
    meetings: meetings.map((m) => m.value as Meeting),
    documents: documents.map((d) => d.value as SourceDocument),
    ...folded,
  };
}

interface EntryRecord {
  value: EntryInput;
  index: number;
  file: ParsedFile;
}

/** Check `same_as`, `addressed_by` and `related` (ids exist, no self-links, no same_as chains, addressed_by only on a
 *  challenge and only towards entries that can address one), then fold: each entry with `same_as` is merged into its
 *  canonical entry (sources, keywords, links) and removed; links to a folded id are redirected to its canonical. */
function checkLinks(
  entries: EntryRecord[],
  byId: Map<string, EntryRecord>,
  unreadable: ReadonlySet<string> | 'all',
  at: (f: ParsedFile, i: number, p: PathKey[]) => string,
  problems: string[],
): { entries: Entry[]; aliases: ReadonlyMap<string, string> } {
  const before = problems.length;
  const aliases = new Map<string, string>();
  const unknown = (id: string) => !byId.has(id) && unreadable !== 'all' && !unreadable.has(id);
  const kindName = (k: string) => (/^[aeiou]/.test(k) ? `an ${k}` : `a ${k}`);

  for (const { value: e, index, file } of entries) {
    if (byId.get(e.id)?.value !== e) continue; // a duplicate id, already reported
    const who = `entry "${e.id}" (item ${index + 1})`;
    const report = (p: PathKey[], msg: string) => problems.push(`${at(file, index, p)}: ${who}, field "${fieldPath(p)}": ${msg}`);

    if (e.same_as !== undefined) {
      const target = byId.get(e.same_as);
      if (e.same_as === e.id) report(['same_as'], 'links the entry to itself');
      else if (!target) {
        if (unknown(e.same_as)) report(['same_as'], `unknown entry "${e.same_as}"`);
      }
      else if (target.value.same_as !== undefined) {
        // follow the chain to tell a cycle from a chain, and name the canonical entry
        const seen = [e.id, target.value.id];
        let cur: EntryInput | undefined = target.value;
        while (cur?.same_as !== undefined && !seen.includes(cur.same_as)) {
          seen.push(cur.same_as);
          cur = byId.get(cur.same_as)?.value;
        }
        if (cur?.same_as !== undefined && seen.includes(cur.same_as))
          report(['same_as'], `same_as cycle: ${[...seen, cur.same_as].map((id) => `"${id}"`).join(' -> ')}; one entry of the point must be the canonical one, without same_as`);
        else
          report(
            ['same_as'],
            `"${e.same_as}" is itself folded into "${target.value.same_as}" (same_as chains are not allowed): point at the canonical entry${cur ? ` "${cur.id}"` : ''} directly`,
          );
      } else aliases.set(e.id, target.value.id);
    }

    if (e.addressed_by !== undefined && e.kind !== 'challenge')
      report(['addressed_by'], `only a challenge can list the entries that address it (this entry is ${kindName(e.kind)})`);
    for (const field of ['addressed_by', 'related'] as const) {
      e[field]?.forEach((id, k) => {
        const target = byId.get(id);
        if (id === e.id) report([field, k], 'links the entry to itself');
        else if (!target) {
          if (unknown(id)) report([field, k], `unknown entry "${id}"`);
        }
        else if (field === 'addressed_by' && !ADDRESSING_KINDS.includes(target.value.kind))
          report([field, k], `"${id}" is ${kindName(target.value.kind)}; addressed_by lists good practices, opportunities, conclusions and next steps`);
      });
    }
  }
  // a folded entry's addressed_by lands on its canonical entry, which must be a challenge too
  for (const { value: e, index, file } of entries) {
    const canonical = aliases.get(e.id);
    const target = canonical !== undefined ? byId.get(canonical) : undefined;
    if (e.addressed_by?.length && target && target.value.kind !== 'challenge')
      problems.push(
        `${at(file, index, ['addressed_by'])}: entry "${e.id}" (item ${index + 1}), field "addressed_by": the entry is folded into "${canonical}", ${kindName(target.value.kind)}, which cannot have addressed_by`,
      );
  }
  if (problems.length > before) return { entries: [], aliases };

  // ---- fold ----
  const resolve = (id: string) => aliases.get(id) ?? id;
  const out = new Map<string, Entry>();
  for (const { value: e } of entries) {
    if (aliases.has(e.id) || out.has(e.id)) continue;
    out.set(e.id, {
      id: e.id,
      kind: e.kind,
      title: e.title,
      text: e.text,
      themes: e.themes,
      source: e.source,
      sources: [e.source],
      keywords: [...e.keywords],
      addressed_by: [...(e.addressed_by ?? [])],
      related: [...(e.related ?? [])],
      ...(e.added !== undefined ? { added: e.added } : {}),
    });
  }
  for (const { value: e } of entries) {
    const canonical = aliases.get(e.id);
    const into = canonical !== undefined ? out.get(canonical) : undefined;
    if (!into) continue;
    into.sources.push(e.source);
    into.keywords.push(...e.keywords);
    into.addressed_by.push(...(e.addressed_by ?? []));
    into.related.push(...(e.related ?? []));
  }
  const tidy = (ids: string[], self: string) => [...new Set(ids.map(resolve))].filter((id) => id !== self);
  for (const entry of out.values()) {
    const seen = new Set<string>();
    entry.keywords = entry.keywords.filter((k) => {
      const key = k.trim().toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    entry.addressed_by = tidy(entry.addressed_by, entry.id);
    entry.related = tidy(entry.related, entry.id);
  }
  return { entries: [...out.values()], aliases };
}
