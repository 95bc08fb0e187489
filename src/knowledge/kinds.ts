// The kinds of practice-base entries and their labels. Kept apart from schema.ts (zod), so what only
// needs the kinds (the engine, `practice-bot ask` with a cached base) loads no validation library.
export const KINDS = ['challenge', 'good-practice', 'opportunity', 'next-step', 'conclusion', 'fact'] as const;
export type Kind = (typeof KINDS)[number];

/** Human labels per kind (singular, plural) used in replies. */
export const KIND_LABELS: Record<Kind, { one: string; many: string }> = {
  challenge: { one: 'Challenge', many: 'Challenges' },
  'good-practice': { one: 'Good practice', many: 'Good practices' },
  opportunity: { one: 'Opportunity', many: 'Opportunities' },
  'next-step': { one: 'Next step', many: 'Next steps' },
  conclusion: { one: 'Conclusion', many: 'Conclusions' },
  fact: { one: 'Fact', many: 'Facts' },
};
