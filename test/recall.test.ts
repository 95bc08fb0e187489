// Answer quality on the real practice base: recall@3 over test/fixtures/questions.yaml.
// A question is a hit when any of its expected entry ids is among the top 3 results (with its
// `kind` filter when it has one). The misses are printed so they can be looked at.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createEngine } from '../src/engine/engine.ts';
import { defaultKnowledgeDir, loadPracticeBase } from '../src/knowledge/load.ts';
import type { Kind } from '../src/knowledge/schema.ts';

interface Question {
  q: string;
  expect: string[];
  kind?: Kind;
}

const base = loadPracticeBase(defaultKnowledgeDir());
const engine = createEngine(base);
// An id folded into another entry (same_as) counts as its canonical entry's id.
const canonical = (id: string) => base.aliases.get(id) ?? id;
const readQuestions = (name: string) =>
  (parse(fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Question[]).map((q) => ({ ...q, expect: q.expect.map(canonical) }));
const questions = readQuestions('questions.yaml');
// Written by someone who never ran the engine, nor saw questions.yaml, from the sources and the entry list.
const heldOut = readQuestions('questions-heldout.yaml');

// A second, independent set: paraphrases written from the entry list by the engine's author (not by
// the author of questions.yaml and the entries' keywords), with few of the base's own words.
const PARAPHRASES: { q: string; expect: string[] }[] = [
  { q: "our officers can't read the messages because they are encrypted", expect: ['colep3-ch-encrypted-data-volume', 'colep3news-ch-encrypted-data', 'colep3-ch-som-encrypted-contact'] },
  { q: 'smugglers publish new posts as soon as we remove the old ones', expect: ['colep3-ch-ads-reposted', 'colep3news-ch-ads-reposted'] },
  { q: 'how long does it take for platforms to answer our requests', expect: ['colep3-ch-platform-takedown', 'colep3news-ch-platform-cooperation'] },
  { q: 'we have no money for new software and hardware', expect: ['colep3-ch-equipment'] },
  { q: 'are judges ready for electronic proof', expect: ['colep3-ch-courts-unprepared', 'colep3-gp-court-capacity'] },
  { q: 'how to protect victims so they testify', expect: ['colep3-gp-victim-support', 'colep3-ch-lack-witnesses'] },
  { q: 'kids targeted online by traffickers', expect: ['colep3-gp-awareness-target-groups', 'bali22-ch-online-targeting-after-lockdowns', 'colep3-ch-tip-labour-exploitation'] },
  { q: 'which agencies joined the Europol event', expect: ['europol24-fact-attendance'] },
  { q: 'numbers on people in forced labour worldwide', expect: ['bali22-fact-modern-slavery'] },
  { q: 'decryption problems', expect: ['colep3-ch-encrypted-data-volume', 'colep3news-ch-encrypted-data'] },
  { q: 'setting up a cybercrime unit in every region', expect: ['colep3-gp-regional-specialist-units'] },
  { q: 'gangs hide their identity online', expect: ['colep3-ch-anonymised-identities', 'colep3-ch-ocg-technology'] },
  { q: 'bosses of the network live abroad so we cannot charge them', expect: ['colep3-ch-prosecution-distance'] },
  { q: 'migrants check reviews of smugglers on facebook', expect: ['colep3-ch-som-migrants-seek-info'] },
  { q: 'fake boyfriends luring girls into prostitution', expect: ['colep3-ch-tip-lover-boy'] },
  { q: 'our investigators are not trained in IT', expect: ['colep3-ch-lack-specialised-units', 'colep3-ch-forensic-evidence-skills'] },
  { q: 'phones seized at the border are not examined properly', expect: ['colep3-ch-forensic-evidence-skills', 'colep3-op-phone-extraction'] },
  { q: 'the deadline to finish an inquiry is too short', expect: ['colep3-ch-investigation-time-limits'] },
  { q: 'an academy to teach cyber skills to police', expect: ['colep3-gp-cyber-training-centres'] },
  { q: 'national hub that watches for cyber threats', expect: ['colep3-gp-central-data-centres'] },
  { q: 'changing the criminal code to cover online crime', expect: ['colep3-gp-legal-frameworks', 'bali22-prio-legislation-digital-evidence'] },
  { q: 'warn young people about dangerous routes', expect: ['colep3-gp-awareness-target-groups', 'colep3-gp-awareness-misinformation'] },
  { q: 'pretending to be someone else online to infiltrate groups', expect: ['colep3-op-training-e-evidence', 'colep3-ch-lack-specialised-units'] },
  { q: 'following the digital traces left by criminals', expect: ['colep3-op-tools-web-crawlers', 'colep3-ch-ocg-technology'] },
  { q: 'working with charities to contact potential victims', expect: ['colep3-op-ngo-private-cooperation'] },
  { q: 'banks flagging suspicious payments', expect: ['colep3-op-user-flagging-banks'] },
  { q: 'mapping relationships between suspects', expect: ['colep3-op-big-data-sna'] },
  { q: 'when and where is the fourth COLEP', expect: ['colep3-ns-next-meeting-sofia', 'colep3news-ns-next-meeting-sofia'] },
  { q: 'smugglers promise safe journeys but people die', expect: ['europol24-ch-safe-trips-deadly'] },
  { q: 'crypto payments to smugglers', expect: ['europol24-ch-smugglers-toolbox', 'europol24-ch-digitalisation-all-stages'] },
  { q: 'what did Europol decide about expert networks', expect: ['europol24-concl-informal-expert-network', 'europol24-concl-capabilities-networks-private'] },
  { q: 'respecting data protection in online investigations with companies', expect: ['europol24-concl-cooperation-private-parties'] },
  { q: 'better tools for monitoring the internet', expect: ['europol24-concl-technical-capabilities', 'colep3-op-internet-monitoring-osint'] },
  { q: 'how many countries came to the INTERPOL conference in Budapest', expect: ['interpol13-fact-attendance'] },
  { q: 'stolen millions from cash machines', expect: ['interpol13-fact-atm-heist'] },
  { q: 'damage caused by cybercrime in euros', expect: ['interpol13-fact-cost-of-cybercrime'] },
  { q: 'Hungarian interior minister speech', expect: ['interpol13-ch-globalisation-new-mo', 'interpol13-concl-international-cooperation', 'interpol13-ch-cybercrime-no-borders'] },
  { q: 'connecting national police databases', expect: ['interpol13-ch-interoperability', 'interpol13-ns-interoperability', 'interpol13-fact-wapis'] },
  { q: 'guns programme', expect: ['interpol13-ns-firearms-programme'] },
  { q: 'automated gates and fingerprints at airports, what can go wrong', expect: ['bali22-prio-biometrics-risks', 'bali22-prio-biometrics'] },
  { q: 'fraud call centres in south east asia', expect: ['bali22-prio-call-centre-scams'] },
  { q: 'training border staff to keep up with technology', expect: ['bali22-prio-upskilling-workforce'] },
  { q: 'checklists for border guards to spot trafficking victims', expect: ['bali22-gp-victim-identification-toolkits'] },
  { q: 'exchanging information with neighbouring countries', expect: ['bali22-prio-cross-border-data', 'colep3-ns-police-to-police', 'colep3news-concl-police-to-police'] },
  { q: 'telling citizens about new laws', expect: ['bali22-prio-communicate-legislation'] },
  { q: 'covid closures pushed exploitation online', expect: ['bali22-ch-online-targeting-after-lockdowns'] },
  { q: 'how many asylum seekers are in the region', expect: ['bali22-fact-refugees-asia-pacific'] },
  { q: 'who attended the Bangkok forum', expect: ['bali22-fact-attendance'] },
];

describe('recall on the real base', () => {
  it('has a question set of at least 40 with known entry ids', () => {
    expect(questions.length).toBeGreaterThanOrEqual(40);
    const ids = new Set(base.entries.map((e) => e.id));
    const unknown = questions.flatMap((q) => q.expect.filter((id) => !ids.has(id)).map((id) => `${q.q} -> ${id}`));
    expect(unknown).toEqual([]);
  });

  function recallAt3(set: Question[], label: string): number {
    const misses: string[] = [];
    for (const q of set) {
      const r = engine.search(q.q, { limit: 3, ...(q.kind ? { kinds: [q.kind] } : {}) });
      const got = r.hits.map((h) => h.entry.id);
      if (!got.some((id) => q.expect.includes(id))) {
        misses.push(
          `  ${JSON.stringify(q.q)}${q.kind ? ` [${q.kind}]` : ''}\n    expected one of ${q.expect.join(', ')}\n    got ${
            r.hits.map((h) => `${h.entry.id} (${h.score.toFixed(2)})`).join(', ') || `nothing; suggestions: ${r.suggestions.join(', ')}`
          }${r.corrected ? `\n    corrected to "${r.corrected}"` : ''}`,
        );
      }
    }
    const recall = (set.length - misses.length) / set.length;
    console.log(`${label} recall@3 = ${(recall * 100).toFixed(1)}% (${set.length - misses.length}/${set.length})`);
    if (misses.length > 0) console.log(`misses:\n${misses.join('\n')}`);
    return recall;
  }

  it('finds an expected entry in the top 3 for at least 90% of the questions', () => {
    // issue 10: no lower than before it (100%), within one question
    expect(recallAt3(questions, 'questions.yaml')).toBeGreaterThanOrEqual(0.95);
  });

  it('does as well on the held-out questions nobody tuned against', () => {
    const ids = new Set(base.entries.map((e) => e.id));
    expect(heldOut.length).toBeGreaterThanOrEqual(40);
    expect(heldOut.flatMap((q) => q.expect.filter((id) => !ids.has(id)))).toEqual([]);
    // issue 10: no lower than before it (94.2%)
    expect(recallAt3(heldOut, 'questions-heldout.yaml')).toBeGreaterThanOrEqual(0.94);
  });

  it('finds paraphrases in the top 3 for at least 80% of them', () => {
    const ids = new Set(base.entries.map((e) => e.id));
    expect(PARAPHRASES.flatMap((p) => p.expect.map(canonical)).filter((id) => !ids.has(id))).toEqual([]);
    const misses = PARAPHRASES.filter((p) => !engine.search(p.q, { limit: 3 }).hits.some((h) => p.expect.map(canonical).includes(h.entry.id)));
    const recall = 1 - misses.length / PARAPHRASES.length;
    console.log(`paraphrase recall@3 = ${(recall * 100).toFixed(1)}%${misses.length ? `; misses: ${misses.map((m) => JSON.stringify(m.q)).join(', ')}` : ''}`);
    expect(recall).toBeGreaterThanOrEqual(0.8);
  });

  it('answers the issue example from the COLEP summary', () => {
    const r = engine.search('encrypted data');
    expect(r.hits.length).toBeGreaterThan(0);
    expect(r.hits.some((h) => h.entry.source.document === '001_f556e3455b226015.txt')).toBe(true);
  });

  it('says nothing is close for off-topic questions on the real base', () => {
    for (const q of ['recipe for banana bread', 'who won the football match yesterday', 'best pizza in Naples']) {
      const r = engine.search(q);
      expect(r.hits, q).toEqual([]);
      expect(r.suggestions.length, q).toBeGreaterThan(0);
    }
  });
});
