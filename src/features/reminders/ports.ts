// What the reminders feature asks of others, declared here by the consumer (src/app.ts wires them).
import type { AccessControl, Role } from '../../commands/types.ts';
import type { Reply } from '../../core/reply.ts';
import type { MeetingRecord, TimedMeeting } from '../meetings/index.ts';
import type { Audit } from '../../commands/types.ts';

/** The meetings feature: the meetings reminders are about, and the reminder message itself. */
export interface ReminderMeetings {
  get(id: string): MeetingRecord | undefined;
  /** The next meeting with an exact start after `now`. */
  nextMeeting(now: Date): { id: string } | undefined;
  /** Meetings not cancelled with an exact start after `after` (epoch ms), soonest first. */
  timedAfter(after: number): TimedMeeting[];
  /** Ids of meetings whose start (or first day) is before `before` (epoch ms): retention. */
  beganBefore(before: number): string[];
  /** The reminder posted before a meeting (`due`: the offset and when it was due, when on time). */
  reminderReply(m: MeetingRecord & { startsAt: Date; zone: string }, now: Date, due?: { offsetMs: number; dueAt: number }): Reply;
}

/** The access feature: who may receive what, and who the secretariat is. */
export interface ReminderAccess extends Pick<AccessControl, 'rolesOf' | 'isChatAllowed'> {
  /** Roles granted in chat (the secretariat members beyond SECRETARIAT). */
  granted(): { userId: string; role: Role }[];
  /** An allowed group the user was seen in (for /remindme), if any. */
  communityChatOf(userId: string): string | undefined;
  /** Records that the user belongs to that group (inside store.immediate()). */
  recordMember(userId: string, chatId: string, at: Date): void;
  /** True while the user holds a role or belongs to a chat that is allowed now: their private
   *  subscription (/remindme) gets deliveries. */
  isMember(userId: string): boolean;
}

/** Records a privileged action (the access feature). */
export type ReminderAudit = Audit;
