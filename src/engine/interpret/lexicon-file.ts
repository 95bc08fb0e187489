// Reads and validates the lexicon's files (knowledge/lexicon/*.yaml, shape in lexicon.ts): YAML parsed
// with line numbers and validated with zod; every problem is one line naming the file (and line), the
// language, the concept and the field, so whoever broke a file by hand can find and fix it. Imported
// only where the files are read (check, live reload, a snapshot rebuild), never on a warm start.
import fs from 'node:fs';
import path from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { parseYamlWithLines, yaml } from '../../shared/yaml.ts';
import { z } from 'zod/v3';
import { zodMessages } from '../../shared/zod-messages.ts';
import { LEXICON_LANGUAGES, LexiconError, type Concept, type LanguageTerms, type Lexicon, type LexiconLanguage } from './lexicon.ts';
import { readTextOrProblem } from '../../shared/text.ts';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');
const term = z.string().trim().min(1, 'must not be empty');

export const conceptSchema = z.strictObject({
  id: slug,
  en: z.array(term).min(1, 'needs at least one English term'),
  /** Names a topic but never makes one (a place, a big organisation, "phone", "online"): counts half in coverage. */
  broad: z.boolean().optional(),
  note: z.string().optional(),
}) satisfies z.ZodType<Concept>;

export const languageFileSchema = z.strictObject({
  language: z.string(),
  name: z.string().min(2),
  terms: z.record(z.string(), z.array(term).nullable()),
});

interface Parsed {
  name: string;
  doc: Document;
  lines: LineCounter;
}

function parse(file: string, name: string, problems: string[]): Parsed | undefined {
  const text = readTextOrProblem(file, name, problems);
  if (text === undefined) return undefined;
  const { doc, lines } = parseYamlWithLines(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const at = e.linePos?.[0];
      problems.push(`${name}${at ? `:${at.line}` : ''}: YAML syntax: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    return undefined;
  }
  return { name, doc, lines };
}

function lineOf(f: Parsed, p: readonly PropertyKey[]): number | undefined {
  for (let n = p.length; n >= 0; n--) {
    const keys = p.slice(0, n).filter((k): k is string | number => typeof k !== 'symbol');
    const node = f.doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && Array.isArray(node.range)) return f.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

const where = (f: Parsed, p: readonly PropertyKey[]): string => {
  const line = lineOf(f, p);
  return `${f.name}${line ? `:${line}` : ''}`;
};

function fieldPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const k of p) out += typeof k === 'number' ? `[${k}]` : out === '' ? String(k) : `.${String(k)}`;
  return out;
}

/**
 * Read `<dir>/lexicon/*.yaml` (dir is the knowledge folder). No lexicon folder: an empty lexicon
 * (English only). Throws LexiconError, one line per problem, on any error.
 */
export function loadLexicon(dir: string): Lexicon {
  const root = path.resolve(dir, 'lexicon');
  const shown = (file: string) => path.join(path.basename(path.dirname(root)), 'lexicon', path.basename(file));
  if (!fs.existsSync(root)) return { concepts: [], languages: [] };
  const problems: string[] = [];
  const files = fs
    .readdirSync(root)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const conceptFile = files.find((f) => /^concepts\.ya?ml$/.test(f));
  const concepts: Concept[] = [];
  const conceptIds = new Set<string>();
  if (!conceptFile) {
    if (files.length > 0) problems.push(`${shown(path.join(root, 'concepts.yaml'))}: missing (the language files refer to its concept ids)`);
  } else {
    const f = parse(path.join(root, conceptFile), shown(conceptFile), problems);
    if (f && f.doc.contents !== null && !yaml().isSeq(f.doc.contents)) problems.push(`${f.name}: must be a YAML list of concepts (each item starting with "- id:")`);
    else if (f && f.doc.contents !== null) {
      const items = f.doc.toJS() as unknown[];
      items.forEach((item, i) => {
        const id = item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string' ? (item as { id: string }).id : undefined;
        const who = id ? `concept "${id}" (item ${i + 1})` : `concept at item ${i + 1}`;
        const r = conceptSchema.safeParse(item, { errorMap: zodMessages });
        if (!r.success) {
          for (const issue of r.error.issues) {
            const keys = (issue as { keys?: string[] }).keys;
            const p = issue.code === 'unrecognized_keys' && keys?.[0] ? [...issue.path, keys[0]] : issue.path;
            problems.push(`${where(f, [i, ...p])}: language en, ${who}, field "${fieldPath(p) || '(the item itself)'}": ${issue.message}`);
          }
          return;
        }
        if (conceptIds.has(r.data.id)) {
          problems.push(`${where(f, [i, 'id'])}: language en, ${who}, field "id": duplicate concept id`);
          return;
        }
        conceptIds.add(r.data.id);
        concepts.push(r.data);
      });
    }
  }
  const haveConcepts = conceptFile !== undefined && problems.length === 0;

  const languages: LanguageTerms[] = [];
  const seenLanguage = new Map<string, string>();
  for (const file of files) {
    if (file === conceptFile) continue;
    const f = parse(path.join(root, file), shown(file), problems);
    if (!f) continue;
    const codeFromName = file.replace(/\.ya?ml$/, '');
    if (!yaml().isMap(f.doc.contents)) {
      problems.push(`${f.name}: language ${codeFromName}: must be a YAML mapping with language, name and terms`);
      continue;
    }
    const raw = f.doc.toJS() as unknown;
    const r = languageFileSchema.safeParse(raw, { errorMap: zodMessages });
    const code = r.success ? r.data.language : typeof (raw as { language?: unknown }).language === 'string' ? (raw as { language: string }).language : codeFromName;
    if (!r.success) {
      for (const issue of r.error.issues) {
        const keys = (issue as { keys?: string[] }).keys;
        const p = issue.code === 'unrecognized_keys' && keys?.[0] ? [...issue.path, keys[0]] : issue.path;
        const concept = p[0] === 'terms' && typeof p[1] === 'string' ? `, concept "${p[1]}"` : '';
        problems.push(`${where(f, p)}: language ${code}${concept}, field "${fieldPath(p) || '(the file itself)'}": ${issue.message}`);
      }
      continue;
    }
    const data = r.data;
    if (!(LEXICON_LANGUAGES as readonly string[]).includes(data.language)) {
      problems.push(`${where(f, ['language'])}: language ${data.language}, field "language": unknown language code (known: ${LEXICON_LANGUAGES.join(', ')})`);
      continue;
    }
    if (data.language !== codeFromName) {
      problems.push(`${where(f, ['language'])}: language ${data.language}, field "language": does not match the file name (${file}: "${codeFromName}")`);
      continue;
    }
    const prev = seenLanguage.get(data.language);
    if (prev) {
      problems.push(`${f.name}: language ${data.language}: already given by ${prev}`);
      continue;
    }
    seenLanguage.set(data.language, f.name);
    const terms = new Map<string, string[]>();
    for (const [id, list] of Object.entries(data.terms)) {
      if (haveConcepts && !conceptIds.has(id)) {
        problems.push(`${where(f, ['terms', id])}: language ${data.language}, concept "${id}", field "terms.${id}": unknown concept id (not in concepts.yaml)`);
        continue;
      }
      if (data.language === 'en' && !id.startsWith('chat-')) {
        problems.push(
          `${where(f, ['terms', id])}: language en, concept "${id}", field "terms.${id}": en.yaml holds small talk and filler only (chat-*); English terms of other concepts go in concepts.yaml`,
        );
        continue;
      }
      terms.set(id, list ?? []);
    }
    languages.push({ language: data.language as LexiconLanguage, name: data.name, terms });
  }
  if (problems.length > 0) throw new LexiconError(root, problems);
  return { concepts, languages };
}
