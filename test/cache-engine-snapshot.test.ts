// The engine snapshot (src/cache/engine.ts, engine-codec.ts) keeps what a build computes: the synonym
// table, the index (its postings as typed arrays in a binary body), each entry's own terms, the spelling
// vocabulary and the everyday words the base curates. A warm start reads them and analyses no text: it
// answers exactly (scores included) as an engine built from the base; a snapshot that is corrupt, foreign
// or decodes badly is rebuilt; a live reload's memo still gets every field text of the base.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineCached } from '../src/cache/engine.ts';
import { analyseField, buildSynonymTable } from '../src/engine/analyze.ts';
import { createEngine, indexFieldTexts, type PracticeEngine } from '../src/engine/engine.ts';
import { createCarryOverMemo } from '../src/engine/field-terms-memo.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import type { PracticeBase } from '../src/knowledge/schema.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-engsnap-'));
  dirs.push(d);
  return d;
};

const KB = defaultKnowledgeDir();
const base = loadPracticeBase(KB);
const fixture = (name: string) => (parse(fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as { q: string }[]).map((f) => f.q);
const QUESTIONS = [...fixture('questions.yaml'), ...fixture('questions-heldout.yaml'), 'encrpyted data', 'weather in Sofia', 'banana bread', 'hello'];

/** Everything a search gives (scores unrounded by the test), and the themes a topic points to. */
function answers(engine: PracticeEngine, questions: readonly string[]) {
  return questions.map((q) => ({
    first: engine.search(q),
    page: engine.search(q, { limit: 10, offset: 2 }),
    practices: engine.search(q, { kinds: ['good-practice'], limit: 5 }),
    themes: engine.themesFor(q).map((t) => t.id),
  }));
}

const FILE = 'field-terms.json';

/** Rewrites a snapshot's body (its checksum and head length made right again): a snapshot that passes
 *  the checksum but holds something else. */
function rewriteBody(file: string, edit: (head: Record<string, unknown>, blocks: Buffer) => { head: Record<string, unknown>; blocks: Buffer }) {
  const buf = fs.readFileSync(file);
  const nl = buf.indexOf(0x0a);
  const header = JSON.parse(buf.toString('utf8', 0, nl)) as Record<string, unknown>;
  const body = buf.subarray(nl + 1);
  const n = body.readUInt32LE(0);
  const out = edit(JSON.parse(body.toString('utf8', 4, 4 + n)) as Record<string, unknown>, body.subarray(4 + n));
  const json = Buffer.from(JSON.stringify(out.head));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length, 0);
  const newBody = Buffer.concat([len, json, out.blocks]);
  header.sha256 = crypto.createHash('sha256').update(newBody).digest('hex');
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), newBody]));
}

describe('the engine snapshot', () => {
  const plain = createEngine(base);
  const expected = answers(plain, QUESTIONS);

  it('gives a warm start the answers of an engine built from the base, scores and all', () => {
    const cache = tmp();
    const cold = createEngineCached(base, KB, cache);
    expect(cold.outcome).toBe('stored');
    expect(answers(cold.engine, QUESTIONS)).toEqual(expected);
    const warm = createEngineCached(base, KB, cache);
    expect(warm.outcome).toBe('hit');
    expect(answers(warm.engine, QUESTIONS)).toEqual(expected);
    expect(expected.filter((a) => a.first.hits.length > 0).length).toBeGreaterThan(100);
  });

  it('is what a warm start reads: the index, the synonym table, the curated words and the names are not computed again', () => {
    const cache = tmp();
    createEngineCached(base, KB, cache);
    // what only this in-memory copy of the base holds (the files, and so the snapshot, do not) shows
    // which parts were read from the snapshot: an engine built from the copy has them
    const [first, ...rest] = base.entries;
    const [meeting, ...meetings] = base.meetings;
    const edited: PracticeBase = {
      ...base,
      meetings: [{ ...meeting!, place: { ...meeting!.place, city: 'Quokkaville' } }, ...meetings],
      entries: [{ ...first!, title: `${first!.title} zanzibarquokka`, keywords: [...first!.keywords, 'garden'] }, ...rest],
      synonyms: [...base.synonyms, { canonical: 'encrypted data', terms: ['cryptoquokka'] } as PracticeBase['synonyms'][number]],
    };
    const built = createEngine(edited);
    const warm = createEngineCached(edited, KB, cache);
    expect(warm.outcome).toBe('hit');
    // the index: a word only the copy's title has
    expect(built.search('zanzibarquokka').hits.map((h) => h.entry.id)).toContain(first!.id);
    expect(warm.engine.search('zanzibarquokka')).toMatchObject({ hits: [], total: 0 });
    // the synonym table: a term only the copy's synonyms have
    expect(built.analyse('cryptoquokka').slots[0]!.alts.map((a) => a.term)).toContain('~encrypted-data');
    expect(warm.engine.analyse('cryptoquokka').slots[0]!.alts.map((a) => a.term)).not.toContain('~encrypted-data');
    // the curated words: an everyday word that only the copy's keywords make the base's own
    expect(createEngine(base).analyse('garden').slots[0]!.everyday).toBe(true);
    expect(built.analyse('garden').slots[0]!.everyday).toBeUndefined();
    expect(warm.engine.analyse('garden').slots[0]!.everyday).toBe(true);
    // the names the base knows: a city only the copy's meeting is in is a name even first in a question
    expect(createEngine(base).analyse('Quokkaville smuggling').slots[0]!.name).toBeUndefined();
    expect(built.analyse('Quokkaville smuggling').slots[0]!.name).toBe(true);
    expect(warm.engine.analyse('Quokkaville smuggling').slots[0]!.name).toBeUndefined();
  });

  it('is not used for an engine with another champion cap, which answers as one built with it', () => {
    const cache = tmp();
    createEngineCached(base, KB, cache);
    const small = createEngineCached(base, KB, cache, { championCap: 8 });
    expect(small.outcome).toBe('hit');
    const questions = QUESTIONS.slice(0, 60);
    expect(answers(small.engine, questions)).toEqual(answers(createEngine(base, { championCap: 8 }), questions));
  });

  it('hands a live reload every analysed field text of the base, from the snapshot as from a build', () => {
    const cache = tmp();
    const table = buildSynonymTable(base.synonyms);
    const texts = [...new Set(indexFieldTexts(base).flat())];
    for (const outcome of ['stored', 'hit']) {
      const analysed: string[] = [];
      const carry = createCarryOverMemo((text) => analysed.push(text));
      const memo = carry.begin(base);
      const r = createEngineCached(base, KB, cache, { fieldTerms: memo });
      expect(r.outcome).toBe(outcome);
      expect(new Set(analysed)).toEqual(new Set(texts));
      expect(answers(r.engine, QUESTIONS.slice(0, 20))).toEqual(expected.slice(0, 20));
      carry.commit();
      // the next build finds every text in the memo carried over
      const next = carry.begin(base);
      for (const text of texts) expect(next.get(text), text).toEqual(analyseField(text, table));
    }
  });

  it('ignores a corrupt, foreign or badly decoding snapshot, answers the same, and writes a good one', () => {
    const cache = tmp();
    const file = path.join(cache, FILE);
    createEngineCached(base, KB, cache);
    const good = fs.readFileSync(file);
    const questions = QUESTIONS.slice(0, 40);
    const want = expected.slice(0, 40);
    const breakages: [string, () => void][] = [
      ['truncated', () => fs.writeFileSync(file, good.subarray(0, good.length - 100))],
      ['empty', () => fs.writeFileSync(file, '')],
      ['a byte changed', () => {
        const b = Buffer.from(good);
        b.writeUInt8(b.readUInt8(b.length - 50) ^ 0xff, b.length - 50);
        fs.writeFileSync(file, b);
      }],
      ['the JSON of an earlier format', () => {
        const nl = good.indexOf(0x0a);
        const body = Buffer.from(JSON.stringify({ fieldTerms: [], vocabulary: [], ownTerms: { terms: [], start: [0], ids: [] } }));
        const header = JSON.parse(good.toString('utf8', 0, nl)) as Record<string, unknown>;
        header.sha256 = crypto.createHash('sha256').update(body).digest('hex');
        fs.writeFileSync(file, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
      }],
      // bodies that pass the checksum but not the decoder's checks
      ['fewer documents than the postings name', () => rewriteBody(file, (head, blocks) => ({ head: { ...head, index: { ...(head.index as object), N: 3 } }, blocks }))],
      ['a block cut short', () => rewriteBody(file, (head, blocks) => ({ head, blocks: blocks.subarray(0, blocks.length - 4000) }))],
      ['a block of another type', () => rewriteBody(file, (head, blocks) => ({ head: { ...head, blocks: (head.blocks as [string, number, number][]).map((b, i) => (i === 3 ? ['f32', b[1], b[2]] : b)) }, blocks }))],
      ['postings of more terms than listed', () => rewriteBody(file, (head, blocks) => ({ head: { ...head, index: { ...(head.index as object), terms: 'one\ntwo' } }, blocks }))],
      ['own terms of fewer entries than the base', () => rewriteBody(file, (head, blocks) => {
        const own = head.ownTerms as { start: number };
        const list = head.blocks as [string, number, number][];
        return { head: { ...head, blocks: list.map((b, i) => (i === own.start ? [b[0], b[1], b[2] - 1] : b)) }, blocks };
      })],
      ['a synonym phrase of a group not listed', () => rewriteBody(file, (head, blocks) => {
        const table = head.table as { phrases: [string, [string[], number][]][] };
        return { head: { ...head, table: { ...table, phrases: [...table.phrases, ['extra', [[['extra'], 9999]]]] } }, blocks };
      })],
      ['no curated words', () => rewriteBody(file, (head, blocks) => ({ head: { ...head, curated: 17 }, blocks }))],
    ];
    for (const [what, breakIt] of breakages) {
      breakIt();
      const r = createEngineCached(base, KB, cache);
      expect(r.outcome, what).toBe('stored');
      expect(answers(r.engine, questions), what).toEqual(want);
      expect(fs.readFileSync(file).equals(good), what).toBe(true);
      expect(createEngineCached(base, KB, cache).outcome, what).toBe('hit');
    }
  });
});
