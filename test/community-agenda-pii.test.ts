// Personal-data detection used to refuse agenda suggestions and to mask unanswered questions.
import { describe, expect, it } from 'vitest';
import { findPersonalData, ibanChecksumOk, personalDataKinds, redactPersonalData } from '../src/shared/pii.ts';
import { findSimilar, normalise } from '../src/shared/similar.ts';

describe('personal data in suggestions', () => {
  const cases: [string, string][] = [
    ['Call me on +33 6 12 34 56 78 about this', 'phone'],
    ['my number is +359 88 123 4567', 'phone'],
    ['0049 170 1234567 is the desk', 'phone'],
    ['reach me at 06 12 34 56 78', 'phone'],
    ['reach me at 06-12-34-56-78', 'phone'],
    ['UK office (020) 7946 0958', 'phone'],
    ['Berlin desk 030/1234567', 'phone'],
    ['Sofia desk 0888 123 456', 'phone'],
    ['US liaison 555-123-4567', 'phone'],
    ['tel: 612 345 678', 'phone'],
    ['WhatsApp 612345678', 'phone'],
    ['Телефон +7 495 123-45-67', 'phone'],
    ['write to john.doe@police.example.org', 'email'],
    ['write to jean [at] police [dot] fr', 'email'],
    ['IBAN DE89 3704 0044 0532 0130 00 for the fees', 'iban'],
    ['pay to GB82WEST12345698765432 please', 'iban'],
    ['passport number X1234567 was found', 'id-document'],
    ['suspect passport: 123456789', 'id-document'],
    ['ID card no. AB 123456', 'id-document'],
    ['DNI 12345678Z', 'id-document'],
    ['his document AB1234567 was forged', 'id-document'],
    ['French passport 12AB34567 seized', 'id-document'],
    ['NIE X1234567L', 'id-document'],
    ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'id-document'],
    ['EGN 7501010010', 'id-document'],
  ];
  it.each(cases)('finds personal data in %j', (text, kind) => {
    expect(personalDataKinds(text)).toContain(kind);
  });

  const ordinary = [
    'Review of the 2023 results',
    'Lessons from the 7th COLEP meeting',
    'Follow-up of meeting number 42',
    'Meeting on 2026-12-10 10:00 Europe/Sofia',
    'Regulation (EU) 2016/679 and Directive 2014/41/EU',
    'ID card regulation (EU) 2019/1157 implementation',
    'Cases rose from 1200 to 4500 between 2022 and 2024',
    'ISO 27001 certification for forensic labs',
    'CVE-2023-12345 exploitation by smugglers',
    'Budget of 1 000 000 EUR for 2025-2026',
    'Passport fraud trends 2023',
    'ID card fraud: 12000 cases',
    'Identity theft in 2024 rose by 30%',
    'Telegram channels with 250000 members',
    'Session 3, room 12, 10.12.2026 at 14:30',
    'Year ranges 2019-2020 and 2021/22',
    'COVID-19 and 0-day exploits',
    'Item 1: DE89 is the prefix we discussed',
    'حماية البيانات في التحقيقات 2024',
    'Council document 12345/23',
  ];
  it.each(ordinary)('does not refuse ordinary text %j', (text) => {
    expect(findPersonalData(text)).toEqual([]);
  });

  it('checks the IBAN checksum, so a look-alike with a wrong check digit passes', () => {
    expect(ibanChecksumOk('DE89370400440532013000')).toBe(true);
    expect(ibanChecksumOk('DE88370400440532013000')).toBe(false);
    expect(personalDataKinds('Reference DE88 3704 0044 0532 0130 00')).not.toContain('iban');
  });

  it('masks personal data for storage without losing the rest', () => {
    expect(redactPersonalData('call +33 6 12 34 56 78 or mail a.b@police.example.org about encryption')).toBe(
      'call [phone number removed] or mail [e-mail address removed] about encryption',
    );
  });
});

describe('near-duplicate suggestions', () => {
  const existing = [
    'Encryption of mobile devices seized at the border',
    'Training on cryptocurrency tracing',
    'Agenda item number 1',
    'Encryption',
  ].map((text) => ({ text, norm: normalise(text) }));
  const same = (t: string) => findSimilar(normalise(t), existing)?.text;

  it('matches case, punctuation, plurals, small words and typos', () => {
    expect(same('encryption of mobile devices seized at borders!')).toBe('Encryption of mobile devices seized at the border');
    expect(same('Encrypton of mobile devices seized at the border')).toBe('Encryption of mobile devices seized at the border');
    expect(same('Training in crypto-currency tracing')).toBe('Training on cryptocurrency tracing');
  });

  it('keeps different items apart', () => {
    expect(same('Encryption of mobile devices seized inland')).toBeUndefined();
    expect(same('crypto')).toBeUndefined();
    expect(same('Decryption')).toBeUndefined();
    expect(same('Agenda item number 2')).toBeUndefined();
    expect(same('Drones over the border')).toBeUndefined();
  });
});
