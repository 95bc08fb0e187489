// A question asking what no practice base holds ("when was Europol founded", "opening hours", "install
// WhatsApp") is read as off-topic by one large case-insensitive Unicode expression (src/engine/query.ts
// OFF_TOPIC), which the engine runs only when the question holds one of the words every match has
// (compiling it costs a first question some 5 ms, issue 16). That look-up must never miss a match: the
// same questions are off-topic, however they are capitalised, with the letters that /iu matches to
// ASCII ones (the long s, the Kelvin sign) too.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine/engine.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';

const engine = createEngine(loadPracticeBase(defaultKnowledgeDir()));
const offTopic = (q: string) => engine.analyse(q).offTopic === true;

const OFF_TOPIC = [
  'When was Europol founded?',
  'when was the agency established',
  'When was Frontex SET UP?',
  'Europol founding date',
  'Europol headquarters opening hours',
  'Is the office open on Sundays?',
  'What is the postal address of Interpol?',
  'Europol phone number',
  'contact details of the secretariat',
  'what is the website of COLEP',
  'how do I install WhatsApp on my new phone',
  'Uninstalled Telegram, what now',
  'downloading the app',
  'is it on the App Store',
  'phone update broke my phone',
  'what is the bitcoin exchange rate today',
  'interest rates in Bulgaria',
  'price of a passport on the dark web',
  'stock market news',
  'weather in Sofia',
  'RECIPES for dinner',
  'my horoscope',
  // letters that match A-Z only case-insensitively in Unicode: the long s and the Kelvin sign
  'When was Europol \u017fet up?',
  'Europol opening hour\u017f',
  'the \u017ftoc\u212a market',
  'a \u212aelvin \u017ftore app \u017ftore update',
];
const ON_TOPIC = ['encrypted data', 'how do other countries handle smuggling ads on TikTok?', 'cyber patrol units', 'Europol conclusions on cooperation with private parties'];

describe('off-topic questions', () => {
  it('are read as off-topic however they are written, and the others are not', () => {
    for (const q of OFF_TOPIC) expect(offTopic(q), q).toBe(true);
    for (const q of ON_TOPIC) expect(offTopic(q), q).toBe(false);
  });
});
