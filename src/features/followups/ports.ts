// What the follow-ups feature needs from other features, as small ports (wired in src/app.ts /
// src/community/index.ts). It never reads another feature's tables.
import type { ActionContext } from '../../core/feature.ts';
import type { Reply } from '../../core/reply.ts';
import type { Audit } from '../../commands/types.ts';

/** One meeting as the follow-ups see it, as of a given instant. */
export interface FollowupMeeting {
  id: string;
  title: string;
  /** COLEP, Europol ... (practice-base meetings); meetings added in chat have none. */
  series?: string;
  /** Orders meetings in time (start, or the first day of an approximate date). */
  sortAt: Date;
  /** Has taken place by the instant asked about. */
  past: boolean;
  cancelled: boolean;
  /** "4 May 2023", "Thu 10 Dec 2026, 10:00 Europe/Sofia (UTC+2)". */
  dateText: string;
}

/** The meetings feature, read only. */
export interface FollowupMeetings {
  /** Every meeting, in any order. */
  list(now: Date): FollowupMeeting[];
}

/** A next-step entry of the practice base (kind `next-step`). */
export interface NextStepEntry {
  /** The entry id (stable across reloads). */
  id: string;
  meetingId: string;
  title: string;
}

/** The practice base in service (it may be reloaded: asked each time). */
export interface FollowupKnowledge {
  nextSteps(): NextStepEntry[];
}

/** The agenda feature: turns a text into an agenda suggestion under the agenda's own rules (length,
 *  personal data, a near duplicate counting as a +1). The reply says what happened; `refusal` set
 *  when nothing was saved. Without a meeting id: the agenda's default meeting (the next one). */
export interface FollowupAgenda {
  suggest(ctx: ActionContext, meetingId: string | undefined, text: string): Promise<Reply> | Reply;
}

/** The audit trail (src/community/audit.ts's Audit). */
export type FollowupAudit = Audit;
