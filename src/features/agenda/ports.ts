// What the agenda needs from other features, as small ports (wired in src/app.ts). The agenda
// never reads the meetings table: it asks the meetings feature.
import type { MeetingRecord } from '../meetings/index.ts';

/** What the agenda reads of one meeting. */
export type MeetingInfo = Pick<MeetingRecord, 'id' | 'title' | 'startsAt' | 'zone' | 'dateLabel' | 'dateStart' | 'dateEnd' | 'status' | 'cancelled'>;

/** The meetings API the agenda needs (implemented by the meetings feature). */
export interface AgendaMeetings {
  /** Next upcoming meeting with an exact start, not cancelled. */
  nextMeeting(now: Date): { id: string; title: string; startsAt: Date } | undefined;
  meetingExists(id: string): boolean;
  /** One meeting, or undefined when there is none with that id. */
  get(id: string): MeetingInfo | undefined;
  /** Every meeting id (to tell a meeting id from an ordinary word). */
  ids(): string[];
  /** Saves the settled agenda (replaces any earlier one); shown by /meeting <id>. */
  saveAgenda(meetingId: string, items: { text: string; votes: number }[]): void;
}
