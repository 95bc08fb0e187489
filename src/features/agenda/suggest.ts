// /suggest and /agenda: agenda suggestions for a meeting, 3-300 characters, personal data refused
// (src/shared/pii.ts), a near duplicate of an existing suggestion for the same meeting counting as
// a +1 (./near-duplicate.ts); /agenda lists them ranked by support, with their numbers for
// /agenda merge|remove (./housekeeping.ts). With no dated meeting ahead, both work on the undated
// agenda of the community's next meeting (./undated.ts).
import type { Logger } from 'pino';
import type { CommandSpec } from '../../commands/types.ts';
import { chars, clip, code, para as p, plural, refusal } from '../../core/reply-helpers.ts';
import { hasAccess } from '../../commands/refusals.ts';
import { cleanText } from '../../shared/text.ts';
import { PERSONAL_DATA_LABEL, personalDataKinds } from '../../shared/pii.ts';
import { normalise } from '../../shared/similar.ts';
import type { Store } from '../../store/store.ts';
import type { Housekeeping } from './housekeeping.ts';
import { MERGE_USAGE, REMOVE_USAGE } from './housekeeping.ts';
import { unknownMeetingReply, noMeetingReply, type MeetingRef, type MeetingRefs } from './meeting-ref.ts';
import type { NearDuplicates } from './near-duplicate.ts';
import type { Polls } from './polls.ts';
import type { AgendaRepo } from './repo.ts';
import type { Undated } from './undated.ts';

export const MIN_SUGGESTION = 3;
export const MAX_SUGGESTION = 300;
/** A suggestion needs at least this many letters or digits ("---" or "!!!" is not an agenda item). */
export const MIN_SUGGESTION_ALNUM = 3;
export const SUGGEST_USAGE = '/suggest [<meeting id>] <text>';

export interface SuggestDeps {
  store: Store;
  log: Logger;
  repo: AgendaRepo;
  refs: MeetingRefs;
  polls: Pick<Polls, 'openPollsHere'>;
  undated: Pick<Undated, 'current'>;
  duplicates: NearDuplicates;
  housekeeping: Housekeeping;
  /** Suggestions one person may have for one meeting (absent = no cap). */
  maxOpenSuggestions?: number;
}

export function createSuggestCommands(deps: SuggestDeps): CommandSpec[] {
  const { store, log, repo, refs } = deps;
  const { meetingRef } = refs;
  const lookupMeeting = refs.lookup;
  const openPollsHere = deps.polls.openPollsHere;

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
      let byDefault = false;
      const named = lookupMeeting(m[1]!);
      if (named === 'unknown') return unknownMeetingReply(m[1]!);
      if (named) {
        if (!m[2]?.trim()) {
          return refusal(p('Write the suggestion after the meeting id, e.g. ', code(`/suggest ${named.id} Encryption of seized mobile devices`), '.'));
        }
        meeting = meetingRef(named.id);
        raw = m[2];
      } else {
        const next = deps.undated.current(ctx.now);
        if (!next) return noMeetingReply('/suggest', '<text>');
        meeting = next;
        raw = ctx.args;
        byDefault = true;
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
      const why = refs.closedReason(meeting.id, ctx.now);
      if (why) return refusal(p(`${meeting.label} ${why}, so it takes no more suggestions. See `, code('/meetings'), '.'));

      const norm = normalise(text);
      const now = ctx.now.getTime();
      const userId = ctx.actor.id;
      const result = store.immediate(() => {
        const existing = repo.suggestionsOf.all(meeting.id);
        const similar = deps.duplicates.find(text, norm, existing);
        if (similar) {
          const added = repo.insertSupporter.run(similar.id, userId, now).changes > 0;
          return { kind: 'similar' as const, row: repo.suggestion.get(similar.id)!, added };
        }
        const cap = deps.maxOpenSuggestions;
        if (cap !== undefined && (repo.suggestionsBy.get(meeting.id, userId)?.n ?? 0) >= cap) return { kind: 'capped' as const, cap };
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
            ...(refs.isUndated(meeting.id)
              ? [p('No meeting has a date yet: the suggestions collected now move to the next meeting when the secretariat adds it.')]
              : []),
            p('See all suggestions with ', code(byDefault ? '/agenda' : `/agenda ${meeting.id}`), '.'),
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
    subcommands: [
      { usage: MERGE_USAGE, description: 'Fold suggestion m into n, combining their support', access: 'organiser' },
      { usage: REMOVE_USAGE, description: 'Take a suggestion off the agenda (its proposer is told)', access: 'organiser' },
    ],
    run(ctx) {
      const words = ctx.args.trim().split(/\s+/).filter(Boolean);
      const housekeeping = deps.housekeeping.run(ctx, words);
      if (housekeeping) return housekeeping;
      const id = words[0] ?? '';
      if (words.length > 1) {
        return refusal(
          p(`I don't understand "${clip(words.slice(1).join(' '), 40)}". Write `, code('/agenda'), ' or ', code('/agenda <meeting id>'), ', e.g. ', code('/agenda m1'), '.'),
        );
      }
      let meeting: MeetingRef;
      if (id) {
        const named = lookupMeeting(id);
        if (named === undefined || named === 'unknown') return unknownMeetingReply(id);
        meeting = meetingRef(named.id);
      } else {
        const next = deps.undated.current(ctx.now);
        if (!next) return noMeetingReply('/agenda', '');
        meeting = next;
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
            items: shown.map((s) => [`#${s.id} ${s.text} (${plural(s.support, 'supporter')})`]),
          },
          ...(rows.length > shown.length ? [p(`…and ${rows.length - shown.length} more with less support.`)] : []),
          open
            ? p(`Poll #${open.id} on these is open in this chat.`)
            : p('Add one with ', code(id ? `/suggest ${meeting.id} <text>` : '/suggest <text>'), '; suggesting a similar item counts as a +1.'),
          ...(refs.isUndated(meeting.id) ? [p('No meeting has a date yet: these move to the next meeting when the secretariat adds it.')] : []),
          ...(hasAccess('organiser', ctx.actor.roles) ? [p(code(MERGE_USAGE), ' folds #m into #n; ', code(REMOVE_USAGE), ' takes one off.')] : []),
        ],
      };
    },
  };

  return [suggest, agenda];
}
