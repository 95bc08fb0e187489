// Links between entries (addressed_by, related) and points recorded twice (same_as): validated at load, and
// same_as entries folded into their canonical entry.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KnowledgeError, defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import { ADDRESSING_KINDS, type Entry, type EntrySource } from '../src/knowledge/schema.ts';

const realDir = defaultKnowledgeDir();
const base = loadPracticeBase(realDir);
const byId = new Map(base.entries.map((e) => [e.id, e]));

interface RawEntry {
  id: string;
  kind: string;
  source: EntrySource;
  keywords?: string[];
  same_as?: string;
  addressed_by?: string[];
  related?: string[];
}
const raw: RawEntry[] = fs
  .readdirSync(path.join(realDir, 'entries'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((f) => parse(fs.readFileSync(path.join(realDir, 'entries', f), 'utf8')) as RawEntry[]);

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

const FILE = 'knowledge/entries/999-links-test.yaml';
const SOURCE = '{document: 001_f556e3455b226015.txt, section: Challenges, meeting: colep-3}';

/** One entry in the files' own layout; `extra` are further `field: value` lines. */
function entry(id: string, kind: string, ...extra: string[]): string {
  return [
    `- id: ${id}`,
    `  kind: ${kind}`,
    `  title: Test entry ${id}`,
    '  text: A test entry written to check how links between entries are validated.',
    '  themes: [encryption]',
    `  source: ${SOURCE}`,
    ...extra.map((l) => `  ${l}`),
    '',
  ].join('\n');
}

/** A copy of the real base with one more entry file holding `entries`; returns the folder and the file's text. */
function baseWith(...entries: string[]): { dir: string; text: string } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-links-'));
  temps.push(tmp);
  const dir = path.join(tmp, 'knowledge');
  fs.cpSync(realDir, dir, { recursive: true });
  const text = `# Entries written by test/knowledge-links.test.ts\n${entries.join('\n')}`;
  fs.writeFileSync(path.join(dir, 'entries', '999-links-test.yaml'), text);
  return { dir, text };
}

/** 1-based line of the first line of `text` that contains `needle`, in or after the entry `id`. */
function lineOf(text: string, id: string, needle: string): number {
  const lines = text.split('\n');
  const from = lines.indexOf(`- id: ${id}`);
  expect(from, id).toBeGreaterThanOrEqual(0);
  const i = lines.findIndex((l, k) => k >= from && l.includes(needle));
  expect(i, needle).toBeGreaterThanOrEqual(0);
  return i + 1;
}

function problems(dir: string): string[] {
  try {
    loadPracticeBase(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(KnowledgeError);
    const list = (err as KnowledgeError).problems;
    for (const p of list) expect(p).not.toContain('\n');
    return list;
  }
  throw new Error('expected the base to fail loading');
}

/** The base fails with exactly these problems (one line each). */
function expectProblems(dir: string, ...expected: string[]): void {
  expect(problems(dir)).toEqual(expected);
}

describe('same_as: the real base folds points recorded twice', () => {
  it('shows a folded point once, with both sources, the canonical source first', () => {
    expect(byId.has('colep3news-ch-encrypted-data')).toBe(false);
    const e = byId.get('colep3-ch-encrypted-data-volume')!;
    expect(e.sources.map((s) => s.document)).toEqual(['001_f556e3455b226015.txt', '000_fd187bde8d8e5a71.txt']);
    expect(e.source).toEqual(e.sources[0]);
    expect(e.source.document).toBe('001_f556e3455b226015.txt');
  });

  it('folds every same_as entry of the files: gone from entries, its source and keywords on its canonical entry', () => {
    const folded = raw.filter((r) => r.same_as !== undefined);
    expect(folded.length).toBeGreaterThanOrEqual(3);
    expect(base.entries.length).toBe(raw.length - folded.length);
    for (const r of folded) {
      expect(byId.has(r.id), r.id).toBe(false);
      const into = byId.get(r.same_as!)!;
      expect(into, r.id).toBeDefined();
      expect(into.sources, r.id).toContainEqual(r.source);
      const words = new Set(into.keywords.map((k) => k.toLowerCase()));
      for (const k of r.keywords ?? []) expect(words.has(k.toLowerCase()), `${r.id}: ${k}`).toBe(true);
    }
  });

  it('merges keywords without duplicates', () => {
    // both COLEP entries on encrypted data list "encrypted data" and "encryption"; the news item adds "too much data"
    const e = byId.get('colep3-ch-encrypted-data-volume')!;
    expect(e.keywords.filter((k) => k.toLowerCase() === 'encrypted data')).toHaveLength(1);
    expect(e.keywords).toContain('too much data');
    for (const x of base.entries) expect(new Set(x.keywords.map((k) => k.toLowerCase())).size, x.id).toBe(x.keywords.length);
  });

  it('resolves old ids through aliases', () => {
    expect(base.aliases.get('colep3news-ch-platform-cooperation')).toBe('colep3-ch-platform-takedown');
    expect(base.aliases.get('colep3news-ns-next-meeting-sofia')).toBe('colep3-ns-next-meeting-sofia');
    expect(base.aliases.has('colep3-ch-platform-takedown')).toBe(false);
    for (const r of raw.filter((x) => x.same_as)) expect(base.aliases.get(r.id)).toBe(r.same_as);
    for (const [from, to] of base.aliases) {
      expect(byId.has(from), from).toBe(false);
      expect(byId.has(to), to).toBe(true);
    }
  });
});

describe('links: the real base', () => {
  it('gives every entry sources, addressed_by and related, links being arrays of existing canonical ids', () => {
    for (const e of base.entries) {
      expect(e.sources.length, e.id).toBeGreaterThanOrEqual(1);
      expect(e.sources[0], e.id).toEqual(e.source);
      for (const field of ['addressed_by', 'related'] as const) {
        expect(Array.isArray(e[field]), `${e.id}.${field}`).toBe(true);
        expect(new Set(e[field]).size, `${e.id}.${field}`).toBe(e[field].length);
        for (const id of e[field]) {
          expect(byId.has(id), `${e.id}.${field} -> ${id}`).toBe(true);
          expect(id, `${e.id}.${field}`).not.toBe(e.id);
        }
      }
      if (e.kind !== 'challenge') expect(e.addressed_by, e.id).toEqual([]);
      for (const id of e.addressed_by) expect(ADDRESSING_KINDS, `${e.id} -> ${id}`).toContain(byId.get(id)!.kind);
    }
  });

  it('lists, for every challenge, 1 to 5 entries that address it', () => {
    const challenges = base.entries.filter((e) => e.kind === 'challenge');
    expect(challenges.length).toBeGreaterThan(20);
    const bare = challenges.filter((e) => e.addressed_by.length === 0).map((e) => e.id);
    expect(bare).toEqual([]);
    for (const e of challenges) expect(e.addressed_by.length, e.id).toBeLessThanOrEqual(5);
    // the issue's own example: encrypted data is addressed by the data centres, best first
    expect(byId.get('colep3-ch-encrypted-data-volume')!.addressed_by[0]).toBe('colep3-gp-central-data-centres');
  });

  it('keeps links as written, in order, on the loaded entry', () => {
    for (const r of raw.filter((x) => !x.same_as)) {
      const e: Entry = byId.get(r.id)!;
      expect(e.related.slice(0, r.related?.length ?? 0), r.id).toEqual((r.related ?? []).map((id) => base.aliases.get(id) ?? id));
      expect(e.addressed_by.slice(0, r.addressed_by?.length ?? 0), r.id).toEqual((r.addressed_by ?? []).map((id) => base.aliases.get(id) ?? id));
    }
  });
});

describe('same_as: folding links', () => {
  it("redirects links to a folded id, and merges a folded entry's links into its canonical entry", () => {
    const { dir } = baseWith(
      entry('test-gp-watch-reposts', 'good-practice', 'related: [colep3news-ch-ads-reposted, colep3-ch-ads-reposted]'),
      entry('test-ch-police-info', 'challenge', 'addressed_by: [colep3news-concl-police-to-police]'),
      entry(
        'test-ch-old-kit',
        'challenge',
        'keywords: [zzz kit, Tools]',
        'same_as: colep3-ch-equipment',
        'addressed_by: [colep3-op-phone-extraction, colep3-op-tools-web-crawlers]',
        'related: [colep3news-ch-encrypted-data, colep3-ch-equipment]',
      ),
    );
    const b = loadPracticeBase(dir);
    const get = (id: string) => b.entries.find((e) => e.id === id)!;
    expect(get('test-gp-watch-reposts').related).toEqual(['colep3-ch-ads-reposted']);
    expect(get('test-ch-police-info').addressed_by).toEqual(['colep3-ns-police-to-police']);
    expect(b.entries.some((e) => e.id === 'test-ch-old-kit')).toBe(false);
    expect(b.aliases.get('test-ch-old-kit')).toBe('colep3-ch-equipment');
    const kit = get('colep3-ch-equipment');
    const own = byId.get('colep3-ch-equipment')!;
    expect(kit.sources).toEqual([...own.sources, { document: '001_f556e3455b226015.txt', section: 'Challenges', meeting: 'colep-3' }]);
    // its own first, then the folded entry's, without duplicates ("Tools" = "tools"; crawlers already listed)
    expect(kit.keywords).toEqual([...own.keywords, 'zzz kit']);
    expect(kit.addressed_by).toEqual([...own.addressed_by, 'colep3-op-phone-extraction']);
    // the link to the canonical entry itself is dropped, the folded id is redirected
    expect(kit.related).toEqual([...own.related, 'colep3-ch-encrypted-data-volume']);
  });
});

describe('links: broken folders fail with one line naming file, line, entry and field', () => {
  it('an unknown id in addressed_by, related or same_as', () => {
    const { dir, text } = baseWith(
      entry('test-ch-a', 'challenge', 'addressed_by: [colep3-gp-cyber-patrol-unit, no-such-entry]', 'related: [no-such-related]'),
      entry('test-ch-b', 'challenge', 'same_as: no-such-canonical'),
    );
    expectProblems(
      dir,
      `${FILE}:${lineOf(text, 'test-ch-a', 'addressed_by')}: entry "test-ch-a" (item 1), field "addressed_by[1]": unknown entry "no-such-entry"`,
      `${FILE}:${lineOf(text, 'test-ch-a', 'related')}: entry "test-ch-a" (item 1), field "related[0]": unknown entry "no-such-related"`,
      `${FILE}:${lineOf(text, 'test-ch-b', 'same_as')}: entry "test-ch-b" (item 2), field "same_as": unknown entry "no-such-canonical"`,
    );
  });

  it('a self-link', () => {
    const { dir, text } = baseWith(entry('test-gp-self', 'good-practice', 'related: [test-gp-self]'), entry('test-ch-self', 'challenge', 'same_as: test-ch-self'));
    expectProblems(
      dir,
      `${FILE}:${lineOf(text, 'test-gp-self', 'related')}: entry "test-gp-self" (item 1), field "related[0]": links the entry to itself`,
      `${FILE}:${lineOf(text, 'test-ch-self', 'same_as')}: entry "test-ch-self" (item 2), field "same_as": links the entry to itself`,
    );
  });

  it('a same_as chain', () => {
    // colep3news-ch-encrypted-data is itself folded into colep3-ch-encrypted-data-volume
    const { dir, text } = baseWith(entry('test-ch-chain', 'challenge', 'same_as: colep3news-ch-encrypted-data'));
    expectProblems(
      dir,
      `${FILE}:${lineOf(text, 'test-ch-chain', 'same_as')}: entry "test-ch-chain" (item 1), field "same_as": "colep3news-ch-encrypted-data" is itself folded into "colep3-ch-encrypted-data-volume" (same_as chains are not allowed): point at the canonical entry "colep3-ch-encrypted-data-volume" directly`,
    );
  });

  it('a same_as cycle', () => {
    const { dir, text } = baseWith(entry('test-ch-one', 'challenge', 'same_as: test-ch-two'), entry('test-ch-two', 'challenge', 'same_as: test-ch-one'));
    expectProblems(
      dir,
      `${FILE}:${lineOf(text, 'test-ch-one', 'same_as')}: entry "test-ch-one" (item 1), field "same_as": same_as cycle: "test-ch-one" -> "test-ch-two" -> "test-ch-one"; one entry of the point must be the canonical one, without same_as`,
      `${FILE}:${lineOf(text, 'test-ch-two', 'same_as')}: entry "test-ch-two" (item 2), field "same_as": same_as cycle: "test-ch-two" -> "test-ch-one" -> "test-ch-two"; one entry of the point must be the canonical one, without same_as`,
    );
  });

  it('addressed_by on an entry that is not a challenge', () => {
    const { dir, text } = baseWith(entry('test-gp-addressed', 'good-practice', 'addressed_by: [colep3-gp-cyber-patrol-unit]'));
    expectProblems(
      dir,
      `${FILE}:${lineOf(text, 'test-gp-addressed', 'addressed_by')}: entry "test-gp-addressed" (item 1), field "addressed_by": only a challenge can list the entries that address it (this entry is a good-practice)`,
    );
  });

  it('addressed_by pointing at a challenge or a fact', () => {
    const { dir, text } = baseWith(entry('test-ch-kinds', 'challenge', 'addressed_by: [colep3-gp-cyber-patrol-unit, colep3-ch-equipment, interpol13-fact-wapis]'));
    const line = lineOf(text, 'test-ch-kinds', 'addressed_by');
    expectProblems(
      dir,
      `${FILE}:${line}: entry "test-ch-kinds" (item 1), field "addressed_by[1]": "colep3-ch-equipment" is a challenge; addressed_by lists good practices, opportunities, conclusions and next steps`,
      `${FILE}:${line}: entry "test-ch-kinds" (item 1), field "addressed_by[2]": "interpol13-fact-wapis" is a fact; addressed_by lists good practices, opportunities, conclusions and next steps`,
    );
  });

  it('addressed_by on an entry folded into one that is not a challenge', () => {
    const { dir, text } = baseWith(entry('test-ch-folded', 'challenge', 'same_as: colep3-gp-cyber-patrol-unit', 'addressed_by: [colep3-op-phone-extraction]'));
    expectProblems(
      dir,
      `${FILE}:${lineOf(text, 'test-ch-folded', 'addressed_by')}: entry "test-ch-folded" (item 1), field "addressed_by": the entry is folded into "colep3-gp-cyber-patrol-unit", a good-practice, which cannot have addressed_by`,
    );
  });

  it('a link to an entry that is itself broken reports only the broken entry', () => {
    const { dir, text } = baseWith(
      entry('test-ch-broken', 'challenge', 'colour: red'),
      entry('test-gp-linker', 'good-practice', 'related: [test-ch-broken]'),
      entry('test-ch-linker', 'challenge', 'same_as: test-ch-broken'),
    );
    const found = problems(dir);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${FILE}:${lineOf(text, 'test-ch-broken', 'colour')}: entry "test-ch-broken" \\(item 1\\), field "colour": Unrecognized key`));
  });

  it('a link that is not a list of ids (schema)', () => {
    const { dir, text } = baseWith(entry('test-ch-schema', 'challenge', 'related: colep3-ch-equipment', 'same_as: [colep3-ch-equipment]'));
    const found = problems(dir);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(new RegExp(`^${FILE}:${lineOf(text, 'test-ch-schema', 'related')}: entry "test-ch-schema" \\(item 1\\), field "related": .*expected array`));
    expect(found[1]).toMatch(new RegExp(`^${FILE}:${lineOf(text, 'test-ch-schema', 'same_as')}: entry "test-ch-schema" \\(item 1\\), field "same_as": .*expected string`));
  });
});
