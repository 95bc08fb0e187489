// The lexicon's snapshot (src/cache/lexicon.ts): a head line, then each language's terms as bytes, decoded on
// their first use. A warm start must read the lexicon the YAML gives, every language's terms included; a
// snapshot cut short, run on, changed or of the old layout is ignored, rebuilt and rewritten.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLexiconSnapshot } from '../src/cache/lexicon.ts';
import { loadLexicon, type Lexicon } from '../src/engine/interpret/index.ts';
import { defaultKnowledgeDir } from '../src/knowledge/load.ts';

const dir = defaultKnowledgeDir();
const fresh: Lexicon = loadLexicon(dir);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-lexicon-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The lexicon as plain data: every language's terms read. */
const plain = (l: Lexicon) => ({ concepts: l.concepts, languages: l.languages.map((x) => ({ language: x.language, name: x.name, terms: [...x.terms] })) });

describe('the lexicon snapshot', () => {
  it('a warm start reads the lexicon the YAML gives, every language’s terms included', () => {
    const cache = path.join(tmp, 'warm');
    const cold = loadLexiconSnapshot(dir, cache, loadLexicon);
    expect(cold.outcome).toBe('stored');
    const warm = loadLexiconSnapshot(dir, cache, () => {
      throw new Error('rebuilt');
    });
    expect(warm.outcome).toBe('hit');
    expect(plain(warm.value)).toEqual(plain(fresh));
    // each language's terms are read on their first use, the same each time
    const fr = warm.value.languages.find((x) => x.language === 'fr')!;
    expect(fr.terms).toBe(fr.terms);
  });

  it('a snapshot cut short, run on, with a byte changed, or of the old layout is rebuilt and rewritten', () => {
    const cache = path.join(tmp, 'bad');
    loadLexiconSnapshot(dir, cache, loadLexicon);
    const file = path.join(cache, 'lexicon.json');
    const good = fs.readFileSync(file);
    const nl = good.indexOf(0x0a);
    const header = JSON.parse(good.toString('utf8', 0, nl)) as { sha256: string };
    const body = good.subarray(nl + 1);
    // a body with a head and lengths of its own, under a header whose checksum matches it
    const withBody = (b: Buffer) => Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, sha256: crypto.createHash('sha256').update(b).digest('hex') })}\n`), b]);
    const bodyNl = body.indexOf(0x0a);
    const variants: [string, Buffer][] = [
      ['cut short', withBody(body.subarray(0, body.length - 10))],
      ['run on', withBody(Buffer.concat([body, Buffer.from('[]')]))],
      ['a byte changed', Buffer.concat([good.subarray(0, good.length - 5), Buffer.from('X'), good.subarray(good.length - 4)])],
      ['the old layout', withBody(Buffer.from(JSON.stringify({ concepts: fresh.concepts, languages: fresh.languages.map((x) => ({ language: x.language, name: x.name, terms: JSON.stringify([...x.terms]) })) })))],
      ['a head that is no JSON', withBody(Buffer.concat([Buffer.from('{'), body.subarray(bodyNl)]))],
    ];
    for (const [what, bytes] of variants) {
      fs.writeFileSync(file, bytes);
      let rebuilt = 0;
      const r = loadLexiconSnapshot(dir, cache, (d) => {
        rebuilt++;
        return loadLexicon(d);
      });
      expect(rebuilt, what).toBe(1);
      expect(r.outcome, what).toBe('stored');
      expect(plain(r.value), what).toEqual(plain(fresh));
      expect(fs.readFileSync(file).equals(good), what).toBe(true);
    }
  });
});
