// Native poll updates: named polls report each voter (poll_answer), anonymous ones their totals
// (poll). Both go to the core as they are; it knows which poll is which.
import { Composer, type Context } from 'grammy';
import { userIdOf, userOf } from '../ids.ts';
import type { FeatureDeps } from './context.ts';

export function pollsFeature(d: FeatureDeps): Composer<Context> {
  const c = new Composer<Context>();
  c.on('poll_answer', async (ctx) => {
    const a = ctx.pollAnswer;
    const user = a.user ? userOf(a.user) : a.voter_chat ? { id: userIdOf(a.voter_chat.id), name: 'title' in a.voter_chat ? a.voter_chat.title : undefined } : undefined;
    if (!user) return;
    await d.core.vote({ platformPollId: a.poll_id, user, optionIndexes: [...a.option_ids] });
  });
  c.on('poll', async (ctx) => {
    const p = ctx.poll;
    await d.core.pollTotals(p.id, p.options.map((o) => o.voter_count));
  });
  return c;
}
