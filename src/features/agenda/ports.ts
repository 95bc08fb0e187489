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

/** One topic word of a suggestion, as the engine's text analysis reads it. */
export interface TopicWord {
  /** What the word stands for: the concept of a synonym phrase or acronym ("~electronic-evidence"
   *  for "e-evidence" and "electronic evidence"), else its stem; two words match when they share one. */
  keys: string[];
  /** The word as written (folded, spelling corrected when the base knows the right one). */
  word: string;
  /** Neither the practice base nor English knows the word: it may be misspelt. */
  unknown: boolean;
}

/** The engine's analysis the agenda uses to recognise near-duplicate suggestions (wired in the app
 *  from src/engine/analyze.ts through ./engine-analysis.ts; absent, the fuzzy matcher of
 *  src/shared/similar.ts is used). */
export interface AgendaAnalysis {
  /** The topic words of a text: stop words dropped, synonyms, acronyms, stems and British/American
   *  spelling brought together, misspelt words corrected against the base's vocabulary. */
  topicWords(text: string): TopicWord[];
  /** Whether one word is a misspelling of the other (the engine's spelling distance). */
  misspelt(a: string, b: string): boolean;
}

/** What the meetings feature calls on the agenda (wired in src/community/index.ts). */
export interface AgendaHooks {
  /** After a meeting is added (inside its transaction): if it is now the community's next meeting,
   *  the undated agenda's suggestions and poll move to it. Returns how many suggestions moved. */
  adoptUndated(meetingId: string, now: Date): number;
}
