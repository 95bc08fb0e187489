// Behaviour of the answer engine on a small hand-made base (the real base is tested in recall.test.ts).
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine/engine.ts';
import type { SearchOptions } from '../src/engine/types.ts';
import type { Entry, PracticeBase } from '../src/knowledge/schema.ts';

const DOC = '001_f556e3455b226015.txt';
const DOC2 = '004_2fc551ce44cba2ef.txt';

function entry(id: string, kind: Entry['kind'], title: string, text: string, themes: string[], section = 'Challenges', extra: Partial<Entry> = {}): Entry {
  const bali = section === 'Emerging issues';
  const source = { document: bali ? DOC2 : DOC, section, meeting: bali ? 'rso-forum-2022' : 'colep-3' };
  return {
    id,
    kind,
    title,
    text,
    themes,
    source,
    sources: [source],
    keywords: [],
    addressed_by: [],
    related: [],
    ...extra,
  };
}

export const smallBase: PracticeBase = {
  themes: [
    { id: 'encryption', label: 'Encryption', description: 'Encrypted messaging and data that investigators cannot read.', terms: ['encrypted', 'encryption', 'end-to-end'] },
    { id: 'training', label: 'Training', description: 'Training and skills of officers, prosecutors and judges.', terms: ['training', 'skills', 'upskilling'] },
    { id: 'smuggling-of-migrants', label: 'Smuggling of migrants', description: 'Migrant smuggling and smugglers.', terms: ['smuggling', 'smugglers'] },
    { id: 'trafficking-in-persons', label: 'Trafficking in persons', description: 'Human trafficking, recruitment and exploitation.', terms: ['trafficking', 'exploitation'] },
    { id: 'osint', label: 'Open-source intelligence', description: 'OSINT, cyber patrols and internet monitoring.', terms: ['osint', 'cyber patrol', 'web crawler', 'monitoring'] },
    { id: 'e-evidence', label: 'Electronic evidence', description: 'Collecting and using digital evidence in court.', terms: ['digital evidence', 'forensics'] },
    { id: 'private-sector', label: 'Private sector', description: 'Social media companies, banks and other private companies.', terms: ['social media', 'companies', 'platforms'] },
    { id: 'biometrics', label: 'Biometrics', description: 'Biometric systems at borders.', terms: ['biometric', 'fingerprints'] },
    { id: 'cooperation', label: 'Cooperation', description: 'Police-to-police cooperation and information exchange.', terms: ['cooperation', 'information sharing'] },
  ],
  synonyms: [
    { canonical: 'smuggling of migrants', terms: ['SoM', 'migrant smuggling', 'people smuggling'], seen_in: [] },
    { canonical: 'trafficking in persons', terms: ['TiP', 'THB', 'human trafficking', 'trafficking in human beings'], seen_in: [] },
    { canonical: 'organised crime group', terms: ['OCG', 'criminal network', 'criminal organisation'], seen_in: [] },
    { canonical: 'open source intelligence', terms: ['OSINT'], seen_in: [] },
    { canonical: 'electronic evidence', terms: ['e-evidence', 'digital evidence'], seen_in: [] },
    { canonical: 'law enforcement agency', terms: ['LEA', 'law enforcement authority'], seen_in: [] },
    { canonical: 'non-governmental organisation', terms: ['NGO'], seen_in: [] },
    { canonical: 'international organisation', terms: ['IO'], seen_in: [] },
    { canonical: 'member states', terms: ['MS'], seen_in: [] },
  ],
  meetings: [
    {
      id: 'colep-3',
      title: '3rd COLEP meeting',
      series: 'COLEP',
      date: { start: '2023-05-04', precision: 'day' },
      status: 'held',
      place: { virtual: true },
      hosts: ['Bulgaria', 'Iraq'],
      documents: [DOC],
    },
    {
      id: 'rso-forum-2022',
      title: 'Bali Process RSO Border and Technology Forum',
      series: 'Bali Process',
      date: { start: '2022-10-26', end: '2022-10-27', precision: 'day' },
      status: 'held',
      place: { virtual: false, city: 'Bangkok', country: 'Thailand' },
      hosts: [],
      documents: [DOC2],
    },
  ],
  documents: [
    { file: DOC, title: 'Draft summary of the 3rd COLEP meeting', type: 'draft summary', publisher: 'Budapest Process', meeting: 'colep-3', sections: ['Challenges', 'Good Practices', 'Opportunities', 'Next Steps'] },
    { file: DOC2, title: 'RSO Border and Technology Forum news item', type: 'news item', publisher: 'Bali Process RSO', meeting: 'rso-forum-2022', sections: ['Emerging issues'] },
  ],
  entries: [
    entry('encrypted-data-volume', 'challenge', 'Encrypted data is hard to analyse', 'The high volume of encrypted data from online exchanges is hard for law enforcement agencies to analyse.', ['encryption']),
    entry('ocg-technology', 'challenge', 'Organised crime groups use a lot of technology', 'Sophisticated OCGs use thousands of mobile phones, encrypted chat platforms and the dark web, and leave few digital traces.', ['encryption', 'cooperation']),
    entry('smugglers-advertise', 'challenge', 'Smugglers advertise on social media', 'Smugglers advertise their services on social media and encrypted messaging apps such as Telegram, Signal, TikTok and WhatsApp.', ['smuggling-of-migrants', 'private-sector']),
    entry('tip-recruitment', 'challenge', 'Online recruitment for trafficking', 'Digital tools matter most at two stages of trafficking in persons: recruitment through false job advertisements and exploitation.', ['trafficking-in-persons']),
    entry('prosecutor-training', 'challenge', 'Prosecutors lack training on e-evidence', 'Prosecutors lack training on digitally facilitated TiP and SoM and on requesting electronic evidence from private companies.', ['training', 'e-evidence']),
    entry('courts-unprepared', 'challenge', 'Courts unprepared for digital evidence', 'Courts are often unprepared to deal with digital evidence presented by prosecutors.', ['e-evidence']),
    entry('training-centres', 'good-practice', 'Cyber security training and research centres', 'Establish centres that train frontline and back-end investigators and research the latest trends.', ['training'], 'Good Practices'),
    entry('cyber-patrol-unit', 'good-practice', 'Permanent cyber patrol unit', 'Create a permanent cyber patrol unit in the central investigation agency for forensic analysis, data extraction and social media observation.', ['osint'], 'Good Practices'),
    entry('victim-support', 'good-practice', 'Victim support builds cooperation', 'Victim support services help victims feel safe and cooperate with law enforcement, for example on mobile phone extraction.', ['trafficking-in-persons'], 'Good Practices'),
    entry('osint-training', 'opportunity', 'Train officers in OSINT and cyber patrols', 'Make sure law enforcement has the training to collect electronic evidence, use open source intelligence, conduct cyber patrols and deploy digital undercover officers.', ['osint', 'training', 'e-evidence'], 'Opportunities'),
    entry('bread-crumbs', 'opportunity', 'Tools such as web crawlers', 'Give law enforcement tools such as web crawlers to make sense of the bread crumbs traffickers leave online.', ['osint'], 'Opportunities'),
    entry('ngo-cooperation', 'opportunity', 'Cooperation with NGOs and companies', 'Enable robust cooperation between government agencies, non-governmental organisations and private companies to reach potential victims.', ['cooperation', 'private-sector'], 'Opportunities'),
    entry('police-cooperation', 'next-step', 'Police-to-police cooperation', 'Police to police cooperation, especially information sharing, is essential to crack down on transnational criminals.', ['cooperation'], 'Next Steps'),
    entry('biometrics-risks', 'conclusion', 'Harness biometrics and integrated border management', 'Understand the latest technology such as biometrics and integrated border management systems, including the risks of removing human interaction.', ['biometrics'], 'Emerging issues'),
    entry('labour-exploitation', 'challenge', 'Labour exploitation through online job adverts', 'Labour exploitation usually starts with online job advertisements and messages targeted at vulnerable groups.', ['trafficking-in-persons'], 'Challenges', { keywords: ['forced labour', 'job scams'] }),
    entry('time-limits', 'challenge', 'Legal deadlines of 90 days are unrealistic', 'Several countries require an investigation to end within 90 days, too short for complex digital cases.', ['e-evidence']),
    entry('attendance-colep3', 'fact', 'Who attended the 3rd COLEP meeting', 'Officers from Azerbaijan, Bangladesh, Bosnia and Herzegovina, Bulgaria, France, Hungary, Iraq, North Macedonia and Pakistan attended.', ['cooperation'], 'Challenges'),
  ],
  aliases: new Map(),
};

const engine = createEngine(smallBase);
const ids = (q: string, opts = {}) => engine.search(q, opts).hits.map((h) => h.entry.id);
const top = (q: string, opts = {}) => ids(q, opts)[0];

describe('engine: ranking', () => {
  it('answers the plain question', () => {
    expect(top('how do others handle encrypted data?')).toBe('encrypted-data-volume');
  });

  it('corrects typos and says what it searched for', () => {
    const r = engine.search('encrpyted dta analysis');
    expect(r.hits[0]?.entry.id).toBe('encrypted-data-volume');
    expect(r.corrected).toContain('encrypted');
    expect(top('smuglers advertizing on socail media')).toBe('smugglers-advertise');
    expect(top('prosecuters trainig')).toBe('prosecutor-training');
  });

  it('does not correct words that are fine', () => {
    expect(engine.search('encrypted data').corrected).toBeUndefined();
    expect(engine.search('how do colleagues handle encrypted data').corrected).toBeUndefined();
    // English words the base does not use are not turned into base words ("channels" -> "changes")
    for (const q of ['smugglers advertise on channels', 'reset seized phones', 'convince platforms']) {
      expect(engine.search(q).corrected, q).toBeUndefined();
    }
  });

  it('splits words run together', () => {
    const r = engine.search('cyberpatrol unit');
    expect(r.hits[0]?.entry.id).toBe('cyber-patrol-unit');
    expect(r.corrected).toBe('cyber patrol unit');
    // also when the whole is an English word the base does not use
    const crumbs = engine.search('breadcrumbs traffickers leave online');
    expect(crumbs.corrected).toBe('bread crumbs traffickers leave online');
    expect(crumbs.hits[0]?.entry.id).toBe('bread-crumbs');
  });

  it('expands acronyms both ways', () => {
    expect(top('OCG technology')).toBe('ocg-technology');
    expect(top('organised crime groups phones')).toBe('ocg-technology');
    expect(ids('THB recruitment')).toContain('tip-recruitment');
    expect(ids('human trafficking recruitment')[0]).toBe('tip-recruitment');
    expect(ids('OSINT')).toContain('osint-training');
    expect(ids('NGO')).toContain('ngo-cooperation');
    expect(top('e-evidence in court')).toBe('courts-unprepared');
  });

  it('does not read a lower-case common word as an acronym', () => {
    // "tips" is not TiP (trafficking in persons)
    expect(ids('tips on cyber patrol')).not.toContain('tip-recruitment');
  });

  it('treats British and American spellings alike', () => {
    expect(top('labor exploitation')).toBe('labour-exploitation');
    expect(top('training centers')).toBe('training-centres');
    expect(top('organized crime groups')).toBe('ocg-technology');
  });

  it('ignores case and diacritics', () => {
    expect(top('ÉNCRYPTED DÂTA')).toBe('encrypted-data-volume');
    expect(top('Prosecutors TRAINING')).toBe('prosecutor-training');
  });

  it('reads number words as digits', () => {
    expect(top('ninety day deadline for investigations')).toBe('time-limits');
  });

  it('matches a word cut short', () => {
    expect(top('encryp data')).toBe('encrypted-data-volume');
  });

  it('accepts a weaker hit only when two words of the question agree', () => {
    const strict = createEngine(smallBase, { threshold: 0.9, coveredThreshold: 0.2 });
    // one word in common (score well under 0.9): nothing close
    const one = strict.search('courts hippopotamus giraffe');
    expect(one.hits).toEqual([]);
    expect(one.total).toBe(0);
    // two words in common with the same entry: accepted from the lower threshold
    const two = strict.search('courts unprepared hippopotamus giraffe');
    expect(two.hits[0]?.entry.id).toBe('courts-unprepared');
    expect(two.hits[0]!.score).toBeLessThan(0.9);
    expect(two.total).toBe(two.hits.length);
  });

  it('uses keywords', () => {
    expect(top('job scams')).toBe('labour-exploitation');
  });

  it('filters by kind and theme', () => {
    const practices = engine.search('cyber patrol training', { kinds: ['good-practice'] });
    expect(practices.hits.length).toBeGreaterThan(0);
    expect(practices.hits.every((h) => h.entry.kind === 'good-practice')).toBe(true);
    const both = engine.search('training', { kinds: ['challenge', 'opportunity'] });
    expect(both.hits.map((h) => h.entry.kind).every((k) => k === 'challenge' || k === 'opportunity')).toBe(true);
    expect(both.hits.length).toBeGreaterThan(1);
    const themed = engine.search('training', { theme: 'e-evidence' });
    expect(themed.hits.length).toBeGreaterThan(0);
    expect(themed.hits.every((h) => h.entry.themes.includes('e-evidence'))).toBe(true);
    expect(engine.search('training', { theme: 'Electronic evidence' }).hits.map((h) => h.entry.id)).toEqual(themed.hits.map((h) => h.entry.id));
  });

  it('pages with offset and limit and reports the total', () => {
    const all = engine.search('training', { limit: 10 });
    expect(all.total).toBe(all.hits.length);
    expect(all.total).toBeGreaterThanOrEqual(3);
    const p1 = engine.search('training', { limit: 2 });
    const p2 = engine.search('training', { limit: 2, offset: 2 });
    expect(p1.hits.map((h) => h.entry.id)).toEqual(all.hits.slice(0, 2).map((h) => h.entry.id));
    expect(p2.hits.map((h) => h.entry.id)).toEqual(all.hits.slice(2, 4).map((h) => h.entry.id));
    expect(p1.total).toBe(all.total);
  });

  it('answers a repeated question the same, with or without remembered searches, and no caller can alter a shared answer', () => {
    const fresh = createEngine(smallBase, { resultCache: 0 });
    const cases: [string, SearchOptions][] = [
      ['how do others handle encrypted data?', {}],
      ['training', { limit: 2, offset: 2 }],
      ['chalenges with encryptoin', { kinds: ['challenge'] }],
    ];
    for (const [q, opts] of cases) {
      const first = engine.search(q, opts);
      expect(engine.search(q, opts)).toEqual(first);
      expect(fresh.search(q, opts)).toEqual(first);
    }
    const shared = engine.search('training', { limit: 2 });
    expect(() => (shared.hits as unknown[]).push('x')).toThrow(TypeError);
    expect(() => Object.assign(shared, { total: 0 })).toThrow(TypeError);
    expect(engine.search('training', { limit: 2 }).hits).toHaveLength(2);
  });

  it('gives scores in 0..1, best first', () => {
    for (const q of ['encrypted data', 'training', 'social media companies take down', 'cooperation with NGOs']) {
      const r = engine.search(q, { limit: 10 });
      expect(r.hits.length).toBeGreaterThan(0);
      for (const h of r.hits) {
        expect(h.score).toBeGreaterThan(0);
        expect(h.score).toBeLessThanOrEqual(1);
      }
      const scores = r.hits.map((h) => h.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    }
  });

  it('scores a close answer higher than a loose one, across queries', () => {
    const close = engine.search('encrypted data analyse').hits[0]!.score;
    const loose = engine.search('encrypted data football weather stadium').hits[0]?.score ?? 0;
    expect(close).toBeGreaterThan(loose);
  });
});

describe('engine: nothing close', () => {
  it('returns suggestions instead of noise for off-topic questions', () => {
    for (const q of ['recipe for banana bread', 'who won the football match yesterday', 'weather tomorrow in Paris']) {
      const r = engine.search(q);
      expect(r.hits, q).toEqual([]);
      expect(r.total).toBe(0);
      expect(r.suggestions.length, q).toBeGreaterThan(0);
    }
  });

  it('suggests the nearest themes', () => {
    const r = engine.search('encryption', { theme: 'biometrics' });
    expect(r.hits).toEqual([]);
    expect(r.suggestions).toContain('Encryption');
  });
});

describe('engine: odd input never throws', () => {
  const odd = [
    '',
    '   ',
    '?!?!...;;;',
    '<script>alert("x")</script><b>encrypted</b> data',
    '**bold** _it_ `code` [link](http://x)',
    '🔐🔐🔐 encrypted 💬',
    '🙂🙂🙂',
    'كيف تتعامل الشرطة مع البيانات المشفرة',
    'Как полиция работает с зашифрованными данными?',
    'x'.repeat(10_000),
    'encrypted data '.repeat(700),
    'a\u0000b\u202ec\uFEFF',
    '\uD800 lone surrogate',
  ];
  for (const q of odd) {
    it(`handles ${JSON.stringify(q.slice(0, 30))}${q.length > 30 ? '…' : ''}`, () => {
      const r = engine.search(q);
      expect(Array.isArray(r.hits)).toBe(true);
      expect(Array.isArray(r.suggestions)).toBe(true);
      for (const h of r.hits) expect(h.score).toBeLessThanOrEqual(1);
      expect(() => engine.themesFor(q)).not.toThrow();
      expect(() => engine.closestCommand(q, ['help', 'ask'])).not.toThrow();
    });
  }

  it('still answers the words it can read inside markup and emoji', () => {
    expect(top('<b>encrypted</b> data 🔐')).toBe('encrypted-data-volume');
    // tags, entities and links are not words of the question: they do not lower the score
    const plain = engine.search('encrypted data').hits[0]!.score;
    for (const q of ['<b>encrypted</b> data', 'encrypted &amp; data', '<a href="https://example.org/x">encrypted</a> data https://example.org/y']) {
      expect(engine.search(q).hits[0]?.score, q).toBe(plain);
    }
    expect(top('encrypted data '.repeat(700))).toBe('encrypted-data-volume');
  });
});

describe('engine: themes and commands', () => {
  it('maps free-text topics to themes', () => {
    expect(engine.themesFor('encryption')[0]?.id).toBe('encryption');
    expect(engine.themesFor('Training')[0]?.id).toBe('training');
    expect(engine.themesFor('traning')[0]?.id).toBe('training');
    expect(engine.themesFor('THB')[0]?.id).toBe('trafficking-in-persons');
    expect(engine.themesFor('SoM')[0]?.id).toBe('smuggling-of-migrants');
    expect(engine.themesFor('digital evidence')[0]?.id).toBe('e-evidence');
    expect(engine.themesFor('banana bread')).toEqual([]);
  });

  it('finds the closest command', () => {
    const cmds = ['start', 'help', 'ask', 'challenges', 'practices', 'opportunities', 'meetings', 'sources'];
    expect(engine.closestCommand('practises', cmds)).toBe('practices');
    expect(engine.closestCommand('/chalenges', cmds)).toBe('challenges');
    expect(engine.closestCommand('meetngs', cmds)).toBe('meetings');
    expect(engine.closestCommand('hlep', cmds)).toBe('help');
    expect(engine.closestCommand('xyzzy', cmds)).toBeUndefined();
  });
});
