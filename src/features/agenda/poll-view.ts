// How a poll looks: its platform-neutral view (PollView), its close time, and the results reply.
import type { SentRef } from '../../core/ports.ts';
import type { Block, Inline, PollView, Reply } from '../../core/reply.ts';
import { code, para as p, plural } from '../../core/reply-helpers.ts';
import { formatWithZone } from '../../shared/time-zones.ts';
import type { AgendaRepo, PollRow } from './repo.ts';

export const ANON_NOTE = 'Anonymous poll: only the totals are kept, not who voted for what.';
export const NAMED_NOTE = 'Named poll: voters are recorded.';

export type PollViews = ReturnType<typeof createPollViews>;

/** What became of a closed poll's results: saved as the meeting's agenda, not saved, or kept until
 *  the undated agenda's meeting is added (./undated.ts saves them then). */
export type SaveOutcome = { ok: true; label: string } | { ok: false; reason: string } | { ok: 'later' };

export function createPollViews(repo: AgendaRepo) {
  const optionsOf = (poll: PollRow) => (poll.anonymous ? repo.anonOptions.all(poll.id) : repo.namedOptions.all(poll.id));

  function viewOf(poll: PollRow, closed = poll.status === 'closed'): PollView {
    return {
      id: poll.id,
      question: poll.question,
      options: optionsOf(poll).map((o) => ({ index: o.idx, text: o.text, votes: o.votes })),
      anonymous: poll.anonymous === 1,
      ...(poll.closes_at != null ? { closesAt: new Date(poll.closes_at).toISOString() } : {}),
      closed,
      note: poll.anonymous ? ANON_NOTE : NAMED_NOTE,
      multipleAnswers: true,
    };
  }

  const refOf = (poll: PollRow): SentRef | undefined =>
    poll.message_id == null
      ? undefined
      : { chatId: poll.chat_id, messageId: poll.message_id, ...(poll.platform_poll_id ? { platformPollId: poll.platform_poll_id } : {}) };

  function closeTimeInline(poll: PollRow): Inline | undefined {
    if (poll.closes_at == null) return undefined;
    const at = new Date(poll.closes_at);
    return { time: at.toISOString(), fallback: formatWithZone(at, poll.closes_zone ?? 'UTC') };
  }

  /** `example`: a `/poll close-at` that is still ahead when the message is read (MeetingRefs.closeAtExample). */
  function closingLine(poll: PollRow, example: string | undefined): Block {
    const t = closeTimeInline(poll);
    if (t) return p('It closes by itself on ', t, ' (or earlier with ', code(`/poll close ${poll.id}`), ').');
    return example
      ? p('The secretariat or a co-chair closes it with ', code('/poll close'), ', or sets a close time with ', code(example), '.')
      : p('The secretariat or a co-chair closes it with ', code('/poll close'), '.');
  }

  function ranked(view: PollView) {
    return [...view.options].sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0) || a.index - b.index);
  }

  function resultsReply(poll: PollRow, view: PollView, saved: SaveOutcome, how: string): Reply {
    const voters = new Map<number, string[]>();
    if (!poll.anonymous) {
      for (const v of repo.votersOf.all(poll.id)) {
        const list = voters.get(v.idx) ?? [];
        list.push(v.user_name ?? v.user_id);
        voters.set(v.idx, list);
      }
    }
    const order = ranked(view);
    const total = order.reduce((n, o) => n + (o.votes ?? 0), 0);
    return {
      blocks: [
        { type: 'heading', text: `Results of poll #${poll.id}: ${poll.question}` },
        p(how, ' ', plural(total, 'vote'), ' in all. ', view.note),
        {
          type: 'list',
          ordered: true,
          items: order.map((o) => {
            const names = voters.get(o.index);
            return [`${o.text}: ${plural(o.votes ?? 0, 'vote')}${names?.length ? ` (${names.join(', ')})` : ''}`];
          }),
        },
        saved.ok === 'later'
          ? p('No meeting has a date yet: these results become the agenda of the next meeting, in this order, when the secretariat adds it.')
          : saved.ok
            ? p(`Saved as the agenda of ${saved.label}, in this order.`)
            : { type: 'notice', level: 'warning', text: `The results could not be saved as the meeting's agenda: ${saved.reason}.` },
      ],
    };
  }
  return { optionsOf, viewOf, refOf, closeTimeInline, closingLine, ranked, resultsReply };
}
