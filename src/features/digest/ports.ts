// What the digest needs from other features, as small ports (wired in src/app.ts /
// src/community/index.ts). The digest reads no other feature's tables.
import type { Inline } from '../../core/reply.ts';

/** A chat that gets the digest. */
export interface DigestRecipient {
  chatId: string;
  threadId?: string;
  /** A secretariat member's private chat: the digest adds unanswered questions and feedback. */
  secretariat: boolean;
}

/** Subscriptions and access. */
export interface DigestRecipients {
  /** Subscribed, allowed chats, subscribed at or before `at`. */
  list(at: Date): DigestRecipient[];
  /** The chat as a recipient now (still subscribed and allowed), or undefined. */
  get(chatId: string): DigestRecipient | undefined;
}

export interface DigestMeeting {
  id: string;
  title: string;
  when: Inline[];
  place?: string;
  /** Attendance so far, when the meetings feature records it. */
  attendance?: { yes: number; no: number };
}

export interface DigestMeetings {
  /** The next meeting to come (not cancelled), if any. */
  next(now: Date): DigestMeeting | undefined;
}

export interface DigestAgenda {
  /** Suggestions for a meeting, most supported first. */
  suggestions(meetingId: string): { text: string; support: number }[];
  /** Open polls. */
  openPolls(): { question: string; closesAt?: string }[];
}

export interface DigestFollowups {
  openOfLatest(now: Date): { meeting: { id: string; title: string }; items: { n: number; text: string; status: string }[]; total: number } | undefined;
}

export interface DigestKnowledge {
  /** Entries added on days in [from, to) (YYYY-MM-DD). */
  addedBetween(from: string, to: string): { title: string; kind: string }[];
}

export interface DigestFeedback {
  /** Unanswered questions asked since `since`, grouped (most asked first), and how many in all. */
  unansweredSince(since: Date, limit: number): { groups: { question: string; n: number }[]; total: number };
  /** Helpful / not helpful on answers as kept, and the answers found least helpful. */
  answerFeedback(limit: number): { helpful: number; notHelpful: number; worst: { question: string; notHelpful: number }[] };
}
