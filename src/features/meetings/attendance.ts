// Attendance: the "I'll attend" / "Can't attend" buttons on announcements, reminders and meeting
// details (action `att:<meeting id>:yes|no`, owned by this feature), the answer a press records
// (one row per meeting and person, the latest answer wins: ./repo.ts `attendance`), and what
// `/meeting <id>` shows of them: the counts to everyone, the names to the secretariat only.
import { notAllowedReply } from '../../commands/refusals.ts';
import type { ActionHandler } from '../../core/feature.ts';
import { MAX_ACTION_BYTES, type Block, type Button, type Reply } from '../../core/reply.ts';
import { para, plural, refusal, say } from '../../core/reply-helpers.ts';
import { hasTakenPlace, type MeetingRecord } from './meeting-record.ts';
import type { AttendanceRow } from './repo.ts';

/** The button prefix (the text before the first ':' of the action). */
export const ATTENDANCE_PREFIX = 'att';
export type AttendanceAnswer = 'yes' | 'no';

const LABELS: Record<AttendanceAnswer, string> = { yes: "I'll attend", no: "Can't attend" };

/** Whether members can still answer for this meeting: not cancelled, not begun. */
export const answersOpen = (m: MeetingRecord, now: Date): boolean => !m.cancelled && !hasTakenPlace(m, now);

/** The two buttons for a meeting (none when its id would not fit in a button's data). */
export function attendanceButtons(meetingId: string): Button[][] | undefined {
  const yes = `${ATTENDANCE_PREFIX}:${meetingId}:yes`;
  if (Buffer.byteLength(yes) > MAX_ACTION_BYTES) return undefined;
  return [[{ label: LABELS.yes, action: yes }, { label: LABELS.no, action: `${ATTENDANCE_PREFIX}:${meetingId}:no` }]];
}

function counts(rows: readonly AttendanceRow[]): { yes: number; no: number } {
  let yes = 0;
  for (const r of rows) if (r.status === 'yes') yes++;
  return { yes, no: rows.length - yes };
}

const countText = (c: { yes: number; no: number }): string => `${plural(c.yes, 'member')} will attend, ${c.no} cannot`;

/** What `/meeting <id>` shows of attendance: counts for everyone, names for the secretariat
 *  (`withButtons`: the reply carries the buttons, so an empty count invites an answer). */
export function attendanceBlocks(rows: readonly AttendanceRow[], withButtons: boolean, showNames: boolean): Block[] {
  if (!rows.length) {
    return withButtons ? [para({ text: 'Attendance', bold: true }, ': no answers yet. Use the buttons below to answer.')] : [];
  }
  const blocks: Block[] = [para({ text: 'Attendance', bold: true }, `: ${countText(counts(rows))}.`)];
  if (showNames) {
    const who = (s: AttendanceAnswer) => rows.filter((r) => r.status === s).map((r) => (r.userName ? `${r.userName} (${r.userId})` : r.userId));
    const yes = who('yes');
    const no = who('no');
    const items = [...(yes.length ? [[`Will attend: ${yes.join(', ')}`]] : []), ...(no.length ? [[`Cannot attend: ${no.join(', ')}`]] : [])];
    blocks.push({ type: 'list', items });
    blocks.push(para('(Names are shown to the secretariat only.)'));
  }
  return blocks;
}

export interface AttendanceDeps {
  get(id: string): MeetingRecord | undefined;
  setAttendance(meetingId: string, user: { id: string; name?: string | undefined }, status: AttendanceAnswer, now: Date): AttendanceAnswer | undefined;
  attendanceOf(meetingId: string): AttendanceRow[];
}

/** The `att:` button handler. A malformed action is not handled (the dispatcher says the button is
 *  no longer active). Nothing is recorded outside the community's chats, for a meeting that is
 *  gone, cancelled or has begun. */
export function createAttendanceAction(deps: AttendanceDeps): ActionHandler {
  return (input, ctx): Reply[] | undefined => {
    const m = /^att:([a-z0-9-]{1,64}):(yes|no)$/.exec(input.action);
    if (!m) return undefined;
    const [, id, answer] = m as unknown as [string, string, AttendanceAnswer];
    if (!ctx.chatAllowed) return [notAllowedReply(ctx.msg.chat.id)];
    const meeting = deps.get(id);
    if (!meeting) return [refusal(para(`There is no meeting "${id}" any more, so nothing was recorded.`))];
    if (meeting.cancelled) return [refusal(para(`${meeting.title} (${id}) was cancelled, so nothing was recorded.`))];
    if (hasTakenPlace(meeting, ctx.now)) return [refusal(para(`${meeting.title} (${id}) has already taken place, so answers are closed.`))];
    const before = deps.setAttendance(id, input.user, answer, ctx.now);
    const now = countText(counts(deps.attendanceOf(id)));
    const what = answer === 'yes' ? 'will attend' : 'cannot attend';
    if (before === answer) return [say(`You had already said you ${what} ${meeting.title} (${id}); nothing changed. So far ${now}.`)];
    if (before) return [say(`Changed: you now ${what} ${meeting.title} (${id}). So far ${now}.`)];
    return [say(`Thanks, noted: you ${what} ${meeting.title} (${id}). You can change your answer with the other button. So far ${now}.`)];
  };
}
