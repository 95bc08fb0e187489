// The /gaps reply: unanswered questions, most asked first, then the answer feedback.
import { DateTime } from 'luxon';
import type { Block, Reply } from '../../core/reply.ts';
import { para as p, plural } from '../../core/reply-helpers.ts';
import type { FeedbackRow, GapGroupRow } from './repo.ts';

export interface GapsView {
  days: number;
  groups: GapGroupRow[];
  count: { n: number; groups: number };
  totals: { helpful: number | null; not_helpful: number | null } | undefined;
  worst: FeedbackRow[];
}

export function gapsReply({ days, groups, count, totals, worst }: GapsView): Reply {
  const blocks: Block[] = [{ type: 'heading', text: 'Questions the practice base could not answer' }];
  const window = days > 0 ? ` in the last ${plural(days, 'day')}` : '';
  if (groups.length === 0) blocks.push(p(`None${window}.`));
  else {
    blocks.push(
      p(
        `${plural(count.n, 'question')} (${plural(count.groups, 'different one')})${window}; most asked first. `,
        'Askers are not recorded; personal data is masked.',
      ),
      {
        type: 'list',
        ordered: true,
        items: groups.map((g) => [
          `${g.language ? `[${g.language}] ` : ''}${g.question} (${g.n === 1 ? 'once' : `${g.n} times`}, last ${DateTime.fromMillis(g.last_at, { zone: 'UTC' }).toFormat('yyyy-MM-dd')})`,
        ]),
      },
    );
    if (count.groups > groups.length) blocks.push(p(`…and ${count.groups - groups.length} more asked less often.`));
  }
  blocks.push({ type: 'heading', text: 'Answer feedback' });
  const helpful = totals?.helpful ?? 0;
  const notHelpful = totals?.not_helpful ?? 0;
  if (helpful + notHelpful === 0) blocks.push(p('No feedback yet.'));
  else {
    blocks.push(p(`${helpful} helpful, ${notHelpful} not helpful.`));
    if (worst.length) {
      blocks.push(p('Questions whose answers were marked not helpful most often:'), {
        type: 'list',
        items: worst.map((w) => [w.key, `: ${w.not_helpful} not helpful, ${w.helpful} helpful`]),
      });
    }
  }
  return { blocks };
}
