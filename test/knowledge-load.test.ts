// Loading and validating knowledge/, and the citations built from it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { citationFor, formatMeetingDate } from '../src/knowledge/citation.ts';
import { loadLexicon } from '../src/engine/interpret/index.ts';
import { KnowledgeError, defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import type { Meeting } from '../src/knowledge/schema.ts';

const realDir = defaultKnowledgeDir();

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

function copyBase(): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-kn-'));
  temps.push(tmp);
  const dir = path.join(tmp, 'knowledge');
  fs.cpSync(realDir, dir, { recursive: true });
  return dir;
}

function entryFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(dir, 'entries'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join(dir, 'entries', f));
}

function loadError(dir: string): KnowledgeError {
  try {
    loadPracticeBase(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(KnowledgeError);
    return err as KnowledgeError;
  }
  throw new Error('expected the base to fail loading');
}

describe('loadPracticeBase: the real base', () => {
  it('finds knowledge/ from the module location and loads it', () => {
    expect(fs.existsSync(path.join(realDir, 'themes.yaml'))).toBe(true);
    const base = loadPracticeBase(realDir);
    expect(base.entries.length).toBeGreaterThan(20);
    expect(base.meetings.length).toBeGreaterThanOrEqual(5);
    expect(base.documents.length).toBe(5);
    expect(new Set(base.entries.map((e) => e.id)).size).toBe(base.entries.length);
  });

  it('has at least one entry for every document', () => {
    const base = loadPracticeBase(realDir);
    for (const d of base.documents) expect(base.entries.some((e) => e.source.document === d.file), d.file).toBe(true);
  });
});

describe('loadPracticeBase: broken copies', () => {
  it('names the file, the entry id and the field for a schema error', () => {
    const dir = copyBase();
    const file = entryFiles(dir)[0]!;
    const items = parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>[];
    const victim = items[1]!;
    const id = victim.id as string;
    delete victim.title;
    (victim.source as Record<string, unknown>).section = 42;
    victim.kind = 'rumour';
    fs.writeFileSync(file, stringify(items));
    const err = loadError(dir);
    const name = `knowledge/entries/${path.basename(file)}`;
    const lines = err.message.split('\n');
    const about = (field: string) => lines.find((l) => l.includes(`"${field}"`));
    for (const field of ['title', 'source.section', 'kind']) {
      const line = about(field);
      expect(line, field).toBeDefined();
      expect(line).toContain(name);
      expect(line).toContain(`entry "${id}"`);
      expect(line).toContain('item 2');
    }
    expect(about('title')).toMatch(/expected string/);
    expect(err.message).not.toMatch(/\n\s+at /); // no stack in the message
    expect(err.problems.length).toBe(3);
  });

  it('names the list index when the entry has no id, and unknown fields', () => {
    const dir = copyBase();
    const file = entryFiles(dir)[0]!;
    const items = parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>[];
    delete items[0]!.id;
    items[2]!.colour = 'red';
    fs.writeFileSync(file, stringify(items));
    const err = loadError(dir);
    expect(err.message).toMatch(/entry at item 1, field "id"/);
    expect(err.message).toMatch(new RegExp(`entry "${items[2]!.id as string}" \\(item 3\\), field "colour": Unrecognized key`));
  });

  it('reports cross-reference problems: unknown theme, section, document, meeting and duplicate ids', () => {
    const dir = copyBase();
    const [first, second] = entryFiles(dir);
    const a = parse(fs.readFileSync(first!, 'utf8')) as Record<string, any>[];
    a[0]!.themes = ['no-such-theme'];
    a[1]!.source.section = 'Not A Section';
    a[2]!.source.document = '999_0000000000000000.txt';
    a[3]!.source.meeting = 'no-such-meeting';
    const dupId = a[4]!.id as string;
    fs.writeFileSync(first!, stringify(a));
    const target = second ?? first!;
    const b = parse(fs.readFileSync(target, 'utf8')) as Record<string, any>[];
    b.push({ ...a[4]!, id: dupId });
    fs.writeFileSync(target, stringify(b));
    const msg = loadError(dir).message;
    expect(msg).toMatch(new RegExp(`entry "${a[0]!.id}" .*field "themes\\[0\\]": unknown theme "no-such-theme"`));
    expect(msg).toMatch(new RegExp(`entry "${a[1]!.id}" .*field "source.section": "Not A Section" is not a section`));
    expect(msg).toMatch(new RegExp(`entry "${a[2]!.id}" .*field "source.document": unknown document`));
    expect(msg).toMatch(new RegExp(`entry "${a[3]!.id}" .*field "source.meeting": unknown meeting "no-such-meeting"`));
    expect(msg).toMatch(new RegExp(`entry "${dupId}" .*field "id": duplicate id`));
  });

  it('reports YAML syntax errors with file and line', () => {
    const dir = copyBase();
    fs.writeFileSync(path.join(dir, 'themes.yaml'), '- id: training\n  label: [unclosed\n  description: x\n');
    const msg = loadError(dir).message;
    expect(msg).toMatch(/knowledge\/themes\.yaml:\d+(:\d+)?: YAML syntax/);
  });

  it('reports a file that is not a list, and a missing file', () => {
    const dir = copyBase();
    fs.writeFileSync(path.join(dir, 'meetings.yaml'), 'id: colep-3\n');
    fs.rmSync(path.join(dir, 'documents.yaml'));
    const msg = loadError(dir).message;
    expect(msg).toMatch(/knowledge\/meetings\.yaml: must be a YAML list/);
    expect(msg).toMatch(/knowledge\/documents\.yaml: missing/);
  });

  it('names a file that cannot be read, and why, in the base and in its lexicon', () => {
    const dir = copyBase();
    const entry = entryFiles(dir)[0]!;
    fs.rmSync(entry);
    fs.mkdirSync(entry); // a folder where a file should be: EISDIR, as root reads any file
    expect(loadError(dir).message).toContain(`knowledge/entries/${path.basename(entry)}: cannot be read (EISDIR)`);
    const lexiconFile = path.join(dir, 'lexicon', fs.readdirSync(path.join(dir, 'lexicon')).find((f) => f.endsWith('.yaml'))!);
    fs.rmSync(lexiconFile);
    fs.mkdirSync(lexiconFile);
    expect(() => loadLexicon(dir)).toThrow(`${path.basename(lexiconFile)}: cannot be read (EISDIR)`);
  });
});

const meeting = (date: Meeting['date']): Pick<Meeting, 'date'> => ({ date });

describe('citations', () => {
  it('formats meeting dates at every precision', () => {
    expect(formatMeetingDate(meeting({ start: '2023-05-04', precision: 'day' }))).toBe('4 May 2023');
    expect(formatMeetingDate(meeting({ start: '2024-04-29', end: '2024-04-30', precision: 'day' }))).toBe('29–30 April 2024');
    expect(formatMeetingDate(meeting({ start: '2013-05-14', end: '2013-05-16', precision: 'day' }))).toBe('14–16 May 2013');
    expect(formatMeetingDate(meeting({ start: '2024-04-30', end: '2024-05-02', precision: 'day' }))).toBe('30 April – 2 May 2024');
    expect(formatMeetingDate(meeting({ start: '2023-09', end: '2023-10', precision: 'season', label: 'September or October 2023' }))).toBe(
      'September or October 2023',
    );
    expect(formatMeetingDate(meeting({ start: '2023-09', precision: 'month' }))).toBe('September 2023');
    expect(formatMeetingDate(meeting({ start: '2023', precision: 'year' }))).toBe('2023');
  });

  it('cites meeting title, date and section from the real base', () => {
    const base = loadPracticeBase(realDir);
    const colep = base.entries.find((e) => e.source.document === '001_f556e3455b226015.txt' && e.source.section === 'Good Practices');
    expect(colep).toBeDefined();
    expect(citationFor(colep!, base).label).toBe('3rd COLEP meeting, 4 May 2023, Good Practices');
    for (const e of base.entries) {
      const c = citationFor(e, base);
      expect(c.label.endsWith(`, ${e.source.section}`)).toBe(true);
      expect(c.document).toBe(e.source.document);
    }
  });
});
