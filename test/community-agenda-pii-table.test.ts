// The personal-data guard as a table: each case with the kind it is refused for, or "passes".
// Covers the kinds added for issue 14 (a person's name with a date of birth / address / ID number,
// obfuscated e-mail addresses, messenger handles, IP addresses, licence plates of the member
// countries) and the ordinary agenda text that must still pass. Then the same refused cases go
// through /suggest on a whole bot: nothing of them may reach the database or the logs.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { findPersonalData, personalDataKinds, redactPersonalData, type PersonalDataKind } from '../src/community/agenda/pii.ts';
import { OFFICER, createTestBot, removeTempDirs } from './helpers/community.ts';

afterAll(() => removeTempDirs());

type Expected = PersonalDataKind | 'passes';

const TABLE: [text: string, expected: Expected, note?: string][] = [
  // --- a person's name with a date of birth ---
  ['Ivan Petrov, born 12.03.1985', 'person'],
  ['suspect Ahmed Khan DOB 1990-01-02', 'person'],
  ['Иван Петров, роден на 12.03.1985 г.', 'person', 'Cyrillic'],
  ['M. Jean Dupont, né le 3 mars 1980', 'person', 'French title, month in words'],
  ['Nagy Péter, szül. 1985. 03. 12.', 'person', 'Hungarian order and date'],
  ['Mr Smith, date of birth 01/02/1975', 'person', 'title and an unlisted surname'],
  ['Ivan Petrov, 12.03.1985', 'person', 'a date before 2013 right after a name'],
  ['victim Elena Georgieva (b. 1999) to testify', 'person'],
  ['witness Tomislav Horvat, born 1980', 'person', 'a role, then two capitalised words'],
  ['Zlatko Brankov, born 1980', 'person', 'an unlisted given name and a surname ending'],
  ['المتهم أحمد علي مواليد 1990', 'person', 'Arabic script'],
  // --- a person's name with an address, or a home address ---
  ['Maria Ivanova, ul. Rakovski 12, Sofia', 'person'],
  ['Иван Петров, ул. Раковски 12, София', 'person'],
  ['Haris Hodžić, ulica Ferhadija 5, Sarajevo', 'person'],
  ['Elvin Mammadov, Nizami küçəsi 12, Baku', 'person'],
  ['Kovács Anna, Andrássy út 12', 'person'],
  ['John Smith, 221 Baker Street, London', 'person'],
  ['Muhammad Asif resides at House 12, Street 5', 'person'],
  ['lives at 14 rue de la Paix', 'person', 'home address without a name'],
  ['живее на ул. Шипка 5', 'person'],
  ['habite au 3 rue Victor Hugo', 'person'],
  ['lakik: Budapest, Andrássy út 12', 'person'],
  // --- a person's name with an ID-like number ---
  ['Goran Jovanović 0101985170001', 'person'],
  // --- obfuscated e-mail addresses ---
  ['ivan at mvr dot bg', 'email'],
  ['IVAN AT MVR DOT BG', 'email'],
  ['ivan[at]mvr[dot]bg', 'email'],
  ['ivan (at) mvr (dot) bg', 'email'],
  ['ivan(at)mvr.bg', 'email'],
  ['write to ivan @ mvr.bg', 'email'],
  ['ivan.petrov at mvr.bg', 'email', 'a dot in the name makes a bare "at" count'],
  ['jean arobase interieur point gouv point fr', 'email'],
  // --- messenger handles and links ---
  ['contact @ivan_petrov on Telegram', 'handle'],
  ['ads posted by @border.trips.2024 on Instagram', 'handle'],
  ['join t.me/smugglers_route for crossings', 'handle'],
  ['invite https://t.me/+AbCdEf123', 'handle'],
  ['wa.me/359888123456', 'handle'],
  ['follow @Europol', 'handle', 'an agency handle is refused too'],
  // --- IP addresses ---
  ['server 192.168.1.10 logs', 'ip-address'],
  ['IP 10.0.0.1:8080', 'ip-address'],
  ['fe80::1ff:fe23:4567:890a', 'ip-address'],
  ['2001:db8::1 seen in logs', 'ip-address'],
  ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', 'ip-address'],
  ['::ffff:192.0.2.1', 'ip-address'],
  // --- licence plates ---
  ['CA 1234 AB', 'licence-plate', 'Bulgaria'],
  ['СА 1234 АВ', 'licence-plate', 'Bulgaria, Cyrillic'],
  ['white van CB1234PX', 'licence-plate', 'Bulgaria, no spaces'],
  ['AB-123-CD', 'licence-plate', 'France'],
  ['car ABC-123', 'licence-plate', 'Hungary before 2022'],
  ['AA BB-123', 'licence-plate', 'Hungary since 2022'],
  ['SK 1234 AB', 'licence-plate', 'North Macedonia'],
  ['A12-B-345', 'licence-plate', 'Bosnia and Herzegovina'],
  ['K45-M-678', 'licence-plate', 'Bosnia and Herzegovina'],
  ['10-AB-123', 'licence-plate', 'Azerbaijan'],
  ['90 AZ 123 truck', 'licence-plate', 'Azerbaijan, spaces, near a vehicle word'],
  ['car LEA-1234', 'licence-plate', 'Pakistan'],
  ['Toyota ABC 123', 'licence-plate', 'Pakistan'],
  ['Dhaka Metro-GA 12-3456', 'licence-plate', 'Bangladesh'],
  ['ঢাকা মেট্রো-গ ১২-৩৪৫৬', 'licence-plate', 'Bangladesh, Bengali script'],
  ['22 A 12345', 'licence-plate', 'Iraq since 2022'],
  ['taxi 25 B 123', 'licence-plate', 'Iraq, short number near a vehicle word'],
  ['رقم اللوحة بغداد خصوصي 123456', 'licence-plate', 'Iraq, older Arabic plate after "plate number"'],
  ['بغداد خصوصي 654321', 'licence-plate', 'Iraq, older Arabic plate: governorate, "private", number'],
  ['plate number 12345', 'licence-plate', 'any code after "plate"'],
  ['rendszám: XYZ 987', 'licence-plate', 'any code after "rendszám"'],
  // --- still refused as before ---
  ['Ahmed Khan 35202-1234567-1', 'id-document', 'Pakistani CNIC'],
  ['write to john.doe@police.example.org', 'email'],

  // --- ordinary agenda text that must pass ---
  ['training on e-evidence in 2024', 'passes'],
  ['cooperation with TikTok on removal of ads', 'passes'],
  ['the 4th COLEP meeting in Sofia on 12 October', 'passes'],
  ['Article 5 of Directive 2011/36/EU', 'passes'],
  ['Europol EC3', 'passes'],
  ['A1 bus route', 'passes'],
  ['Bus 42 from the airport', 'passes'],
  ['IPv6 migration of our servers', 'passes'],
  ['@channel please vote on the agenda', 'passes', 'broadcast mention'],
  ['@here reminder about the poll', 'passes', 'broadcast mention'],
  ['Q&A @ 10:00', 'passes', 'a bare @'],
  ['Telegram (t.me) channels used by smugglers', 'passes'],
  ['Conference at 14 rue de la Paix, Paris', 'passes', 'a venue: no name, no "lives at"'],
  ['Dr Ivanova at ul. Rakovski 12, Sofia', 'passes', 'a name "at" an address is a venue'],
  ['Ivan Petrov will present the 2023 report', 'passes', 'a name alone'],
  ['Maria Ivanova presented on 12.03.2024', 'passes', 'a name and a recent date, no birth word'],
  ['Maria Ivanova, Europol, 2024 presentation', 'passes'],
  ['Maria Ivanova, 12.03.2024', 'passes', 'a recent date right after a name'],
  ['Tomislav Horvat, born 1980', 'passes', 'no listed given name, no surname ending, no title'],
  ['meet @10am', 'passes', 'a time, not a handle'],
  ['living in Sofia since 2020', 'passes', 'no street address'],
  ['see section 4.2.1.3 of the handbook', 'passes'],
  ['meeting 10:00:00 to 12:30', 'passes'],
  ['Windows 10.0.19045 update', 'passes'],
  ['ratio 2:1 and 10::30', 'passes'],
  ['std::vector in forensic tools', 'passes'],
  ['look at it dot by dot', 'passes'],
  ['arrivals at sea dot map', 'passes', 'a bare "at" and "dot" without a known top-level domain'],
  ['documents available at europol.europa.eu', 'passes'],
  ['Smuggling in trucks on the E80 and A1 motorways', 'passes'],
  ['ISO 9001 for car inspection labs', 'passes'],
  ['Room ABC-123', 'passes', 'plate-like, but no vehicle word'],
  ['LEA-1234 report', 'passes', 'plate-like, but no vehicle word'],
  ['number plates 2024 review', 'passes', 'a year after "plates"'],
  ['بغداد 2024', 'passes', 'Baghdad and a year'],
  ['CVE-2023-12345 exploitation by smugglers', 'passes'],
  ['Sofia 2024: the 5th meeting', 'passes'],
];

describe('personal-data guard: table', () => {
  it('has at least 60 cases, every new kind refused in several shapes, and traps', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
    const count = (k: Expected) => TABLE.filter(([, e]) => e === k).length;
    for (const k of ['person', 'email', 'handle', 'ip-address', 'licence-plate'] as const) expect(count(k)).toBeGreaterThanOrEqual(5);
    expect(count('passes')).toBeGreaterThanOrEqual(25);
  });

  it.each(TABLE)('%j → %s', (text, expected) => {
    expect(personalDataKinds(text)).toEqual(expected === 'passes' ? [] : [expected]);
  });

  it('masks what it refuses and keeps the rest (for /gaps)', () => {
    expect(redactPersonalData('Ask Ivan Petrov, born 12.03.1985, about the route')).toBe('Ask [personal details removed], about the route');
    expect(redactPersonalData('write to ivan at mvr dot bg or @ivan_p about IP 10.0.0.1')).toBe(
      'write to [e-mail address removed] or [messenger handle removed] about IP [IP address removed]',
    );
    expect(redactPersonalData('van CA 1234 AB seen')).toBe('van [licence plate removed] seen');
    expect(redactPersonalData('truck 90 AZ 123 seen')).toBe('truck [licence plate removed] seen');
    expect(redactPersonalData('he lives at 14 rue de la Paix now')).toBe('he [personal details removed] now');
    expect(redactPersonalData('Muhammad Asif resides at House 12')).toBe('[personal details removed]');
    expect(redactPersonalData('seen from ::ffff:192.0.2.1 twice')).toBe('seen from [IP address removed] twice');
    expect(redactPersonalData('truck with plate number 12345 AB stopped')).toBe('truck with [licence plate removed] stopped');
  });

  it('returns on long inputs (no catastrophic backtracking)', () => {
    const n = 10_000;
    const inputs = [
      'a'.repeat(n),
      'A'.repeat(n),
      'P'.repeat(n),
      '1.'.repeat(n / 2),
      '1:'.repeat(n / 2),
      'a:'.repeat(n / 2),
      'Ivan Petrov 12 '.repeat(n / 15),
      'AB '.repeat(n / 3),
      'x at y' + ' dot y'.repeat(n / 6),
      'ul. Rakovski 12 lives at '.repeat(n / 25),
      '@a'.repeat(n / 2),
      'a.'.repeat(n / 2) + '@',
      'أحمد علي 1 '.repeat(n / 11),
      'car ABC '.repeat(n / 8),
    ];
    for (const text of inputs) {
      expect(text.length).toBeGreaterThanOrEqual(n - 20);
      expect(Array.isArray(findPersonalData(text))).toBe(true);
      expect(typeof redactPersonalData(text)).toBe('string');
    }
  });
});

describe('personal-data guard: nothing refused is stored or logged', () => {
  const refused = TABLE.filter(([, e]) => e !== 'passes');

  it('/suggest refuses each case; neither the database nor the captured logs hold any of it', async () => {
    const bot = createTestBot(); // the test logger captures everything from debug up
    try {
      expect(await bot.sayText('/meeting add 2026-03-10 10:00 Europe/Sofia | 7th COLEP meeting | Sofia, Bulgaria')).toContain('Id: m1');
      for (const [text, kind] of refused) {
        const out = await bot.sayText(`/suggest m1 ${text}`, { user: OFFICER });
        expect(out, text).toContain('I did not save this suggestion');
        expect(out, text).toContain(PERSONAL_DATA_WORDS[kind as PersonalDataKind]);
      }
      // A control: ordinary text is saved, so the check below looks at a database that is written to.
      expect(await bot.sayText('/suggest m1 Cross-border access to e-evidence', { user: OFFICER })).toContain('is saved');
      await bot.stop();

      const file = bot.config.databasePath;
      const db = new Database(file, { readonly: true });
      const rows: unknown[] = [];
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
        for (const { name } of tables) rows.push(...db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all());
      } finally {
        db.close();
      }
      const dump = JSON.stringify(rows);
      expect(dump).toContain('Cross-border access to e-evidence');
      const raw = ['', '-wal', '-journal']
        .map((s) => file + s)
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f).toString('utf8'))
        .join('\n');
      const logs = JSON.stringify(bot.logger.lines());
      expect(logs).toContain('suggestion refused: personal data');

      for (const [text] of refused) {
        // The whole text, and each part the guard found in it.
        const secrets = [text, ...findPersonalData(text).map((f) => text.slice(f.start, f.end))];
        for (const s of secrets) {
          expect(dump.includes(s), `database rows hold ${JSON.stringify(s)}`).toBe(false);
          expect(raw.includes(s), `database file holds ${JSON.stringify(s)}`).toBe(false);
          expect(logs.includes(s), `logs hold ${JSON.stringify(s)}`).toBe(false);
        }
      }
    } finally {
      await bot.stop();
    }
  });
});

/** Words of each kind's label, as the refusal names it. */
const PERSONAL_DATA_WORDS: Record<PersonalDataKind, string> = {
  phone: 'a phone number',
  email: 'an e-mail address',
  iban: 'a bank account number',
  'id-document': 'a passport or ID number',
  person: "a person's name with a date of birth",
  handle: 'a messenger handle',
  'ip-address': 'an IP address',
  'licence-plate': 'a vehicle licence plate',
};
