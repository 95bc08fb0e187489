// /poll (open, set a close time, close) and /vote (for chats without poll buttons).
import { DateTime } from 'luxon';
import type { CommandContext, CommandSpec } from '../../commands/types.ts';
import { errorFields } from '../../core/logger.ts';
import type { OutboundRouter } from '../../core/outbound.ts';
import type { Reply } from '../../core/reply.ts';
import { clip, code, para as p, plural, refusal } from '../../core/reply-helpers.ts';
import type { Audit } from '../access/index.ts';
import { canonicalZone } from '../../shared/time-zones.ts';
import type { Logger } from 'pino';
import type { Store } from '../../store/store.ts';
import { noMeetingReply, unknownMeetingReply, type MeetingRef, type MeetingRefs } from './meeting-ref.ts';
import type { PollViews } from './poll-view.ts';
import type { Polls } from './polls.ts';
import type { AgendaRepo, PollRow } from './repo.ts';
import type { Undated } from './undated.ts';
import { DAY_MS } from '../../shared/text.ts';

export const POLL_USAGE = '/poll [named] [close-at <YYYY-MM-DD> <HH:MM> <IANA zone>] | /poll close';
export const VOTE_USAGE = '/vote <option number> [<poll id>]';

export interface PollCommandDeps {
  store: Store;
  outbound: OutboundRouter;
  log: Logger;
  audit: Audit;
  repo: AgendaRepo;
  refs: MeetingRefs;
  views: PollViews;
  polls: Polls;
  undated: Pick<Undated, 'current'>;
}

export function createPollCommands(deps: PollCommandDeps): CommandSpec[] {
  const { store, outbound, log, audit, repo, refs } = deps;
  const { meetingRef, closesTooLate } = refs;
  const lookupMeeting = refs.lookup;
  const { viewOf, refOf, closeTimeInline, optionsOf } = deps.views;
  const { pollsMode, openPollsHere, openPoll, closePoll, voteWithChange, postTo } = deps.polls;

  function parseCloseAt(date: string | undefined, time: string | undefined, zoneIn: string | undefined, now: Date): { at: Date; zone: string } | string {
    if (!date || !time || !zoneIn) return 'The close time needs a date, a time and a time zone.';
    const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    if (!dm) return `"${clip(date, 40)}" is not a date: write YYYY-MM-DD.`;
    const tm = /^(\d{1,2}):(\d{2})$/.exec(time);
    if (!tm || Number(tm[1]) > 23 || Number(tm[2]) > 59) return `"${clip(time, 40)}" is not a time: write HH:MM on the 24-hour clock.`;
    const zone = canonicalZone(zoneIn);
    if (!zone) return `"${clip(zoneIn, 60)}" is not an IANA time zone: write e.g. Europe/Sofia or Asia/Dhaka.`;
    const dt = DateTime.fromObject(
      { year: Number(dm[1]), month: Number(dm[2]), day: Number(dm[3]), hour: Number(tm[1]), minute: Number(tm[2]) },
      { zone },
    );
    if (!dt.isValid) return `${date} is not a date in the calendar.`;
    if (dt.toFormat('yyyy-MM-dd HH:mm') !== `${date} ${tm[1]!.padStart(2, '0')}:${tm[2]}`) {
      return `${date} ${time} does not exist in ${zone} (the clocks change then): pick another time.`;
    }
    const at = dt.toJSDate();
    if (at.getTime() <= now.getTime()) return `${date} ${time} ${zone} is already past: give a close time in the future.`;
    if (at.getTime() - now.getTime() > 366 * DAY_MS) return 'That close time is more than a year ahead: check the year.';
    return { at, zone };
  }


  const pollUsage = (now: Date, problem?: string): Reply =>
    refusal(
      ...(problem ? [p(problem)] : []),
      p(
        'Use: ', code('/poll'), ' (anonymous) or ', code('/poll named'), ', optionally with a meeting id; ',
        code(refs.closeAtExample(refs.nextMeeting(now)?.id, now) ?? '/poll close-at <YYYY-MM-DD> <HH:MM> <IANA zone>'),
        ' to set a close time; ', code('/poll close'), ' to close and post the results.',
      ),
    );

  const parsePollId = (w: string | undefined): number | undefined => {
    const m = w ? /^#?(\d{1,9})$/.exec(w) : null;
    return m ? Number(m[1]) : undefined;
  };

  async function pollCloseCommand(ctx: CommandContext, words: string[]): Promise<Reply | Reply[]> {
    const chatId = ctx.msg.chat.id;
    let target: PollRow | undefined;
    if (words.length > 1) return pollUsage(ctx.now, `I don't understand "${clip(words.slice(1).join(' '), 40)}".`);
    if (words[0] !== undefined) {
      const id = parsePollId(words[0]);
      if (id === undefined) return pollUsage(ctx.now, `"${clip(words[0], 40)}" is not a poll number.`);
      target = repo.poll.get(id);
      if (!target || target.status !== 'open') return refusal(p(`There is no open poll #${id}.`));
    } else {
      const here = openPollsHere(chatId);
      if (here.length === 0) return refusal(p('No poll is open in this chat. Open one with ', code('/poll'), '.'));
      if (here.length > 1) {
        return refusal(
          p(`${here.length} polls are open in this chat: ${here.map((r) => `#${r.id} (${meetingRef(r.meeting_id).title})`).join(', ')}. `),
          p('Say which to close, e.g. ', code(`/poll close ${here[0]!.id}`), '.'),
        );
      }
      target = here[0]!;
    }
    const result = await closePoll(target.id, ctx.actor.id, 'command');
    if (!result) return refusal(p(`Poll #${target.id} is already closed.`));
    if (result.poll.chat_id !== chatId) {
      await postTo(result.poll, result.reply);
      return [{ blocks: [p(`Poll #${target.id} is closed; the results were posted where it ran:`)] }, result.reply];
    }
    return result.reply;
  }

  const poll: CommandSpec = {
    name: 'poll',
    usage: POLL_USAGE,
    description: 'Open a poll on the top agenda suggestions; close it and post the results',
    access: 'organiser',
    group: 'Agenda',
    async run(ctx) {
      const words = ctx.args.split(/\s+/).filter(Boolean);
      if (words[0]?.toLowerCase() === 'close') return pollCloseCommand(ctx, words.slice(1));

      let anonymous: boolean | undefined;
      let meetingId: string | undefined;
      let close: { at: Date; zone: string } | undefined;
      let pollId: number | undefined;
      for (let i = 0; i < words.length; i++) {
        const w = words[i]!;
        const lw = w.toLowerCase();
        if (lw === 'named') anonymous = false;
        else if (lw === 'anonymous' || lw === 'anon') anonymous = true;
        else if (lw === 'close-at' || lw === 'closeat' || lw === 'close_at') {
          const r = parseCloseAt(words[i + 1], words[i + 2], words[i + 3], ctx.now);
          if (typeof r === 'string') return pollUsage(ctx.now, r);
          close = r;
          i += 3;
        } else if (parsePollId(w) !== undefined && close) pollId = parsePollId(w);
        else {
          const named = lookupMeeting(w);
          if (named === 'unknown') return unknownMeetingReply(w);
          if (!named) return pollUsage(ctx.now, `I don't understand "${clip(w, 40)}" (not a meeting id nor an option).`);
          meetingId = named.id;
        }
      }
      if (pollId !== undefined && !close) return pollUsage(ctx.now);

      const chatId = ctx.msg.chat.id;
      if (close) {
        // Set the close time of the poll open here (or the given one); with none open, open one.
        let target: PollRow | undefined;
        if (pollId !== undefined) {
          target = repo.poll.get(pollId);
          if (!target || target.status !== 'open') return refusal(p(`There is no open poll #${pollId}.`));
        } else {
          const here = openPollsHere(chatId, meetingId);
          if (here.length > 1) {
            return refusal(
              p(`${here.length} polls are open in this chat. Add the poll number at the end, e.g. `, code(`${refs.closeAtExample(here[0]!.meeting_id, ctx.now) ?? '/poll close-at <YYYY-MM-DD> <HH:MM> <IANA zone>'} ${here[0]!.id}`), '.'),
            );
          }
          target = here[0];
        }
        if (target) {
          const id = target.id;
          const late = closesTooLate(target.meeting_id, close, ctx.now);
          if (late) return late;
          const changed = store.immediate(() => repo.setClose.run(close.at.getTime(), close.zone, id).changes > 0);
          if (!changed) return refusal(p(`Poll #${id} is already closed.`));
          audit(ctx.actor.id, 'poll.close-at', `poll:${id}`, { closesAt: close.at.toISOString(), zone: close.zone });
          const updated = repo.poll.get(id)!;
          const ref = refOf(updated);
          if (ref && pollsMode(updated.chat_id) === 'buttons') {
            try {
              await outbound.for(updated.chat_id).updatePoll?.(ref, viewOf(updated));
            } catch (err) {
              log.warn({ err: errorFields(err), poll: id }, 'could not update the poll in place');
            }
          }
          return { blocks: [p(`Poll #${id} will close on `, closeTimeInline(updated)!, ' and post its results here.')] };
        }
      }
      let meeting: MeetingRef;
      if (meetingId) meeting = meetingRef(meetingId);
      else {
        const next = deps.undated.current(ctx.now);
        if (!next) return noMeetingReply('/poll', '');
        meeting = next;
      }
      return openPoll(ctx, meeting, anonymous ?? true, close);
    },
  };

  const voteCommand: CommandSpec = {
    name: 'vote',
    usage: VOTE_USAGE,
    description: 'Vote in an agenda poll where the chat has no poll buttons (send again to take it back)',
    access: 'member',
    group: 'Agenda',
    async run(ctx) {
      const words = ctx.args.split(/\s+/).filter(Boolean);
      const n = words[0] !== undefined && /^\d{1,3}$/.test(words[0]) ? Number(words[0]) : undefined;
      if (n === undefined || words.length > 2) {
        return refusal(p('Use: ', code(VOTE_USAGE), ', e.g. ', code('/vote 2'), '. Sending the same again takes the vote back.'));
      }
      const chatId = ctx.msg.chat.id;
      let target: PollRow | undefined;
      if (words[1] !== undefined) {
        const id = parsePollId(words[1]);
        target = id === undefined ? undefined : repo.poll.get(id);
        if (!target || target.status !== 'open' || target.chat_id !== chatId) {
          return refusal(p(`There is no open poll ${clip(words[1], 20)} in this chat.`));
        }
      } else {
        const here = openPollsHere(chatId);
        if (here.length === 0) return refusal(p('No poll is open in this chat.'));
        if (here.length > 1) {
          return refusal(
            p(`${here.length} polls are open here: ${here.map((r) => `#${r.id} (${meetingRef(r.meeting_id).title})`).join(', ')}. `),
            p('Add the poll number, e.g. ', code(`/vote ${n} ${here[0]!.id}`), '.'),
          );
        }
        target = here[0]!;
      }
      if (pollsMode(chatId) === 'native' && target.message_id != null) {
        return refusal(p('Please vote in the poll message itself.'));
      }
      const count = optionsOf(target).length;
      if (n < 1 || n > count) return refusal(p(`Poll #${target.id} has options 1 to ${count}.`));
      const result = await voteWithChange({ pollId: target.id, user: { id: ctx.actor.id, ...(ctx.actor.name ? { name: ctx.actor.name } : {}) }, optionIndexes: [n - 1], toggle: true });
      if (!result) return refusal(p(`Poll #${target.id} is closed.`));
      const { view } = result;
      const takenBack = result.removed.includes(n - 1);
      const status = target.anonymous
        ? takenBack
          ? `Your vote for option ${n} is taken back. Anonymous poll: only the totals are kept.`
          : `Your vote for option ${n} is recorded. Anonymous poll: only the totals are kept. Sending the same again takes it back.`
        : takenBack
          ? `Your vote for option ${n} is taken back.`
          : `Your vote for option ${n} is recorded (named poll: voters are recorded).`;
      return {
        blocks: [
          p(status),
          { type: 'list', ordered: true, items: view.options.map((o) => [`${o.text} (${plural(o.votes ?? 0, 'vote')})`]) },
        ],
      };
    },
  };

  return [poll, voteCommand];
}
