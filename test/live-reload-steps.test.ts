// Live reload in steps (issue 13): the analysis of entries unchanged since the generation in service
// is carried over, the new engine is built in parts that let questions through (answered on the old
// base), and the new generation comes into service in one swap. A copy of knowledge/ in a temp folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/core/ports.ts';
import { indexFieldTexts } from '../src/engine/engine.ts';
import { createLiveKnowledge, type LiveKnowledge } from '../src/knowledge/live.ts';
import { defaultKnowledgeDir } from '../src/knowledge/load.ts';

const NEW_ID = 'zorblax-night-patrols';
const NEW_ENTRY = `- id: ${NEW_ID}
  kind: good-practice
  title: Zorblax night patrols on the river border
  text: Border police run zorblax patrols with thermal cameras along the river at night to find smuggling boats.
  themes: [border-management, equipment]
  source: {document: 001_f556e3455b226015.txt, section: Good Practices, meeting: colep-3}
`;

const dirs: string[] = [];
const lives: LiveKnowledge[] = [];
afterEach(() => {
  while (lives.length) lives.pop()!.close();
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

function copyKnowledge(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-live-steps-'));
  dirs.push(dir);
  const kb = path.join(dir, 'knowledge');
  fs.cpSync(defaultKnowledgeDir(), kb, { recursive: true, filter: (src) => !src.includes(`${path.sep}drafts`) });
  return kb;
}

function start(kb: string, extra: { onAnalyse?: (text: string) => void } = {}) {
  const live = createLiveKnowledge({ dir: kb, log: pino({ level: 'silent' }), clock: systemClock, stepEntries: 5, ...extra });
  lives.push(live);
  return live;
}

const addEntry = (kb: string) => fs.writeFileSync(path.join(kb, 'entries', '999-zorblax.yaml'), NEW_ENTRY);
const found = (live: LiveKnowledge) => live.engine.search('zorblax patrols', { limit: 5 }).hits.some((h) => h.entry.id === NEW_ID);

describe('live reload in steps', () => {
  it('analyses only the texts of the entry added, not the entries unchanged since the last generation', async () => {
    const kb = copyKnowledge();
    const analysed: string[] = [];
    const live = start(kb, { onAnalyse: (t) => analysed.push(t) });
    const entries = live.current().base.entries.length;
    expect(analysed.length).toBeGreaterThan(entries); // the first build analyses every entry
    analysed.length = 0;

    addEntry(kb);
    const outcome = await live.reload('command');
    expect(outcome.status).toBe('reloaded');
    expect(found(live)).toBe(true);
    // what was analysed again: some of the new entry's own field texts, nothing else
    const base = live.current().base;
    const own = indexFieldTexts(base)[base.entries.findIndex((e) => e.id === NEW_ID)]!;
    expect(analysed.length).toBeGreaterThan(0);
    expect(analysed.every((t) => own.includes(t))).toBe(true);

    // a reload of the same files again: nothing analysed
    analysed.length = 0;
    fs.appendFileSync(path.join(kb, 'entries', '999-zorblax.yaml'), '# a comment\n');
    expect((await live.reload('command')).status).toBe('reloaded');
    expect(analysed).toEqual([]);
  });

  it('answers questions on the old base while the new one is built, then swaps both base and engine at once', async () => {
    const kb = copyKnowledge();
    const live = start(kb);
    const old = live.current();
    expect(found(live)).toBe(false);

    addEntry(kb);
    let done = false;
    const answers: { found: boolean; sameBase: boolean; generation: unknown; entry: unknown }[] = [];
    const ask = () => {
      if (done) return;
      answers.push({
        found: found(live),
        sameBase: live.engine.base === live.current().base,
        generation: live.current(),
        entry: live.engine.entry(NEW_ID),
      });
      setImmediate(ask);
    };
    setImmediate(ask);
    const outcome = await live.reload('command').finally(() => {
      done = true;
    });
    expect(outcome.status).toBe('reloaded');

    // questions were answered while the reload ran (several steps), every one on the old generation
    expect(answers.length).toBeGreaterThanOrEqual(10);
    expect(answers.every((a) => !a.found && a.entry === undefined && a.sameBase && a.generation === old)).toBe(true);
    // and after it, on the new one: base and engine together
    const now = live.current();
    expect(now).not.toBe(old);
    expect(live.engine.base).toBe(now.base);
    expect(now.base.entries.some((e) => e.id === NEW_ID)).toBe(true);
    expect(found(live)).toBe(true);
  });
});
