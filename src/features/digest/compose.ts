// The digest message: one short Reply, or undefined when there is nothing to say. Each part is
// capped (items and characters), so the whole stays far under Telegram's 4,096 characters and
// Slack's 50 blocks / 3,000 characters per block, and goes out as one message.
import type { Block, Inline, Reply } from '../../core/reply.ts';
import { clip, code, para as p } from '../../core/reply-helpers.ts';
import type { DigestAgenda, DigestFeedback, DigestFollowups, DigestKnowledge, DigestMeetings } from './ports.ts';
import type { DigestWeek } from './schedule.ts';
import { DAY_MS } from '../../shared/text.ts';

const ITEMS = 5;
const ITEM_CHARS = 110;

export interface ComposeDeps {
  meetings: DigestMeetings;
  agenda: DigestAgenda;
  followups: DigestFollowups;
  knowledge: DigestKnowledge;
  feedback?: DigestFeedback;
}

const bold = (text: string): Inline => ({ text, bold: true });
const quote = (s: string) => `"${clip(s, ITEM_CHARS)}"`;

export function composeDigest(deps: ComposeDeps, week: DigestWeek, now: Date, secretariat: boolean): Reply | undefined {
  const blocks: Block[] = [];
  let something = false;

  const next = deps.meetings.next(now);
  if (next) {
    something = true;
    blocks.push(p(bold('Next meeting:'), ' ', clip(next.title, ITEM_CHARS), ', ', ...next.when, next.place ? `, ${clip(next.place, ITEM_CHARS)}` : '', '.'));
    if (next.attendance) blocks.push(p(`Attendance so far: ${next.attendance.yes} attending, ${next.attendance.no} not.`));
    const sugg = deps.agenda.suggestions(next.id);
    if (sugg.length) {
      blocks.push(p(bold(`Agenda suggestions (${sugg.length}):`), ' ', sugg.slice(0, 3).map((s) => `${quote(s.text)} (${s.support})`).join('; '), sugg.length > 3 ? ` and ${sugg.length - 3} more` : '', '. See ', code('/agenda'), '.'));
    }
    blocks.push(p('Details: ', code(`/meeting ${next.id}`)));
  }
  const polls = deps.agenda.openPolls();
  if (polls.length) {
    something = true;
    blocks.push(p(bold(`Open ${polls.length === 1 ? 'poll' : 'polls'}:`), ' ', polls.slice(0, 3).map((x) => quote(x.question)).join('; '), polls.length > 3 ? `; and ${polls.length - 3} more` : '', '.'));
  }
  const fu = deps.followups.openOfLatest(now);
  if (fu?.items.length) {
    something = true;
    blocks.push(p(bold(`Open follow-ups of the ${clip(fu.meeting.title, 60)} (${fu.items.length} of ${fu.total}):`)));
    blocks.push({ type: 'list', items: fu.items.slice(0, ITEMS).map((i) => [`#${i.n} ${clip(i.text, ITEM_CHARS)}${i.status === 'open' ? '' : ` (${i.status})`}`]) });
    blocks.push(p(fu.items.length > ITEMS ? `…and ${fu.items.length - ITEMS} more: ` : 'All: ', code(`/followups ${fu.meeting.id}`)));
  }
  const added = deps.knowledge.addedBetween(week.weekStart, week.dueDay);
  if (added.length) {
    something = true;
    blocks.push(p(bold(`New in the practice base this week (${added.length}):`)));
    blocks.push({ type: 'list', items: added.slice(0, ITEMS).map((e) => [`${e.kind}: ${clip(e.title, ITEM_CHARS)}`]) });
    if (added.length > ITEMS) blocks.push(p(`…and ${added.length - ITEMS} more: `, code('/new')));
  }

  if (secretariat && deps.feedback) {
    const since = new Date(week.dueAt.getTime() - 7 * DAY_MS);
    const gaps = deps.feedback.unansweredSince(since, 3);
    if (gaps.total > 0) {
      something = true;
      blocks.push(p(bold(`Unanswered questions this week: ${gaps.total}`), gaps.groups.length ? ', e.g. ' : '', gaps.groups.map((g) => `${quote(g.question)}${g.n > 1 ? ` (${g.n}×)` : ''}`).join('; '), '. See ', code('/gaps'), '.'));
    }
    const fb = deps.feedback.answerFeedback(2);
    if (fb.helpful + fb.notHelpful > 0) {
      something = true;
      blocks.push(
        p(
          bold('Answer feedback:'),
          ` ${fb.helpful} helpful, ${fb.notHelpful} not helpful`,
          fb.worst.length ? `; least helpful: ${fb.worst.map((w) => `${quote(w.question)} (${w.notHelpful})`).join('; ')}` : '',
          '.',
        ),
      );
    }
  }
  if (!something) return undefined;
  return { blocks: [{ type: 'heading', text: secretariat ? 'Weekly digest (secretariat)' : 'Weekly digest' }, ...blocks] };
}
