// Agenda suggestions, polls and votes, unanswered-question gaps and answer feedback (issue 3, part B).
//
// - /suggest [<meeting id>] <text>: 3-300 characters, personal data refused (./pii.ts), a near
//   duplicate of an existing suggestion for the same meeting counts as a +1 (./similar.ts).
// - /agenda [<meeting id>]: suggestions ranked by support.
// - /poll [named] [<meeting id>] [close-at <YYYY-MM-DD> <HH:MM> <zone>] / /poll close [<poll id>]:
//   the top suggestions (at most 10) as a poll; anonymous by default (totals only), named on request.
//   `/poll close-at ...` sets the close time of the poll open in this chat, or, when none is open,
//   opens one with that close time. Polls close by command or in tick() at their close time; the
//   results are posted ranked and saved as the meeting's agenda.
// - /vote <option number> [<poll id>]: for chats without polls or buttons (console); toggles.
// - vote()/pollTotals(): the one entry point every platform feeds.
// - /gaps: questions /ask could not answer (kept without the asker, personal data masked, purged
//   after gapsRetentionDays) and the helpful / not helpful counts.
import { createHmac, randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { CommandContext, CommandSpec } from '../../commands/types.ts';
import { errorFields } from '../../core/logger.ts';
import { isBusyError } from '../../store/busy.ts';
import { createLru } from '../../core/lru.ts';
import type { SentRef, VoteInput } from '../../core/ports.ts';
import type { Block, Inline, PollView, Reply } from '../../core/reply.ts';
import { hasTakenPlace } from '../meetings.ts';
import { canonicalZone, cleanText } from '../parse.ts';
import { formatWithZone } from '../zones.ts';
import { PERSONAL_DATA_LABEL, personalDataKinds, redactPersonalData } from './pii.ts';
import { createAgendaRepo, type MeetingInfoRow, type PollRow } from './repo.ts';
import { findSimilar, normalise } from './similar.ts';
import type { Agenda, AgendaDeps, FeedbackOutcome, FeedbackVote } from './types.ts';

export const MIN_SUGGESTION = 3;
export const MAX_SUGGESTION = 300;
/** A suggestion needs at least this many letters or digits ("---" or "!!!" is not an agenda item). */
export const MIN_SUGGESTION_ALNUM = 3;
/** How many answers' feedback voters are remembered (in memory only). The core forgets a button's
 *  token after 5,000 newer answers; this keeps more, so a token the core still honours is known. */
export const FEEDBACK_TOKENS = 20_000;
export const MAX_POLL_OPTIONS = 10;
export const MAX_GAP_CHARS = 500;
const DAY_MS = 86_400_000;

export const SUGGEST_USAGE = '/suggest [<meeting id>] <text>';
export const POLL_USAGE = '/poll [named] [close-at <YYYY-MM-DD> <HH:MM> <IANA zone>] | /poll close';
export const VOTE_USAGE = '/vote <option number> [<poll id>]';
const CLOSE_AT_EXAMPLE = '/poll close-at 2026-12-01 18:00 Europe/Sofia';

const ANON_NOTE = 'Anonymous poll: only the totals are kept, not who voted for what.';
const NAMED_NOTE = 'Named poll: voters are recorded.';

const p = (...parts: Inline[]): Block => ({ type: 'paragraph', parts });
const code = (t: string): Inline => ({ text: t, code: true });
const refusal = (...blocks: Block[]): Reply => ({ blocks, refusal: true });
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const chars = (s: string) => [...s].length;
const clip = (s: string, n: number) => (chars(s) > n ? `${[...s].slice(0, n - 1).join('')}…` : s);

export function createAgenda(deps: AgendaDeps): Agenda {
  const { store, clock, outbound, meetings, audit } = deps;
  const log = deps.log;
  const repo = createAgendaRepo(store);
  /** Polls being closed right now (command and timer may race). */
  const closing = new Set<number>();
  const suggestionsBy = store.db.prepare<[string, string], { n: number }>(
    'SELECT COUNT(*) AS n FROM agenda_suggestions WHERE meeting_id = ? AND proposer_id = ?',
  );

  // ---------------------------------------------------------------------------------------------
  // Meetings

  interface MeetingRef {
    id: string;
    title: string;
    /** "7th COLEP meeting, Thu 10 Dec 2026" */
    label: string;
  }

  function meetingRef(id: string, fallbackTitle?: string): MeetingRef {
    const row = repo.meetingInfo.get(id);
    const title = row?.title ?? fallbackTitle ?? deps.engine.base.meetings.find((m) => m.id === id)?.title ?? id;
    let when: string | undefined;
    if (row?.starts_at != null) {
      when = DateTime.fromMillis(row.starts_at, { zone: row.zone ?? 'UTC' }).setLocale('en-GB').toFormat('ccc d LLL yyyy');
    } else {
      when = row?.date_label ?? row?.date_start ?? undefined;
    }
    return { id, title, label: when ? `${title}, ${when}` : title };
  }

  /** meetings.ts's hasTakenPlace on the fields of a meeting row it reads. */
  const takenPlace = (r: MeetingInfoRow, now: Date): boolean =>
    hasTakenPlace(
      {
        cancelled: r.cancelled === 1,
        ...(r.starts_at !== null ? { startsAt: new Date(r.starts_at) } : {}),
        status: r.status,
        ...(r.date_start ? { dateStart: r.date_start } : {}),
        ...(r.date_end ? { dateEnd: r.date_end } : {}),
      },
      now,
    );

  /** Why suggestions / polls for this meeting make no sense any more, if so: cancelled, or taken
   *  place (timed and begun, held, or an undated one whose whole date window has passed, e.g. the
   *  4th COLEP meeting, "September or October 2023"). */
  function meetingClosedReason(id: string, now: Date): string | undefined {
    const row = repo.meetingInfo.get(id);
    if (!row) return undefined;
    if (row.cancelled) return 'was cancelled';
    if (takenPlace(row, now)) return 'has already taken place';
    return undefined;
  }

  const noMeetingReply = (command: string, example: string): Reply =>
    refusal(
      p('There is no upcoming meeting with a date yet, so I do not know which meeting this is for. '),
      p('Give the meeting id after the command: ', code(`${command} <meeting id> ${example}`.trim()), '. ', 'The ids are listed by ', code('/meetings'), '.'),
    );

  /** First segments of the hyphenated meeting ids known (e.g. "colep" from colep-4). */
  function idPrefixes(): Set<string> {
    const ids = [...repo.meetingIds.all().map((r) => r.id), ...deps.engine.base.meetings.map((m) => m.id)];
    return new Set(ids.filter((id) => id.includes('-')).map((id) => id.slice(0, id.indexOf('-')).toLowerCase()));
  }

  /** Whether a word has the shape of a meeting id, as ids are made: m1, m2, ... for meetings added
   *  in chat (meetings.ts), and the practice base's slugs such as colep-4 or
   *  europol-2024-digital-smuggling (lower-case words joined by hyphens, with a digit, starting
   *  with the first word of a known id). Ordinary words ("Encryption", "cross-border", "covid-19",
   *  "2024-2025") are not. */
  function idShaped(word: string): boolean {
    const w = word.toLowerCase();
    if (/^m\d{1,9}$/.test(w)) return true;
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)+$/.test(w) || !/\d/.test(w)) return false;
    return idPrefixes().has(w.slice(0, w.indexOf('-')));
  }

  /** A word given where a meeting id may stand: the meeting's id (case as typed or lower case),
   *  'unknown' when it looks like an id but names no meeting, undefined when it is not an id. */
  function lookupMeeting(word: string): { id: string } | 'unknown' | undefined {
    if (meetings.meetingExists(word)) return { id: word };
    const lower = word.toLowerCase();
    if (lower !== word && meetings.meetingExists(lower)) return { id: lower };
    return idShaped(word) ? 'unknown' : undefined;
  }

  const unknownMeetingReply = (id: string): Reply =>
    refusal(p('There is no meeting with the id ', code(clip(id, 40)), '. See ', code('/meetings'), ' for the ids.'));

  // ---------------------------------------------------------------------------------------------
  // Polls: views and rendering

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

  const pollsMode = (chatId: string) => outbound.capabilitiesOf(chatId)?.polls ?? 'none';

  function closeTimeInline(poll: PollRow): Inline | undefined {
    if (poll.closes_at == null) return undefined;
    const at = new Date(poll.closes_at);
    return { time: at.toISOString(), fallback: formatWithZone(at, poll.closes_zone ?? 'UTC') };
  }

  function closingLine(poll: PollRow): Block {
    const t = closeTimeInline(poll);
    return t
      ? p('It closes by itself on ', t, ' (or earlier with ', code(`/poll close ${poll.id}`), ').')
      : p('The secretariat or a co-chair closes it with ', code('/poll close'), ', or sets a close time with ', code(CLOSE_AT_EXAMPLE), '.');
  }

  function ranked(view: PollView) {
    return [...view.options].sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0) || a.index - b.index);
  }

  function resultsReply(poll: PollRow, view: PollView, saved: { ok: true; label: string } | { ok: false; reason: string }, how: string): Reply {
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
        saved.ok
          ? p(`Saved as the agenda of ${saved.label}, in this order.`)
          : { type: 'notice', level: 'warning', text: `The results could not be saved as the meeting's agenda: ${saved.reason}.` },
      ],
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Opening, closing, voting

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
      return refusal(
        p(`Poll #${already.id} for ${meeting.label} is already open in this chat. `),
        p('Close it with ', code(`/poll close ${already.id}`), ' or set its close time with ', code(CLOSE_AT_EXAMPLE), '.'),
      );
    }
    const why = meetingClosedReason(meeting.id, ctx.now);
    if (why) return refusal(p(`${meeting.label} ${why}: there is nothing left to put to a vote.`));
    const late = close && closesTooLate(meeting.id, close, ctx.now);
    if (late) return late;

    const suggestions = repo.suggestionsOf.all(meeting.id);
    if (suggestions.length < 2) {
      return refusal(
        p(
          `A poll needs at least 2 suggestions to choose from, and ${meeting.label} has ${suggestions.length === 0 ? 'none' : 'only 1'} so far. `,
          'Members can add some with ',
          code(`/suggest ${meeting.id} <text>`),
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
          closingLine(poll),
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
        closingLine(poll),
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
        let saved: { ok: true; label: string } | { ok: false; reason: string };
        try {
          meetings.saveAgenda(
            closed.meeting_id,
            ranked(view).map((o) => ({ text: o.text, votes: o.votes ?? 0 })),
          );
          saved = { ok: true, label: meeting.label };
        } catch (err) {
          log.warn({ err: errorFields(err), poll: pollId, meeting: closed.meeting_id }, 'could not save the poll results as the agenda');
          saved = { ok: false, reason: deps.meetings.meetingExists(closed.meeting_id) ? 'the meeting could not be updated' : 'the meeting no longer exists' };
        }
        audit(actor, 'poll.close', `poll:${pollId}`, {
          meeting: closed.meeting_id,
          chat: closed.chat_id,
          reason,
          votes: view.options.reduce((n, o) => n + (o.votes ?? 0), 0),
          agendaSaved: saved.ok,
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

  // ---------------------------------------------------------------------------------------------
  // Commands

  const suggest: CommandSpec = {
    name: 'suggest',
    usage: SUGGEST_USAGE,
    description: 'Suggest an agenda item for the next meeting (or a given meeting)',
    access: 'member',
    group: 'Agenda',
    run(ctx) {
      const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(ctx.args);
      if (!m) {
        return refusal(
          p('Write your suggestion after the command, e.g. ', code('/suggest Encryption of seized mobile devices'), '.'),
          p('For a meeting other than the next one: ', code(SUGGEST_USAGE), '.'),
        );
      }
      let meeting: MeetingRef;
      let raw: string;
      const named = lookupMeeting(m[1]!);
      if (named === 'unknown') return unknownMeetingReply(m[1]!);
      if (named) {
        if (!m[2]?.trim()) {
          return refusal(p('Write the suggestion after the meeting id, e.g. ', code(`/suggest ${named.id} Encryption of seized mobile devices`), '.'));
        }
        meeting = meetingRef(named.id);
        raw = m[2];
      } else {
        const next = meetings.nextMeeting(ctx.now);
        if (!next) return noMeetingReply('/suggest', '<text>');
        meeting = meetingRef(next.id, next.title);
        raw = ctx.args;
      }
      const text = cleanText(raw);
      const n = chars(text);
      if (n < MIN_SUGGESTION) {
        return refusal(p(`That suggestion is too short (${plural(n, 'character')}): write at least ${MIN_SUGGESTION} characters.`));
      }
      if (n > MAX_SUGGESTION) {
        return refusal(
          p(
            `That suggestion is too long (${n.toLocaleString('en-GB')} characters): an agenda item has at most ${MAX_SUGGESTION}. `,
            'Please shorten it to a title-like line; details can go to the secretariat.',
          ),
        );
      }
      const alnum = (text.match(/[\p{L}\p{N}]/gu) ?? []).length;
      if (alnum < MIN_SUGGESTION_ALNUM) {
        return refusal(
          p(
            `I did not save this suggestion: it has ${alnum === 0 ? 'no letters or digits' : `only ${alnum} letter${alnum === 1 ? '' : 's'} or digit${alnum === 1 ? '' : 's'}`}. `,
            `An agenda item needs at least ${MIN_SUGGESTION_ALNUM} letters or digits, e.g. `,
            code('/suggest Encryption of seized mobile devices'),
            '.',
          ),
        );
      }
      const kinds = personalDataKinds(text);
      if (kinds.length) {
        const what = kinds.map((k) => PERSONAL_DATA_LABEL[k]);
        const list = what.length > 1 ? `${what.slice(0, -1).join(', ')} and ${what.at(-1)}` : what[0];
        log.info({ meeting: meeting.id, kinds }, 'suggestion refused: personal data');
        return refusal(
          p(
            `I did not save this suggestion: it seems to contain ${list}. `,
            'This is a law-enforcement group, so agenda suggestions must not carry personal data ',
            "(phone numbers, e-mail addresses, messenger handles, IP addresses, bank account, passport, ID or licence plate numbers, a person's name with a date of birth or address). ",
            'Please send it again without it.',
          ),
        );
      }
      const why = meetingClosedReason(meeting.id, ctx.now);
      if (why) return refusal(p(`${meeting.label} ${why}, so it takes no more suggestions. See `, code('/meetings'), '.'));

      const norm = normalise(text);
      const now = ctx.now.getTime();
      const userId = ctx.actor.id;
      const result = store.immediate(() => {
        const existing = repo.suggestionsOf.all(meeting.id);
        const similar = findSimilar(norm, existing);
        if (similar) {
          const added = repo.insertSupporter.run(similar.id, userId, now).changes > 0;
          return { kind: 'similar' as const, row: repo.suggestion.get(similar.id)!, added };
        }
        const cap = deps.maxOpenSuggestions;
        if (cap !== undefined && (suggestionsBy.get(meeting.id, userId)?.n ?? 0) >= cap) return { kind: 'capped' as const, cap };
        const info = repo.insertSuggestion.run(meeting.id, ctx.msg.chat.id, text, norm, userId, ctx.actor.name ?? null, now);
        const id = Number(info.lastInsertRowid);
        repo.insertSupporter.run(id, userId, now);
        return { kind: 'new' as const, row: repo.suggestion.get(id)! };
      });
      if (result.kind === 'capped') {
        log.info({ meeting: meeting.id, cap: result.cap }, 'suggestion refused: per-person cap');
        return refusal(
          p(
            `You already have ${plural(result.cap, 'suggestion')} for ${meeting.label}: one person can have at most ${result.cap} per meeting, so this one was not saved. `,
            'You can still support others\' suggestions; the co-chairs can merge or remove items (',
            code('/agenda'),
            ').',
          ),
        );
      }
      if (result.kind === 'new') {
        log.info({ suggestion: result.row.id, meeting: meeting.id }, 'suggestion saved');
        return {
          blocks: [
            p(`Thank you: suggestion #${result.row.id} is saved for ${meeting.label}:`),
            p(`"${result.row.text}"`),
            p('See all suggestions with ', code(meeting.id === meetings.nextMeeting(ctx.now)?.id ? '/agenda' : `/agenda ${meeting.id}`), '.'),
          ],
        };
      }
      const row = result.row;
      return {
        blocks: [
          p(`A similar suggestion is already on the list for ${meeting.label}, so yours was not added twice:`),
          p(`#${row.id} "${row.text}"`),
          p(
            result.added
              ? `I counted your +1 instead: it now has ${plural(row.support, 'supporter')}.`
              : `You already support it (${plural(row.support, 'supporter')}); nothing changed.`,
          ),
        ],
      };
    },
  };

  const agenda: CommandSpec = {
    name: 'agenda',
    usage: '/agenda [<meeting id>]',
    description: 'Agenda suggestions for the next meeting, ranked by support',
    access: 'member',
    group: 'Agenda',
    run(ctx) {
      const id = ctx.args.trim().split(/\s+/)[0] ?? '';
      let meeting: MeetingRef;
      if (id) {
        const named = lookupMeeting(id);
        if (named === undefined || named === 'unknown') return unknownMeetingReply(id);
        meeting = meetingRef(named.id);
      } else {
        const next = meetings.nextMeeting(ctx.now);
        if (!next) return noMeetingReply('/agenda', '');
        meeting = meetingRef(next.id, next.title);
      }
      const rows = repo.suggestionsOf.all(meeting.id);
      const open = openPollsHere(ctx.msg.chat.id, meeting.id)[0];
      if (rows.length === 0) {
        return {
          blocks: [
            { type: 'heading', text: `Agenda suggestions: ${meeting.label}` },
            p('No suggestions yet. Add one with ', code(id ? `/suggest ${meeting.id} <text>` : '/suggest <text>'), '.'),
          ],
        };
      }
      const shown = rows.slice(0, 50);
      return {
        blocks: [
          { type: 'heading', text: `Agenda suggestions: ${meeting.label}` },
          {
            type: 'list',
            ordered: true,
            items: shown.map((s) => [`${s.text} (${plural(s.support, 'supporter')})`]),
          },
          ...(rows.length > shown.length ? [p(`…and ${rows.length - shown.length} more with less support.`)] : []),
          open
            ? p(`Poll #${open.id} on these is open in this chat.`)
            : p('Add one with ', code(id ? `/suggest ${meeting.id} <text>` : '/suggest <text>'), '; suggesting a similar item counts as a +1.'),
        ],
      };
    },
  };

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

  /** A refusal when a poll on this meeting's agenda would close after the meeting starts. */
  function closesTooLate(meetingId: string, close: { at: Date; zone: string }, now: Date): Reply | undefined {
    const row = repo.meetingInfo.get(meetingId);
    if (row?.starts_at == null || close.at.getTime() <= row.starts_at) return undefined;
    const start = new Date(row.starts_at);
    const meeting = meetingRef(meetingId);
    // Example: 18:00 the day before the meeting, in its zone, when that is still ahead.
    const zone = row.zone ?? 'UTC';
    const eve = DateTime.fromMillis(row.starts_at, { zone }).minus({ days: 1 }).set({ hour: 18, minute: 0, second: 0, millisecond: 0 });
    const example = eve.toMillis() > now.getTime() ? `/poll close-at ${eve.toFormat('yyyy-MM-dd HH:mm')} ${zone}` : undefined;
    return refusal(
      p(
        'A poll must close by the start of the meeting it is for. ',
        `${meeting.title} starts on `,
        { time: start.toISOString(), fallback: formatWithZone(start, zone) },
        `, and ${formatWithZone(close.at, close.zone)} is after that.`,
      ),
      example ? p('Give an earlier close time, e.g. ', code(example), '.') : p('Give an earlier close time, or close the poll with ', code('/poll close'), '.'),
    );
  }

  const pollUsage = (problem?: string): Reply =>
    refusal(
      ...(problem ? [p(problem)] : []),
      p('Use: ', code('/poll'), ' (anonymous) or ', code('/poll named'), ', optionally with a meeting id; ', code(CLOSE_AT_EXAMPLE), ' to set a close time; ', code('/poll close'), ' to close and post the results.'),
    );

  const parsePollId = (w: string | undefined): number | undefined => {
    const m = w ? /^#?(\d{1,9})$/.exec(w) : null;
    return m ? Number(m[1]) : undefined;
  };

  async function pollCloseCommand(ctx: CommandContext, words: string[]): Promise<Reply | Reply[]> {
    const chatId = ctx.msg.chat.id;
    let target: PollRow | undefined;
    if (words.length > 1) return pollUsage(`I don't understand "${clip(words.slice(1).join(' '), 40)}".`);
    if (words[0] !== undefined) {
      const id = parsePollId(words[0]);
      if (id === undefined) return pollUsage(`"${clip(words[0], 40)}" is not a poll number.`);
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

  async function postTo(poll: PollRow, reply: Reply): Promise<void> {
    try {
      await outbound.for(poll.chat_id).send(poll.chat_id, reply, poll.thread_id ? { threadId: poll.thread_id } : undefined);
    } catch (err) {
      log.warn({ err: errorFields(err), poll: poll.id, chat: poll.chat_id }, 'could not post the poll results');
    }
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
          if (typeof r === 'string') return pollUsage(r);
          close = r;
          i += 3;
        } else if (parsePollId(w) !== undefined && close) pollId = parsePollId(w);
        else {
          const named = lookupMeeting(w);
          if (named === 'unknown') return unknownMeetingReply(w);
          if (!named) return pollUsage(`I don't understand "${clip(w, 40)}" (not a meeting id nor an option).`);
          meetingId = named.id;
        }
      }
      if (pollId !== undefined && !close) return pollUsage();

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
              p(`${here.length} polls are open in this chat. Add the poll number at the end, e.g. `, code(`${CLOSE_AT_EXAMPLE} ${here[0]!.id}`), '.'),
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
        const next = meetings.nextMeeting(ctx.now);
        if (!next) return noMeetingReply('/poll', '');
        meeting = meetingRef(next.id, next.title);
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

  // Answer feedback: one vote per person per answer (its button token), which they can change.
  // Who voted is kept only in memory, as HMAC-SHA256(random per-process key, token + user id), for
  // as long as the core can still resolve the token (its query memory is an in-process LRU of
  // 5,000 answers, so after a restart the buttons count nothing anyway). Nothing about voters
  // reaches the database, which keeps per-question totals only (as before). A database table of
  // hashed voters would outlive the tokens it guards for no gain and need a schema change.
  const feedbackKey = randomBytes(32);
  const feedbackVoters = createLru<string, { key: string; votes: Map<string, boolean> }>(FEEDBACK_TOKENS);

  /** A question as kept for /gaps: personal data masked, whitespace cleaned, at most `max` characters. */
  const maskedQuestion = (q: unknown, max: number) => clip(cleanText(redactPersonalData(cleanText(String(q ?? '')))), max);

  // Unanswered questions and answer feedback are written behind: queued, then written in one
  // transaction at most a second later, at 100 queued, before anything reads them, and at stop.
  // With synchronous=FULL each write is a disk sync, which an answer should not wait for. A batch
  // that cannot be written (disk full) is logged and dropped: these are statistics, not messages.
  type PendingWrite = { gap: [string, string, number, string | null] } | { feedback: { key: string; h: number; n: number; at: number } };
  const pending: PendingWrite[] = [];
  let flushTimer: { cancel(): void } | undefined;
  function flushWrites(): void {
    flushTimer?.cancel();
    flushTimer = undefined;
    if (pending.length === 0) return;
    const batch = pending.splice(0);
    try {
      store.immediate(() => {
        for (const w of batch) {
          if ('gap' in w) repo.insertGap.run(...w.gap);
          else repo.feedback.run(w.feedback);
        }
      });
    } catch (err) {
      // Another process holds the write lock: keep the batch (bounded) for the next try.
      if (isBusyError(err) && batch.length + pending.length <= 1000) {
        pending.unshift(...batch);
        flushTimer ??= clock.setTimeout(flushWrites, 1000);
        return;
      }
      log.error({ err: errorFields(err), dropped: batch.length }, 'could not save unanswered questions and feedback');
    }
  }
  function writeBehind(w: PendingWrite): void {
    pending.push(w);
    if (pending.length >= 100) flushWrites();
    else flushTimer ??= clock.setTimeout(flushWrites, 1000);
  }

  const gaps: CommandSpec = {
    name: 'gaps',
    usage: '/gaps',
    description: 'Questions the practice base could not answer, and answer feedback',
    access: 'secretariat',
    group: 'Administration',
    run(ctx) {
      flushWrites();
      const days = deps.gapsRetentionDays;
      const since = days > 0 ? ctx.now.getTime() - days * DAY_MS : 0;
      const groups = repo.gapGroups.all(since, 20);
      const count = repo.gapCount.get(since) ?? { n: 0, groups: 0 };
      const fb = repo.feedbackTotals.get();
      const worst = repo.feedbackWorst.all(10);
      const blocks: Block[] = [{ type: 'heading', text: 'Questions the practice base could not answer' }];
      if (groups.length === 0) blocks.push(p(`None${days > 0 ? ` in the last ${plural(days, 'day')}` : ''}.`));
      else {
        blocks.push(
          p(
            `${plural(count.n, 'question')} (${plural(count.groups, 'different one')})${days > 0 ? ` in the last ${plural(days, 'day')}` : ''}; most asked first. `,
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
      const helpful = fb?.helpful ?? 0;
      const notHelpful = fb?.not_helpful ?? 0;
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
    },
  };

  // ---------------------------------------------------------------------------------------------
  // The module

  function purge(now: Date): void {
    const days = deps.gapsRetentionDays;
    if (!(days > 0)) return;
    const cutoff = now.getTime() - days * DAY_MS;
    const g = repo.purgeGaps.run(cutoff).changes;
    const f = repo.purgeFeedback.run(cutoff).changes;
    if (g || f) log.info({ gaps: g, feedback: f, days }, 'purged old unanswered questions and feedback');
  }

  return {
    commands: [suggest, agenda, poll, voteCommand, gaps],
    vote,

    async pollTotals(platformPollId, totals) {
      const poll = repo.pollByPlatform.get(platformPollId);
      if (!poll || poll.status !== 'open' || !poll.anonymous) return;
      store.immediate(() => {
        const fresh = repo.poll.get(poll.id);
        if (!fresh || fresh.status !== 'open') return;
        const n = repo.anonOptions.all(poll.id).length;
        for (let i = 0; i < n; i++) repo.setTotal.run(Math.max(0, Math.trunc(Number(totals[i]) || 0)), poll.id, i);
      });
    },

    chatMigrated(from, to) {
      const r = store.immediate(() => ({
        suggestions: repo.moveSuggestions.run(to, from).changes,
        polls: repo.movePolls.run(to, from).changes,
      }));
      if (r.suggestions || r.polls) log.info({ from, to, ...r }, 'agenda moved to the new chat id');
    },

    chatGone(chatId) {
      const now = clock.now().getTime();
      const closed = store.immediate(() => {
        const ids: number[] = [];
        for (const poll of repo.openPollsIn.all(chatId)) {
          if (repo.markClosed.run(now, 'system', 'chat-gone', poll.id).changes === 0) continue;
          repo.deleteBallots.run(poll.id);
          audit('system', 'poll.close', `poll:${poll.id}`, { meeting: poll.meeting_id, chat: chatId, reason: 'chat-gone' });
          ids.push(poll.id);
        }
        return ids;
      });
      if (closed.length) log.info({ chat: chatId, polls: closed }, 'closed the polls of a chat the bot left');
    },

    recordGap(q, language) {
      const text = maskedQuestion(q, MAX_GAP_CHARS);
      if (!text) return;
      const lang = typeof language === 'string' && /^[a-z]{2,3}$/.test(language) ? language : null;
      writeBehind({ gap: [text, normalise(text), clock.now().getTime(), lang] });
    },

    recordFeedback(key: string, helpful: boolean, by?: FeedbackVote): FeedbackOutcome {
      // The key is the question that was answered: personal data is masked as in gaps.
      const k = maskedQuestion(key, 200);
      if (!k || (by && (!by.token || !by.voter))) return 'ignored';
      const at = clock.now().getTime();
      const count = (target: string, h: number, n: number) => writeBehind({ feedback: { key: target, h, n, at } });
      if (!by) {
        count(k, helpful ? 1 : 0, helpful ? 0 : 1);
        return 'new';
      }
      let answer = feedbackVoters.get(by.token);
      if (!answer) {
        // The totals belong to the question the token was first given for.
        answer = { key: k, votes: new Map() };
        feedbackVoters.set(by.token, answer);
      }
      const voter = createHmac('sha256', feedbackKey).update(`${by.token}\u0000${by.voter}`).digest('base64url');
      const before = answer.votes.get(voter);
      if (before === helpful) return 'same';
      answer.votes.set(voter, helpful);
      if (before === undefined) {
        count(answer.key, helpful ? 1 : 0, helpful ? 0 : 1);
        return 'new';
      }
      count(answer.key, helpful ? 1 : -1, helpful ? -1 : 1);
      return 'changed';
    },

    async tick(now) {
      for (const due of repo.duePolls.all(now.getTime())) {
        try {
          const result = await closePoll(due.id, 'system', 'timer');
          if (result) await postTo(result.poll, result.reply);
        } catch (err) {
          log.error({ err: errorFields(err), poll: due.id }, 'could not close a poll at its close time');
        }
      }
      try {
        flushWrites();
        purge(now);
      } catch (err) {
        log.error({ err: errorFields(err) }, 'could not purge old unanswered questions');
      }
    },

    nextDueAt() {
      flushWrites();
      const times: number[] = [];
      const close = repo.nextClose.get()?.at;
      if (close != null) times.push(close);
      const days = deps.gapsRetentionDays;
      if (days > 0) {
        const g = repo.oldestGap.get()?.at;
        if (g != null) times.push(g + days * DAY_MS);
        const f = repo.oldestFeedback.get()?.at;
        if (f != null) times.push(f + days * DAY_MS);
      }
      return times.length ? new Date(Math.min(...times)) : undefined;
    },

    openPolls() {
      return repo.openPolls.all().map((r) => viewOf(r));
    },

    flush: flushWrites,
  };
}
