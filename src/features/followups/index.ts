// Follow-ups (issue 15): the next steps of a meeting, carried to the next meeting of its series.
//
// - Each next-step entry of the practice base (kind next-step) is a follow-up of its meeting, and
//   the secretariat adds actions with /followup add; each has a status (open, in progress, done,
//   dropped) set with /followup <n> done|progress|drop [note] (audited). ./commands.ts.
// - detailsFor(): the open follow-ups of the previous meeting of the same series, for the next
//   meeting's details (/meeting <id>) and its reminders (the meetings feature calls it).
// - A co-chair makes one an agenda suggestion with /followup <n> suggest or a button on the list.
// - openOfLatest(): what the weekly digest shows (src/features/digest/).
// Table: ./repo.ts (the only SQL on it). Other features through ./ports.ts only.
import type { Logger } from 'pino';
import type { Feature } from '../../core/feature.ts';
import { errorFields } from '../../core/logger.ts';
import type { Clock } from '../../core/ports.ts';
import type { Block } from '../../core/reply.ts';
import type { Store } from '../../store/store.ts';
import { ACTION_PREFIX, createFollowupCommands } from './commands.ts';
import { createFollowupModel, isOpen, STATUS_LABEL } from './model.ts';
import type { FollowupAgenda, FollowupAudit, FollowupKnowledge, FollowupMeetings } from './ports.ts';
import { createFollowupsRepo } from './repo.ts';

export type { FollowupAgenda, FollowupAudit, FollowupKnowledge, FollowupMeeting, FollowupMeetings, NextStepEntry } from './ports.ts';
export { FOLLOWUP_USAGE, FOLLOWUPS_USAGE, MAX_FOLLOWUP } from './commands.ts';

export interface FollowupsDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  meetings: FollowupMeetings;
  knowledge: FollowupKnowledge;
  agenda: FollowupAgenda;
  audit: FollowupAudit;
  /** COMMUNITY: its series is preferred where no meeting is named (/followups, /followup add). */
  community?: string;
}

/** Open follow-ups of one meeting, for another feature's reply. */
export interface OpenFollowups {
  meeting: { id: string; title: string; dateText: string };
  items: { n: number; text: string; status: string }[];
  /** Follow-ups of that meeting, open or not. */
  total: number;
}

export interface FollowupsFeature extends Feature {
  /** Blocks for a meeting's details (or, `compact`, its reminder): the open follow-ups of the
   *  previous meeting of its series, when the meeting is still to come. A query (no write). */
  detailsFor(meetingId: string, now: Date, compact?: boolean): Block[];
  /** The open follow-ups of the latest meeting held that has any open (the digest). A query. */
  openOfLatest(now: Date): OpenFollowups | undefined;
  /** Takes the practice base's next steps into the table (on start, on a tick, before commands). */
  sync(now: Date): void;
}

const DETAILS_MAX = 10;
const REMINDER_MAX = 5;

export function createFollowups(deps: FollowupsDeps): FollowupsFeature {
  const { store } = deps;
  const log = deps.log.child({ module: 'followups' });
  const repo = createFollowupsRepo(store);
  const model = createFollowupModel({ store, repo, meetings: deps.meetings, knowledge: deps.knowledge, ...(deps.community ? { community: deps.community } : {}) });
  const { commands, action } = createFollowupCommands({ store, log, repo, model, agenda: deps.agenda, audit: deps.audit });
  // The base's next steps are in the table from the start (then after each reload, on a tick).
  try {
    model.sync(deps.clock.now());
  } catch (err) {
    log.warn({ err: errorFields(err) }, 'could not take the practice base next steps into the follow-ups');
  }

  function openOf(meetingId: string) {
    const rows = model.ofMeeting(meetingId);
    return { open: rows.filter(isOpen), total: rows.length };
  }

  return {
    name: 'followups',
    commands,
    actions: { [ACTION_PREFIX]: action },
    sync: (now) => model.sync(now),

    detailsFor(meetingId, now, compact = false) {
      const m = model.meeting(meetingId, now);
      if (!m || m.past || m.cancelled) return [];
      const prev = model.previousOf(m, now);
      if (!prev) return [];
      const { open } = openOf(prev.id);
      if (!open.length) return [];
      const max = compact ? REMINDER_MAX : DETAILS_MAX;
      const blocks: Block[] = [
        { type: 'paragraph', parts: [{ text: `Open follow-ups from the ${prev.title}`, bold: true }] },
        {
          type: 'list',
          items: open.slice(0, max).map((r) => [`#${r.id} ${r.text}${r.status === 'in-progress' ? ' (in progress)' : ''}`]),
        },
      ];
      if (open.length > max || compact) {
        blocks.push({
          type: 'paragraph',
          parts: [open.length > max ? `…and ${open.length - max} more: ` : 'All follow-ups: ', { text: `/followups ${prev.id}`, code: true }],
        });
      }
      return blocks;
    },

    openOfLatest(now) {
      const m = model.latestWithFollowups(now, true);
      if (!m) return undefined;
      const { open, total } = openOf(m.id);
      return {
        meeting: { id: m.id, title: m.title, dateText: m.dateText },
        items: open.map((r) => ({ n: r.id, text: r.text, status: STATUS_LABEL[r.status] })),
        total,
      };
    },

    async tick(now) {
      model.sync(now);
    },
  };
}
