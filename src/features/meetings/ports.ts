// What the meetings feature asks of others, declared here by the consumer (src/app.ts wires them).
import type { Reply } from '../../core/reply.ts';

export type MeetingChangeKind = 'added' | 'changed' | 'cancelled';

/** The reminders feature, told when a meeting is added, changed or cancelled. */
export interface MeetingNotices {
  /** Called inside the command's store.immediate(): a cancelled meeting's pending reminders are
   *  skipped, a moved one's are started again from its new time; its pending announcements are
   *  superseded; `reply` is queued for every subscribed chat but `exceptChat`. Returns how many
   *  chats it goes to. */
  meetingChanged(change: {
    kind: MeetingChangeKind;
    meetingId: string;
    /** 'changed' only: the start changed. */
    moved?: boolean;
    reply: Reply;
    by: string;
    exceptChat?: string;
    now: Date;
  }): number;
  /** After the transaction: deliver what was queued now. */
  wake(): void;
  /** The sentence on reminders the secretariat reads after adding or moving a meeting. */
  reminderNote(startsAt: Date, zone: string, moved: boolean, now: Date): string;
}

/** Open polls, for the home tab (the agenda feature). */
export interface HomePolls {
  openPolls(): readonly { question: string; options: readonly unknown[]; closesAt?: string }[];
}

/** The agenda feature's hook: a meeting added takes over the undated agenda of the community's next
 *  meeting (suggestions collected before a date was known). Called inside the add transaction;
 *  returns how many suggestions moved. */
export interface AgendaHandOver {
  adoptUndated(meetingId: string, now: Date): number;
}
