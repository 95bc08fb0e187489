// /agenda merge <n> <m> and /agenda remove <n> (co-chairs and secretariat, issue 14): folding a
// suggestion into another (support combined, nobody counted twice: the supporters table's primary
// key) and taking one off the list (its proposer is told: in the chat it came from, where the
// agenda speaks). Both audited. The numbers are the suggestion numbers /agenda and /suggest show
// (#12). Refused, changing nothing: wrong arguments (with the syntax and an example), unknown
// numbers, an item with itself, items already merged or removed, items of different meetings,
// items that are options of a poll (open: close it first; closed: its results are the agenda).
import type { Logger } from 'pino';
import type { CommandContext } from '../../commands/types.ts';
import { hasAccess, roleRefusal } from '../../commands/refusals.ts';
import { errorFields } from '../../core/logger.ts';
import type { OutboundRouter } from '../../core/outbound.ts';
import type { Block, Reply } from '../../core/reply.ts';
import { clip, code, para as p, plural, refusal } from '../../core/reply-helpers.ts';
import type { Audit } from '../access/index.ts';
import type { Store } from '../../store/store.ts';
import type { MeetingRefs } from './meeting-ref.ts';
import type { AgendaRepo, SuggestionRow } from './repo.ts';

export const MERGE_USAGE = '/agenda merge <n> <m>';
export const REMOVE_USAGE = '/agenda remove <n>';

export interface HousekeepingDeps {
  store: Store;
  log: Logger;
  audit: Audit;
  outbound: OutboundRouter;
  repo: AgendaRepo;
  refs: MeetingRefs;
}

export type Housekeeping = ReturnType<typeof createHousekeeping>;

export function createHousekeeping(deps: HousekeepingDeps) {
  const { store, log, audit, outbound, repo, refs } = deps;

  const numberOf = (w: string | undefined): number | undefined => {
    const m = w ? /^#?(\d{1,9})$/.exec(w) : null;
    return m ? Number(m[1]) : undefined;
  };

  const usage = (which: 'merge' | 'remove', problem: string): Reply =>
    refusal(
      p(problem),
      which === 'merge'
        ? p('Write ', code(MERGE_USAGE), ' to fold suggestion m into suggestion n (their supporters are combined), e.g. ', code('/agenda merge 3 7'), '.')
        : p('Write ', code(REMOVE_USAGE), ' to take a suggestion off the agenda, e.g. ', code('/agenda remove 7'), '.'),
      p('The numbers are the ones ', code('/agenda'), ' shows (#3, #7).'),
    );

  const quoted = (s: SuggestionRow) => `#${s.id} "${clip(s.text, 80)}"`;

  /** Why this suggestion cannot be merged or removed, if so. */
  function blocked(n: number, s: SuggestionRow | undefined, now: Date): Reply | undefined {
    if (!s) return refusal(p(`There is no suggestion #${n}. `, code('/agenda'), ' shows the numbers.'));
    if (s.status === 'merged') {
      return refusal(p(`Suggestion #${n} was already merged into #${s.merged_into}; nothing changed. `, code('/agenda'), ' shows the current list.'));
    }
    if (s.status === 'removed') return refusal(p(`Suggestion #${n} was already removed from the agenda; nothing changed.`));
    const meeting = refs.meetingRef(s.meeting_id);
    const why = refs.closedReason(s.meeting_id, now);
    if (why) return refusal(p(`Suggestion #${n} is for ${meeting.label}, which ${why}: its agenda is no longer changed.`));
    const poll = repo.pollsWith.all(s.id)[0];
    if (poll?.status === 'open') {
      return refusal(
        p(`Suggestion #${n} is option ${poll.idx + 1} of poll #${poll.id}, which is open: it cannot change while people vote on it. `),
        p('Close the poll first with ', code(`/poll close ${poll.id}`), '.'),
      );
    }
    if (poll) {
      return refusal(p(`Suggestion #${n} was put to the vote in poll #${poll.id}, which is closed: its results are the agenda of ${meeting.label}. Nothing changed.`));
    }
    return undefined;
  }

  function merge(ctx: CommandContext, words: string[]): Reply {
    const [a, b] = words;
    const n = numberOf(a);
    const m = numberOf(b);
    if (words.length !== 2 || n === undefined || m === undefined) {
      return usage('merge', words.length < 2 ? 'Say which two suggestions to merge.' : `I don't understand "${clip(words.join(' '), 40)}".`);
    }
    if (n === m) return refusal(p(`#${n} and #${m} are the same suggestion: give two different numbers, e.g. `, code(`/agenda merge ${n} ${n + 1}`), '.'));
    const into = repo.suggestion.get(n);
    const from = repo.suggestion.get(m);
    const bad = blocked(n, into, ctx.now) ?? blocked(m, from, ctx.now);
    if (bad) return bad;
    if (into!.meeting_id !== from!.meeting_id) {
      return refusal(
        p(`#${n} is for ${refs.meetingRef(into!.meeting_id).label} and #${m} for ${refs.meetingRef(from!.meeting_id).label}: only suggestions for the same meeting can be merged.`),
      );
    }
    const now = ctx.now.getTime();
    const done = store.immediate(() => {
      if (repo.markMerged.run(n, ctx.actor.id, now, m).changes === 0) return undefined;
      repo.copySupporters.run(n, m);
      const after = repo.suggestion.get(n)!;
      audit(ctx.actor.id, 'agenda.merge', `suggestion:${n}`, { merged: m, meeting: after.meeting_id, supporters: after.support });
      return after;
    });
    if (!done) return refusal(p(`Suggestion #${m} changed meanwhile; nothing was merged. Look at `, code('/agenda'), ' and try again.'));
    log.info({ into: n, merged: m, meeting: done.meeting_id }, 'suggestions merged');
    return {
      blocks: [
        p(`Merged ${quoted(from!)} into ${quoted(done)} for ${refs.meetingRef(done.meeting_id).label}.`),
        p(`It now has ${plural(done.support, 'supporter')} (people who supported both are counted once); #${m} is no longer listed.`),
      ],
    };
  }

  async function remove(ctx: CommandContext, words: string[]): Promise<Reply> {
    const n = numberOf(words[0]);
    if (words.length !== 1 || n === undefined) {
      return usage('remove', words.length === 0 ? 'Say which suggestion to remove.' : `I don't understand "${clip(words.join(' '), 40)}".`);
    }
    const s = repo.suggestion.get(n);
    const bad = blocked(n, s, ctx.now);
    if (bad) return bad;
    const row = s!;
    const changed = store.immediate(() => {
      if (repo.markRemoved.run(ctx.actor.id, ctx.now.getTime(), n).changes === 0) return false;
      audit(ctx.actor.id, 'agenda.remove', `suggestion:${n}`, { meeting: row.meeting_id, proposer: row.proposer_id, supporters: row.support });
      return true;
    });
    if (!changed) return refusal(p(`Suggestion #${n} changed meanwhile; nothing was removed.`));
    log.info({ suggestion: n, meeting: row.meeting_id }, 'suggestion removed');
    const label = refs.meetingRef(row.meeting_id).label;
    const who = row.proposer_name ? row.proposer_name : 'Its proposer';
    const notice: Block[] = [
      p(`Suggestion ${quoted(row)} was removed from the agenda of ${label} by the ${ctx.actor.roles.has('co-chair') ? 'co-chairs' : 'secretariat'}.`),
      p(`${who}: it no longer counts for the poll. If it should stay, please talk to the co-chairs, or suggest it again in other words.`),
    ];
    // The proposer is told where the agenda speaks to them: the chat the suggestion came from.
    let elsewhere = '';
    if (row.chat_id !== ctx.msg.chat.id) {
      try {
        await outbound.for(row.chat_id).send(row.chat_id, { blocks: notice });
        elsewhere = ' Its proposer was told in the chat it came from.';
      } catch (err) {
        log.warn({ err: errorFields(err), suggestion: n, chat: row.chat_id }, 'could not tell the proposer of a removed suggestion');
        elsewhere = ' I could not post the notice in the chat it came from.';
      }
    }
    return elsewhere ? { blocks: [p(`Removed ${quoted(row)} from the agenda of ${label}.${elsewhere}`)] } : { blocks: notice };
  }

  /** /agenda merge|remove ...: undefined when the first word is neither (the caller lists the agenda). */
  function run(ctx: CommandContext, words: string[]): Reply | Promise<Reply> | undefined {
    const sub = words[0]?.toLowerCase();
    if (sub !== 'merge' && sub !== 'remove') return undefined;
    if (!hasAccess('organiser', ctx.actor.roles)) return roleRefusal('organiser', sub === 'merge' ? MERGE_USAGE : REMOVE_USAGE);
    return sub === 'merge' ? merge(ctx, words.slice(1)) : remove(ctx, words.slice(1));
  }

  return { run };
}
