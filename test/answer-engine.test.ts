// Answers that answer (issue 10) on a small hand-made base: intent ranks the kinds a question asks
// for, a challenge's addressing entries answer "how do others handle it", one point is shown once
// with every source, a message's question is found among greetings and context, small talk is not
// searched, off-topic stays off, and a question in another language is read through the interpreter.
import { describe, expect, it } from 'vitest';
import { askJson } from '../src/cli.ts';
import { ONLY_CHALLENGE_TEXT, answerReply, createQueryMemory, type PracticeBaseDeps } from '../src/features/practice-base/commands.ts';
import { inlineToPlain, type Reply } from '../src/core/reply.ts';
import { createEngine } from '../src/engine/engine.ts';
import type { Interpretation } from '../src/engine/types.ts';
import type { Entry, PracticeBase } from '../src/knowledge/schema.ts';

const SUMMARY = '001_f556e3455b226015.txt';
const NEWS = '000_fd187bde8d8e5a71.txt';

function entry(id: string, kind: Entry['kind'], title: string, text: string, themes: string[], extra: Partial<Entry> = {}): Entry {
  const source = extra.source ?? { document: SUMMARY, section: kind === 'challenge' ? 'Challenges' : 'Good Practices', meeting: 'colep-3' };
  return { id, kind, title, text, themes, source, sources: [source], keywords: [], addressed_by: [], related: [], ...extra };
}

const base: PracticeBase = {
  themes: [
    { id: 'encryption', label: 'Encryption', description: 'Encrypted messaging and data that investigators cannot read.', terms: ['encrypted', 'encryption'] },
    { id: 'data-analysis', label: 'Data analysis', description: 'Analysing large volumes of data.', terms: ['analysis', 'big data'] },
    { id: 'social-media', label: 'Social media', description: 'Platforms, adverts and takedowns.', terms: ['platforms', 'takedown'] },
    { id: 'courts', label: 'Courts', description: 'Judges and courts handling digital evidence.', terms: ['judges', 'courts'] },
    { id: 'meetings', label: 'Meetings', description: 'Who attended the meetings.', terms: ['attendance'] },
  ],
  synonyms: [{ canonical: 'messaging apps', terms: ['Telegram', 'WhatsApp', 'messengers'], seen_in: [] }],
  meetings: [
    { id: 'colep-3', title: '3rd COLEP meeting', series: 'COLEP', date: { start: '2023-05-04', precision: 'day' }, status: 'held', place: { virtual: true }, hosts: [], documents: [SUMMARY, NEWS] },
  ],
  documents: [
    { file: SUMMARY, title: 'Draft summary', type: 'draft summary', publisher: 'Budapest Process', meeting: 'colep-3', sections: ['Challenges', 'Good Practices'] },
    { file: NEWS, title: 'News item', type: 'news item', publisher: 'ICMPD', meeting: 'colep-3', sections: ['News item'] },
  ],
  entries: [
    entry('ch-encrypted', 'challenge', 'Too much encrypted data to analyse', 'Law enforcement agencies find it hard to analyse the high volume of encrypted data that online exchanges produce.', ['encryption', 'data-analysis'], {
      addressed_by: ['gp-data-centres', 'op-big-data'],
    }),
    // the same point, recorded in the news item, and not curated as same_as: folded at answer time
    entry('news-ch-encrypted', 'challenge', 'Volume of encrypted data is hard to analyse', 'Law enforcement agencies find it hard to analyse the volume of encrypted data from online exchanges.', ['encryption'], {
      source: { document: NEWS, section: 'News item', meeting: 'colep-3' },
    }),
    entry('ch-takedown', 'challenge', 'Platforms are slow to take down smuggler adverts', 'Social media companies are slow to remove smuggling adverts on Telegram and other platforms or to help investigations.', ['social-media']),
    entry('ch-courts', 'challenge', 'Courts are unprepared for digital evidence', 'Judges and courts are often unprepared to deal with digital evidence such as chat screenshots.', ['courts'], {
      addressed_by: ['gp-court-capacity'],
    }),
    entry('gp-data-centres', 'good-practice', 'Central data centres that monitor threats and analyse data', 'Set up central data centres that monitor cyber threats and analyse large amounts of seized data for all agencies.', ['data-analysis']),
    entry('op-big-data', 'opportunity', 'Big data analytics and social network analysis', 'Use big data analytics and social network analysis to map suspects and their contacts.', ['data-analysis']),
    entry('gp-court-capacity', 'good-practice', 'Build court capacity for timely prosecution', 'Train judges and prosecutors so that courts can deal with electronic evidence effectively and in time.', ['courts']),
    entry('gp-awareness', 'good-practice', 'Awareness campaigns about dangerous routes', 'Campaigns on social media warn young people against smugglers and misinformation about routes.', ['social-media']),
    entry('fact-attendance', 'fact', 'Nine countries attended the 3rd COLEP meeting', 'Officers from Azerbaijan, Bangladesh, Bulgaria, France, Hungary, Iraq and Pakistan attended the meeting.', ['meetings']),
  ],
  aliases: new Map([['old-gp-data-centres', 'gp-data-centres']]),
};

const engine = createEngine(base);
const ids = (q: string) => engine.search(q).hits.map((h) => h.entry.id);

describe('answers: what the question asks for', () => {
  it('a solutions question gets what members do about the challenge first, and the challenge with it', () => {
    const r = engine.search('how do others handle encrypted data?');
    expect(r.intent).toBe('solutions');
    expect(r.hits.slice(0, 2).map((h) => h.entry.id)).toEqual(['gp-data-centres', 'op-big-data']);
    expect(r.hits[2]?.entry.id).toBe('ch-encrypted');
    // scores stay best first
    const scores = r.hits.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('the same words asked as a problem, or as a bare topic, put the challenge first', () => {
    expect(engine.search('what challenges with encrypted data?').intent).toBe('problems');
    expect(ids('what challenges with encrypted data?')[0]).toBe('ch-encrypted');
    expect(ids('encrypted data')[0]).toBe('ch-encrypted');
  });

  it('an explicit kind filter wins over the intent', () => {
    const r = engine.search('how do others handle encrypted data?', { kinds: ['challenge'] });
    expect(r.hits.map((h) => h.entry.kind)).toEqual(['challenge']);
    expect(r.note).toBeUndefined();
  });

  it('says so when the base records the topic only as a challenge, and shows the nearest practices', () => {
    const r = engine.search('what works to get platforms to take down smuggler adverts faster?');
    expect(r.intent).toBe('solutions');
    expect(r.note).toBe('only-challenge');
    expect(r.hits[0]?.entry.id).toBe('ch-takedown');
    expect(r.hits.slice(1).map((h) => h.entry.kind)).toContain('good-practice');
  });

  it('an answer about a problem lists the entries addressing it that are not shown ("What members do about it")', () => {
    const r = engine.search('what challenges do courts have with digital evidence?');
    expect(r.hits[0]?.entry.id).toBe('ch-courts');
    expect(r.remedies.map((e) => e.id)).toEqual(['gp-court-capacity'].filter((id) => !r.hits.some((h) => h.entry.id === id)));
    expect(engine.search('what challenges with encrypted data?').remedies.map((e) => e.id)).toEqual(['gp-data-centres', 'op-big-data']);
  });

  it('finds an entry by its id or a folded alias, and what addresses it', () => {
    expect(engine.entry('old-gp-data-centres')?.id).toBe('gp-data-centres');
    expect(engine.entry('nope')).toBeUndefined();
    expect(engine.remediesOf(engine.entry('ch-encrypted')!).map((e) => e.id)).toEqual(['gp-data-centres', 'op-big-data']);
  });
});

describe('answers: one point, one answer', () => {
  it('folds a near-identical point from another document into one hit with both sources', () => {
    const r = engine.search('encrypted data volume', { limit: 5 });
    const point = ['ch-encrypted', 'news-ch-encrypted'];
    const shown = r.hits.filter((h) => point.includes(h.entry.id));
    expect(shown).toHaveLength(1);
    const hit = shown[0]!;
    expect(hit.folded).toEqual(point.filter((id) => id !== hit.entry.id));
    expect(hit.sources[0]).toEqual(hit.entry.source);
    expect(hit.sources.map((s) => s.document).sort()).toEqual([NEWS, SUMMARY]);
  });

  it('ask --json keeps `source` (the first) and adds `sources` (all), intent, language and understood', () => {
    const j = askJson(engine, 'encrypted data volume', { limit: 5 });
    const res = j.results.find((x) => x.id === 'ch-encrypted' || x.id === 'news-ch-encrypted')!;
    expect(res.source).toEqual(res.sources[0]);
    expect(res.sources.map((s) => s.document).sort()).toEqual([NEWS, SUMMARY]);
    expect(j.results.filter((x) => x.id === 'ch-encrypted' || x.id === 'news-ch-encrypted')).toHaveLength(1);
    expect(j).toMatchObject({ intent: 'general', language: 'en', understood: [] });
    for (const key of ['query', 'results', 'suggestions']) expect(j).toHaveProperty(key);
  });

  it('does not fold two different points of the same document', () => {
    const r = engine.search('data analysis', { limit: 5 });
    expect(r.hits.map((h) => h.entry.id)).toEqual(expect.arrayContaining(['gp-data-centres', 'op-big-data']));
  });
});

describe('answers: messages as people write them', () => {
  it('finds the question among greetings, names, ranks, places and a sign-off', () => {
    const plain = engine.search('how do others handle encrypted data?');
    const chat = engine.search(
      'Good morning colleagues! Inspector Karimov here, cyber unit in Ganja. We seized 40 phones last week and the encrypted chats are far too much data for our two analysts. How do other countries handle this? Thanks, Rashad',
    );
    expect(chat.intent).toBe('solutions');
    expect(chat.hits.map((h) => h.entry.id).slice(0, 2)).toEqual(plain.hits.map((h) => h.entry.id).slice(0, 2));
  });

  it('names and places the base does not know weigh little; an English word it lacks weighs fully', () => {
    const named = engine.search('encrypted data Rashad Ganja').hits[0]?.score ?? 0;
    const offTopic = engine.search('encrypted data recipe banana').hits[0]?.score ?? 0;
    expect(named).toBeGreaterThan(offTopic);
    expect(engine.search('encrypted data Rashad Ganja').hits[0]?.entry.id).toBe('ch-encrypted');
  });

  it('small talk is not searched', () => {
    for (const q of ['thanks!', 'ok 👍', 'good morning all', 'is anyone there?']) {
      const r = engine.search(q);
      expect(r.smallTalk, q).toBe(true);
      expect(r.hits, q).toEqual([]);
      expect(r.suggestions, q).toEqual([]);
    }
  });
});

describe('answers: off-topic stays off', () => {
  it('a question sharing one word with the base gets no answer, but theme suggestions', () => {
    for (const q of ['capital of France', 'grooming my dog', 'weather in Bulgaria tomorrow', 'best pizza recipe']) {
      const r = engine.search(q);
      expect(r.hits, q).toEqual([]);
      expect(r.suggestions.length, q).toBeGreaterThan(0);
    }
  });
});

describe('answers: the interpreter', () => {
  const french = (understood: string[], coverage: number) => (text: string): Interpretation => ({
    language: 'fr',
    query: text.startsWith('Comment') ? 'how do others handle encrypted data' : 'smuggler weather',
    understood,
    coverage,
    smallTalk: text === 'merci',
  });

  it('searches the English the interpreter gives and returns its language and concepts', () => {
    const e = createEngine(base, { interpret: french(['encrypted data'], 1) });
    const r = e.search('Comment les autres gèrent-ils les données chiffrées ?');
    expect(r).toMatchObject({ language: 'fr', understood: ['encrypted data'], intent: 'solutions' });
    expect(r.hits[0]?.entry.id).toBe('gp-data-centres');
    expect(e.search('merci').smallTalk).toBe(true);
  });

  it('a question understood only in small part must match clearly', () => {
    const loose = createEngine(base, { interpret: french(['data'], 1) });
    const strict = createEngine(base, { interpret: french(['data'], 0.2), threshold: 0.2, coveredThreshold: 0.2 });
    const q = 'Quel temps fait-il pour les passeurs ?';
    expect(strict.search(q).hits.length).toBeLessThanOrEqual(loose.search(q).hits.length);
    expect(strict.search(q).hits.every((h) => h.score >= 0.5)).toBe(true);
  });

  const read = (query: string, understood: string[], extra: Partial<Interpretation> = {}) => (): Interpretation => ({
    language: 'fr',
    query,
    understood,
    coverage: 1,
    smallTalk: false,
    ...extra,
  });

  it('words not understood count against the score: one concept among several unknown words is not an answer', () => {
    const all = createEngine(base, { interpret: read('encrypted data', ['encrypted data'], { unmapped: 0 }) });
    expect(all.search('x').hits[0]?.entry.id).toBe('ch-encrypted');
    // the same concept in a message of which four content words were not understood
    const part = createEngine(base, { interpret: read('encrypted data', ['encrypted data'], { unmapped: 4, coverage: 0.33 }) });
    expect(part.search('x').hits).toEqual([]);
    // without a count, it is estimated from the coverage
    const estimated = createEngine(base, { interpret: read('encrypted data', ['encrypted data'], { coverage: 0.2 }) });
    expect(estimated.search('x').hits).toEqual([]);
  });

  it('a hit that matches only names of the base is not an answer when words were not understood', () => {
    // "Quelle est la capitale de la France ?": France, and "capitale" not understood
    const capital = createEngine(base, { interpret: read('France', ['France'], { unmapped: 1, coverage: 0.5 }) });
    expect(capital.search('x').hits).toEqual([]);
    // a topic understood with the name is carried by the topic
    const topic = createEngine(base, { interpret: read('France encrypted data', ['France', 'encrypted data'], { unmapped: 1, coverage: 0.75 }) });
    expect(topic.search('x').hits[0]?.entry.id).toBe('ch-encrypted');
  });

  it('reads the intent from the cue phrases wherever they sit, and does not search "facts"', () => {
    const solutions = createEngine(base, { interpret: read('encrypted data how do others handle', ['encrypted data']) });
    expect(solutions.search('x').intent).toBe('solutions');
    expect(solutions.search('x').hits[0]?.entry.id).toBe('gp-data-centres');
    const facts = createEngine(base, { interpret: read('facts COLEP countries', ['COLEP', 'countries']) });
    const r = facts.search('x');
    expect(r.intent).toBe('facts');
    expect(r.hits[0]?.entry.id).toBe('fact-attendance');
    // the labels of concepts are topics, not questions: no cue, no intent
    expect(createEngine(base, { interpret: read('courts challenges', ['courts']) }).search('x').intent).toBe('general');
  });

  it('a question in another language not read as any kind of question gets the challenge and what members do about it', () => {
    const e = createEngine(base, { interpret: read('courts digital evidence', ['courts', 'digital evidence']) });
    const r = e.search('x');
    expect(r.intent).toBe('general');
    expect(r.hits[0]?.entry.id).toBe('ch-courts');
    expect(r.hits.slice(0, 3).map((h) => h.entry.id)).toContain('gp-court-capacity');
    // English bare topics rank by relevance alone, as before
    expect(engine.search('courts digital evidence').intent).toBe('general');
  });

  it('an English question that shares only a name with an entry gets nothing', () => {
    expect(ids('which countries attended, France?')).toContain('fact-attendance');
    expect(ids('Is France safe for tourists in October?')).toEqual([]);
  });

  it('an interpreter that throws reads the message as English', () => {
    const e = createEngine(base, {
      interpret: () => {
        throw new Error('boom');
      },
    });
    expect(e.search('encrypted data').hits[0]?.entry.id).toBe('ch-encrypted');
  });
});

describe('answers: the reply', () => {
  const paragraphs = (r: Reply) => r.blocks.flatMap((b) => (b.type === 'paragraph' ? [inlineToPlain(b.parts)] : b.type === 'notice' ? [b.text] : []));
  const reply = (e: ReturnType<typeof createEngine>, q: string) => answerReply({ engine: e } as unknown as PracticeBaseDeps, createQueryMemory(), q, { limit: 3 }, e.search(q));

  it('says plainly when the meetings recorded the topic only as a challenge', () => {
    const r = reply(engine, 'what works to get platforms to take down smuggler adverts faster?');
    expect(paragraphs(r)).toContain(ONLY_CHALLENGE_TEXT);
    expect(paragraphs(reply(engine, 'how do others handle encrypted data?'))).not.toContain(ONLY_CHALLENGE_TEXT);
  });

  it('ends an answer about a problem with what members do about it, as buttons', () => {
    const r = reply(engine, 'what challenges with encrypted data?');
    expect(paragraphs(r).find((p) => p.startsWith('What members do about it: '))).toContain('Central data centres');
    expect(r.buttons?.flat().filter((b) => b.action.startsWith('e:')).map((b) => b.action)).toEqual(['e:gp-data-centres', 'e:op-big-data']);
  });

  it('cites every source of a folded point', () => {
    const r = reply(engine, 'encrypted data volume');
    const first = r.blocks.find((b) => b.type === 'entry');
    expect(first?.type === 'entry' && first.citation.label).toMatch(/^3rd COLEP meeting, 4 May 2023, (?:Challenges; News item|News item; Challenges)$/);
  });

  it('shows "Understood as" for a question in another language', () => {
    const e = createEngine(base, { interpret: (text) => ({ language: 'fr', query: 'encrypted data', understood: ['encrypted data', 'analysis'], coverage: 1, smallTalk: text === '' }) });
    expect(paragraphs(reply(e, 'données chiffrées'))).toContain('Understood as: encrypted data, analysis.');
    expect(paragraphs(reply(engine, 'encrypted data')).some((p) => p.startsWith('Understood as'))).toBe(false);
  });
});
