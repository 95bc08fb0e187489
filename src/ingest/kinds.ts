// Which kind of entry a point is, from the heading it sits under (the document's own word for it),
// or, under a heading that names no kind, from a lead-in line or from the point's own wording.
import type { Kind } from '../knowledge/schema.ts';

const norm = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/^[\s\d.)(ivx]+(?=\s)/u, ' ') // "2. Challenges", "iv) Next steps"
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** Heading words per kind, tried in this order (so "Next steps and way forward" is a next step and
 *  "Challenges and good practices" a challenge). Matched as whole words anywhere in the heading. */
const HEADING_RULES: [Kind, RegExp][] = [
  ['next-step', /\b(next steps?|follow ?ups?|follow ?up actions?|action points?|action items?|agreed actions?|actions agreed|way ahead|upcoming|next meetings?|future meetings?|timeline|roadmap|road map|to do|actions)\b/],
  ['challenge', /\b(challenges?|difficult(y|ies)|obstacles?|problems?|gaps?|constraints?|barriers?|threats?|concerns?|risks?|issues? (faced|encountered|identified)|limitations?|shortcomings?|bottlenecks?|weaknesses)\b/],
  ['good-practice', /\b(good practices?|best practices?|promising practices?|effective practices?|practices shared|good examples?|successes|success stories|what worked|lessons? learn(ed|t)|lessons|achievements?|practices)\b/],
  ['conclusion', /\b(conclusions?|concluding|key takeaways?|takeaways?|key messages?|main messages?|key points?|key findings?|findings|outcomes?|results?|priorities|priority areas?|key issues|emerging issues|summary of (the )?discussions?|highlights)\b/],
  ['opportunity', /\b(opportunit(y|ies)|way forward|ways forward|recommendations?|recommended|proposals?|suggestions?|solutions?|needs|areas? (for|of) (cooperation|improvement)|capacity building|improvements?)\b/],
  ['fact', /\b(background|introduction|context|overview|purpose|objectives?|aims?|participants?|participation|attendance|attendees|opening( session)?|welcome|agenda|about|date|venue|statistics|figures|key figures|facts?)\b/],
];

/** Headings that end the article on a web page: what follows is other pages' teasers, skipped up to
 *  the next heading that names a kind. */
const END_OF_ARTICLE = /^(other news|related news|related articles?|more news|latest news|read more|see also|you may also like|recent posts)$/;
/** Page furniture lines: skipped themselves, with what sits under them up to the next heading. */
const FURNITURE = /^(share( this)?|tags?|contact( us)?|footnotes?|disclaimer|all news|news|subscribe|follow us|print|back|home|menu|search)$/;

export function headingKind(heading: string): Kind | undefined {
  const h = norm(heading);
  if (h === '' || h.split(' ').length > 12) return undefined;
  for (const [kind, re] of HEADING_RULES) if (re.test(h)) return kind;
  return undefined;
}

/** 'end': the article is over (skip to a kind heading); 'furniture': skip up to the next heading. */
export function boilerplateHeading(heading: string): 'end' | 'furniture' | undefined {
  const h = norm(heading);
  return END_OF_ARTICLE.test(h) ? 'end' : FURNITURE.test(h) ? 'furniture' : undefined;
}

/** A lead-in line ("Participants identified the following challenges:") naming a kind. */
export function leadInKind(text: string): Kind | undefined {
  const h = norm(text);
  for (const [kind, re] of HEADING_RULES) {
    if (kind === 'fact') continue;
    if (re.test(h)) return kind;
  }
  if (/\b(agreed|will|decided)\b/.test(h)) return 'next-step';
  return undefined;
}

/** Clearly factual: figures, dates, who came, where and when it was held, what a programme is. */
export function looksFactual(text: string): boolean {
  const t = text.toLowerCase();
  if (/\b(headquartered|based in)\b|^[\p{Lu}][\p{L} ]+ is an? (agency|organi[sz]ation|body|programme|program|platform|network|initiative)\b/u.test(text)) return true;
  if (/\b(was|were) (held|organi[sz]ed|attended|opened|chaired|co-chaired|hosted|launched|established|created)\b/.test(t)) return true;
  if (/\b(took place|brought together|gathered|attended|participants|delegates|representatives|officials from|officers from)\b/.test(t)) return true;
  if (/\b(purpose|objective|aim) of the (meeting|event|conference|forum|workshop)\b/.test(t)) return true;
  if (/\b\d[\d,.]*\s*(%|per ?cent|million|billion|countries|member states|participants|people|cases|victims)\b/.test(t)) return true;
  if (/\b(19|20)\d{2}\b/.test(t) && /\b(in|since|from|by)\s+(19|20)\d{2}\b/.test(t)) return true;
  return false;
}

/** A main message: "participants emphasised / acknowledged / stressed that ...". */
export function looksLikeMessage(text: string): boolean {
  return /\b(emphasi[sz]ed|acknowledged|stressed|underlined|highlighted|recogni[sz]ed|agreed|concluded|noted) (that|the (importance|significance|need))\b/i.test(text);
}

/** Strong cues for a kind in the point's own words, for points under a heading that names none.
 *  The guess is marked for review. */
export function guessKind(text: string): Kind | undefined {
  const t = text.toLowerCase();
  if (/\b(will (organi[sz]e|hold|host|meet|be held|take place|be shared|share|follow up|prepare|circulate|convene)|next meeting|follow[- ]up meeting|it was agreed|agreed to)\b/.test(t)) return 'next-step';
  if (/\b(lack of|difficult(y|ies)?|hard (to|for)|harder|unable to|insufficient|too long|too slow|complicates?|unrealistic|obstacles?|problems?|challenges?|struggl\w+|shortage|hampers?|hinders?|limited capacit\w*)\b/.test(t)) return 'challenge';
  if (/\b(should be|should|must|needs? to|recommend\w*|it is (important|essential|crucial) to|is crucial|are crucial|is essential|is vital)\b/.test(t)) return 'conclusion';
  return undefined;
}
