// The core: one dispatcher for every platform. Parses commands, checks access, runs the command,
// and turns any failure into a polite reply. Adapters call the Core API (src/core/ports.ts).
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Community } from '../community/types.ts';
import type { Actor, CommandContext, CommandSpec, Services } from '../commands/types.ts';
import {
  answer,
  createPracticeBaseCommands,
  createQueryMemory,
  entriesOfKindInTheme,
  entryReply,
  answerReply,
} from '../commands/practice-base.ts';
import { SCHEDULE_QUESTION } from '../engine/intent.ts';
import type { Engine } from '../engine/types.ts';
import { KINDS, type Kind } from '../knowledge/schema.ts';
import { hasAccess, notAllowedReply, roleRefusal } from '../commands/refusals.ts';
import { BUSY_REPLY_TEXT, DatabaseBusyError, retryWhileBusy } from '../store/busy.ts';
import { INBOUND_NOTICE, createInboundLimiter } from './inbound-limit.ts';
import { answersNotAllowedReply, createUnknownGroups } from './strict-deployments.ts';
import { errorFields } from './logger.ts';
import type { OutboundRouter } from './outbound.ts';
import type { ActionInput, Clock, Core, Incoming } from './ports.ts';
import { MAX_ACTION_BYTES, type Button, type Reply } from './reply.ts';


export interface CoreDeps {
  config: Config;
  clock: Clock;
  engine: Engine;
  outbound: OutboundRouter;
  log: Logger;
  community: Community;
  /** How long a write that finds the database locked by another process is retried (default 10 s). */
  busyMaxWaitMs?: number;
  /** More commands to register (e.g. /reload and /new, src/commands/knowledge-admin.ts). */
  commands?: CommandSpec[];
}

const COMMAND = /^\/([\p{L}\p{N}_-]+)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/u;

/** Longest message the core looks at; anything beyond is ignored (and the reply says so where it matters). */
export const MAX_MESSAGE_CHARS = 10_000;

const busyReply = (): Reply => ({ refusal: true, blocks: [{ type: 'paragraph', parts: [BUSY_REPLY_TEXT] }] });

const apology = (): Reply => ({
  refusal: true,
  blocks: [{ type: 'paragraph', parts: ['Sorry, something went wrong on my side. Please try again in a moment.'] }],
});

export function createCore(deps: CoreDeps): Core {
  const { config, clock, engine, outbound, community } = deps;
  const log = deps.log.child({ module: 'core' });
  const memory = createQueryMemory();
  const { access } = community;
  // A locked database (another process writing) fails a write fast; it is retried here, off the
  // event loop, while other messages are answered (src/store/busy.ts).
  const busyOpts = { ...(community.changes ? { changes: community.changes } : {}), ...(deps.busyMaxWaitMs ? { maxWaitMs: deps.busyMaxWaitMs } : {}) };
  const whileBusy = <T>(fn: () => T | Promise<T>): Promise<T> => retryWhileBusy(fn, busyOpts);
  // Inbound limits (issue 11): per user and per chat, on the chat platforms (the console is local).
  const limiter =
    config.inboundUserRate || config.inboundChatRate
      ? createInboundLimiter({ perUser: config.inboundUserRate, perChat: config.inboundChatRate, clock })
      : undefined;
  /** Replies for a message past the rate (the notice, or nothing), or undefined to answer it. */
  function overLimit(m: { platform: Incoming['platform']; chat: Incoming['chat']; user: Incoming['user'] }): Reply[] | undefined {
    if (!limiter || m.platform === 'console') return undefined;
    const verdict = limiter.check(m.platform, m.chat.id, m.user.id);
    if (verdict === 'ok') return undefined;
    if (verdict === 'drop') return [];
    log.warn(scope(m.chat.id, m.platform), 'inbound limit reached: messages skipped for a while');
    return [{ refusal: true, blocks: [{ type: 'paragraph', parts: [INBOUND_NOTICE] }] }];
  }
  // Stricter deployments (issue 11): PUBLIC_ANSWERS=off, LEAVE_UNKNOWN_GROUPS=on.
  const answersAllowed = (ctx: { chatAllowed: boolean }) => config.publicAnswers !== false || ctx.chatAllowed;
  const unknownGroups = config.leaveUnknownGroups ? createUnknownGroups({ access, outbound, clock, log }) : undefined;
  const busyFailed = (err: unknown, where: Record<string, unknown>): Reply[] | undefined => {
    if (!(err instanceof DatabaseBusyError)) return undefined;
    log.warn({ ...where, waitedMs: Math.round(err.waitedMs) }, 'database busy: a write gave up, nothing was saved');
    return [busyReply()];
  };

  const registry = new Map<string, CommandSpec>();
  const names: string[] = [];
  const services: Services = {
    config,
    clock,
    engine,
    access,
    outbound,
    community,
    commands: () => [...new Set(registry.values())],
  };
  for (const spec of [...createPracticeBaseCommands(memory), ...community.commands, ...(deps.commands ?? [])]) {
    for (const n of [spec.name, ...(spec.aliases ?? [])]) {
      if (registry.has(n)) throw new Error(`command /${n} is registered twice`);
      registry.set(n, spec);
    }
    names.push(spec.name);
  }

  function actorOf(user: Incoming['user']): Actor {
    return { id: user.id, name: user.name, roles: access.rolesOf(user.id) };
  }

  function baseContext(msg: Incoming): Omit<CommandContext, 'args' | 'command'> {
    const actor = actorOf(msg.user);
    return {
      msg,
      actor,
      chatAllowed: access.isChatAllowed(msg.chat, actor.id),
      now: clock.now(),
      services,
      log,
    };
  }

  async function runCommand(spec: CommandSpec, ctx: CommandContext): Promise<Reply[]> {
    if (spec.group === 'Practice base' && !answersAllowed(ctx)) return [answersNotAllowedReply(ctx.msg.chat.id)];
    if (spec.access !== 'public') {
      if (!ctx.chatAllowed) return [notAllowedReply(ctx.msg.chat.id)];
      if (spec.access !== 'member' && !hasAccess(spec.access, ctx.actor.roles)) return [roleRefusal(spec.access, spec.usage)];
    }
    const out = await whileBusy(() => spec.run(ctx));
    return Array.isArray(out) ? out : [out];
  }

  /** "Did you mean /challenges?", keeping what followed the command ("/challanges encryption"
   *  offers "/challenges encryption"), in words and, when it fits a button, as one. */
  function unknownCommand(word: string, args = ''): Reply {
    const guess = engine.closestCommand(word, names);
    const spec = guess ? registry.get(guess) : undefined;
    const takesArgs = !!spec && (/\s/.test(spec.usage) || (spec.subcommands?.length ?? 0) > 0);
    const rest = takesArgs ? args.replace(/\s+/g, ' ').trim() : '';
    const suggestion = guess ? (rest ? `/${guess} ${rest.slice(0, 100)}` : `/${guess}`) : undefined;
    const parts: Reply['blocks'] = [
      {
        type: 'paragraph',
        parts: [`I don't know the command /${word.slice(0, 40)}.`, suggestion ? ` Did you mean ${suggestion}?` : ''],
      },
      { type: 'paragraph', parts: ['Send /help for the list of commands.'] },
    ];
    let button: Button | undefined;
    if (guess && suggestion) {
      // Button data must stay small (Telegram: 64 bytes): the topic goes in only when it fits.
      const full = `cmd:${suggestion.slice(1)}`;
      button = Buffer.byteLength(full) <= MAX_ACTION_BYTES ? { label: suggestion.slice(0, 60), action: full } : { label: `/${guess}`, action: `cmd:${guess}` };
    }
    return { refusal: true, blocks: parts, buttons: button ? [[button]] : undefined };
  }

  // Per-message bindings are added where something is logged, not for every message: a pino
  // child logger per message costs more than answering most questions.
  const debugOn = () => log.isLevelEnabled('debug');
  const scope = (chat: string, platform: string) => ({ chat, platform });

  /** A question, free or after /ask. "When is the next meeting?" is about the calendar, which the
   *  practice base (past meetings only) cannot answer: where the chat may see meetings, the upcoming
   *  ones come first, then what the base says (it may be about next steps "for the next meeting"). */
  async function answerQuestion(ctx: CommandContext): Promise<Reply[]> {
    if (!answersAllowed(ctx)) return [answersNotAllowedReply(ctx.msg.chat.id)];
    const { reply, intent } = answer(ctx, memory, ctx.args);
    // small talk in a group: no reply at all
    if (!reply) return [];
    const calendar = registry.get('meetings');
    const aboutMeetings = intent === 'meetings' || SCHEDULE_QUESTION.test(ctx.args);
    if (!calendar || !ctx.chatAllowed || !aboutMeetings) return [reply];
    return [...(await runCommand(calendar, { ...ctx, command: calendar.name, args: '' })), reply];
  }

  async function handleMessage(msg: Incoming): Promise<Reply[]> {
    try {
      let text = (msg.text ?? '').slice(0, MAX_MESSAGE_CHARS).trim();
      const m = COMMAND.exec(text);
      if (!m) {
        if (text.startsWith('/')) {
          const [name = '', ...rest] = text.slice(1).split(/\s+/);
          return [unknownCommand(name, rest.join(' '))];
        }
        if (!msg.addressed) return [];
        // Only the bot's name ("@practice_bot" and nothing else): say what it can do.
        if (text === '') return handleMessage({ ...msg, text: '/help' });
        if (debugOn()) log.debug({ ...scope(msg.chat.id, msg.platform), text }, 'free question');
        return await answerQuestion({ ...baseContext(msg), command: 'ask', args: text });
      }
      const word = m[1]!.toLowerCase();
      text = (m[2] ?? '').trim();
      const spec = registry.get(word);
      if (!spec) return [unknownCommand(word, text)];
      if (spec.name === 'ask' && text !== '') return await answerQuestion({ ...baseContext(msg), command: 'ask', args: text });
      if (debugOn()) log.debug({ ...scope(msg.chat.id, msg.platform), command: spec.name, chars: text.length }, 'command'); // not the text: it may hold personal data the command refuses
      const ctx: CommandContext = { ...baseContext(msg), command: spec.name, args: text };
      return await runCommand(spec, ctx);
    } catch (err) {
      const busy = busyFailed(err, scope(msg.chat.id, msg.platform));
      if (busy) return busy;
      log.error({ ...scope(msg.chat.id, msg.platform), err: errorFields(err) }, 'command failed');
      return [apology()];
    }
  }

  async function handleAction(input: ActionInput): Promise<Reply[]> {
    const msg: Incoming = { platform: input.platform, chat: input.chat, user: input.user, text: '', addressed: true, threadId: input.threadId };
    try {
      const [kind, a, b] = input.action.split(':');
      const base = baseContext(msg);
      if ((kind === 'more' || kind === 'th') && !answersAllowed(base)) return [answersNotAllowedReply(msg.chat.id)];
      if (kind === 'more' && a) {
        const saved = memory.get(a);
        if (!saved) return [{ blocks: [{ type: 'paragraph', parts: ['That list has expired. Please ask again.'] }] }];
        const offset = Math.max(0, Number(b) || 0);
        const opts = { ...saved.opts, offset };
        const result = engine.search(saved.query, opts);
        return [answerReply(services, memory, saved.query, opts, result)];
      }
      if (kind === 'fb' && a) {
        // Feedback is kept per question (what the secretariat can act on), and, like unanswered
        // questions, only from allowed chats. A button whose question has been forgotten counts nothing.
        const saved = memory.get(a);
        const say = (text: string): Reply[] => [{ blocks: [{ type: 'paragraph', parts: [text] }] }];
        if (!saved || (b !== '1' && b !== '0')) return say('That button has expired, so nothing was recorded. Please ask again.');
        if (!base.chatAllowed) return say("Feedback is only collected in the community's chats; nothing was recorded.");
        const helpful = b === '1';
        const outcome = community.recordFeedback(saved.query, helpful, { token: a, voter: input.user.id });
        if (outcome === 'changed') return say(`Changed: your feedback on this answer now says ${helpful ? 'helpful' : 'not helpful'}.`);
        if (outcome === 'same') return say(`You already marked this answer ${helpful ? 'helpful' : 'not helpful'}; it counts once.`);
        return say(helpful ? 'Thanks, noted as helpful.' : 'Thanks, noted. The secretariat reviews unhelpful answers to improve the base.');
      }
      if (kind === 'th' && a && b && (KINDS as readonly string[]).includes(a)) {
        const offset = Math.max(0, Number(input.action.split(':')[3]) || 0);
        return [entriesOfKindInTheme(services, a as Kind, b, offset)];
      }
      if (kind === 'e' && a) return [entryReply(services, a)];
      if (kind === 'cmd' && a) {
        return handleMessage({ ...msg, text: `/${input.action.slice('cmd:'.length)}` });
      }
      const fromCommunity = community.handleAction ? await whileBusy(() => community.handleAction!(input, base)) : undefined;
      if (fromCommunity) return fromCommunity;
      return [{ blocks: [{ type: 'paragraph', parts: ['That button is no longer active.'] }] }];
    } catch (err) {
      const busy = busyFailed(err, scope(input.chat.id, input.platform));
      if (busy) return busy;
      log.error({ ...scope(input.chat.id, input.platform), err: errorFields(err) }, 'action failed');
      return [apology()];
    }
  }

  const publicMenu = () =>
    [...new Set(registry.values())]
      .filter((c) => c.listed !== false)
      .map((c) => ({ command: c.name, description: c.description.slice(0, 256), access: c.access }));

  return {
    // Only what the bot would answer counts: commands and addressed text.
    handleMessage: async (msg) =>
      (await unknownGroups?.onMessage(msg)) ??
      (msg.addressed || (msg.text ?? '').trimStart().startsWith('/') ? overLimit(msg) : undefined) ??
      handleMessage(msg),
    handleAction: async (input) => overLimit(input) ?? handleAction(input),
    vote: async (input) => {
      try {
        return await whileBusy(() => community.vote(input));
      } catch (err) {
        log.error({ err: errorFields(err) }, 'vote failed');
        return undefined;
      }
    },
    pollTotals: async (id, totals) => {
      await community.pollTotals(id, totals);
    },
    chatGone: async (chatId, reason) => {
      log.info({ chat: chatId, reason }, 'chat gone');
      await community.chatGone(chatId, reason);
    },
    chatMigrated: async (from, to) => {
      log.info({ from, to }, 'chat migrated');
      await community.chatMigrated(from, to);
    },
    memberLeft: async (m) => {
      try {
        await whileBusy(() => community.memberLeft?.(m.chatId, m.userId));
      } catch (err) {
        log.error({ ...scope(m.chatId, m.platform), err: errorFields(err) }, 'member left: roles not revoked');
      }
    },
    introduction(chat) {
      const leaving = unknownGroups?.onIntroduction(chat);
      if (leaving) return leaving;
      const allowed = access.isChatAllowed(chat, '');
      return {
        blocks: [
          { type: 'heading', text: 'Hello, I am practice-bot' },
          {
            type: 'paragraph',
            parts: [
              'I answer questions from the community practice base (mention me or reply to me with a question, or use /ask), and help the secretariat with meetings, reminders and agenda polls. Send /help for the commands.',
            ],
          },
          {
            type: 'paragraph',
            parts: allowed
              ? ['This chat is approved for community features (meetings, suggestions, polls, reminders). Chat id: ', { text: chat.id, code: true }]
              : ['This chat is not yet approved for community features. To approve it, give the secretariat this chat id: ', { text: chat.id, code: true }],
          },
        ],
      };
    },
    home: (user) => community.home(user.id),
    commandMenu: (scope) =>
      publicMenu()
        // Menus show what most people can use; organiser commands stay out of group menus.
        .filter((c) => scope === 'private' || c.access === 'public' || c.access === 'member')
        .map(({ command, description }) => ({ command, description })),
  };
}
