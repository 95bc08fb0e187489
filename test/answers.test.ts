// Issue 10's bars on the question sets written by someone who never saw the engine's output
// (test/fixtures/answers-*.yaml). The measured figures are printed with the misses, so a change
// that moves them shows in the test output. Measured on the engine as the app builds it: the real
// practice base and the multilingual interpreter over knowledge/lexicon/, detector loaded.
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngineFromDisk } from '../src/app.ts';
import { preloadEld } from '../src/engine/interpret/index.ts';
import { measure, readAnswerSet, showsTwice, type SetReport } from './helpers/answer-sets.ts';

const engine = createEngineFromDisk();
beforeAll(() => preloadEld());
const solutions = readAnswerSet('answers-solutions.yaml');
const chat = readAnswerSet('answers-chat.yaml');
const offTopic = readAnswerSet('answers-offtopic.yaml');
const languages = readAnswerSet('answers-languages.yaml');

function report(label: string, r: SetReport): number {
  console.log(`${label}: ${(r.recall * 100).toFixed(1)}% (${r.hits}/${r.n}); intent agrees ${(r.intentAgree * 100).toFixed(0)}%`);
  if (r.misses.length > 0) console.log(`misses:\n${r.misses.join('\n')}`);
  return r.recall;
}

describe('issue 10 question sets', () => {
  it('every expected id is an entry of the base (or an alias of one)', () => {
    const known = new Set([...engine.base.entries.map((e) => e.id), ...engine.base.aliases.keys()]);
    const unknown = [...solutions, ...chat, ...languages].flatMap((i) => i.expect.filter((id) => !known.has(id)).map((id) => `${i.q} -> ${id}`));
    expect(unknown).toEqual([]);
    expect(solutions.length).toBeGreaterThanOrEqual(40);
    expect(chat.length).toBeGreaterThanOrEqual(30);
    expect(offTopic.length).toBeGreaterThanOrEqual(40);
  });

  it('solutions questions: a solution kind among the top 3 for at least 85% (the issue bar)', () => {
    expect(report('solutions recall@3 (solution kind)', measure(engine, solutions, 'recall'))).toBeGreaterThanOrEqual(0.85);
  });

  it('chat-style messages: an expected entry among the top 3 for at least 85%', () => {
    expect(report('chat-style recall@3', measure(engine, chat, 'recall'))).toBeGreaterThanOrEqual(0.85);
  });

  it('off-topic messages: at least 90% of the set get no answer (English alone too)', () => {
    expect(report('off-topic answered with nothing, all languages', measure(engine, offTopic, 'nothing'))).toBeGreaterThanOrEqual(0.9);
    // English alone: a hit needs a specific word (not only everyday ones: "World Cup") and more than a
    // name ("Is Bangkok safe for tourists?"); a question about what no practice base holds ("When was
    // Europol founded?", opening hours, installing an app, a rate) needs two topical words. Other
    // languages: words not understood count against the score and a hit must match a topical concept.
    const english = offTopic.filter((i) => (i.lang ?? 'en') === 'en');
    expect(report('off-topic answered with nothing, English', measure(engine, english, 'nothing'))).toBeGreaterThanOrEqual(0.9);
  });

  it('a question about what no practice base holds (history, office hours, installing an app, a rate) gets nothing, in any language', () => {
    for (const q of [
      'When was INTERPOL founded?',
      'INTERPOL opening hours in Lyon',
      'how do I install Signal on my new phone',
      'how to download TikTok videos to my phone',
      'What is the dollar exchange rate today?',
      'Comment installer Telegram sur mon nouveau téléphone ?',
      'নতুন ফোনে হোয়াটসঅ্যাপ কীভাবে ইনস্টল করব?',
      'Bagaimana cara install WhatsApp di HP baru?',
    ])
      expect(engine.search(q).hits.map((h) => h.entry.id), q).toEqual([]);
    // the same words in a question the base answers still find it
    expect(engine.search('how do others get data off seized phones?').hits.length).toBeGreaterThan(0);
    expect(engine.search('Telegram channels advertising smuggling: how do others get them removed?').hits.length).toBeGreaterThan(0);
  });

  it('English small talk in the off-topic set is not searched', () => {
    const talk = offTopic.filter((i) => i.small_talk && (i.lang ?? 'en') === 'en');
    const searched = talk.filter((i) => !engine.search(i.q).smallTalk).map((i) => i.q);
    expect(searched).toEqual([]);
  });

  it('the same point twice in the top three in under 2% of answers', () => {
    const all = [...solutions, ...chat, ...offTopic, ...languages];
    const twice = all.filter((i) => showsTwice(engine, engine.search(i.q, { limit: 3 })));
    console.log(`same point twice in the top 3: ${twice.length}/${all.length}`);
    expect(twice.length / all.length).toBeLessThan(0.02);
  });

  describe('questions in the members\' languages', () => {
    it('are measured (with the interpreter the engine has), and never throw', () => {
      const r = measure(engine, languages, 'recall');
      report('member languages recall@3', r);
      const byLang = new Map<string, { n: number; hit: number }>();
      for (const item of languages) {
        const l = byLang.get(item.lang ?? 'en') ?? { n: 0, hit: 0 };
        l.n++;
        if (measure(engine, [item], 'recall').hits === 1) l.hit++;
        byLang.set(item.lang ?? 'en', l);
      }
      console.log([...byLang].map(([l, v]) => `${l} ${v.hit}/${v.n}`).join(', '));
      expect(r.n).toBeGreaterThan(0);
    });

    it('reach 0.80 overall and 0.5 in every language', () => {
      expect(measure(engine, languages, 'recall').recall).toBeGreaterThanOrEqual(0.8);
      const langs = [...new Set(languages.map((i) => i.lang ?? 'en'))];
      for (const l of langs) expect(measure(engine, languages.filter((i) => (i.lang ?? 'en') === l), 'recall').recall, l).toBeGreaterThanOrEqual(0.5);
    });

    it('are read as asking what they ask (solutions, facts, follow-ups, meetings) for at least 85%', () => {
      // the lexicon's ask-* phrasings per language (knowledge/lexicon/<lang>.yaml): "what do other
      // countries do", "has anyone", "any advice", "which countries", "next meeting"
      expect(measure(engine, languages, 'recall').intentAgree).toBeGreaterThanOrEqual(0.85);
    });
  });
});
