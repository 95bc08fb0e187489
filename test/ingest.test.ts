// `practice-bot ingest` and `practice-bot check`, run in-process through the CLI's main(argv, io) on
// meeting summaries the tests write themselves (DOCX with docx, PDF with pdfkit, plus Markdown).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { main } from '../src/cli.ts';
import { loadConfig } from '../src/config.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { COPIED_POINT, POINT_COUNT, SUMMARY, encryptedPdf, imageOnlyPdf, summaryDocx, summaryPdf } from './helpers/meeting-docs.ts';

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});
const savedDir = process.env.KNOWLEDGE_DIR;
afterEach(() => {
  if (savedDir === undefined) delete process.env.KNOWLEDGE_DIR;
  else process.env.KNOWLEDGE_DIR = savedDir;
});

function tmp(): string {
  const t = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-ingest-'));
  temps.push(t);
  return t;
}

/** A copy of the real knowledge folder to ingest into and check. */
function copyBase(): string {
  const dir = path.join(tmp(), 'knowledge');
  fs.cpSync(defaultKnowledgeDir(), dir, { recursive: true });
  return dir;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr });
  return { code, stdout: out, stderr: err };
}

interface DraftItem {
  id?: string;
  kind?: string;
  title?: string;
  text?: string;
  themes?: string[];
  source?: { document: string; section: string; meeting: string };
  review?: string[];
  similar_to?: string[];
  meeting?: Record<string, unknown> & { attendance?: Record<string, unknown>; place?: Record<string, unknown>; date?: Record<string, unknown> };
  document?: Record<string, unknown> & { sections: string[] };
}

const fixtures: Record<string, Buffer> = {};
beforeAll(async () => {
  fixtures.docx = await summaryDocx();
  fixtures.pdf = await summaryPdf('size');
  fixtures['bold.pdf'] = await summaryPdf('bold');
});

function writeFixture(dir: string, name: string, data: Buffer | string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
}

/** What every format must give for the COLEP summary. */
function expectSummaryDraft(items: DraftItem[], document: string): void {
  const meeting = items[0]!.meeting!;
  expect(meeting).toMatchObject({
    id: 'colep-4',
    title: '4th COLEP meeting',
    series: 'COLEP',
    status: 'held',
    hosts: ['Bulgaria', 'Iraq'],
    date: { start: '2023-10-04', precision: 'day' },
    place: { virtual: false, city: 'Sofia', country: 'Bulgaria' },
    documents: [document],
  });
  expect(meeting.attendance).toMatchObject({ participants: 22, participants_note: '22 law enforcement officials and experts', country_count: 9 });
  expect(items[0]!.review).toEqual(expect.arrayContaining(['draft']));
  const doc = items[1]!.document!;
  expect(doc).toMatchObject({ file: document, meeting: 'colep-4', publisher: 'Budapest Process' });

  const entries = items.slice(2);
  expect(entries).toHaveLength(POINT_COUNT);
  for (const e of entries) {
    expect(e.review, e.id).toEqual(expect.arrayContaining(['draft', 'rewrite-in-own-words']));
    expect(e.source).toMatchObject({ document, meeting: 'colep-4' });
    expect(doc.sections).toContain(e.source!.section);
    expect(e.title!.length).toBeLessThanOrEqual(90);
    expect(e.themes!.length).toBeGreaterThan(0);
  }
  // the intro paragraphs are facts; every bullet has the kind and section of its heading
  expect(entries.slice(0, SUMMARY.intro.length).map((e) => e.kind)).toEqual(['fact', 'fact']);
  let i = SUMMARY.intro.length;
  for (const s of SUMMARY.sections) {
    for (const p of s.points) {
      const e = entries[i++]!;
      expect(e.kind, p).toBe(s.kind);
      expect(e.source!.section, p).toBe(s.heading);
      expect(e.text!.replace(/\.$/, '')).toBe(p.replace(/[;.]$/, ''));
    }
  }
  // the point copied from a live entry is noted; a new point is not
  const copied = entries.find((e) => e.text === COPIED_POINT)!;
  expect(copied.similar_to).toContain('colep3-ch-encrypted-data-volume');
  expect(copied.review).toContain('check-duplicate');
  const fresh = entries.find((e) => e.text!.startsWith('Several partners wondered'))!;
  expect(fresh.similar_to).toBeUndefined();
  expect(fresh.review).toContain('choose-kind');
}

describe('practice-bot ingest', () => {
  for (const format of ['docx', 'pdf', 'bold.pdf'] as const) {
    it(`drafts a ${format} meeting summary: kinds, sections, meeting record, duplicate notes`, async () => {
      const kdir = copyBase();
      const file = writeFixture(tmp(), `colep-4-summary.${format}`, fixtures[format]!);
      const r = await run(['ingest', file, '--meeting', 'colep-4', '--out', path.join(kdir, 'drafts', 'colep-4.yaml')]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const items = parse(fs.readFileSync(path.join(kdir, 'drafts', 'colep-4.yaml'), 'utf8')) as DraftItem[];
      expectSummaryDraft(items, `colep-4-summary.${format}`);
      // the one-screen summary
      expect(r.stdout).toMatch(/^Drafted 10 entries from colep-4-summary\./);
      expect(r.stdout).toContain('challenge 3, good-practice 2, opportunity 1, next-step 1, conclusion 0, fact 2; unclassified 1');
      expect(r.stdout).toMatch(/Possible duplicates of live entries: \d+\n(.*\n)*.*colep3-ch-encrypted-data-volume/);
      expect(r.stdout).toMatch(/Unclassified \(choose a kind or delete\): 1\n {2}colep4-point-/);
      expect(r.stdout.split('\n').length).toBeLessThan(30);
    });
  }

  it('reads Markdown headings and bullets, and writes to <KNOWLEDGE_DIR>/drafts/<meeting>.yaml by default', async () => {
    const kdir = copyBase();
    process.env.KNOWLEDGE_DIR = kdir;
    const md = [
      SUMMARY.publisher,
      '',
      `# ${SUMMARY.title}`,
      '',
      ...SUMMARY.intro.flatMap((p) => [p, '']),
      ...SUMMARY.sections.flatMap((s) => [`## ${s.heading}`, '', ...s.points.map((p) => `- ${p}`), '']),
    ].join('\n');
    const file = writeFixture(tmp(), 'colep-4-summary.md', md);
    const r = await run(['ingest', file, '--meeting', 'colep-4']);
    expect(r.code).toBe(0);
    const out = path.join(kdir, 'drafts', 'colep-4.yaml');
    expectSummaryDraft(parse(fs.readFileSync(out, 'utf8')) as DraftItem[], 'colep-4-summary.md');
    // drafts are not live: the folder loads as before
    expect(loadPracticeBase(kdir).entries.some((e) => e.id.startsWith('colep4-'))).toBe(false);
    // a second run does not overwrite a draft under review
    const again = await run(['ingest', file, '--meeting', 'colep-4']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists .*--force/);
  });

  it('a draft passes check once reviewed: records moved, review marks removed, file moved into entries/', async () => {
    const kdir = copyBase();
    const file = writeFixture(tmp(), 'colep-4-summary.pdf', fixtures.pdf!);
    const draftFile = path.join(kdir, 'drafts', 'colep-4.yaml');
    expect((await run(['ingest', file, '--meeting', 'colep-4', '--out', draftFile])).code).toBe(0);

    // under review: a warning, not an error
    const before = await run(['check', '--dir', kdir]);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/knowledge\/drafts\/colep-4\.yaml:\d+: warning: 12 draft items still marked for review/);

    // moved as it is into entries/: the bot would refuse it, check says why
    const raw = fs.readFileSync(draftFile, 'utf8');
    fs.writeFileSync(path.join(kdir, 'entries', '005-colep-4-summary.yaml'), raw);
    const early = await run(['check', '--dir', kdir]);
    expect(early.code).toBe(1);
    expect(early.stdout).toMatch(/knowledge\/entries\/005-colep-4-summary\.yaml:\d+: error: entry "colep4-ch-[a-z0-9-]+" \(item \d+\), field "review": still marked for review/);
    expect(early.stdout).toMatch(/005-colep-4-summary\.yaml:\d+: error: item 1: a draft meeting record: move it into meetings\.yaml/);

    // the secretariat's review: records into meetings.yaml and documents.yaml, marks removed, unclassified point given a kind
    const items = parse(raw) as DraftItem[];
    const meetings = (parse(fs.readFileSync(path.join(kdir, 'meetings.yaml'), 'utf8')) as { id: string }[]).filter((m) => m.id !== 'colep-4');
    fs.writeFileSync(path.join(kdir, 'meetings.yaml'), stringify([...meetings, items[0]!.meeting]));
    fs.appendFileSync(path.join(kdir, 'documents.yaml'), `\n${stringify([items[1]!.document])}`);
    const entries = items.slice(2).map(({ review: _r, similar_to: _s, ...e }) => (e.kind === 'unclassified' ? { ...e, kind: 'conclusion' } : e));
    fs.writeFileSync(path.join(kdir, 'entries', '005-colep-4-summary.yaml'), stringify(entries));
    fs.rmSync(draftFile);

    const after = await run(['check', '--dir', kdir]);
    expect(after.stdout).not.toContain('error:');
    expect(after.code).toBe(0);
    // the copied point is still reported as a possible duplicate across documents (a warning)
    expect(after.stdout).toMatch(/warning: entry "colep4-ch-[a-z0-9-]+" .*looks like the same point as "colep3-ch-encrypted-data-volume"|warning: entry "colep3-ch-encrypted-data-volume" .*looks like the same point as "colep4-ch-/);
    expect(loadPracticeBase(kdir).entries.filter((e) => e.source.meeting === 'colep-4')).toHaveLength(POINT_COUNT);
  });

  it('refuses what it cannot read with a one-line reason, exit 1, and writes nothing', async () => {
    const kdir = copyBase();
    const dir = tmp();
    const cases: [string, Buffer | string | undefined, RegExp][] = [
      ['minutes.rtf', '{\\rtf1 Challenges}', /unknown file type "\.rtf"/],
      ['empty.txt', '', /the file is empty/],
      ['blank.md', '  \n\n ', /the file is empty/],
      ['empty.pdf', '', /the file is empty/],
      ['scan.pdf', await imageOnlyPdf(), /no text layer \(a scanned or image-only PDF\?\)/],
      ['locked.pdf', await encryptedPdf(), /encrypted \(password protected\)/],
      ['broken.pdf', '%PDF-1.7 this is not really a PDF', /not a valid PDF|cannot be opened/],
      ['old.docx', 'plain text pretending to be Word', /not a Word \.docx file/],
      ['missing.pdf', undefined, /no such file/],
    ];
    for (const [name, data, reason] of cases) {
      const file = data === undefined ? path.join(dir, name) : writeFixture(dir, name, data);
      const r = await run(['ingest', file, '--meeting', 'colep-4', '--out', path.join(kdir, 'drafts', 'colep-4.yaml')]);
      expect(r.code, name).toBe(1);
      expect(r.stdout, name).toBe('');
      expect(r.stderr, name).toMatch(reason);
      expect(r.stderr.trimEnd().split('\n'), name).toHaveLength(1);
      expect(r.stderr, name).not.toMatch(/\bat .*\.(ts|js|mjs):\d+/);
      expect(fs.existsSync(path.join(kdir, 'drafts')), name).toBe(false);
    }
  });

  it('refuses a bad meeting id and a missing --meeting', async () => {
    const file = writeFixture(tmp(), 'x.md', '# Challenges\n\n- Something hard to do across borders.\n');
    const bad = await run(['ingest', file, '--meeting', 'COLEP 4', '--out', path.join(tmp(), 'x.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a meeting id/);
    const none = await run(['ingest', file]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: practice-bot ingest/);
  });
});

describe('practice-bot check', () => {
  it('passes the real knowledge folder (warnings only)', async () => {
    const r = await run(['check']);
    expect(r.stdout).not.toContain(': error:');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+ entries, \d+ documents, \d+ meetings, \d+ themes; 0 errors/);
  });

  it('reports an unknown theme, a duplicate id and an unknown meeting with file, line, id and field; exit 1', async () => {
    const kdir = copyBase();
    const bad = [
      '# broken on purpose',
      '- id: colep3-ch-encrypted-data-volume',
      '  kind: challenge',
      '  title: The same id as a live entry',
      '  text: This entry reuses an id that another file already has, which must be refused.',
      '  themes: [encryption]',
      '  source: {document: 001_f556e3455b226015.txt, section: Challenges, meeting: colep-3}',
      '- id: broken-ch-unknown-theme',
      '  kind: challenge',
      '  title: An entry with a theme nobody defined',
      '  text: The theme below is not in themes.yaml and the meeting is not in meetings.yaml.',
      '  themes: [astrology]',
      '  source: {document: 001_f556e3455b226015.txt, section: Challenges, meeting: colep-99}',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(kdir, 'entries', '009-broken.yaml'), bad);
    process.env.KNOWLEDGE_DIR = kdir; // the default folder comes from KNOWLEDGE_DIR
    const r = await run(['check']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const find = (re: RegExp) => lines.find((l) => re.test(l));
    expect(find(/^knowledge\/entries\/009-broken\.yaml:2: error: entry "colep3-ch-encrypted-data-volume" \(item 1\), field "id": duplicate id/)).toBeDefined();
    expect(find(/^knowledge\/entries\/009-broken\.yaml:12: error: entry "broken-ch-unknown-theme" \(item 2\), field "themes\[0\]": unknown theme "astrology"/)).toBeDefined();
    expect(find(/^knowledge\/entries\/009-broken\.yaml:13: error: entry "broken-ch-unknown-theme" \(item 2\), field "source\.meeting": unknown meeting "colep-99"/)).toBeDefined();
    expect(r.stdout).toMatch(/does not load; 3 errors/);
  });

  it('check reports a lexicon term filed under a concept that does not exist, naming the file and concept', async () => {
    const kdir = copyBase();
    const fr = path.join(kdir, 'lexicon', 'fr.yaml');
    fs.writeFileSync(fr, fs.readFileSync(fr, 'utf8').replace(/^terms:\n/m, 'terms:\n  encrypted-date: [donnees chiffrees]\n'));
    const r = await run(['check', '--dir', kdir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/lexicon\/fr\.yaml:\d+: .*concept "encrypted-date".*unknown concept/);
  });
});

describe('KNOWLEDGE_DIR', () => {
  it('is read by the configuration (absolute) and defaults to the repository folder', () => {
    expect(loadConfig({ KNOWLEDGE_DIR: 'kb' }).knowledgeDir).toBe(path.resolve('kb'));
    expect(loadConfig({}).knowledgeDir).toBeUndefined();
  });

  it('ask answers from it', async () => {
    const kdir = copyBase();
    const file = path.join(kdir, 'entries', '001-colep-3-summary.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('title: A permanent cyber patrol unit', 'title: A permanent zeppelin patrol unit'));
    process.env.KNOWLEDGE_DIR = kdir;
    const r = await run(['ask', '--json', 'zeppelin patrol']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { results: { title: string }[] }).results[0]?.title).toMatch(/zeppelin/);
  });
});
