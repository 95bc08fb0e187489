// Opening, closing and voting in agenda polls; every platform's votes come through vote() and
// pollTotals(). Anonymous polls keep totals and keyed one-way ballot tokens only (see applyVote).
import { createHmac, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { CommandContext } from '../../commands/types.ts';
import { errorFields } from '../../core/logger.ts';
import type { OutboundRouter } from '../../core/outbound.ts';
import type { Clock, VoteInput } from '../../core/ports.ts';
import type { Block, PollView, Reply } from '../../core/reply.ts';
import { clip, code, para as p, plural, refusal } from '../../core/reply-helpers.ts';
import type { Audit } from '../access/index.ts';
import type { Store } from '../../store/store.ts';
import type { MeetingRef, MeetingRefs } from './meeting-ref.ts';
import { ANON_NOTE, NAMED_NOTE, type PollViews, type SaveOutcome } from './poll-view.ts';
import type { AgendaMeetings } from './ports.ts';
import type { AgendaRepo, PollRow } from './repo.ts';

export const MAX_POLL_OPTIONS = 10;

export interface PollsDeps {
  store: Store;
  clock: Clock;
  outbound: OutboundRouter;
  log: Logger;
  audit: Audit;
  repo: AgendaRepo;
  views: PollViews;
  refs: MeetingRefs;
  meetings: Pick<AgendaMeetings, 'saveAgenda' | 'meetingExists'>;
}

export type Polls = ReturnType<typeof createPolls>;

export function createPolls(deps: PollsDeps) {
  const { store, clock, outbound, log, audit, repo, meetings } = deps;
  const { optionsOf, viewOf, refOf, closingLine, ranked, resultsReply } = deps.views;
  const meetingRef = deps.refs.meetingRef;
  /** Polls being closed right now (command and timer may race). */
  const closing = new Set<number>();
  const pollsMode = (chatId: string) => outbound.capabilitiesOf(chatId)?.polls ?? 'none';

  function openPollsHere(chatId: string, meetingId?: string): PollRow[] {
    return repo.openPollsIn.all(chatId).filter((r) => meetingId === undefined || r.meeting_id === meetingId);
  }

  async function openPoll(
    ctx: CommandContext,
    meeting: MeetingRef,
    anonymous: boolean,
    close: { at: Date; zone: string } | undefined,
  ): Promise<Reply> {
    const chatId = ctx.msg.chat.id;
    const already = openPollsHere(chatId, meeting.id)[0];
    if (already) {
      const example = deps.refs.closeAtExample(meeting.id, ctx.now);
      return refusal(
        p(`Poll #${already.id} for ${meeting.label} is already open in this chat. `),
        p('Close it with ', code(`/poll close ${already.id}`), ...(example ? [' or set its close time with ', code(example)] : []), '.'),
      );
    }
    const why = deps.refs.closedReason(meeting.id, ctx.now);
    if (why) return refusal(p(`${meeting.label} ${why}: there is nothing left to put to a vote.`));
    const late = close && deps.refs.closesTooLate(meeting.id, close, ctx.now);
    if (late) return late;

    const suggestions = repo.suggestionsOf.all(meeting.id);
    if (suggestions.length < 2) {
      return refusal(
        p(
          `A poll needs at least 2 suggestions to choose from, and ${meeting.label} has ${suggestions.length === 0 ? 'none' : 'only 1'} so far. `,
          'Members can add some with ',
          code(deps.refs.isUndated(meeting.id) ? '/suggest <text>' : `/suggest ${meeting.id} <text>`),
          '.',
        ),
      );
    }
    const chosen = suggestions.slice(0, MAX_POLL_OPTIONS);
    const left = suggestions.slice(MAX_POLL_OPTIONS);
    const question = clip(`Agenda for ${meeting.label}: which items should we discuss?`, 255);

    const poll = store.immediate(() => {
      const info = repo.insertPoll.run({
        meeting: meeting.id,
        chat: chatId,
        thread: ctx.msg.threadId ?? null,
        question,
        anonymous: anonymous ? 1 : 0,
        by: ctx.actor.id,
        at: ctx.now.getTime(),
        closesAt: close ? close.at.getTime() : null,
        closesZone: close ? close.zone : null,
        key: anonymous ? randomBytes(32) : null,
      });
      const id = Number(info.lastInsertRowid);
      chosen.forEach((s, i) => {
        repo.insertOption.run(id, i, s.text, s.id);
        if (anonymous) repo.insertTotal.run(id, i);
      });
      return repo.poll.get(id)!;
    });
    const view = viewOf(poll);

    const mode = pollsMode(chatId);
    let posted = false;
    if (mode !== 'none') {
      try {
        const port = outbound.for(chatId);
        if (port.sendPoll) {
          const ref = await port.sendPoll(chatId, view, ctx.msg.threadId ? { threadId: ctx.msg.threadId } : undefined);
          repo.setRef.run(ref.messageId, ref.platformPollId ?? null, poll.id);
          posted = true;
        }
      } catch (err) {
        store.immediate(() => repo.deletePoll.run(poll.id));
        log.warn({ err: errorFields(err), poll: poll.id, chat: chatId }, 'could not post a poll');
        return refusal(p('I could not post the poll in this chat, so it was not opened. Please try again in a moment.'));
      }
    }
    audit(ctx.actor.id, 'poll.open', `poll:${poll.id}`, {
      meeting: meeting.id,
      chat: chatId,
      anonymous,
      options: chosen.length,
      ...(close ? { closesAt: close.at.toISOString() } : {}),
    });
    log.info({ poll: poll.id, meeting: meeting.id, chat: chatId, anonymous, options: chosen.length }, 'poll opened');

    const cut: Block[] = left.length
      ? [
          {
            type: 'notice',
            level: 'info',
            text:
              `${meeting.title} has ${suggestions.length} suggestions; a poll takes at most ${MAX_POLL_OPTIONS}, so it shows the ` +
              `${MAX_POLL_OPTIONS} with the most support. Left out: ${left.map((s) => `"${clip(s.text, 60)}" (${plural(s.support, 'supporter')})`).join('; ')}.`,
          },
        ]
      : [];
    if (posted) {
      return {
        blocks: [
          p(
            `Poll #${poll.id} is open: ${question} ${plural(chosen.length, 'option')}. `,
            anonymous ? ANON_NOTE : NAMED_NOTE,
          ),
          closingLine(poll, deps.refs.closeAtExample(meeting.id, ctx.now)),
          ...cut,
        ],
      };
    }
    const others = openPollsHere(chatId).length > 1;
    return {
      blocks: [
        { type: 'heading', text: question },
        p(`Poll #${poll.id}. `, view.note, ' You may vote for several items.'),
        { type: 'list', ordered: true, items: chosen.map((s) => [s.text]) },
        p(
          'To vote, send ',
          code(others ? `/vote <number> ${poll.id}` : '/vote <number>'),
          ', e.g. ',
          code(others ? `/vote 1 ${poll.id}` : '/vote 1'),
          '; send the same again to take that vote back.',
        ),
        closingLine(poll, deps.refs.closeAtExample(meeting.id, ctx.now)),
        ...cut,
      ],
    };
  }

  /** Closes an open poll: stops it on its platform, records the final totals, saves the agenda,
   *  audits. Returns the results reply, or undefined when it was not open (or is being closed). */
  async function closePoll(pollId: number, actor: string, reason: 'command' | 'timer'): Promise<{ poll: PollRow; reply: Reply } | undefined> {
    if (closing.has(pollId)) return undefined;
    closing.add(pollId);
    try {
      const poll = repo.poll.get(pollId);
      if (!poll || poll.status !== 'open') return undefined;
      const mode = pollsMode(poll.chat_id);
      const ref = refOf(poll);
      let totals: number[] | undefined;
      if (ref) {
        try {
          const port = outbound.for(poll.chat_id);
          const r = await port.closePoll?.(ref, viewOf(poll, true));
          if (poll.anonymous && mode === 'native' && r && Array.isArray(r.totals)) totals = r.totals;
        } catch (err) {
          log.warn({ err: errorFields(err), poll: pollId }, 'could not close the poll on its platform; using the stored counts');
        }
      }
      const now = clock.now();
      const done = store.immediate(() => {
        if (repo.markClosed.run(now.getTime(), actor, reason, pollId).changes === 0) return undefined;
        if (totals) {
          const n = repo.anonOptions.all(pollId).length;
          for (let i = 0; i < n; i++) repo.setTotal.run(Math.max(0, Math.trunc(Number(totals[i]) || 0)), pollId, i);
        }
        repo.deleteBallots.run(pollId);
        const closed = repo.poll.get(pollId)!;
        const view = viewOf(closed);
        const meeting = meetingRef(closed.meeting_id);
        let saved: SaveOutcome;
        if (deps.refs.isUndated(closed.meeting_id)) {
          saved = { ok: 'later' };
        } else {
          try {
            meetings.saveAgenda(
              closed.meeting_id,
              ranked(view).map((o) => ({ text: o.text, votes: o.votes ?? 0 })),
            );
            saved = { ok: true, label: meeting.label };
          } catch (err) {
            log.warn({ err: errorFields(err), poll: pollId, meeting: closed.meeting_id }, 'could not save the poll results as the agenda');
            saved = { ok: false, reason: meetings.meetingExists(closed.meeting_id) ? 'the meeting could not be updated' : 'the meeting no longer exists' };
          }
        }
        audit(actor, 'poll.close', `poll:${pollId}`, {
          meeting: closed.meeting_id,
          chat: closed.chat_id,
          reason,
          votes: view.options.reduce((n, o) => n + (o.votes ?? 0), 0),
          agendaSaved: saved.ok === true,
        });
        return { closed, view, saved };
      });
      if (!done) return undefined;
      log.info({ poll: pollId, reason }, 'poll closed');
      const how = reason === 'timer' ? 'The poll reached its close time.' : 'The poll is closed.';
      return { poll: done.closed, reply: resultsReply(done.closed, done.view, done.saved, how) };
    } finally {
      closing.delete(pollId);
    }
  }

  function hmacToken(key: Buffer, pollId: number, userId: string, idx: number): string {
    return createHmac('sha256', key).update(`${pollId}\u0000${userId}\u0000${idx}`).digest('base64url');
  }

  /** Applies a vote; returns the poll after it and the options the person's vote was added to and
   *  taken from, or undefined when the poll is not open. */
  function applyVote(poll: PollRow, input: VoteInput, now: Date): { poll: PollRow; added: number[]; removed: number[] } | undefined {
    return store.immediate(() => {
      const fresh = repo.poll.get(poll.id);
      if (!fresh || fresh.status !== 'open') return undefined;
      if (fresh.closes_at != null && fresh.closes_at <= now.getTime()) return undefined;
      const n = optionsOf(fresh).length;
      const valid = (i: number) => Number.isInteger(i) && i >= 0 && i < n;
      const userId = input.user.id;

      // Anonymous polls: whether this person already voted for an option is known only through a
      // keyed one-way token, HMAC-SHA256(poll's random key, poll id + user id + option). It stops
      // double votes from buttons and /vote without storing who voted for what: the table holds
      // opaque tokens in token order (no time, no row order), and the tokens and the key are
      // deleted when the poll closes, leaving totals only. Limit, stated plainly: while the poll is
      // open, someone holding the database file AND a list of the members' ids could recompute the
      // tokens to test who voted for what; keeping the key only in memory would prevent that but
      // would forget every vote (and allow double votes) after a restart. Telegram's native
      // anonymous polls never reach this: they report totals only (pollTotals).
      const key = fresh.ballot_key;
      const has = (i: number): boolean =>
        fresh.anonymous
          ? key !== null && repo.ballotExists.get(fresh.id, hmacToken(key, fresh.id, userId, i)) !== undefined
          : false;
      const current = new Set<number>(
        fresh.anonymous ? [...Array(n).keys()].filter(has) : repo.namedVotesOfUser.all(fresh.id, userId).map((r) => r.idx),
      );
      let desired: Set<number>;
      if (input.toggle) {
        const i = input.optionIndexes[0];
        if (input.optionIndexes.length !== 1 || i === undefined || !valid(i)) return { poll: fresh, added: [], removed: [] };
        desired = new Set(current);
        if (desired.has(i)) desired.delete(i);
        else desired.add(i);
      } else {
        desired = new Set(input.optionIndexes.filter(valid));
      }
      const added: number[] = [];
      const removed: number[] = [];
      for (const i of current) {
        if (desired.has(i)) continue;
        if (fresh.anonymous) {
          if (key) repo.deleteBallot.run(fresh.id, hmacToken(key, fresh.id, userId, i));
          repo.addTotal.run(-1, fresh.id, i);
        } else repo.deleteNamedVote.run(fresh.id, i, userId);
        removed.push(i);
      }
      for (const i of desired) {
        if (current.has(i)) continue;
        if (fresh.anonymous) {
          if (!key) continue;
          repo.insertBallot.run(fresh.id, hmacToken(key, fresh.id, userId, i));
          repo.addTotal.run(1, fresh.id, i);
        } else repo.insertNamedVote.run(fresh.id, i, userId, input.user.name ?? null, now.getTime());
        added.push(i);
      }
      return { poll: fresh, added, removed };
    });
  }

  async function vote(input: VoteInput): Promise<PollView | undefined> {
    return (await voteWithChange(input))?.view;
  }

  /** vote(), also telling which options the person's vote was added to and taken from. */
  async function voteWithChange(input: VoteInput): Promise<{ view: PollView; added: number[]; removed: number[] } | undefined> {
    const poll =
      input.pollId !== undefined
        ? repo.poll.get(input.pollId)
        : input.platformPollId !== undefined
          ? repo.pollByPlatform.get(input.platformPollId)
          : undefined;
    if (!poll || poll.status !== 'open') return undefined;
    const change = applyVote(poll, input, clock.now());
    if (!change) return undefined;
    const after = change.poll;
    const view = viewOf(after);
    const ref = refOf(after);
    if (ref && pollsMode(after.chat_id) === 'buttons') {
      try {
        await outbound.for(after.chat_id).updatePoll?.(ref, view);
      } catch (err) {
        log.warn({ err: errorFields(err), poll: after.id }, 'could not update the poll in place');
      }
    }
    return { view, added: change.added, removed: change.removed };
  }


  async function postTo(poll: PollRow, reply: Reply): Promise<void> {
    try {
      await outbound.for(poll.chat_id).send(poll.chat_id, reply, poll.thread_id ? { threadId: poll.thread_id } : undefined);
    } catch (err) {
      log.warn({ err: errorFields(err), poll: poll.id, chat: poll.chat_id }, 'could not post the poll results');
    }
  }

  async function pollTotals(platformPollId: string, totals: number[]): Promise<void> {
    const poll = repo.pollByPlatform.get(platformPollId);
    if (!poll || poll.status !== 'open' || !poll.anonymous) return;
    store.immediate(() => {
      const fresh = repo.poll.get(poll.id);
      if (!fresh || fresh.status !== 'open') return;
      const n = repo.anonOptions.all(poll.id).length;
      for (let i = 0; i < n; i++) repo.setTotal.run(Math.max(0, Math.trunc(Number(totals[i]) || 0)), poll.id, i);
    });
  }

  return { pollsMode, openPollsHere, openPoll, closePoll, vote, voteWithChange, pollTotals, postTo };
}
