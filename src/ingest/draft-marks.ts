// How a draft entry is marked, shared by the drafting (./draft.ts) and `practice-bot check`
// (src/knowledge/check.ts), which the bot loads at start: kept apart from draft.ts so that check does not
// pull in the YAML writer.
/** The review mark every drafted item carries; `check` warns about it in drafts/ and refuses it in entries/. */
export const DRAFT_MARK = 'draft';
/** Fields only a draft has: remove them (after acting on them) before moving the file into entries/. */
export const DRAFT_FIELDS = ['review', 'similar_to'] as const;
