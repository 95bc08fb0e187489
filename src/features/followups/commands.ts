// /followups [<meeting id>] (members of an allowed chat) and /followup add [<meeting id>] <text>,
// /followup <n> done|progress|drop [note] (secretariat, audited), /followup <n> suggest (co-chairs
// and the secretariat; also a button on the /followups list): a follow-up becomes an agenda
// suggestion for the next meeting of its series, through the agenda port.
import type { Logger } from 'pino';
import type { ActionContext, ActionHandler } from '../../core/feature.ts';
import type { CommandSpec } from '../../commands/types.ts';
import { hasAccess, roleRefusal } from '../../commands/refusals.ts';
import type { Block, Button, Inline, Reply } from '../../core/reply.ts';
import { chars, clip, code, para as p, refusal, say } from '../../core/reply-helpers.ts';
import { cleanText } from '../../shared/text.ts';
import { PERSONAL_DATA_LABEL, personalDataKinds } from '../../shared/pii.ts';
import type { Store } from '../../store/store.ts';
import { isOpen, STATUS_LABEL, type FollowupModel } from './model.ts';
import type { FollowupAgenda, FollowupAudit, FollowupMeeting } from './ports.ts';
import type { FollowupRow, FollowupsRepo, FollowupStatus } from './repo.ts';

export const FOLLOWUPS_USAGE = '/followups [<meeting id>]';
export const FOLLOWUP_USAGE = '/followup add [<meeting id>] <text> | /followup <n> done|progress|drop [note] | /followup <n> suggest';
export const MIN_FOLLOWUP = 3;
export const MAX_FOLLOWUP = 300;
export const MAX_NOTE = 300;
/** Buttons on one /followups list (one per open follow-up). */
const MAX_BUTTONS = 5;
export const ACTION_PREFIX = 'followup';

const VERBS: Record<string, FollowupStatus | 'suggest'> = {
  done: 'done',
  complete: 'done',
  completed: 'done',
  progress: 'in-progress',
  'in-progress': 'in-progress',
  started: 'in-progress',
  drop: 'dropped',
  dropped: 'dropped',
  open: 'open',
  reopen: 'open',
  suggest: 'suggest',
};

const statusUsage = (n: number | string = 3): Block =>
  p('Write ', code('/followup <n> done|progress|drop [note]'), ', e.g. ', code(`/followup ${n} done Shared with all members`), '.');
const addUsage = (): Block => p('Write ', code('/followup add [<meeting id>] <text>'), ', e.g. ', code('/followup add colep-3 Share the contact list of national focal points'), '.');

export interface FollowupCommandDeps {
  store: Store;
  log: Logger;
  repo: FollowupsRepo;
  model: FollowupModel;
  agenda: FollowupAgenda;
  audit: FollowupAudit;
}

export function createFollowupCommands(deps: FollowupCommandDeps): { commands: CommandSpec[]; action: ActionHandler } {
  const { store, log, repo, model, audit } = deps;

  const heading = (m: FollowupMeeting) => `Follow-ups: ${m.title} (${m.dateText})`;
  const line = (r: FollowupRow): Inline[] => [
    { text: `#${r.id}`, bold: true },
    ` ${r.text} - ${STATUS_LABEL[r.status]}`,
    r.note ? ` (${r.note})` : '',
  ];

  /** A text typed for a follow-up or a note: cleaned, or a refusal. */
  function checkText(raw: string, what: 'follow-up' | 'note', min: number, max: number): string | Reply {
    const text = cleanText(raw);
    const n = chars(text);
    if (n < min) return refusal(p(`That ${what} is too short: write at least ${min} characters.`), what === 'note' ? statusUsage() : addUsage());
    if (n > max) return refusal(p(`That ${what} is too long (${n.toLocaleString('en-GB')} characters): at most ${max}. Please shorten it.`));
    if (what === 'follow-up' && (text.match(/[\p{L}\p{N}]/gu) ?? []).length < 3) {
      return refusal(p('A follow-up needs at least 3 letters or digits.'), addUsage());
    }
    const kinds = personalDataKinds(text);
    if (kinds.length) {
      log.info({ kinds }, `${what} refused: personal data`);
      return refusal(
        p(
          `I did not save this ${what}: it seems to contain ${kinds.map((k) => PERSONAL_DATA_LABEL[k]).join(', ')}. `,
          'This is a law-enforcement group, so follow-ups must not carry personal data. Please send it again without it.',
        ),
      );
    }
    return text;
  }

  function listReply(ctxNow: Date, meetingArg: string): Reply {
    model.sync(ctxNow);
    let m: FollowupMeeting | undefined;
    if (meetingArg) {
      m = model.meeting(meetingArg, ctxNow) ?? model.meeting(meetingArg.toLowerCase(), ctxNow);
      if (!m) return refusal(p('There is no meeting with the id ', code(clip(meetingArg, 40)), '. See ', code('/meetings'), ' for the ids.'), p('Write ', code(FOLLOWUPS_USAGE), ', e.g. ', code('/followups colep-3'), '.'));
    } else {
      m = model.latestWithFollowups(ctxNow);
      if (!m) return say('No follow-ups are recorded yet. The secretariat can add one with ', code('/followup add <text>'), '.');
    }
    const rows = model.ofMeeting(m.id);
    if (!rows.length) {
      return {
        blocks: [{ type: 'heading', text: heading(m) }, p('No follow-ups are recorded for this meeting. The secretariat can add one with ', code(`/followup add ${m.id} <text>`), '.')],
      };
    }
    const open = rows.filter(isOpen);
    const buttons: Button[][] = open.slice(0, MAX_BUTTONS).map((r) => [{ label: clip(`Suggest #${r.id} for the agenda`, 60), action: `${ACTION_PREFIX}:suggest:${r.id}` }]);
    return {
      blocks: [
        { type: 'heading', text: heading(m) },
        { type: 'list', items: rows.map(line) },
        p(`${open.length} of ${rows.length} still open. `, 'Secretariat: ', code('/followup <n> done|progress|drop [note]'), '. Co-chairs: ', code('/followup <n> suggest'), ' puts one on the next agenda.'),
      ],
      ...(buttons.length ? { buttons } : {}),
    };
  }

  async function suggest(ctx: ActionContext, n: number): Promise<Reply> {
    if (!ctx.chatAllowed) return refusal(p('Follow-ups are only available in chats the secretariat has approved.'));
    if (!hasAccess('organiser', ctx.actor.roles)) return roleRefusal('organiser', `/followup ${n} suggest`);
    model.sync(ctx.now);
    const r = model.get(n);
    if (!r) return unknownNumber(String(n));
    if (!isOpen(r)) return refusal(p(`Follow-up #${r.id} is ${STATUS_LABEL[r.status]}: only open follow-ups go on the agenda.`));
    const from = model.meeting(r.meeting_id, ctx.now);
    const target = from ? model.nextOf(from, ctx.now) : undefined;
    const out = await deps.agenda.suggest(ctx, target?.id, r.text);
    if (!out.refusal) {
      audit(ctx.actor.id, 'followup.suggest', `followup:${r.id}`, { meeting: r.meeting_id, ...(target ? { for: target.id } : {}) });
      log.info({ followup: r.id, for: target?.id }, 'follow-up suggested for the agenda');
    }
    return out;
  }

  const unknownNumber = (word: string): Reply =>
    refusal(p(`There is no follow-up #${clip(word, 20)}. See `, code('/followups'), ' for the numbers.'), statusUsage());

  const followups: CommandSpec = {
    name: 'followups',
    usage: FOLLOWUPS_USAGE,
    description: 'Follow-ups (next steps) of the last meeting, or of a given meeting, and their status',
    access: 'member',
    group: 'Meetings',
    run: (ctx) => listReply(ctx.now, ctx.args.trim().split(/\s+/)[0] ?? ''),
  };

  const followup: CommandSpec = {
    name: 'followup',
    usage: '/followup <n> done|progress|drop [note]',
    description: 'Add a follow-up or set its status (secretariat); put one on the agenda (co-chairs)',
    access: 'organiser',
    group: 'Meetings',
    subcommands: [
      { usage: '/followup add [<meeting id>] <text>', description: 'Add an action to a meeting (default: the last one held)', access: 'secretariat' },
      { usage: '/followup <n> done|progress|drop [note]', description: 'Set the status of a follow-up', access: 'secretariat' },
      { usage: '/followup <n> suggest', description: 'Make a follow-up an agenda suggestion for the next meeting', access: 'organiser' },
    ],
    async run(ctx) {
      const m = /^(\S+)(?:\s+(\S+))?(?:\s+([\s\S]*))?$/.exec(ctx.args.trim());
      if (!m) return refusal(p('Say what to do with which follow-up.'), statusUsage(), addUsage(), p('The numbers are in ', code('/followups'), '.'));
      const first = m[1]!.toLowerCase();
      const isSecretariat = ctx.actor.roles.has('secretariat');

      if (first === 'add') {
        if (!isSecretariat) return roleRefusal('secretariat', '/followup add <text>');
        model.sync(ctx.now);
        let meeting: FollowupMeeting | undefined;
        let raw = [m[2], m[3]].filter(Boolean).join(' ');
        const named = m[2] ? model.meeting(m[2], ctx.now) ?? model.meeting(m[2].toLowerCase(), ctx.now) : undefined;
        if (named) {
          meeting = named;
          raw = m[3] ?? '';
        } else {
          meeting = model.lastPast(ctx.now);
          if (!meeting) return refusal(p('No meeting has taken place yet, so there is nothing to follow up. Name the meeting: '), addUsage());
        }
        if (!raw.trim()) return refusal(p('Write the action after the command.'), addUsage());
        const text = checkText(raw, 'follow-up', MIN_FOLLOWUP, MAX_FOLLOWUP);
        if (typeof text !== 'string') return text;
        const now = ctx.now.getTime();
        const id = store.immediate(() => {
          const id = Number(repo.insert.run(meeting.id, text, ctx.actor.id, now, now).lastInsertRowid);
          audit(ctx.actor.id, 'followup.add', `followup:${id}`, { meeting: meeting.id });
          return id;
        });
        log.info({ followup: id, meeting: meeting.id }, 'follow-up added');
        return {
          blocks: [
            p(`Follow-up #${id} added to ${meeting.title}:`),
            p(`"${text}"`),
            p('See them all with ', code(`/followups ${meeting.id}`), '. This is recorded in the audit log.'),
          ],
        };
      }

      const num = /^#?(\d{1,9})$/.exec(first);
      if (!num) return refusal(p(`I don't understand "${clip(m[1]!, 40)}": give a follow-up number or add.`), statusUsage(), addUsage());
      const n = Number(num[1]);
      const verbWord = (m[2] ?? '').toLowerCase();
      if (!verbWord) return refusal(p(`Say what to do with follow-up #${n}: done, progress or drop.`), statusUsage(n));
      const verb = VERBS[verbWord];
      if (!verb) {
        return refusal(p(`"${clip(m[2]!, 30)}" is not a status: use done, progress or drop (or suggest, to put it on the agenda).`), statusUsage(n));
      }
      if (verb === 'suggest') return suggest(ctx, n);
      if (!isSecretariat) return roleRefusal('secretariat', '/followup <n> done|progress|drop [note]');
      model.sync(ctx.now);
      const row = model.get(n);
      if (!row) return unknownNumber(num[1]!);
      let note: string | null = null;
      if (m[3]?.trim()) {
        const t = checkText(m[3], 'note', 1, MAX_NOTE);
        if (typeof t !== 'string') return t;
        note = t;
      }
      if (row.status === verb && (note === null || note === row.note)) {
        return say(`Follow-up #${row.id} is already ${STATUS_LABEL[verb]}; nothing changed.`);
      }
      const now = ctx.now.getTime();
      store.immediate(() => {
        repo.setStatus.run(verb, note ?? (row.status === verb ? row.note : null), ctx.actor.id, now, row.id);
        audit(ctx.actor.id, 'followup.status', `followup:${row.id}`, { meeting: row.meeting_id, from: row.status, to: verb, ...(note ? { note } : {}) });
      });
      log.info({ followup: row.id, from: row.status, to: verb }, 'follow-up status set');
      return {
        blocks: [
          p(`Follow-up #${row.id} is now ${STATUS_LABEL[verb]}${note ? ` (${note})` : ''}:`),
          p(`"${row.text}"`),
          p('This is recorded in the audit log. See ', code(`/followups ${row.meeting_id}`), '.'),
        ],
      };
    },
  };

  const action: ActionHandler = async (input, ctx) => {
    const m = /^followup:suggest:(\d{1,9})$/.exec(input.action);
    if (!m) return undefined;
    return [await suggest(ctx, Number(m[1]))];
  };

  return { commands: [followups, followup], action };
}
