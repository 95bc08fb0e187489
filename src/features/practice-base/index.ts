// The practice base: /start, /help, /ask, /challenges, /practices, /opportunities, /sources, free
// questions, and its buttons: more results (more:), helpful / not helpful (fb:), a theme's entries
// (th:) and one entry (e:). Questions about upcoming meetings get the calendar first, through the
// upcomingMeetings port. PUBLIC_ANSWERS=off keeps all of it to allowed chats.
import type { CommandContext, CommandSpec } from '../../commands/types.ts';
import type { ActionContext, Feature } from '../../core/feature.ts';
import type { Reply } from '../../core/reply.ts';
import { say } from '../../core/reply-helpers.ts';
import { answersNotAllowedReply } from '../../core/strict-deployments.ts';
import { SCHEDULE_QUESTION } from '../../engine/intent.ts';
import { KINDS, type Kind } from '../../knowledge/kinds.ts';
import type { FeedbackPort } from '../feedback/index.ts';
import {
  answer,
  answerReply,
  createPracticeBaseCommands,
  createQueryMemory,
  entriesOfKindInTheme,
  entryReply,
  type PracticeBaseDeps,
} from './commands.ts';

export { MAX_QUESTION_CHARS, ONLY_CHALLENGE_TEXT, SMALL_TALK_REPLY } from './commands.ts';

export interface PracticeBaseFeatureDeps extends Omit<PracticeBaseDeps, 'feedback'> {
  feedback: FeedbackPort;
  /** PUBLIC_ANSWERS: false = answers only in allowed chats and to members with a role. */
  publicAnswers: boolean;
  /** The upcoming meetings, for "when is the next meeting?" (the meetings feature's list). */
  upcomingMeetings?: (ctx: CommandContext) => Promise<Reply[]>;
}

export interface PracticeBaseFeature extends Feature {
  /** Answers a free question (or /ask with text); [] for small talk in a group. */
  answer(ctx: CommandContext): Promise<Reply[]>;
}

export function createPracticeBase(deps: PracticeBaseFeatureDeps): PracticeBaseFeature {
  const memory = createQueryMemory();
  const pb: PracticeBaseDeps = { engine: deps.engine, feedback: deps.feedback, commands: deps.commands };
  const answersAllowed = (ctx: { chatAllowed: boolean }) => deps.publicAnswers || ctx.chatAllowed;

  // With PUBLIC_ANSWERS=off the practice base's own commands answer only where allowed.
  const commands: CommandSpec[] = createPracticeBaseCommands(pb, memory).map((spec) =>
    spec.group === 'Practice base'
      ? { ...spec, run: (ctx: CommandContext) => (answersAllowed(ctx) ? spec.run(ctx) : answersNotAllowedReply(ctx.msg.chat.id)) }
      : spec,
  );

  const expired = (): Reply[] => [say('That list has expired. Please ask again.')];

  const actions: Record<string, (input: { action: string; user: { id: string } }, ctx: ActionContext) => Reply[]> = {
    more(input, ctx) {
      if (!answersAllowed(ctx)) return [answersNotAllowedReply(ctx.msg.chat.id)];
      const [, token, page] = input.action.split(':');
      if (!token) return [];
      const saved = memory.get(token);
      if (!saved) return expired();
      const opts = { ...saved.opts, offset: Math.max(0, Number(page) || 0) };
      return [answerReply(pb, memory, saved.query, opts, deps.engine.search(saved.query, opts))];
    },
    fb(input, ctx) {
      // Feedback is kept per question (what the secretariat can act on), and, like unanswered
      // questions, only from allowed chats. A button whose question has been forgotten counts nothing.
      const [, token, value] = input.action.split(':');
      if (!token) return [];
      const saved = memory.get(token);
      if (!saved || (value !== '1' && value !== '0')) return [say('That button has expired, so nothing was recorded. Please ask again.')];
      if (!ctx.chatAllowed) return [say("Feedback is only collected in the community's chats; nothing was recorded.")];
      const helpful = value === '1';
      const outcome = deps.feedback.recordFeedback(saved.query, helpful, { token, voter: input.user.id });
      if (outcome === 'changed') return [say(`Changed: your feedback on this answer now says ${helpful ? 'helpful' : 'not helpful'}.`)];
      if (outcome === 'same') return [say(`You already marked this answer ${helpful ? 'helpful' : 'not helpful'}; it counts once.`)];
      return [say(helpful ? 'Thanks, noted as helpful.' : 'Thanks, noted. The secretariat reviews unhelpful answers to improve the base.')];
    },
    th(input, ctx) {
      if (!answersAllowed(ctx)) return [answersNotAllowedReply(ctx.msg.chat.id)];
      const [, kind, theme, page] = input.action.split(':');
      if (!kind || !theme || !(KINDS as readonly string[]).includes(kind)) return [];
      return [entriesOfKindInTheme(pb, kind as Kind, theme, Math.max(0, Number(page) || 0))];
    },
    e(input) {
      const id = input.action.split(':')[1];
      return id ? [entryReply(pb, id)] : [];
    },
  };

  return {
    name: 'practice-base',
    commands,
    actions: Object.fromEntries(
      Object.entries(actions).map(([prefix, fn]) => [prefix, (input, ctx) => {
        const out = fn(input, ctx);
        return out.length ? out : undefined;
      }]),
    ),

    /** A question, free or after /ask. "When is the next meeting?" is about the calendar, which the
     *  practice base (past meetings only) cannot answer: where the chat may see meetings, the
     *  upcoming ones come first, then what the base says (it may be about next steps "for the next
     *  meeting"). */
    async answer(ctx) {
      if (!answersAllowed(ctx)) return [answersNotAllowedReply(ctx.msg.chat.id)];
      const { reply, intent } = answer(pb, ctx, memory, ctx.args);
      // small talk in a group: no reply at all
      if (!reply) return [];
      const aboutMeetings = intent === 'meetings' || SCHEDULE_QUESTION.test(ctx.args);
      if (!deps.upcomingMeetings || !ctx.chatAllowed || !aboutMeetings) return [reply];
      return [...(await deps.upcomingMeetings(ctx)), reply];
    },
  };
}
