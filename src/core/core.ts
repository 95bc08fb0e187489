// The core: one dispatcher over the features (src/core/feature.ts) for every platform. Parses
// commands, checks access, runs the feature's command or button action, fans the lifecycle out,
// and turns any failure into a polite reply. Adapters call the Core API (src/core/ports.ts);
// src/app.ts lists the features.
import type { Logger } from 'pino';
import type { AccessControl, Actor, CommandContext, CommandSpec } from '../commands/types.ts';
import { hasAccess, notAllowedReply, roleRefusal } from '../commands/refusals.ts';
import type { InboundRate } from '../config.ts';
import { BUSY_REPLY_TEXT, DatabaseBusyError, retryWhileBusy } from '../store/busy.ts';
import type { ActionContext, ActionHandler, Feature } from './feature.ts';
import { INBOUND_NOTICE, createInboundLimiter } from './inbound-limit.ts';
import { createUnknownGroups } from './strict-deployments.ts';
import { errorFields } from './logger.ts';
import type { OutboundRouter } from './outbound.ts';
import type { Clock, Core, Incoming, VoteInput } from './ports.ts';
import { MAX_ACTION_BYTES, type Button, type PollView, type Reply } from './reply.ts';
import { apologyReply, para, POLL_NOT_OPEN_TEXT, refusal, say } from './reply-helpers.ts';

export interface CoreDeps {
  clock: Clock;
  log: Logger;
  outbound: OutboundRouter;
  /** Roles and allowed chats (the access feature). */
  access: AccessControl;
  features: readonly Feature[];
  /** Answers a free question or /ask with text (the practice base). */
  answer: (ctx: CommandContext) => Promise<Reply[]>;
  /** The command closest to a mistyped one ("/challanges" -> "challenges"). */
  closestCommand: (word: string, names: readonly string[]) => string | undefined;
  /** The home tab (Slack) for a user. */
  home: (userId: string) => Promise<Reply>;
  /** Rows written by this process so far: a command that met a locked database is retried only
   *  when it wrote nothing (src/store/busy.ts). */
  changes?: () => number;
  /** Inbound limits (INBOUND_USER_RATE, INBOUND_CHAT_RATE). */
  inboundUserRate?: InboundRate | null | undefined;
  inboundChatRate?: InboundRate | null | undefined;
  /** LEAVE_UNKNOWN_GROUPS=on. */
  leaveUnknownGroups?: boolean | undefined;
  /** How long a write that finds the database locked by another process is retried (default 10 s). */
  busyMaxWaitMs?: number;
}

const COMMAND = /^\/([\p{L}\p{N}_-]+)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/u;

/** Longest message the core looks at; anything beyond is ignored (and the reply says so where it matters). */
export const MAX_MESSAGE_CHARS = 10_000;

const busyReply = (): Reply => refusal(para(BUSY_REPLY_TEXT));

export function createCore(deps: CoreDeps): Core {
  const { clock, outbound, access, features } = deps;
  const log = deps.log.child({ module: 'core' });
  // A locked database (another process writing) fails a write fast; it is retried here, off the
  // event loop, while other messages are answered (src/store/busy.ts).
  const busyOpts = { ...(deps.changes ? { changes: deps.changes } : {}), ...(deps.busyMaxWaitMs ? { maxWaitMs: deps.busyMaxWaitMs } : {}) };
  const whileBusy = <T>(fn: () => T | Promise<T>): Promise<T> => retryWhileBusy(fn, busyOpts);
  // Inbound limits (issue 11): per user and per chat, on the chat platforms (the console is local).
  const limiter =
    deps.inboundUserRate || deps.inboundChatRate
      ? createInboundLimiter({ perUser: deps.inboundUserRate, perChat: deps.inboundChatRate, clock })
      : undefined;
  /** Replies for a message past the rate (the notice, or nothing), or undefined to answer it. */
  function overLimit(m: { platform: Incoming['platform']; chat: Incoming['chat']; user: Incoming['user'] }): Reply[] | undefined {
    if (!limiter || m.platform === 'console') return undefined;
    const verdict = limiter.check(m.platform, m.chat.id, m.user.id);
    if (verdict === 'ok') return undefined;
    if (verdict === 'drop') return [];
    log.warn(scope(m.chat.id, m.platform), 'inbound limit reached: messages skipped for a while');
    return [refusal(para(INBOUND_NOTICE))];
  }
  // Stricter deployments (issue 11): LEAVE_UNKNOWN_GROUPS=on.
  const unknownGroups = deps.leaveUnknownGroups ? createUnknownGroups({ access, outbound, clock, log }) : undefined;
  const busyFailed = (err: unknown, where: Record<string, unknown>): Reply[] | undefined => {
    if (!(err instanceof DatabaseBusyError)) return undefined;
    log.warn({ ...where, waitedMs: Math.round(err.waitedMs) }, 'database busy: a write gave up, nothing was saved');
    return [busyReply()];
  };

  // Commands by name, button actions by prefix, from every feature.
  const registry = new Map<string, CommandSpec>();
  const names: string[] = [];
  const actions = new Map<string, ActionHandler>();
  for (const feature of features) {
    for (const spec of feature.commands ?? []) {
      for (const n of [spec.name, ...(spec.aliases ?? [])]) {
        if (registry.has(n)) throw new Error(`command /${n} is registered twice`);
        registry.set(n, spec);
      }
      names.push(spec.name);
    }
    for (const [prefix, handler] of Object.entries(feature.actions ?? {})) {
      if (actions.has(prefix) || prefix === 'cmd') throw new Error(`button prefix ${prefix}: is registered twice`);
      actions.set(prefix, handler);
    }
  }

  function actorOf(user: Incoming['user']): Actor {
    return { id: user.id, name: user.name, roles: access.rolesOf(user.id) };
  }

  function baseContext(msg: Incoming): ActionContext {
    const actor = actorOf(msg.user);
    return { msg, actor, chatAllowed: access.isChatAllowed(msg.chat, actor.id), now: clock.now(), log };
  }

  async function runCommand(spec: CommandSpec, ctx: CommandContext): Promise<Reply[]> {
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
    const guess = deps.closestCommand(word, names);
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
        return await deps.answer({ ...baseContext(msg), command: 'ask', args: text });
      }
      const word = m[1]!.toLowerCase();
      text = (m[2] ?? '').trim();
      const spec = registry.get(word);
      if (!spec) return [unknownCommand(word, text)];
      if (spec.name === 'ask' && text !== '') return await deps.answer({ ...baseContext(msg), command: 'ask', args: text });
      if (debugOn()) log.debug({ ...scope(msg.chat.id, msg.platform), command: spec.name, chars: text.length }, 'command'); // not the text: it may hold personal data the command refuses
      const ctx: CommandContext = { ...baseContext(msg), command: spec.name, args: text };
      return await runCommand(spec, ctx);
    } catch (err) {
      const busy = busyFailed(err, scope(msg.chat.id, msg.platform));
      if (busy) return busy;
      log.error({ ...scope(msg.chat.id, msg.platform), err: errorFields(err) }, 'command failed');
      return [apologyReply()];
    }
  }

  async function handleAction(input: Parameters<Core['handleAction']>[0]): Promise<Reply[]> {
    const msg: Incoming = { platform: input.platform, chat: input.chat, user: input.user, text: '', addressed: true, threadId: input.threadId };
    try {
      const prefix = input.action.split(':')[0] ?? '';
      // cmd:<command line>: a button that sends a command (e.g. "Did you mean /challenges?").
      if (prefix === 'cmd' && input.action.length > 'cmd:'.length) return handleMessage({ ...msg, text: `/${input.action.slice('cmd:'.length)}` });
      const handler = actions.get(prefix);
      const out = handler ? await whileBusy(() => handler(input, baseContext(msg))) : undefined;
      return out ?? [say('That button is no longer active.')];
    } catch (err) {
      const busy = busyFailed(err, scope(input.chat.id, input.platform));
      if (busy) return busy;
      log.error({ ...scope(input.chat.id, input.platform), err: errorFields(err) }, 'action failed');
      return [apologyReply()];
    }
  }

  /** Runs a lifecycle hook on every feature that has it; one failing does not stop the others. */
  async function fanOut(what: string, run: (f: Feature) => unknown): Promise<void> {
    for (const f of features) {
      try {
        await run(f);
      } catch (err) {
        log.error({ feature: f.name, err: errorFields(err) }, `${what} failed`);
      }
    }
  }

  async function castVote(input: VoteInput): Promise<{ view: PollView } | { reply: Reply }> {
    try {
      const voting = features.find((f) => f.vote);
      const view = voting ? await whileBusy(() => voting.vote!(input)) : undefined;
      return view ? { view } : { reply: refusal(para(POLL_NOT_OPEN_TEXT)) };
    } catch (err) {
      const busy = busyFailed(err, {});
      if (busy?.[0]) return { reply: busy[0] };
      log.error({ err: errorFields(err) }, 'vote failed');
      return { reply: apologyReply() };
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
      const r = await castVote(input);
      return 'view' in r ? r.view : undefined;
    },
    castVote,
    pollTotals: async (id, totals) => {
      for (const f of features) await f.pollTotals?.(id, totals);
    },
    chatGone: async (chatId, reason) => {
      log.info({ chat: chatId, reason }, 'chat gone');
      await fanOut('chatGone', (f) => f.chatGone?.(chatId, reason));
    },
    chatMigrated: async (from, to) => {
      log.info({ from, to }, 'chat migrated');
      await fanOut('chatMigrated', (f) => f.chatMigrated?.(from, to));
    },
    memberLeft: async (m) => {
      try {
        for (const f of features) if (f.memberLeft) await whileBusy(() => f.memberLeft!(m.chatId, m.userId));
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
    home: (user) => deps.home(user.id),
    commandNames: () => [...registry.keys()],
    commandMenu: (scope) =>
      publicMenu()
        // Menus show what most people can use; organiser commands stay out of group menus.
        .filter((c) => scope === 'private' || c.access === 'public' || c.access === 'member')
        .map(({ command, description }) => ({ command, description })),
  };
}
