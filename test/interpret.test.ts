// The interpreter on a small lexicon written here (independent of knowledge/lexicon/, which the
// lexicon writers edit): language detection, normalisation per language, small talk, lexicon
// validation and the English fast path.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preloadEld } from '../src/engine/interpret/detect.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInterpreter, loadLexicon, type Interpreter, type Lexicon } from '../src/engine/interpret/index.ts';

// the detector's data is loaded on demand in the app; these tests use it
beforeAll(() => preloadEld());

const CONCEPTS = `
- id: ask-solutions
  en: [how do others handle, what works, best practice]
- id: ask-problems
  en: [what challenges, problems]
- id: ask-facts
  en: [facts, who, when]
- id: ask-follow-ups
  en: [next steps]
- id: ask-meetings
  en: [next meeting]
- id: chat-greeting
  en: [hello, hi, good morning]
- id: chat-thanks
  en: [thanks, thank you]
- id: chat-bye
  en: [bye, best regards]
- id: chat-ack
  en: [ok, okay, noted, 👍]
- id: chat-presence
  en: [is anyone there, anybody here]
- id: chat-filler
  en: [colleagues, dear all, please, all]
- id: encrypted-data
  en: [encrypted data, encrypted communications]
- id: data-volume
  en: [data volume, large amounts of data]
- id: online-ads
  en: [online advertisements, ads]
- id: smuggling-of-migrants
  en: [migrant smuggling, smuggling of migrants]
- id: social-media
  en: [social media, social networks]
- id: telegram
  en: [Telegram]
- id: european-union
  en: [European Union, EU]
# complete
`;

const LANGUAGES: Record<string, string> = {
  fr: `language: fr
name: French
terms:
  ask-solutions: [comment gérez-vous, comment faire, bonnes pratiques]
  chat-greeting: [bonjour, salut]
  chat-thanks: [merci, merci beaucoup]
  chat-filler: [chers collègues, collègues, s'il vous plaît]
  encrypted-data: [données chiffrées, données cryptées]
  online-ads: [annonces, publicités]
  smuggling-of-migrants: [trafic de migrants, passeurs]
  social-media: [réseaux sociaux]
`,
  ru: `language: ru
name: Russian
terms:
  ask-solutions: [как другие справляются, что делать, есть ли опыт]
  ask-problems: [какие проблемы, трудности]
  chat-greeting: [здравствуйте, привет, добрый день]
  chat-thanks: [спасибо, благодарю]
  chat-presence: [есть кто]
  chat-filler: [коллеги]
  encrypted-data: [зашифрованные данные]
  data-volume: [объём данных]
  online-ads: [объявления, реклама]
  smuggling-of-migrants: [незаконный ввоз мигрантов, переправка мигрантов]
  social-media: [социальные сети, соцсети]
  telegram: [телеграм]
`,
  bg: `language: bg
name: Bulgarian
terms:
  ask-solutions: [как се справят другите, kak se spravyat drugite]
  ask-problems: [какви предизвикателства, kakvi predizvikatelstva]
  chat-greeting: [здравейте, zdraveyte]
  chat-thanks: [благодаря, blagodarya]
  encrypted-data: [криптирани данни, kriptirani danni]
  online-ads: [реклама, reklama]
  smuggling-of-migrants: [каналджийство, kanaldzhiystvo]
  social-media: [социални мрежи, sotsialni mrezhi]
  european-union: [ЕС, Европейски съюз]
`,
  mk: `language: mk
name: Macedonian
terms:
  ask-solutions: [како се справувате]
  chat-thanks: [благодарам]
  encrypted-data: [шифрирани податоци]
  online-ads: [реклами]
  social-media: [социјални мрежи]
`,
  ar: `language: ar
name: Arabic
terms:
  ask-solutions: [كيف تتعامل الدول الأخرى, كيف تتعاملون]
  chat-greeting: [مرحبا, السلام عليكم]
  chat-thanks: [شكرا, شكرا جزيلا]
  encrypted-data: [البيانات المشفرة, بيانات مشفرة]
  online-ads: [الإعلانات, إعلانات]
  smuggling-of-migrants: [تهريب المهاجرين]
  social-media: [وسائل التواصل الاجتماعي]
`,
  ur: `language: ur
name: Urdu
terms:
  ask-solutions: [دوسرے کیسے نمٹتے ہیں]
  chat-thanks: [شکریہ, بہت شکریہ]
  encrypted-data: [خفیہ کردہ ڈیٹا, انکرپٹڈ ڈیٹا]
  smuggling-of-migrants: [انسانی اسمگلنگ, تارکین وطن کی اسمگلنگ]
  social-media: [سوشل میڈیا]
`,
  th: `language: th
name: Thai
terms:
  ask-solutions: [จัดการอย่างไร]
  chat-thanks: [ขอบคุณ, ขอบคุณครับ, ขอบคุณค่ะ]
  chat-greeting: [สวัสดี, สวัสดีครับ]
  encrypted-data: [ข้อมูลที่เข้ารหัส]
  smuggling-of-migrants: [การลักลอบขนคนเข้าเมือง]
  social-media: [โซเชียลมีเดีย]
`,
  hu: `language: hu
name: Hungarian
terms:
  ask-solutions: [hogyan kezelik mások]
  chat-thanks: [köszönöm, köszi]
  encrypted-data: [titkosított adatok]
  smuggling-of-migrants: [embercsempészet]
`,
  bs: `language: bs
name: Bosnian/Croatian/Serbian
terms:
  ask-solutions: [kako postupate, како поступате]
  chat-thanks: [hvala, хвала]
  encrypted-data: [šifrovani podaci, шифровани подаци]
  social-media: [društvene mreže]
`,
};

let dir: string;
let lexicon: Lexicon;
let it_: Interpreter;

function writeLexicon(root: string, files: Record<string, string>): void {
  fs.mkdirSync(path.join(root, 'lexicon'), { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, 'lexicon', name), text);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interpret-'));
  writeLexicon(dir, { 'concepts.yaml': CONCEPTS, ...Object.fromEntries(Object.entries(LANGUAGES).map(([k, v]) => [`${k}.yaml`, v])) });
  lexicon = loadLexicon(dir);
  it_ = createInterpreter(lexicon, { vocabulary: ['data', 'online', 'internet', 'Europol', 'channels'] });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (q: string) => it_.interpret(q);

describe('lexicon loading', () => {
  it('reads concepts and every language file', () => {
    expect(lexicon.concepts.map((c) => c.id)).toContain('encrypted-data');
    expect(lexicon.languages.map((l) => l.language).sort()).toEqual(['ar', 'bg', 'bs', 'fr', 'hu', 'mk', 'ru', 'th', 'ur']);
  });

  it('no lexicon folder: an empty lexicon, English only', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'interpret-empty-'));
    try {
      const lex = loadLexicon(empty);
      expect(lex).toEqual({ concepts: [], languages: [] });
      const r = createInterpreter(lex, { detector: null }).interpret('how do others handle encrypted data?');
      expect(r).toMatchObject({ language: 'en', coverage: 1, smallTalk: false });
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('an unknown concept id, an unknown language and a malformed file: one line each, naming file, language, concept and field', () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'interpret-bad-'));
    try {
      writeLexicon(bad, {
        'concepts.yaml': CONCEPTS,
        'fr.yaml': 'language: fr\nname: French\nterms:\n  encrypted-data: [données chiffrées]\n  encrypted-date: [dates chiffrées]\n',
        'xx.yaml': 'language: xx\nname: Nowhere\nterms: {}\n',
        'ru.yaml': 'language: ru\nname: Russian\nterms:\n  encrypted-data: [зашифрованные данные\n',
        'hu.yaml': 'language: hu\nname: Hungarian\nterms:\n  encrypted-data: titkosított adatok\n',
      });
      let err: Error | undefined;
      try {
        loadLexicon(bad);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.name).toBe('LexiconError');
      const lines = err!.message.split('\n').slice(1);
      expect(lines).toHaveLength(4);
      expect(lines).toContainEqual(
        '  - knowledge-less/lexicon/fr.yaml:5: language fr, concept "encrypted-date", field "terms.encrypted-date": unknown concept id (not in concepts.yaml)'.replace(
          'knowledge-less',
          path.basename(bad),
        ),
      );
      expect(lines.find((l) => l.includes('xx.yaml'))).toMatch(/xx\.yaml:1: language xx, field "language": unknown language code/);
      expect(lines.find((l) => l.includes('ru.yaml'))).toMatch(/ru\.yaml:\d+: YAML syntax/);
      expect(lines.find((l) => l.includes('hu.yaml'))).toMatch(/hu\.yaml:4: language hu, concept "encrypted-data", field "terms\.encrypted-data": /);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });

  it('a concept without English terms and a duplicate id are reported with their field', () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'interpret-bad-'));
    try {
      writeLexicon(bad, { 'concepts.yaml': '- id: telegram\n  en: []\n- id: ads\n  en: [ads]\n- id: ads\n  en: [advertising]\n' });
      expect(() => loadLexicon(bad)).toThrow(/concepts\.yaml:2: language en, concept "telegram" \(item 1\), field "en": needs at least one English term/);
      expect(() => loadLexicon(bad)).toThrow(/concepts\.yaml:5: language en, concept "ads" \(item 3\), field "id": duplicate concept id/);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });
});

describe('English', () => {
  it('takes the fast path: the question unchanged, nothing understood, coverage 1', () => {
    for (const q of [
      'how do others handle encrypted data?',
      'Good morning colleagues! Our unit in Baku is struggling with Telegram channels advertising trips to Europe. Has anyone managed to get Telegram to remove them quickly? Thanks, Rashad',
      'What did the 3rd COLEP meeting conclude on OSINT and TikTok?',
    ]) {
      expect(read(q)).toEqual({ language: 'en', query: q, understood: [], coverage: 1, smallTalk: false });
    }
  });

  it('is read on the fast path, without the lexicons or the language detector', () => {
    let calls = 0;
    const steps: string[] = [];
    const spy = createInterpreter(lexicon, {
      detector: {
        scores: () => {
          calls++;
          return new Map([['fr', 1]]);
        },
      },
      trace: (step) => steps.push(step),
    });
    for (const q of ['how do others handle encrypted data?', 'What did the 3rd COLEP meeting conclude on OSINT and TikTok?', 'thanks!', 'passeurs and annonces: how do others handle them?'])
      expect(spy.interpret(q).language).toBe('en');
    expect(calls).toBe(0);
    expect(steps).toEqual(['english', 'english', 'english', 'english']);
    // not English: French without accents is not taken for English words ("pour", "les", "vacances" are in the English word list)
    steps.length = 0;
    expect(spy.interpret('annonces pour les vacances').language).toBe('fr');
    expect(steps[0]).toBe('matched');
  });

  it('small talk alone is small talk; with a question it is not', () => {
    for (const q of ['thanks!', 'ok', '👍', 'good morning all', 'is anyone there?', 'Thank you 🙏', '@practice_bot hello', 'Hi <@U024BE7LH>'])
      expect(read(q), q).toMatchObject({ language: 'en', smallTalk: true });
    for (const q of ['thanks, and how do others handle encrypted data?', 'hello, what works against smugglers on Telegram?', 'what?'])
      expect(read(q), q).toMatchObject({ language: 'en', smallTalk: false });
  });

  it('an empty message is not small talk; punctuation alone is', () => {
    expect(read('').smallTalk).toBe(false);
    expect(read('   ').smallTalk).toBe(false);
    expect(read('?').smallTalk).toBe(true);
  });
});

describe('language detection on short questions', () => {
  const cases: [string, string, string[]][] = [
    ['fr', 'Comment gérez-vous les données chiffrées ?', ['encrypted data']],
    ['fr', 'passeurs sur Telegram ?', ['migrant smuggling', 'Telegram']],
    ['ru', 'реклама в соцсетях', ['online advertisements', 'social media']],
    ['ru', 'Какие проблемы с зашифрованными данными?', ['encrypted data']],
    ['bg', 'реклами в социалните мрежи', ['online advertisements', 'social media']],
    ['bg', 'Как се справят другите с криптираните данни?', ['encrypted data']],
    ['mk', 'Како се справувате со шифрирани податоци?', ['encrypted data']],
    ['mk', 'реклами на социјалните мрежи', ['online advertisements', 'social media']],
    ['ar', 'كيف تتعاملون مع البيانات المشفرة؟', ['encrypted data']],
    ['ar', 'تهريب المهاجرين عبر وسائل التواصل الاجتماعي', ['migrant smuggling', 'social media']],
    ['ur', 'خفیہ کردہ ڈیٹا سے دوسرے کیسے نمٹتے ہیں؟', ['encrypted data']],
    ['ur', 'سوشل میڈیا پر انسانی اسمگلنگ', ['social media', 'migrant smuggling']],
    ['th', 'การลักลอบขนคนเข้าเมืองทางโซเชียลมีเดีย', ['migrant smuggling', 'social media']],
    ['hu', 'Hogyan kezelik mások a titkosított adatokat?', ['encrypted data']],
    ['bs', 'Kako postupate sa šifrovanim podacima?', ['encrypted data']],
    ['bs', 'Како поступате са шифрованим подацима?', ['encrypted data']],
  ];
  for (const [lang, q, understood] of cases) {
    it(`${lang}: ${q}`, () => {
      const r = read(q);
      expect(r.language).toBe(lang);
      expect(r.understood).toEqual(understood);
      expect(r.smallTalk).toBe(false);
    });
  }

  it('English terms typed in another language reach their concept', () => {
    expect(read('données chiffrées et social media')).toMatchObject({ language: 'fr', understood: ['encrypted data', 'social media'], coverage: 1 });
    expect(read('реклама в Telegram')).toMatchObject({ understood: ['online advertisements', 'Telegram'] });
  });

  it('names written in every language (Telegram, OSINT) do not decide the language and are kept as typed', () => {
    const r = read('Телеграм и OSINT: что делать?');
    expect(r.language).toBe('ru');
    expect(r.query).toBe('Telegram OSINT how do others handle');
    expect(read('Telegram OSINT TikTok').language).toBe('en');
    const ru = read('объявления в Telegram');
    expect(ru).toMatchObject({ language: 'ru', query: 'online advertisements Telegram', coverage: 1 });
  });

  it('intents become their English phrase, concepts their label, in order', () => {
    expect(read('Comment gérez-vous les données chiffrées ?')).toMatchObject({ query: 'how do others handle encrypted data', coverage: 1 });
    expect(read('Какие проблемы с рекламой в соцсетях?')).toMatchObject({
      query: 'what challenges online advertisements social media',
      understood: ['online advertisements', 'social media'],
    });
  });

  it('letters only one language writes decide when no word is known', () => {
    const bare = createInterpreter(lexicon, { detector: null });
    expect(bare.interpret('Кој ќе дојде утре?').language).toBe('mk');
    expect(bare.interpret('Вчера было холодно').language).toBe('ru');
    expect(bare.interpret('Вчера вървях дълго').language).toBe('bg');
    expect(bare.interpret('وہ کل آئے گا').language).toBe('ur');
    expect(bare.interpret('ذهبت إلى المكتبة').language).toBe('ar');
  });

  it('letters only one language writes decide between close languages', () => {
    // "ѓ/ќ/ј" Macedonian, "ы/э" Russian, "ъ" Bulgarian, "ے/ڈ" Urdu
    expect(read('Кој ќе ги отстрани рекламите?').language).toBe('mk');
    expect(read('Это реклама?').language).toBe('ru');
    expect(read('Това е реклама на каналджийството').language).toBe('bg');
    expect(read('یہ سوشل میڈیا ہے').language).toBe('ur');
    expect(read('هذه وسائل التواصل الاجتماعي').language).toBe('ar');
  });
});

describe('normalisation as people type', () => {
  it('Arabic and Urdu letter variants typed on either keyboard (ة/ه, ى/ي, ك/ک, ه/ہ)', () => {
    expect(read('البيانات المشفره').understood).toEqual(['encrypted data']);
    expect(read('شكريه').smallTalk).toBe(true); // Urdu شکریہ typed with Arabic kaf and heh
  });

  it('Arabic without vowel marks, with them, and with bare alef', () => {
    expect(read('البيانات المشفرة').understood).toEqual(['encrypted data']);
    expect(read('الْبَيَانَاتُ الْمُشَفَّرَةُ').understood).toEqual(['encrypted data']);
    expect(read('اعلانات على الانترنت').understood).toContain('online advertisements'); // إعلانات typed without hamza
    expect(read('والإعلانات').understood).toEqual(['online advertisements']); // with the conjunction و attached
  });

  it('Russian е for ё (and ё for е)', () => {
    expect(read('объем данных').understood).toEqual(['data volume']);
    expect(read('объём данных').understood).toEqual(['data volume']);
    expect(read('зашифрованные данные').understood).toEqual(['encrypted data']);
    expect(read('зашифрованныё данные').understood).toEqual(['encrypted data']);
  });

  it('missing diacritics: French, Hungarian, Bosnian', () => {
    expect(read('donnees chiffrees')).toMatchObject({ language: 'fr', understood: ['encrypted data'] });
    expect(read('titkositott adatok')).toMatchObject({ language: 'hu', understood: ['encrypted data'] });
    expect(read('sifrovani podaci')).toMatchObject({ language: 'bs', understood: ['encrypted data'] });
  });

  it('inflected forms reach the listed form', () => {
    for (const q of ['реклама', 'реклами', 'рекламите', 'рекламата']) expect(read(`${q} в социалните мрежи`).understood, q).toContain('online advertisements');
    expect(read('зашифрованными данными').understood).toEqual(['encrypted data']);
    expect(read('titkosított adatokat').understood).toEqual(['encrypted data']);
    expect(read('Tapasztalatok az embercsempészettel?').understood).toEqual(['migrant smuggling']);
  });

  it('stop words inside a phrase are optional on both sides', () => {
    expect(read('trafic des migrants').understood).toEqual(['migrant smuggling']);
  });

  it('one unknown word may stand inside a phrase', () => {
    expect(read('données personnelles chiffrées')).toMatchObject({ understood: ['encrypted data'], coverage: 1 });
    expect(read('données personnelles sensibles chiffrées').understood).toEqual([]); // two are too many
  });

  it('Thai without spaces between words', () => {
    const r = read('จัดการข้อมูลที่เข้ารหัสอย่างไร');
    expect(r.language).toBe('th');
    expect(r.understood).toEqual(['encrypted data']);
    expect(read('ข้อมูลที่เข้ารหัสในโซเชียลมีเดีย').understood).toEqual(['encrypted data', 'social media']);
  });

  it('Bulgarian in Latin letters, spelled several ways', () => {
    for (const q of ['kak se spravyat drugite s kriptirani danni', 'kak se spraviat drugite s kriptiranite danni', 'reklama v sotsialnite mrezhi', 'reklami v socialnite mreji']) {
      const r = read(q);
      expect(r.language, q).toBe('bg');
      expect(r.understood.length, q).toBeGreaterThan(0);
    }
    expect(read('kak se spravyat drugite s kriptirani danni').query).toBe('how do others handle encrypted data');
  });

  it('a short acronym matches only in capitals', () => {
    expect(read('Реклама в ЕС').understood).toEqual(['online advertisements', 'European Union']);
    expect(read('реклама ес').understood).toEqual(['online advertisements']);
  });
});

describe('small talk in other languages', () => {
  const cases: [string, string][] = [
    ['fr', 'Merci !'],
    ['fr', 'Bonjour chers collègues'],
    ['ru', 'Спасибо!'],
    ['ru', 'Здравствуйте, коллеги 👋'],
    ['ru', 'Есть кто?'],
    ['bg', 'Благодаря!'],
    ['bg', 'blagodarya'],
    ['mk', 'Благодарам'],
    ['ar', 'شكرا جزيلا'],
    ['ur', 'بہت شکریہ'],
    ['th', 'ขอบคุณครับ'],
    ['hu', 'Köszönöm!'],
    ['bs', 'Hvala'],
  ];
  for (const [lang, q] of cases) {
    it(`${lang}: ${q}`, () => {
      const r = read(q);
      expect(r.smallTalk).toBe(true);
      expect(r.language).toBe(lang);
      expect(r.query).toBe('');
    });
  }

  it('a greeting with a question is not small talk, and the greeting and filler are dropped', () => {
    const fr = read('Bonjour chers collègues, comment gérez-vous les données chiffrées ? Merci beaucoup');
    expect(fr).toMatchObject({ language: 'fr', smallTalk: false, query: 'how do others handle encrypted data', coverage: 1 });
    const ru = read('Здравствуйте, коллеги! Как другие справляются с рекламой в соцсетях? Спасибо');
    expect(ru).toMatchObject({ language: 'ru', smallTalk: false, query: 'how do others handle online advertisements social media', coverage: 1 });
    const ar = read('مرحبا، كيف تتعاملون مع البيانات المشفرة؟ شكرا');
    expect(ar).toMatchObject({ language: 'ar', smallTalk: false, query: 'how do others handle encrypted data' });
  });
});

describe('coverage', () => {
  it('off-topic foreign questions cover little', () => {
    expect(read('Quelle est la capitale de la France ?').coverage).toBeLessThan(0.5);
    expect(read('Какая погода будет завтра в Москве?').coverage).toBeLessThan(0.5);
    expect(read('ما هي عاصمة فرنسا؟').coverage).toBeLessThan(0.5);
  });

  it('keeps numbers and acronyms as typed', () => {
    expect(read('passeurs OSINT 2023')).toMatchObject({ language: 'fr', query: 'migrant smuggling OSINT 2023', coverage: 1 });
  });

  it('counts kept words of the base as covered, unknown words not', () => {
    const r = read('annonces sur internet pour les passeurs');
    expect(r).toMatchObject({ language: 'fr', query: 'online advertisements internet migrant smuggling', coverage: 1 });
    const half = read('annonces pour les vacances');
    expect(half.coverage).toBeCloseTo(0.5);
  });

  it('a language without a lexicon is named by the detector and searches nothing', () => {
    const r = read('Wie gehen andere mit verschlüsselten Daten um?');
    expect(r.language).toBe('de');
    expect(r.understood).toEqual([]);
    expect(r.coverage).toBeLessThan(0.5);
  });
});

describe('phrases of one content word', () => {
  it('a phrase whose only content word is another concept\'s term needs its function words typed', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'interpret-meeting-'));
    try {
      writeLexicon(root, {
        'concepts.yaml': `${CONCEPTS}- id: meeting\n  en: [meeting]\n- id: participants\n  en: [participants]\n`,
        'fr.yaml': `language: fr\nname: French\nterms:\n  ask-meetings: [prochaine réunion, quand est la réunion]\n  ask-facts: [qui a]\n  meeting: [réunion]\n  participants: [participé, participants]\n  encrypted-data: [données chiffrées]\n`,
      });
      const i = createInterpreter(loadLexicon(root));
      // "who took part in the meeting" asks about a meeting, not for the calendar
      const who = i.interpret('Qui a participé à la réunion de Sofia ?');
      expect(who.language).toBe('fr');
      expect(who.query).not.toMatch(/next meeting/);
      expect(who.understood).toContain('meeting');
      // the phrase typed in full still asks for the calendar
      expect(i.interpret('quand est la réunion ?').query).toMatch(/next meeting/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
