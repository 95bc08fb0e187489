// What a question asks for, read from its wording (English, or the English cue phrases the
// interpreter puts in front of a question in another language). Pure functions of the text: no
// business rule of any platform, so /ask, free text, mentions and `ask --json` all share it.
//
//   solutions   how do others handle X / what works / any advice / best way / has anyone / tips
//   problems    what challenges / difficulties / is X a common problem / issues with X
//   facts       who, when, where, how many, which countries
//   follow-ups  what was agreed / next steps / conclusions / outcomes
//   meetings    upcoming meetings (the calendar answers first, see src/core/core.ts)
//   general     anything else (a bare topic: "encrypted data")
import type { Kind } from '../knowledge/schema.ts';

export const INTENTS = ['solutions', 'problems', 'facts', 'follow-ups', 'meetings', 'general'] as const;
export type Intent = (typeof INTENTS)[number];

/** Questions about when or where meetings will be ("when is the next meeting?", "where is the
 *  upcoming COLEP forum?"); not past ones ("when did the forum take place?"). */
export const SCHEDULE_QUESTION =
  /\b(?:next|upcoming|coming|forthcoming)\s+(?:[\p{L}\p{N}-]+\s+){0,2}(?:meeting|session|forum|conference|workshop)s?\b|\bwhen\s+(?:is|are|will)\b[^?]*\b(?:meeting|forum|conference|workshop)s?\b/iu;

// Each cue is a whole-word pattern over the lower-cased question. Verbs of "doing something about
// it" are listed once and shared by the solutions cues.
const ACT_STRONG =
  '(?:(?:handl|tackl|address|counter|fight|fought|combat|stop|prevent|detect|respond|solv|overcom|mitigat|disrupt|identif|investigat|trac|track|monitor|remov|persuad|convinc|dismantl|block|shut|tak(?:e|ing)\\s+down|took\\s+down|curb|reduc)\\w*|deal|deals|dealing|dealt|cope|copes|coping|coped)';
const ACT = `(?:${ACT_STRONG}|get|getting|got|make|manage|managed|managing|work|works|worked|improve|improving|approach|react|reacting|speed\\s+up|go\\s+about)`;

/** Who "we" ask about: the asker, colleagues, other countries and agencies. */
const WHO =
  '(?:others?|other\\s+\\w+|we|i|you|you\\s+guys|one|countries|colleagues|members|partners|police|officers|agencies|investigators|prosecutors|authorities|units|law\\s+enforcement|\\w+\\s+(?:countries|units|agencies|police|authorities|colleagues))';

/**
 * A cue: one whole-word pattern (case-insensitive, Unicode), and the words any text it matches holds
 * at least one of (lower case; `needles`). A question holding none of them cannot match the pattern,
 * so its regular expression is not even compiled for it: compiling these patterns is most of the time
 * a first question takes (issue 16), and most questions need a few of them at most. A set of cues
 * matches when one of them does: as the single alternation `a|b|c` of their patterns would.
 */
interface Cue {
  source: string;
  needles: readonly string[];
  re?: RegExp;
}

const cue = (source: string, ...needles: string[]): Cue => ({ source, needles });

/** The text as the needles are looked for in it: lower-cased, with the one letter that matches an
 *  ASCII letter under the `iu` flags and has no lower-case ASCII form (U+017F long s; the Kelvin sign
 *  lower-cases to k). Every character a pattern's letter matches becomes that letter here. */
const needleText = (t: string): string => t.toLowerCase().replace(/\u017f/g, 's');

interface CueSet {
  readonly cues: readonly Cue[];
  /** Whether one cue matches `text`; `folded` is needleText(text). */
  test(text: string, folded: string): boolean;
}

function cueSet(cues: Cue[]): CueSet {
  return {
    cues,
    test(text, folded) {
      for (const c of cues) {
        if (!c.needles.some((n) => folded.includes(n))) continue;
        if ((c.re ??= new RegExp(c.source, 'iu')).test(text)) return true;
      }
      return false;
    },
  };
}

/** SCHEDULE_QUESTION holds one of these words wherever it matches. */
const SCHEDULE_NEEDLES = ['next', 'coming', 'when'];

const SOLUTIONS = cueSet([
  // how to ... / how do (did, can, should ...) others (we, you, other countries ...) ...
  cue(String.raw`\bhow\s+to\b`, 'how'),
  cue(String.raw`\bhow\s+(?:do|did|does|can|could|should|would|might|are|is|have|has|were)\s+(?:${WHO})\b`, 'how'),
  cue(String.raw`\bhow\s+(?:do|did|does|can|could|should|would|might|are|is|have|has|were)\s+(?:\w+\s+){0,4}${ACT_STRONG}`, 'how'),
  cue(String.raw`\bwhat\s+(?:works?|worked|helps?|helped|can\s+(?:we|i|one|be)\s+(?:do|done)|could\s+(?:we|i|be)\s+(?:do|done)|should\s+(?:we|i)\s+do|do\s+(?:others|other\s+\w+|you|they|colleagues|countries|members)\s+do|did\s+(?:others|other\s+\w+|they|colleagues|countries|members)\s+do|are\s+(?:others|other\s+\w+|they)\s+doing|to\s+do)\b`, 'what'),
  cue(String.raw`\b(?:any|some|your|give\s+me|need|needs|want|looking\s+for|share|sharing|recommend)\s+(?:\w+\s+){0,2}(?:advice|advise|tips|ideas?|suggestions?|recommendations?|solutions?|guidance|pointers|hints?|help)\b`, 'advi', 'tips', 'idea', 'suggestion', 'recommendation', 'solution', 'guidance', 'pointer', 'hint', 'help'),
  cue(String.raw`\b(?:advice|advise|tips|suggestions?|solutions?|remed(?:y|ies)|countermeasures?|measures?|responses?|lessons?\s+learn(?:ed|t)|good\s+practices?|best\s+practices?|promising\s+practices?|practices?\s+that\s+work)\b`, 'advi', 'tips', 'suggestion', 'solution', 'remed', 'measure', 'response', 'lesson', 'practice'),
  cue(String.raw`\b(?:best|better|right|good|effective|quickest|fastest|easiest|proper)\s+(?:\w+\s+)?(?:way|ways|approach|approaches|method|methods|practice|practices|option|options|tools?)\b`, 'way', 'approach', 'method', 'practice', 'option', 'tool'),
  cue(String.raw`\b(?:has|have|had|did|does|do)\s+(?:any(?:one|body)|some(?:one|body)|others?|other\s+\w+|any\s+\w+|colleagues|countries|members|you(?:\s+guys)?)\s+(?:\w+\s+){0,2}(?:managed|succeeded|found|tried|solved|dealt|handled|tackled|got|gotten|had\s+success|experience|figured)\b`, 'managed', 'succeeded', 'found', 'tried', 'solved', 'dealt', 'handled', 'tackled', 'got', 'had', 'experience', 'figured'),
  cue(String.raw`\b(?:managed|succeeded)\s+to\b`, 'managed', 'succeeded'),
  cue(String.raw`\bcan\s+(?:we|i|you|one)\s+(?:\w+\s+){0,1}${ACT}\b`, 'can'),
  cue(String.raw`\b(?:ways?|steps?|tools?|methods?|techniques?)\s+(?:to|for|of)\s+(?:\w+\s+){0,1}${ACT}\b`, 'way', 'step', 'tool', 'method', 'technique'),
  cue(String.raw`\b(?:what|which)\s+(?:tools?|methods?|techniques?|measures?|approaches?|strategies|strategy|options?)\s+(?:can|could|should|do|did|does|are|were|have|has|work|worked|help|helped)\s+(?:${WHO}|work|worked|help|helped)\b`, 'what', 'which'),
  cue(String.raw`\b(?:what|who)\s+(?:has|have)\s+(?:worked|helped)\b`, 'worked', 'helped'),
  cue(String.raw`\bis\s+there\s+(?:a|any)\s+(?:way|tool|method|solution|practice|approach)\b`, 'there'),
  cue(String.raw`\bhow\s+(?:can|could|should)\b`, 'how'),
  cue(String.raw`\b(?:anything|something)\s+(?:that\s+)?(?:works?|worked|helps?|helped)\b`, 'thing'),
  cue(String.raw`\bhelp\s+(?:us|me)\b`, 'help'),
  cue(String.raw`\brecommend(?:s|ed|ing|ation|ations)?\b`, 'recommend'),
  cue(String.raw`\bany\s+(?:\w+\s+)?experiences?\b|\bcompare\s+notes\b|\bideas?\s*\?`, 'experience', 'notes', 'idea'),
  cue(String.raw`\bwhat\s+(?:have|has|had|did|do|does|are|were|is)\s+(?:the\s+)?${WHO}\s+(?:\w+\s+)?(?:done|do|doing|tried|trying|used|using)\b`, 'what'),
  cue(String.raw`\b(?:has|have|had|did|do|does)\s+(?:any|other|another|some|the\s+other)\s+(?:\w+\s+){0,2}(?:already\s+|also\s+)?(?:set\s+up|setup|established|created|built|changed|introduced|adopted|used|tried|done|do|started|launched|implemented|developed|organi[sz]ed|given|gave|found|solved)\b`, 'any', 'other', 'some'),
  cue(String.raw`\b(?:did|do|have|has)\s+(?:the\s+)?(?:others|other\s+\w+)\s+(?:\w+\s+)?(?:give|use|do|set|try|introduce|build|create|adopt|provide|organi[sz]e|train)\b`, 'other'),
]);

const PROBLEMS = cueSet([
  cue(String.raw`\b(?:challenges?|difficult(?:y|ies)|problems?|obstacles?|hurdles?|barriers?|issues?|risks?|threats?|pitfalls?|weakness(?:es)?|gaps?|limitations?|bottlenecks?|struggles?|concerns?)\b`, 'challenge', 'difficult', 'problem', 'obstacle', 'hurdle', 'barrier', 'issue', 'risk', 'threat', 'pitfall', 'weakness', 'gap', 'limitation', 'bottleneck', 'struggle', 'concern'),
  cue(String.raw`\bwhat\s+makes\b[^?]*\b(?:hard|harder|difficult|tricky|complicated)\b`, 'makes'),
  cue(String.raw`\bwhy\s+(?:is|are|do|does)\b[^?]*\b(?:hard|harder|difficult|slow|fail|failing|struggle)\b`, 'why'),
  cue(String.raw`\b(?:is|are)\s+(?:\w+\s+){0,4}(?:a\s+)?(?:common|big|major|real|serious|growing)\s+(?:problem|issue|concern|challenge|threat)s?\b`, 'problem', 'issue', 'concern', 'challenge', 'threat'),
  cue(String.raw`\bwhat\s+goes\s+wrong\b|\bwhat\s+can\s+go\s+wrong\b`, 'wrong'),
  cue(String.raw`\b(?:do|does|did)\s+(?:your|other|the\s+other|any|others)\s+(?:\w+\s+){0,2}(?:also\s+)?(?:see|face|have|report|experience|notice|encounter|observe)\b`, 'see', 'face', 'have', 'report', 'experience', 'notice', 'encounter', 'observe'),
  cue(String.raw`\b(?:was|were|is|has)\s+(?:this|that|it)\s+(?:been\s+)?(?:raised|discussed|mentioned|reported|seen)\b`, 'raised', 'discussed', 'mentioned', 'reported', 'seen'),
  cue(String.raw`\bhow\s+(?:do|does|did|are|is)\s+(?:the\s+)?(?:smugglers|traffickers|criminals|recruiters|networks|gangs|offenders|ocgs|groups)\b`, 'smugglers', 'traffickers', 'criminals', 'recruiters', 'networks', 'gangs', 'offenders', 'ocgs', 'groups'),
  cue(String.raw`\b(?:smugglers|traffickers|criminals|recruiters|offenders)\s+(?:\w+\s+){0,2}(?:use|uses|used|using|moved|went|exploit|exploiting)\b`, 'smugglers', 'traffickers', 'criminals', 'recruiters', 'offenders'),
]);

const FOLLOW_UPS = cueSet([
  cue(String.raw`\bwhat\s+(?:was|were|has\s+been|have\s+been|is|are)\s+(?:\w+\s+){0,2}(?:agreed|decided|concluded|resolved|adopted|committed|planned)\b`, 'agreed', 'decided', 'concluded', 'resolved', 'adopted', 'committed', 'planned'),
  cue(String.raw`\b(?:next\s+steps?|follow[\s-]?ups?|conclusions?|concluded|outcomes?|results?\s+of|takeaways?|take-aways?|action\s+points?|actions?\s+agreed|agreed\s+actions?|decisions?|key\s+messages?|priorities|commitments?|way\s+forward)\b`, 'next', 'follow', 'conclusion', 'concluded', 'outcome', 'result', 'takeaway', 'take-away', 'action', 'agreed', 'decision', 'message', 'priorities', 'commitment', 'forward'),
  cue(String.raw`\bwhat\s+(?:came|comes)\s+out\s+of\b`, 'out'),
  cue(String.raw`\bwhat\s+(?:happens|happened)\s+next\b`, 'next'),
  cue(String.raw`\b(?:main|key|central)\s+(?:messages?|points?|takeaways?)\b`, 'message', 'point', 'takeaway'),
  cue(String.raw`\bwhat\s+(?:did|do)\s+(?:\w+\s+){0,4}(?:agree|decide|conclude|commit)\b`, 'agree', 'decide', 'conclude', 'commit'),
]);

const FACTS = cueSet([
  cue(String.raw`\b(?:who|whom|when|where)\b`, 'who', 'when', 'where'),
  cue(String.raw`\bhow\s+(?:many|much|long|often|big|large)\b`, 'how'),
  cue(String.raw`\b(?:which|what)\s+(?:countries|country|states|agencies|organi[sz]ations?|date|year|day|city|place|venue|members?|participants?|delegates?|speakers?|institutions?)\b`, 'which', 'what'),
  cue(String.raw`\b(?:number|numbers|figures?|statistics|stats|estimate[sd]?|percentage|amount)\s+of\b`, 'number', 'figure', 'statistics', 'stats', 'estimate', 'percentage', 'amount'),
  cue(String.raw`\bwhat\s+(?:is|was|are|were)\s+(?:the\s+)?(?:purpose|aim|goal|objective|focus|topic|theme|agenda|cost|size|scale)\b`, 'what'),
  cue(String.raw`\bwhat\s+happened\s+(?:at|in|during)\b|\bwhat\s+(?:\w+\s+){0,5}(?:was|were|is)\s+about\b`, 'what'),
  cue(String.raw`\b(?:took|take|taking)\s+part\b|\b(?:attended|participated)\b`, 'took', 'take', 'taking', 'attended', 'participated'),
  cue(String.raw`\b(?:which|what)\s+(?:\w+\s+){0,2}(?:countries|organi[sz]ations|agencies|states|bodies|members)\b`, 'which', 'what'),
]);

/** What a question asks for. Meetings first (the calendar answers those), then follow-ups ("what was
 *  agreed on X" is not a request for practices), solutions before problems ("what challenges did
 *  others face and how did they solve them" asks for the solutions), facts, else general. */
export function detectIntent(text: string): Intent {
  const t = typeof text === 'string' ? text.slice(0, 2000) : '';
  if (t.trim() === '') return 'general';
  const folded = needleText(t);
  if (SCHEDULE_NEEDLES.some((n) => folded.includes(n)) && SCHEDULE_QUESTION.test(t)) return 'meetings';
  if (FOLLOW_UPS.test(t, folded)) return 'follow-ups';
  if (SOLUTIONS.test(t, folded)) return 'solutions';
  if (PROBLEMS.test(t, folded)) return 'problems';
  if (FACTS.test(t, folded)) return 'facts';
  return 'general';
}

/** The cues of each intent (for test/intent-cues.test.ts, which checks them against the single
 *  alternations they replace). */
export const INTENT_CUES = { schedule: { source: SCHEDULE_QUESTION.source, needles: SCHEDULE_NEEDLES }, solutions: SOLUTIONS.cues, problems: PROBLEMS.cues, followUps: FOLLOW_UPS.cues, facts: FACTS.cues } as const;

/**
 * The cue phrases the interpreter (src/engine/interpret/) writes into the English query of a
 * question in another language for what it asks: the first English term of each `ask-*` concept of
 * knowledge/lexicon/concepts.yaml (test/intent.test.ts checks they agree). Listed in the order
 * detectIntent reads them: a question both "where" and "next meeting" asks for the meeting.
 */
export const INTERPRETED_CUES: readonly (readonly [Exclude<Intent, 'general'>, string])[] = [
  ['meetings', 'next meeting'],
  ['follow-ups', 'next steps'],
  ['solutions', 'how do others handle'],
  ['problems', 'what challenges'],
  ['facts', 'facts'],
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CUE_RES = INTERPRETED_CUES.map(([intent, phrase]) => [intent, new RegExp(`(?:^|\\s)${escapeRe(phrase)}(?=\\s|$)`, 'giu')] as const);

/** Cues that are not words of a question (no English question says "facts"): they name a kind of
 *  entry, so searched they would match every entry of that kind; they are dropped from the search. */
const UNSEARCHED_CUES = new Set(['facts']);

/** What an interpreted question asks for, read from the cue phrases wherever they sit in its English
 *  query (the interpreter keeps the order of the message: "Telegram what challenges", "facts next
 *  meeting COLEP"); `rest` is the query without any cue, `searched` the query to search (without the
 *  cues that are no question's words; "next meeting" and "how do others handle" stay, as they do
 *  in an English question). No cue: general (the concepts' own labels, "cyber threats", are topics,
 *  not questions). */
export function readInterpretedQuery(query: string): { intent: Intent; rest: string; searched: string } {
  let intent: Intent = 'general';
  let rest = typeof query === 'string' ? query.slice(0, 2000) : '';
  let searched = rest;
  for (const [cue, re] of CUE_RES) {
    re.lastIndex = 0;
    if (!re.test(rest)) continue;
    if (intent === 'general') intent = cue;
    re.lastIndex = 0;
    rest = rest.replace(re, ' ');
    re.lastIndex = 0;
    if (UNSEARCHED_CUES.has(INTERPRETED_CUES.find(([i]) => i === cue)![1])) searched = searched.replace(re, ' ');
  }
  const tidy = (t: string) => t.replace(/\s+/g, ' ').trim();
  return { intent, rest: tidy(rest), searched: tidy(searched) };
}

/** Kinds that answer "how do others handle it". */
export const SOLUTION_KINDS: readonly Kind[] = ['good-practice', 'opportunity', 'conclusion', 'next-step'];

/** How much each kind of entry is worth to a question of each intent (multiplies its relevance).
 *  General questions rank by relevance alone. */
export const KIND_PREFERENCE: Record<Intent, Record<Kind, number>> = {
  solutions: { 'good-practice': 1, opportunity: 1, conclusion: 0.95, 'next-step': 0.9, challenge: 0.7, fact: 0.5 },
  problems: { challenge: 1, conclusion: 0.75, opportunity: 0.7, 'good-practice': 0.7, 'next-step': 0.7, fact: 0.65 },
  facts: { fact: 1, conclusion: 0.85, 'next-step': 0.85, challenge: 0.85, 'good-practice': 0.85, opportunity: 0.85 },
  'follow-ups': { 'next-step': 1, conclusion: 1, opportunity: 0.8, 'good-practice': 0.8, fact: 0.75, challenge: 0.7 },
  meetings: { 'next-step': 1, fact: 0.9, conclusion: 0.85, opportunity: 0.8, 'good-practice': 0.8, challenge: 0.75 },
  general: { challenge: 1, 'good-practice': 1, opportunity: 1, 'next-step': 1, conclusion: 1, fact: 1 },
};
