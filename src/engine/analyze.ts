// Text analysis shared by the index and the query side: Unicode folding, tokenisation,
// British -> American spelling, stop words, stemming, and acronym/synonym concepts.
//
// Every text (entry fields and queries) goes through the same steps, so whatever a step does to a
// word it does on both sides: "organisation" and "organization" both become the stem "organ".
import type { Synonym } from '../knowledge/schema.ts';
import { stem } from './stem.ts';

/** Most tokens of a query that are analysed (a 10,000-character message is answered from its start). */
export const MAX_QUERY_TOKENS = 64;
/** Characters of a query that are looked at all. */
export const MAX_QUERY_CHARS = 2000;

const MARKS = /\p{M}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;
const ASCII = /^[\x00-\x7f]*$/;

/** Case and diacritics folding: NFKD, strip combining marks, lower-case. */
export function fold(s: string): string {
  return s.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

export interface Token {
  /** The word as typed (after NFKD/diacritics stripping, before lower-casing). */
  raw: string;
  /** lower-cased, diacritics stripped, American spelling */
  norm: string;
  /** Written with at least two capitals (SoM, TiP, OCGs, IT): may be an acronym even if the lower-case form is a word. */
  caps: boolean;
}

export function tokenize(text: string, max = Infinity): Token[] {
  const out: Token[] = [];
  const s = ASCII.test(text) ? text : text.normalize('NFKD').replace(MARKS, '');
  for (const m of s.matchAll(WORD)) {
    const raw = m[0];
    const lower = raw.toLowerCase();
    let caps = 0;
    if (raw !== lower) for (let i = 0; i < raw.length && caps < 2; i++) if (raw[i] !== lower[i]) caps++;
    out.push({ raw, norm: americanise(lower), caps: caps >= 2 });
    if (out.length >= max) break;
  }
  return out;
}

// --- British / American spelling -------------------------------------------------------------

const SPELLING: Record<string, string> = {
  programme: 'program', programmes: 'programs', judgement: 'judgment', judgements: 'judgments',
  acknowledgement: 'acknowledgment', acknowledgements: 'acknowledgments', defence: 'defense', defences: 'defenses',
  offence: 'offense', offences: 'offenses', licence: 'license', licences: 'licenses', pretence: 'pretense',
  enrol: 'enroll', enrolment: 'enrollment', enrols: 'enrolls', fulfil: 'fulfill', fulfilment: 'fulfillment',
  grey: 'gray', cheque: 'check', cheques: 'checks', tyre: 'tire', tyres: 'tires', mould: 'mold', sceptical: 'skeptical',
  aluminium: 'aluminum', storey: 'story', kerb: 'curb', jewellery: 'jewelry', ageing: 'aging', whilst: 'while',
  amongst: 'among', learnt: 'learned', spelt: 'spelled', burnt: 'burned', focussed: 'focused', focusses: 'focuses',
  focussing: 'focusing', travelled: 'traveled', travelling: 'traveling', traveller: 'traveler', travellers: 'travelers',
  labelled: 'labeled', labelling: 'labeling', modelled: 'modeled', modelling: 'modeling', cancelled: 'canceled',
  cancelling: 'canceling', signalled: 'signaled', signalling: 'signaling', channelled: 'channeled',
  counselling: 'counseling', counsellor: 'counselor', counsellors: 'counselors', fuelled: 'fueled', levelled: 'leveled',
  manoeuvre: 'maneuver', manoeuvres: 'maneuvers', practise: 'practice', practised: 'practiced', practises: 'practices',
  practising: 'practicing', analogue: 'analog', catalogue: 'catalog', dialogue: 'dialog', dialogues: 'dialogs',
  artefact: 'artifact', artefacts: 'artifacts', draught: 'draft', plough: 'plow', pyjamas: 'pajamas',
  towards: 'toward', afterwards: 'afterward', analysis: 'analyze', analyses: 'analyzes', paralysis: 'paralyze',
};
/** Words the -ise/-our/-tre rules must leave alone because the US form is the same word. */
const KEEP = new Set(['hour', 'hours', 'four', 'your', 'yours', 'tour', 'tours', 'pour', 'sour', 'flour', 'our', 'ours']);

const usCache = new Map<string, string>();

/** Number words as digits, so "ninety days" meets "90 days" and "fourth meeting" meets "4th meeting". */
const NUMBERS: Record<string, string> = Object.fromEntries(
  [
    ['one', '1'], ['two', '2'], ['three', '3'], ['four', '4'], ['five', '5'], ['six', '6'], ['seven', '7'], ['eight', '8'],
    ['nine', '9'], ['ten', '10'], ['eleven', '11'], ['twelve', '12'], ['thirteen', '13'], ['fourteen', '14'], ['fifteen', '15'],
    ['sixteen', '16'], ['seventeen', '17'], ['eighteen', '18'], ['nineteen', '19'], ['twenty', '20'], ['thirty', '30'],
    ['forty', '40'], ['fifty', '50'], ['sixty', '60'], ['seventy', '70'], ['eighty', '80'], ['ninety', '90'], ['hundred', '100'],
    ['thousand', '1000'], ['first', '1st'], ['second', '2nd'], ['third', '3rd'], ['fourth', '4th'], ['fifth', '5th'],
    ['sixth', '6th'], ['seventh', '7th'], ['eighth', '8th'], ['ninth', '9th'], ['tenth', '10th'], ['eleventh', '11th'],
    ['twelfth', '12th'], ['twentieth', '20th'], ['fortieth', '40th'], ['fiftieth', '50th'],
  ],
);

/** Map British spellings to American ones (rules plus a short list), and number words to digits. Both sides get the same mapping. */
export function americanise(w: string): string {
  const n = NUMBERS[w];
  if (n !== undefined) return n;
  if (w.length < 4) return w;
  let out = usCache.get(w);
  if (out === undefined) {
    out = americaniseUncached(w);
    if (usCache.size > 50_000) usCache.clear();
    usCache.set(w, out);
  }
  return out;
}

function americaniseUncached(w: string): string {
  const fixed = SPELLING[w];
  if (fixed !== undefined) return fixed;
  if (KEEP.has(w)) return w;
  let m: RegExpMatchArray | null;
  // organisation -> organization, organise(d|s|r|rs) -> organize..., but not "raise", "noise"
  if ((m = w.match(/^(.*[^aeiou])is(ation|ations|e|ed|es|ing|er|ers)$/)) && m[1]!.length >= 2) return `${m[1]}iz${m[2]}`;
  // analyse -> analyze
  if ((m = w.match(/^(.+)ys(e|ed|es|ing|er|ers)$/)) && m[1]!.length >= 3) return `${m[1]}yz${m[2]}`;
  // labour, behaviour, favourite -> labor, behavior, favorite
  if ((m = w.match(/^(.{3,})our(s|ed|ing|er|ers|able|ably|ite|ites|ful|less)?$/))) return `${m[1]}or${m[2] ?? ''}`;
  // centre, metre -> center, meter
  if ((m = w.match(/^(.{2,}[^aeiou])tre(s|d)?$/))) return `${m[1]}ter${m[2] ?? ''}`;
  // paediatric, haemorrhage, anaesthetic
  if ((m = w.match(/^(p|h|an)ae(.{2,})$/))) return `${m[1]}e${m[2]}`;
  return w;
}

// --- Stop words ------------------------------------------------------------------------------

/** Function words dropped everywhere. */
export const STOP_WORDS = new Set(
  `a about above after again against all am an and any are aren as at be because been before being below between both
  but by can cannot could couldn did didn do does doesn doing don down during each few for from further had hadn has
  hasn have haven having he her here hers herself him himself his how i if in into is isn it its itself just let me
  more most mustn my myself no nor not now of off on once only or other others our ours ourselves out over own same
  shan she should shouldn so some such than that the their theirs them themselves then there these they this those
  through to too under until up upon very was wasn we were weren what when where which while who whom why will with
  within without won would wouldn you your yours yourself yourselves s t d ll m re ve y also etc eg ie via per may
  might must shall us whose whether yet ever every either neither much many lot lots else`
    .split(/\s+/)
    .filter(Boolean),
);

/** Conversational words in questions that carry no topic; dropped from queries only. */
export const QUERY_FILLER = new Set(
  `anyone anybody someone somebody everyone everybody please pls thanks thank hi hello hey tell know knows knew
  tip tips advice advise ideas idea help helps helping handle handles handled handling deal deals
  dealt dealing tackle tackled tackling cope coping colleague colleagues peer peers guys folks
  experience experiences approach approaches way ways thing things stuff something anything everything question questions
  ask asking asked wondering wonder looking look find finding say says said mention mentioned mentions discuss
  discussed discussing explain describe give show list know want wanted need needs think thoughts get gets got
  go going goes went done make makes made use used using uses usually typically generally currently really actually
  example examples kind kinds sort sorts type types good best better well exist existing available recommend
  recommended suggest suggested anything happen happened happens happening ones manage managed manages managing
  succeed succeeded succeeding try tried tries trying struggle struggles struggled struggling anyway speech speeches
  remarks presentation presentations presented talked talks`
    .split(/\s+/)
    .filter(Boolean),
);
// "good practice(s)" / "best practice(s)" as a phrase are handled by the kind field, so the
// adjectives themselves need not carry weight; "use", "work" are too general to rank by.

/** Filler words that still carry a topic in some of their forms ("findings", "needs", "working group"). */
const FILLER_EXACT_ONLY = new Set(['find', 'finding', 'need', 'needs', 'good', 'best', 'better', 'well', 'work', 'list', 'type', 'types', 'kind', 'kinds', 'question', 'questions', 'way', 'ways', 'example', 'examples', 'experience', 'experiences', 'approach', 'approaches', 'use', 'uses', 'used', 'using', 'share', 'give', 'manage', 'managed', 'manages', 'managing']);
let fillerStemSet: Set<string> | undefined;
/** Stems of the filler words, so their other forms go too ("telling", "handles"). */
function fillerStems(): Set<string> {
  fillerStemSet ??= new Set([...QUERY_FILLER].filter((w) => !FILLER_EXACT_ONLY.has(w)).map((w) => stem(w)));
  return fillerStemSet;
}

let commonStemSet: Set<string> | undefined;
/** Stems of COMMON_WORDS: their inflected forms ("girls", "relationships") are not typos either. */
export function commonStems(): Set<string> {
  commonStemSet ??= new Set([...COMMON_WORDS].map((w) => stem(americanise(w))));
  return commonStemSet;
}

/** Common English words that are never spelling-corrected into something else. */
export const COMMON_WORDS = new Set([
  ...STOP_WORDS,
  ...QUERY_FILLER,
  ...`able across actually add age ago agree air allow almost alone along already although always among amount
  another answer anyone anything appear apply area argue arm around arrive art article ask attack attention
  away baby back bad bag ball bank bar base beat beautiful become bed begin behind believe benefit big bill bit
  black blood blue board body book born boy break bring brother budget build building business buy call camera
  campaign cancer candidate capital car card care career carry case catch cause cell center central century certain
  chair chance change character charge check child choice choose church citizen city civil claim class clear close
  coach cold collection college color come commercial common community company compare computer concern condition
  conference congress consider consumer contain continue control cost could country couple course court cover create
  crime cultural culture cup current customer cut dark data daughter day dead deal death debate decade decide
  decision deep defense degree describe design despite detail determine develop development die difference different
  difficult dinner direction director discover disease doctor dog door down draw dream drive drop drug during each
  early east easy eat economic economy edge education effect effort eight either election else employee end energy
  enjoy enough enter entire environment environmental especially establish even evening event ever every evidence
  exactly example executive exist expect experience expert explain eye face fact factor fail fall family far fast
  father fear federal feel feeling few field fight figure fill film final finally financial find fine finger finish
  fire firm first fish five floor fly focus follow food foot force foreign forget form former forward four free
  friend front full fund future game garden gas general generation girl give glass goal good government great green
  ground group grow growth guess gun guy hair half hand hang happen happy hard head health hear heart heat heavy
  help high himself history hit hold home hope hospital hot hotel hour house huge human hundred husband idea
  identify image imagine impact important improve include including increase indeed indicate individual industry
  information inside instead institution interest interesting international interview investment involve issue item
  job join keep key kid kill kind kitchen know knowledge land language large last late later laugh law lawyer lay
  lead leader learn least leave left leg legal less letter level lie life light like likely line list listen little
  live local long look lose loss love low machine magazine main maintain major majority make man manage management
  manager many market marriage material matter maybe mean measure media medical meet meeting member memory mention
  message method middle might military million mind minute miss mission model modern moment money month morning
  mother mouth move movement movie much music must nation national natural nature near nearly necessary need network
  never new news newspaper next nice night none north note nothing notice number occur offer office officer official
  often oil old once one open operation opportunity option order organization others outside owner page pain painting
  paper parent part participant particular particularly partner party pass past patient pattern pay peace people per
  perform performance perhaps period person personal phone physical pick picture piece place plan plant play player
  point police policy political politics poor popular population position positive possible power practice prepare
  present president pressure pretty prevent price private probably problem process produce product production
  professional professor program project property protect prove provide public pull purpose push put quality question
  quickly quite race radio raise range rate rather reach read ready real reality realize really reason receive
  recent recently recognize record red reduce reflect region relate relationship religious remain remember
  remove report represent republican require research resource respond response rest result return reveal rich
  right rise risk road rock role room rule run safe same save say scene school science scientist score sea season
  seat second section security see seek seem sell send senior sense series serious serve service set seven several
  shake share shoot short shot should shoulder show side sign significant similar simple simply since sing single
  sister sit site situation six size skill skin small smile social society soldier some somebody someone something
  sometimes son song soon sort sound source south southern space speak special specific speech spend sport spring
  staff stage stand standard star start state statement station stay step still stock stop store story strategy
  street strong structure student study stuff style subject success successful such suddenly suffer suggest summer
  support sure surface system table take talk task tax teach teacher team technology television tell ten tend term
  test than thank that their them themselves then theory there these they thing think third those though thought
  thousand threat three through throughout throw thus time today together tonight too top total tough toward town
  trade traditional training travel treat treatment tree trial trip trouble true truth try turn two type under
  understand unit until up upon use usually value various very victim view violence visit voice vote wait walk wall
  want war watch water way weapon wear week weight well west western what whatever when where whether which while
  white who whole whom whose why wide wife will win wind window wish with within without woman wonder word work
  worker world worry would write writer wrong yard yeah year yes yet young yourself`
    .split(/\s+/)
    .filter(Boolean),
]);

// --- Synonyms and acronyms -------------------------------------------------------------------

/** A written term counts as an acronym when it has two or more capitals (SoM, TiP, OCG, IO, MS). */
const isAcronym = (term: string): boolean => (term.match(/\p{Lu}/gu)?.length ?? 0) >= 2 && !/\s/.test(term.trim());

export interface SynGroup {
  /** The index term that stands for the whole group, e.g. "~smuggling-of-migrants". */
  concept: string;
  canonical: string;
  /** Stems of the canonical phrase (what an acronym expands to). */
  expansion: string[];
}

interface Phrase {
  stems: string[];
  group: number;
}

export interface SynonymTable {
  groups: SynGroup[];
  /** acronyms by lower-case form -> groups; `ambiguous` ones must be written with capitals */
  acronyms: Map<string, { groups: number[]; ambiguous: boolean }>;
  /** phrases (and single non-acronym words) by their first stem */
  phrases: Map<string, Phrase[]>;
  /** Every lower-case surface word of the table (for spelling correction). */
  words: Set<string>;
}

const conceptOf = (canonical: string): string =>
  '~' +
  fold(canonical)
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '');

/** Stems of a phrase's content words, the way `analyseField` produces them. */
export function phraseStems(text: string): string[] {
  return tokenize(text)
    .filter((t) => !STOP_WORDS.has(t.norm))
    .map((t) => stem(t.norm));
}

export function buildSynonymTable(synonyms: Synonym[]): SynonymTable {
  const table: SynonymTable = { groups: [], acronyms: new Map(), phrases: new Map(), words: new Set() };
  const conceptIndex = new Map<string, number>();
  for (const syn of synonyms) {
    const concept = conceptOf(syn.canonical);
    let g = conceptIndex.get(concept);
    if (g === undefined) {
      g = table.groups.length;
      conceptIndex.set(concept, g);
      table.groups.push({ concept, canonical: syn.canonical, expansion: phraseStems(syn.canonical) });
    }
    for (const term of [syn.canonical, ...syn.terms]) {
      for (const t of tokenize(term)) table.words.add(t.norm);
      if (isAcronym(term)) {
        const key = fold(term.trim()).replace(/[^\p{L}\p{N}]/gu, '');
        const prev = table.acronyms.get(key);
        const ambiguous = COMMON_WORDS.has(key) || STOP_WORDS.has(key);
        if (prev) {
          if (!prev.groups.includes(g)) prev.groups.push(g);
        } else {
          table.acronyms.set(key, { groups: [g], ambiguous });
        }
        continue;
      }
      const stems = phraseStems(term);
      if (stems.length === 0) continue;
      const list = table.phrases.get(stems[0]!) ?? [];
      if (!list.some((p) => p.group === g && p.stems.join(' ') === stems.join(' '))) list.push({ stems, group: g });
      list.sort((a, b) => b.stems.length - a.stems.length);
      table.phrases.set(stems[0]!, list);
    }
  }
  return table;
}

/** One content word of a text, with the synonym groups it belongs to. */
export interface ContentWord {
  token: Token;
  stem: string;
  /** Groups matched by a phrase covering this word (or by this word alone). */
  groups: number[];
  /** Set when the word is an acronym: its groups' expansions stand in for it. */
  acronym: boolean;
}

function acronymLookup(key: string, tok: Token, table: SynonymTable): number[] | undefined {
  const a = table.acronyms.get(key);
  if (!a) return undefined;
  if (a.ambiguous && !tok.caps) return undefined;
  return a.groups;
}

function acronymGroups(tok: Token, table: SynonymTable): number[] | undefined {
  const hit = acronymLookup(tok.norm, tok, table);
  if (hit) return hit;
  // plural acronyms: OCGs, NGOs, LEAs, IOs
  if (tok.caps && tok.norm.length >= 3 && tok.norm.endsWith('s')) return acronymLookup(tok.norm.slice(0, -1), tok, table);
  return undefined;
}

/** Content words of a token stream: stop words dropped, acronyms and synonym phrases recognised. */
export function contentWords(tokens: Token[], table: SynonymTable, dropFiller = false): ContentWord[] {
  const out: ContentWord[] = [];
  for (const token of tokens) {
    const acr = acronymGroups(token, table);
    if (acr) {
      out.push({ token, stem: token.norm, groups: [...acr], acronym: true });
      continue;
    }
    if (STOP_WORDS.has(token.norm)) continue;
    const st = stem(token.norm);
    if (dropFiller && (QUERY_FILLER.has(token.norm) || fillerStems().has(st))) continue;
    out.push({ token, stem: st, groups: [], acronym: false });
  }
  // phrases (longest first at each position); overlapping matches are all kept
  for (let i = 0; i < out.length; i++) {
    const w = out[i]!;
    if (w.acronym) continue;
    const cands = table.phrases.get(w.stem);
    if (!cands) continue;
    for (const p of cands) {
      if (i + p.stems.length > out.length) continue;
      let ok = true;
      for (let k = 1; k < p.stems.length; k++) {
        const o = out[i + k]!;
        if (o.acronym || o.stem !== p.stems[k]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      for (let k = 0; k < p.stems.length; k++) {
        const gs = out[i + k]!.groups;
        if (!gs.includes(p.group)) gs.push(p.group);
      }
    }
  }
  return out;
}

/** Index terms of one field's text: stems, concept terms, and acronym expansions. */
export function analyseField(text: string, table: SynonymTable): string[] {
  const terms: string[] = [];
  let prev: ContentWord | undefined;
  for (const w of contentWords(tokenize(text), table)) {
    if (w.acronym) {
      prev = w;
      for (const g of w.groups) {
        const grp = table.groups[g]!;
        terms.push(grp.concept, ...grp.expansion);
      }
      continue;
    }
    terms.push(w.stem);
    // a phrase adds its concept once (on its first word), like an acronym does
    for (const g of w.groups) if (!prev?.groups.includes(g) || prev.acronym) terms.push(table.groups[g]!.concept);
    prev = w;
  }
  return terms;
}
