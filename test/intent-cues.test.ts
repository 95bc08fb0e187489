// detectIntent (src/engine/intent.ts) tests each cue's pattern only when the question holds one of the
// cue's words (its needles), and compiles a pattern only then (issue 16: compiling them all was most of
// a first question's time). These tests hold it to what it replaced: one alternation per intent, tested
// on every question of the fixtures, every sentence of the practice base, and the same texts in capitals
// and with the letters that match an ASCII letter only under Unicode case folding (long s, Kelvin sign).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INTENT_CUES, SCHEDULE_QUESTION, detectIntent, type Intent } from '../src/engine/intent.ts';

const root = path.resolve(import.meta.dirname, '..');

/** Every string in the YAML files of a folder. */
function stringsUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (typeof x === 'string') out.push(x);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x !== null && typeof x === 'object') Object.values(x).forEach(walk);
  };
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    if (f.endsWith('.yaml')) walk(parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  }
  return out;
}

const base = [...stringsUnder(path.join(root, 'test/fixtures')), ...stringsUnder(path.join(root, 'knowledge/entries'))]
  .flatMap((s) => [s, ...s.split(/(?<=[.!?])\s+|\n+/)])
  .filter((s) => s.trim() !== '');
const handMade = [
  'how do others handle encrypted data?',
  'ANY TIPS FOR CYBER PATROLS',
  'what was agreed at the Europol meeting?',
  'Do your countries also see smugglers promising safe trips?',
  'when is the next meeting?',
  'who attended the bali forum?',
  'what goes wrong with e-evidence requests',
  'what can go wrong in a joint investigation?',
  'what came out of the Bangkok forum',
  'what happens next with the platform?',
];
/** The texts again with the letters a case-insensitive Unicode pattern also matches: ſ for s, K (Kelvin) for k. */
const oddLetters = (s: string) => s.replace(/s/g, '\u017f').replace(/k/gi, '\u212a');
const CORPUS = [...new Set([...base, ...handMade].flatMap((s) => [s, s.toUpperCase(), oddLetters(s), oddLetters(s.toUpperCase())]))];

/** detectIntent as it was: one alternation of the patterns per intent. */
const joined = (cues: readonly { source: string }[]) => new RegExp(cues.map((c) => c.source).join('|'), 'iu');
const REFERENCE = {
  followUps: joined(INTENT_CUES.followUps),
  solutions: joined(INTENT_CUES.solutions),
  problems: joined(INTENT_CUES.problems),
  facts: joined(INTENT_CUES.facts),
};
function referenceIntent(text: string): Intent {
  const t = text.slice(0, 2000);
  if (t.trim() === '') return 'general';
  if (SCHEDULE_QUESTION.test(t)) return 'meetings';
  if (REFERENCE.followUps.test(t)) return 'follow-ups';
  if (REFERENCE.solutions.test(t)) return 'solutions';
  if (REFERENCE.problems.test(t)) return 'problems';
  if (REFERENCE.facts.test(t)) return 'facts';
  return 'general';
}

describe('intent cues', () => {
  it('reads every text as the single alternations did', () => {
    expect(CORPUS.length).toBeGreaterThan(2000);
    const counts = new Map<Intent, number>();
    for (const q of CORPUS) {
      const want = referenceIntent(q);
      counts.set(want, (counts.get(want) ?? 0) + 1);
      expect(detectIntent(q), q).toBe(want);
    }
    // the corpus exercises every intent, in the odd letters too
    for (const i of ['meetings', 'follow-ups', 'solutions', 'problems', 'facts', 'general'] as const) expect(counts.get(i) ?? 0, i).toBeGreaterThan(20);
    expect(detectIntent(oddLetters('ANY TIPS FOR CYBER PATROLS'))).toBe('solutions');
  });

  it('each cue holds one of its words wherever its pattern matches', () => {
    const needleText = (t: string) => t.toLowerCase().replace(/\u017f/g, 's');
    const all = [INTENT_CUES.schedule, ...INTENT_CUES.solutions, ...INTENT_CUES.problems, ...INTENT_CUES.followUps, ...INTENT_CUES.facts];
    for (const c of all) {
      for (const n of c.needles) expect(n, c.source).toMatch(/^[a-z-]+$/);
      const re = new RegExp(c.source, 'iu');
      let matched = 0;
      for (const q of CORPUS) {
        if (!re.test(q)) continue;
        matched++;
        const folded = needleText(q);
        expect(c.needles.some((n) => folded.includes(n)), `${c.source} matches "${q}" without any of ${c.needles.join(', ')}`).toBe(true);
      }
      expect(matched, `no text of the corpus matches ${c.source}`).toBeGreaterThan(0);
    }
  });
});
