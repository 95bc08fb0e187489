// App wiring of the follow-ups and the weekly digest (issue 15), beside src/app.ts's createFeatures:
// each port of features/followups/ports.ts and features/digest/ports.ts implemented over what the
// other features expose. Parameter types are structural, so moving the other features' files changes
// only the call site in src/app.ts.
import type { Logger } from 'pino';
import type { Audit, CommandSpec } from './commands/types.ts';
import type { DigestAt } from './config.ts';
import type { Feature } from './core/feature.ts';
import type { OutboundRouter } from './core/outbound.ts';
import type { Clock } from './core/ports.ts';
import { inlineToPlain, type Inline, type PollView, type Reply } from './core/reply.ts';
import type { Engine } from './engine/types.ts';
import { KIND_LABELS } from './knowledge/kinds.ts';
import type { Store } from './store/store.ts';
import { createDigest, type DigestFeature, type DigestRecipient } from './features/digest/index.ts';
import { createFollowups, type FollowupsFeature, type NextStepEntry } from './features/followups/index.ts';

/** What the wiring reads of a meeting (the meetings feature's MeetingRecord). */
interface MeetingLike {
  id: string;
  title: string;
  series?: string;
  sortAt: Date;
  cancelled: boolean;
  place?: string;
}

export interface FollowupsWiring<M extends MeetingLike = MeetingLike> {
  store: Store;
  clock: Clock;
  log: Logger;
  engine: Pick<Engine, 'base'>;
  outbound: OutboundRouter;
  digestAt: DigestAt | null | undefined;
  /** COMMUNITY (e.g. colep): the series preferred where no meeting is named. */
  community?: string;
  /** The community's member zones; the first is the community's zone for DIGEST_AT. */
  zones: () => { zone: string }[];
  meetings: {
    all(): M[];
    upcoming(now: Date): NoInfer<M>[];
    isPast(m: NoInfer<M>, now: Date): boolean;
    whenParts(m: NoInfer<M>, now?: Date): Inline[];
  };
  subscriptions: { all(): { chatId: string; chatType: 'private' | 'group' | 'channel'; threadId?: string; subscribedBy: string; subscribedAt: Date }[] };
  access: { isChatAllowed(chat: { id: string; type: 'private' | 'group' | 'channel' }, userId: string): boolean; rolesOf(userId: string): Set<string> };
  agenda: Feature & { openPolls(): PollView[]; suggestionsFor(meetingId: string): { text: string; support: number }[] };
  feedback: {
    unansweredSince(since: Date, limit: number): { total: number; groups: { question: string; n: number }[] };
    answerFeedback(limit: number): { helpful: number; notHelpful: number; worst: { question: string; notHelpful: number }[] };
  };
  audit: Audit;
  onGone(chatId: string, reason: string): Promise<void>;
}

export function wireFollowupsAndDigest<M extends MeetingLike>(w: FollowupsWiring<M>): { followups: FollowupsFeature; digest: DigestFeature } {
  const { store, meetings } = w;
  const { isPast, whenParts } = meetings;
  let steps: { base: unknown; list: NextStepEntry[] } | undefined;
  const suggestCommand = (): CommandSpec | undefined => w.agenda.commands?.find((c) => c.name === 'suggest');

  const followups = createFollowups({
    store,
    clock: w.clock,
    log: w.log,
    audit: w.audit,
    ...(w.community ? { community: w.community } : {}),
    meetings: {
      list: (now) =>
        meetings.all().map((m) => ({
          id: m.id,
          title: m.title,
          ...(m.series ? { series: m.series } : {}),
          sortAt: m.sortAt,
          past: isPast(m, now),
          cancelled: m.cancelled,
          dateText: inlineToPlain(whenParts(m)),
        })),
    },
    knowledge: {
      // Worked out once per generation of the base (a reload makes a new one).
      nextSteps: () => {
        const base = w.engine.base;
        if (steps?.base !== base) {
          steps = { base, list: base.entries.filter((e) => e.kind === 'next-step').map((e) => ({ id: e.id, meetingId: e.source.meeting, title: e.title })) };
        }
        return steps.list;
      },
    },
    agenda: {
      // The agenda's own /suggest, run for the co-chair: its rules and replies apply as they are.
      async suggest(ctx, meetingId, text): Promise<Reply> {
        const spec = suggestCommand();
        if (!spec) return { refusal: true, blocks: [{ type: 'paragraph', parts: ['Agenda suggestions are not available.'] }] };
        const out = await spec.run({ ...ctx, command: spec.name, args: meetingId ? `${meetingId} ${text}` : text });
        const replies = Array.isArray(out) ? out : [out];
        return { blocks: replies.flatMap((r) => r.blocks), ...(replies.some((r) => r.refusal) ? { refusal: true } : {}) };
      },
    },
  });

  const recipient = (s: ReturnType<FollowupsWiring<M>['subscriptions']['all']>[number]): DigestRecipient | undefined =>
    w.access.isChatAllowed({ id: s.chatId, type: s.chatType }, s.subscribedBy)
      ? { chatId: s.chatId, ...(s.threadId ? { threadId: s.threadId } : {}), secretariat: s.chatType === 'private' && w.access.rolesOf(s.subscribedBy).has('secretariat') }
      : undefined;

  const digest = createDigest({
    store,
    clock: w.clock,
    log: w.log,
    outbound: w.outbound,
    at: w.digestAt,
    zone: () => w.zones()[0]?.zone ?? 'UTC',
    onGone: w.onGone,
    recipients: {
      list: (at) => w.subscriptions.all().flatMap((s) => (s.subscribedAt.getTime() <= at.getTime() ? (recipient(s) ?? []) : [])),
      get: (chatId) => {
        const s = w.subscriptions.all().find((x) => x.chatId === chatId);
        return s ? recipient(s) : undefined;
      },
    },
    meetings: {
      next(now) {
        const m = meetings.upcoming(now)[0];
        return m ? { id: m.id, title: m.title, when: whenParts(m, now), ...(m.place ? { place: m.place } : {}) } : undefined;
      },
    },
    agenda: {
      suggestions: (meetingId) => w.agenda.suggestionsFor(meetingId),
      openPolls: () => w.agenda.openPolls().map((p) => ({ question: p.question, ...(p.closesAt ? { closesAt: p.closesAt } : {}) })),
    },
    followups,
    knowledge: {
      addedBetween: (from, to) =>
        w.engine.base.entries.filter((e) => e.added !== undefined && e.added >= from && e.added < to).map((e) => ({ title: e.title, kind: KIND_LABELS[e.kind].one })),
    },
    feedback: {
      unansweredSince: (since, limit) => w.feedback.unansweredSince(since, limit),
      answerFeedback: (limit) => w.feedback.answerFeedback(limit),
    },
  });
  return { followups, digest };
}
