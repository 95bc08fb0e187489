// What a question asks for (src/engine/intent.ts), where the question sits in a message
// (src/engine/focus.ts), and small talk (src/engine/small-talk.ts): pure functions of the text.
import { describe, expect, it } from 'vitest';
import { focus, sentences } from '../src/engine/focus.ts';
import { INTERPRETED_CUES, detectIntent, readInterpretedQuery, type Intent } from '../src/engine/intent.ts';
import fs from 'node:fs';
import { parse } from 'yaml';
import { createEnglishInterpreter, isSmallTalk } from '../src/engine/small-talk.ts';

const CASES: Record<Intent, string[]> = {
  solutions: [
    'how do others handle encrypted data?',
    'How do other countries deal with fake job ads?',
    'what works against smugglers reposting ads',
    'any advice on training prosecutors?',
    'Any tips for cyber patrols',
    'best way to monitor smuggling ads online',
    'Has anyone managed to get Telegram to remove channels quickly?',
    'what can we do about anonymous accounts',
    'how to deal with encrypted phones',
    'how to request e-evidence from a company abroad',
    'How can we spot trafficking early?',
    'What have other agencies done about old equipment?',
    'has any country set up its own cyber training centre?',
    'good practices on victim support',
    'Anything that works for us there?',
    'Our unit is struggling. ideas?',
    'any experience working with NGOs?',
    'What are the other members doing against this?',
  ],
  problems: [
    'what challenges do prosecutors face with e-evidence?',
    'Is the lover boy method a common problem in your countries?',
    'difficulties with social media companies',
    'issues with platform takedowns',
    'what makes digital investigations so hard',
    'Do your countries also see smugglers promising safe trips?',
    'Was this raised at COLEP?',
    'how do smugglers use TikTok',
  ],
  facts: [
    'who attended the bali forum?',
    'when was the INTERPOL conference in Budapest',
    'where did the 3rd COLEP meeting take place',
    'how many people took part',
    'which countries were at COLEP 3',
    'what was the purpose of the meeting',
    'what happened at the INTERPOL conference in 2013?',
  ],
  'follow-ups': [
    'what was agreed at the Europol meeting?',
    'next steps of COLEP',
    'what did the Europol meeting conclude?',
    'key conclusions on online monitoring',
    'what came out of the Bangkok forum',
    'what were the outcomes',
  ],
  meetings: ['when is the next meeting?', 'where is the upcoming COLEP forum?', 'next COLEP meeting date'],
  general: ['encrypted data', 'OSINT', 'lover boy', 'TiP recruitment online', 'smuggling of migrants on social media'],
};

describe('intent', () => {
  for (const [intent, questions] of Object.entries(CASES) as [Intent, string[]][]) {
    it(`reads ${intent} questions`, () => {
      for (const q of questions) expect(detectIntent(q), q).toBe(intent);
    });
  }

  it('reads "TiP" (trafficking in persons) as a topic, not as a tip', () => {
    expect(detectIntent('how does technology affect TiP recruitment?')).not.toBe('solutions');
  });

  it('never throws on odd input', () => {
    for (const q of ['', '   ', '?', '🙂', 'x'.repeat(10_000), '<b>how</b>', null as unknown as string]) expect(() => detectIntent(q)).not.toThrow();
    expect(detectIntent('')).toBe('general');
  });
});

describe('focus: the question inside a message', () => {
  const rashad =
    'Good morning colleagues! Our unit in Baku is struggling with Telegram channels advertising trips to Europe. Has anyone managed to get Telegram to remove them quickly? Thanks, Rashad';

  it('cuts sentences at . ! ? and an emoji before a capital, not at abbreviations', () => {
    expect(sentences('Hi all. We seized 40 phones, e.g. iPhones! How do others cope?')).toEqual(['Hi all.', 'We seized 40 phones, e.g. iPhones!', 'How do others cope?']);
    expect(sentences('too much data 😩 How do others cope?')).toEqual(['too much data 😩', 'How do others cope?']);
    expect(sentences('line one\nline two')).toEqual(['line one', 'line two']);
  });

  it('drops greetings and sign-offs, keeps the question whole and the context at a lower weight', () => {
    const f = focus(rashad);
    expect(f.segments.map((s) => s.text)).toEqual([
      'Our unit in Baku is struggling with Telegram channels advertising trips to Europe.',
      'Has anyone managed to get Telegram to remove them quickly?',
    ]);
    expect(f.segments.map((s) => s.weight)).toEqual([0.5, 1]);
    expect(f.questionText).toBe('Has anyone managed to get Telegram to remove them quickly?');
  });

  it('weighs every sentence alike when none asks', () => {
    const f = focus('Our unit works on fake job ads. They target young women in villages.');
    expect(f.segments.map((s) => s.weight)).toEqual([1, 1]);
  });

  it('a one-sentence message is all question', () => {
    expect(focus('encrypted data').segments).toEqual([{ text: 'encrypted data', weight: 1, question: true }]);
  });
});

describe('small talk', () => {
  it('recognises greetings, thanks, ok, emoji and presence checks', () => {
    for (const q of ['thanks!', 'Thank you very much 🙏', 'ok', 'OK 👍', '👍', 'good morning all', 'is anyone there?', 'Thanks a lot Rashad', 'hello bot', 'many thanks, noted', ':)']) {
      expect(isSmallTalk(q), q).toBe(true);
    }
  });

  it('does not take a question for small talk', () => {
    for (const q of ['thanks, and what about encrypted data?', 'hello, how do others handle encryption?', 'OSINT?', 'Encryption?', 'ok so what works against fake job ads']) {
      expect(isSmallTalk(q), q).toBe(false);
    }
  });

  it('a leftover word the base knows is a question ("Hello, Telegram?"), a name is not', () => {
    const known = (w: string) => w.toLowerCase() === 'telegram';
    expect(isSmallTalk('Hello, Telegram?', known)).toBe(false);
    expect(isSmallTalk('Hello, Rashad!', known)).toBe(true);
  });

  it('the default interpreter reads English and says when it is small talk', () => {
    const interpret = createEnglishInterpreter();
    expect(interpret('encrypted data')).toEqual({ language: 'en', query: 'encrypted data', understood: [], coverage: 1, smallTalk: false });
    expect(interpret('thanks!').smallTalk).toBe(true);
  });
});

describe('intent of a question in another language (the interpreter\'s cue phrases)', () => {
  it('the cue phrases are the first English terms of the ask-* concepts of the lexicon', () => {
    const concepts = parse(fs.readFileSync(new URL('../knowledge/lexicon/concepts.yaml', import.meta.url), 'utf8')) as { id: string; en: string[] }[];
    const ask = new Map(concepts.filter((c) => c.id.startsWith('ask-')).map((c) => [c.id.slice(4), c.en[0]]));
    expect(new Map(INTERPRETED_CUES.map(([intent, phrase]) => [intent, phrase]))).toEqual(ask);
  });

  it('finds a cue wherever it sits; meetings, follow-ups, solutions, problems, facts in that order', () => {
    expect(readInterpretedQuery('Telegram online advertisements how do others handle')).toEqual({ intent: 'solutions', rest: 'Telegram online advertisements', searched: 'Telegram online advertisements how do others handle' });
    expect(readInterpretedQuery('facts next meeting COLEP')).toMatchObject({ intent: 'meetings', rest: 'COLEP', searched: 'next meeting COLEP' });
    expect(readInterpretedQuery('COLEP countries facts')).toMatchObject({ intent: 'facts', searched: 'COLEP countries' });
    expect(readInterpretedQuery('encrypted data what challenges')).toMatchObject({ intent: 'problems', rest: 'encrypted data' });
    expect(readInterpretedQuery('Europol meeting next steps')).toMatchObject({ intent: 'follow-ups', rest: 'Europol meeting' });
    expect(readInterpretedQuery('cyber threats')).toEqual({ intent: 'general', rest: 'cyber threats', searched: 'cyber threats' });
    expect(readInterpretedQuery('')).toEqual({ intent: 'general', rest: '', searched: '' });
  });
});
