// The meetings commands: /meetings and /meeting (details, ics; add, edit, cancel for the
// secretariat). A change is announced and its reminders adjusted through the MeetingNotices port.
// `/meeting edit` takes the whole line (time | title | place) or one field (./edit-fields.ts).
import type { Audit, CommandContext, CommandSpec } from '../../commands/types.ts';
import { roleRefusal } from '../../commands/refusals.ts';
import type { Block, Inline, Reply } from '../../core/reply.ts';
import type { Store } from '../../store/store.ts';
import { changedDetails, detailsOf, EDIT_FIELDS, FIELD_FORMS, fieldOf, parseFieldEdit, type EditField } from './edit-fields.ts';
import { humanDuration } from '../../shared/text.ts';
import { isTimed, timeInline, type MeetingRecord, type Meetings } from './meetings.ts';
import { LINK_EXAMPLE, MEETING_EXAMPLE, MEETING_SYNTAX, normaliseMeetingId, parseMeetingSpec, type MeetingSpec } from './parse.ts';
import type { AgendaHandOver, MeetingNotices } from './ports.ts';

export interface CommandsDeps {
  store: Store;
  /** Records privileged actions (the access feature). */
  audit: Audit;
  meetings: Meetings;
  notices: MeetingNotices;
  /** Suggestions collected before the meeting had a date move to it when it is added. */
  agenda?: AgendaHandOver;
}

const para = (...parts: Inline[]): Block => ({ type: 'paragraph', parts });
const refusal = (...blocks: Block[]): Reply => ({ refusal: true, blocks });
const EDIT_SYNTAX = '/meeting edit <id> <YYYY-MM-DD> <HH:MM> <IANA time zone> | <title> | <place or online>';

function syntaxHelp(kind: 'add' | 'edit', problem: string, id?: string): Reply {
  return refusal(
    { type: 'notice', level: 'error', text: problem },
    para('Write: ', { text: kind === 'add' ? MEETING_SYNTAX : EDIT_SYNTAX, code: true }),
    para(
      'For example: ',
      {
        text: kind === 'add' ? MEETING_EXAMPLE : MEETING_EXAMPLE.replace('/meeting add', `/meeting edit ${id ?? 'm1'}`),
        code: true,
      },
    ),
    para('The time zone is an IANA name (Region/City), e.g. Europe/Sofia, Europe/Paris, Asia/Baghdad, Asia/Dhaka, Asia/Karachi.'),
    ...(kind === 'add' ? [para('A video link may follow as a fourth part: ', { text: `| ${LINK_EXAMPLE}`, code: true }, '.')] : []),
    ...(kind === 'edit' ? [fieldFormsPara(id)] : []),
  );
}

/** "Or change one thing: /meeting edit m1 time ..., ... title ..., ..." */
function fieldFormsPara(id = '<id>'): Block {
  const parts: Inline[] = ['Or change one thing and keep the rest: '];
  EDIT_FIELDS.forEach((f, i) => parts.push(i ? ', ' : '', { text: FIELD_FORMS[f].syntax.replace('<id>', id), code: true }));
  parts.push('.');
  return para(...parts);
}

/** Bad input on a one-field edit: what is wrong, the syntax and an example. */
function fieldHelp(field: EditField, problem: string, id: string): Reply {
  return refusal(
    { type: 'notice', level: 'error', text: problem },
    para('Write: ', { text: FIELD_FORMS[field].syntax.replace('<id>', id), code: true }),
    para('For example: ', { text: FIELD_FORMS[field].example(id), code: true }),
  );
}

export const unknownMeeting = (id: string): Reply =>
  refusal(para(`There is no meeting "${id.slice(0, 64)}". `, { text: '/meetings', code: true }, ' lists them with their ids.'));

export function createMeetingCommands(deps: CommandsDeps): CommandSpec[] {
  const { store, audit, meetings, notices } = deps;

  const secretariatOnly = (ctx: CommandContext, usage: string): Reply | undefined =>
    ctx.actor.roles.has('secretariat') ? undefined : roleRefusal('secretariat', usage);

  /** What the secretariat sees after add/edit: times, awkward local times, who was told. */
  function scheduledReply(head: string, m: MeetingRecord, spec: MeetingSpec, announced: number, moved: boolean, now: Date): Reply {
    const blocks: Block[] = [
      { type: 'heading', text: `${head}: ${m.title}` },
      para('Id: ', { text: m.id, code: true }, '. Details: ', { text: `/meeting ${m.id}`, code: true }, '.'),
      para('When: ', ...(isTimed(m) ? meetings.whenWithEnd(m, now) : [timeInline(spec.startsAt, spec.zone)])),
      para(`Where: ${spec.place}`),
      ...meetings.linkBlocks(m),
    ];
    if (spec.ambiguityNote) blocks.push({ type: 'notice', level: 'info', text: spec.ambiguityNote });
    const lines = meetings.memberLines(spec.startsAt);
    if (lines.length) {
      blocks.push(para({ text: 'Local time in member countries', bold: true }));
      blocks.push({ type: 'list', items: lines });
    }
    const bad = meetings.inconvenient(spec.startsAt);
    if (bad.length) {
      blocks.push({
        type: 'notice',
        level: 'warning',
        text: `Outside working hours or on the weekend for ${bad.length} member ${bad.length === 1 ? 'country' : 'countries'}: ${bad.join('; ')}.`,
      });
    }
    blocks.push(
      para(
        announced ? `Announced to ${announced} subscribed chat${announced === 1 ? '' : 's'}. ` : 'No other subscribed chat to announce it to. ',
        notices.reminderNote(spec.startsAt, spec.zone, moved, now),
      ),
    );
    return { blocks };
  }

  function add(ctx: CommandContext, rest: string): Reply {
    const parsed = parseMeetingSpec(rest, ctx.now);
    if (!parsed.ok) return syntaxHelp('add', parsed.problem);
    const spec = parsed.value;
    const { id, announced, adopted } = store.immediate(() => {
      const id = meetings.insert(spec, ctx.actor.id, ctx.now);
      const adopted = deps.agenda?.adoptUndated(id, ctx.now) ?? 0;
      const m = meetings.get(id)!;
      audit(ctx.actor.id, 'meeting.add', id, {
        title: spec.title,
        startsAt: spec.startsAt.toISOString(),
        zone: spec.zone,
        place: spec.place,
        ...(spec.link ? { link: spec.link } : {}),
        lengthMs: m.lengthMs,
      });
      const announced = notices.meetingChanged({
        kind: 'added',
        meetingId: id,
        reply: meetings.announcementReply('added', m),
        by: ctx.actor.id,
        exceptChat: ctx.msg.chat.id,
        now: ctx.now,
      });
      return { id, announced, adopted };
    });
    notices.wake();
    const reply = scheduledReply('Meeting added', meetings.get(id)!, spec, announced, false, ctx.now);
    if (adopted) {
      reply.blocks.push(
        para(`${adopted === 1 ? '1 agenda suggestion' : `${adopted} agenda suggestions`} collected so far now belong${adopted === 1 ? 's' : ''} to this meeting: `, { text: '/agenda', code: true }, '.'),
      );
    }
    return reply;
  }

  function edit(ctx: CommandContext, rest: string): Reply {
    const m1 = /^(\S+)\s*([\s\S]*)$/.exec(rest);
    if (!m1) return syntaxHelp('edit', 'The meeting id is missing.');
    const id = normaliseMeetingId(m1[1]!);
    if (!id) return syntaxHelp('edit', `"${m1[1]!.slice(0, 40)}" is not a meeting id.`);
    const before = meetings.get(id);
    if (!before) return unknownMeeting(id);
    if (before.cancelled) {
      return refusal(para(`${before.title} (${id}) was cancelled. Add a new meeting with `, { text: '/meeting add', code: true }, ' instead.'));
    }
    if (meetings.isPast(before, ctx.now)) return refusal(para(`${before.title} (${id}) has already taken place, so it cannot be changed.`));
    const tail = m1[2] ?? '';
    // One field: `time|title|place|link|length <value>`; a word that is no field gets the forms.
    const word = /^([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(tail);
    if (word) {
      const field = fieldOf(word[1]!);
      if (!field) {
        return refusal(
          { type: 'notice', level: 'error', text: `I cannot change "${word[1]!.slice(0, 30)}" of a meeting.` },
          fieldFormsPara(id),
          para('Or give the whole line: ', { text: EDIT_SYNTAX.replace('<id>', id), code: true }, '.'),
        );
      }
      return editField(ctx, before, field, word[2] ?? '');
    }
    const parsed = parseMeetingSpec(tail, ctx.now);
    if (!parsed.ok) return syntaxHelp('edit', parsed.problem, id);
    return move(ctx, before, parsed.value);
  }

  /** Applies a new time, title and place (the whole-line edit, and `time`): a move restarts the
   *  meeting's reminders from the new time. Audited and announced. */
  function move(ctx: CommandContext, before: MeetingRecord, spec: MeetingSpec): Reply {
    const id = before.id;
    const moved = !isTimed(before) || before.startsAt.getTime() !== spec.startsAt.getTime();
    if (!moved && before.title === spec.title && before.place === spec.place && before.zone === spec.zone && (spec.link ?? before.link) === before.link) {
      return { blocks: [para(`Nothing changed: ${before.title} (${id}) already has that time, title and place.`)] };
    }
    const announced = store.immediate(() => {
      const current = meetings.get(id);
      if (!current || current.cancelled) return -1;
      meetings.update(id, spec, moved, ctx.now);
      const after = meetings.get(id)!;
      const was: Record<string, unknown> = { title: before.title, startsAt: before.startsAt?.toISOString(), zone: before.zone, place: before.place, ...(spec.link ? { link: before.link ?? null } : {}) };
      const next: Record<string, unknown> = { title: spec.title, startsAt: spec.startsAt.toISOString(), zone: spec.zone, place: spec.place, ...(spec.link ? { link: spec.link } : {}) };
      // Only what changed, so /audit (which shortens long lines) shows the new time however long the title.
      const changed = Object.keys(next).filter((k) => was[k] !== next[k]);
      const keep = (o: Record<string, unknown>) => (changed.length ? Object.fromEntries(changed.map((k) => [k, o[k]])) : o);
      audit(ctx.actor.id, 'meeting.edit', id, { before: keep(was), after: keep(next) });
      // A move starts that meeting's reminders again from the new time (offsets already past are skipped).
      return notices.meetingChanged({
        kind: 'changed',
        meetingId: id,
        moved,
        reply: meetings.announcementReply('changed', after, before),
        by: ctx.actor.id,
        exceptChat: ctx.msg.chat.id,
        now: ctx.now,
      });
    });
    if (announced < 0) return unknownMeeting(id);
    notices.wake();
    return scheduledReply('Meeting changed', meetings.get(id)!, spec, announced, moved, ctx.now);
  }

  /** `/meeting edit <id> <field> <value>`: that field changes, the rest stays. */
  function editField(ctx: CommandContext, before: MeetingRecord, field: EditField, value: string): Reply {
    const id = before.id;
    const parsed = parseFieldEdit(field, value, before, ctx.now);
    if (!parsed.ok) return fieldHelp(field, parsed.problem, id);
    const edit = parsed.value;
    if (edit.kind === 'time') {
      const w = edit.when;
      return move(ctx, before, { ...w, title: before.title, place: before.place ?? '', virtual: before.virtual });
    }
    const changes = changedDetails(detailsOf(before), edit.details);
    if (!changes.length) return { blocks: [para(`Nothing changed: ${before.title} (${id}) already has that ${field}.`)] };
    const announced = store.immediate(() => {
      const current = meetings.get(id);
      if (!current || current.cancelled) return -1;
      meetings.updateDetails(id, edit.details, ctx.now);
      const after = meetings.get(id)!;
      audit(ctx.actor.id, 'meeting.edit', id, {
        field,
        before: Object.fromEntries(changes.map((c) => [c.field, c.before])),
        after: Object.fromEntries(changes.map((c) => [c.field, c.after])),
      });
      // Not moved: the reminders stay as they are; they will show the new details.
      return notices.meetingChanged({
        kind: 'changed',
        meetingId: id,
        moved: false,
        reply: meetings.announcementReply('changed', after, before),
        by: ctx.actor.id,
        exceptChat: ctx.msg.chat.id,
        now: ctx.now,
      });
    });
    if (announced < 0) return unknownMeeting(id);
    notices.wake();
    const after = meetings.get(id)!;
    const shown = (f: string, v: unknown): string =>
      v === null || v === undefined ? 'none' : f === 'lengthMs' ? humanDuration(Number(v)) : String(v);
    const label: Record<string, string> = { title: 'Title', place: 'Place', link: 'Video link', lengthMs: 'Length' };
    return {
      blocks: [
        { type: 'heading', text: `Meeting changed: ${after.title}` },
        { type: 'list', items: changes.map((c) => [`${label[c.field] ?? c.field}: ${shown(c.field, c.before)} -> ${shown(c.field, c.after)}`]) },
        para('When: ', ...meetings.whenWithEnd(after, ctx.now)),
        para(
          'Id: ', { text: id, code: true }, '. Details: ', { text: `/meeting ${id}`, code: true }, '. ',
          announced ? `Announced to ${announced} subscribed chat${announced === 1 ? '' : 's'}.` : 'No other subscribed chat to announce it to.',
          ' The reminders keep their times.',
        ),
      ],
    };
  }

  function cancel(ctx: CommandContext, rest: string): Reply {
    const raw = rest.trim().split(/\s+/)[0] ?? '';
    if (!raw) return refusal(para('Write ', { text: '/meeting cancel <id>', code: true }, ', e.g. ', { text: '/meeting cancel m1', code: true }, '.'));
    const id = normaliseMeetingId(raw);
    const m = id ? meetings.get(id) : undefined;
    if (!id || !m) return unknownMeeting(id ?? raw);
    if (m.cancelled) return { blocks: [para(`${m.title} (${id}) is already cancelled.`)] };
    if (meetings.isPast(m, ctx.now)) return refusal(para(`${m.title} (${id}) has already taken place, so it cannot be cancelled.`));
    const announced = store.immediate(() => {
      meetings.cancel(id, ctx.now);
      audit(ctx.actor.id, 'meeting.cancel', id, { title: m.title });
      const after = meetings.get(id)!;
      return notices.meetingChanged({
        kind: 'cancelled',
        meetingId: id,
        reply: meetings.announcementReply('cancelled', after),
        by: ctx.actor.id,
        exceptChat: ctx.msg.chat.id,
        now: ctx.now,
      });
    });
    notices.wake();
    return {
      blocks: [
        { type: 'heading', text: `Meeting cancelled: ${m.title}` },
        para(`No more reminders will go out for it. ${announced ? `Announced to ${announced} subscribed chat${announced === 1 ? '' : 's'}.` : ''}`),
      ],
    };
  }

  const meetingsCmd: CommandSpec = {
    name: 'meetings',
    usage: '/meetings',
    description: 'Upcoming meetings, with ids for /meeting',
    access: 'member',
    group: 'Meetings',
    run: (ctx) => meetings.listReply(ctx.now),
  };

  const meetingCmd: CommandSpec = {
    name: 'meeting',
    usage: '/meeting <id> [ics]',
    description: 'Meeting details and calendar file (ics)',
    access: 'member',
    group: 'Meetings',
    subcommands: [
      { usage: MEETING_SYNTAX, description: 'Add a meeting and announce it', access: 'secretariat' },
      { usage: EDIT_SYNTAX, description: 'Move or rename a meeting', access: 'secretariat' },
      { usage: '/meeting edit <id> time|title|place|link|length <value>', description: 'Change one thing of a meeting, keep the rest', access: 'secretariat' },
      { usage: '/meeting cancel <id>', description: 'Cancel a meeting', access: 'secretariat' },
    ],
    run(ctx) {
      const m = /^(\S+)\s*([\s\S]*)$/.exec(ctx.args);
      if (!m) {
        return {
          blocks: [
            para({ text: '/meeting <id>', code: true }, ' shows a meeting; ', { text: '/meeting <id> ics', code: true }, ' gives a calendar file. ', { text: '/meetings', code: true }, ' lists the ids.'),
            para('Secretariat: ', { text: MEETING_SYNTAX, code: true }, ', ', { text: '/meeting edit <id> ...', code: true }, ', ', { text: '/meeting cancel <id>', code: true }, '.'),
          ],
        };
      }
      const word = m[1]!.toLowerCase();
      const rest = m[2] ?? '';
      if (word === 'add' || word === 'edit' || word === 'cancel') {
        const denied = secretariatOnly(ctx, word === 'add' ? MEETING_SYNTAX : word === 'edit' ? EDIT_SYNTAX : '/meeting cancel <id>');
        if (denied) return denied;
        return word === 'add' ? add(ctx, rest) : word === 'edit' ? edit(ctx, rest) : cancel(ctx, rest);
      }
      const id = normaliseMeetingId(word);
      const meeting = id ? meetings.get(id) : undefined;
      if (!id || !meeting) return unknownMeeting(m[1]!);
      const tail = rest.trim().toLowerCase();
      if (tail === 'ics' || tail === 'ical' || tail === 'calendar') return meetings.icsReply(meeting, ctx.now);
      if (tail) return refusal(para('Write ', { text: `/meeting ${id}`, code: true }, ' or ', { text: `/meeting ${id} ics`, code: true }, '.'));
      return meetings.detailsReply(meeting, ctx.now, { secretariat: ctx.actor.roles.has('secretariat') });
    },
  };

  return [meetingsCmd, meetingCmd];
}
