// The Telegram adapter: a thin grammY bot over the core. It translates updates into core calls
// and replies into Bot API calls; no business rule lives here. One Composer per feature, all
// installed by createTelegramAdapter (no side effects at import time).
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { Bot, BotError, GrammyError, HttpError, webhookCallback, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import type { AdapterHandle } from '../../src/core/adapter.ts';
import type { HttpRoute } from '../../src/core/http-server.ts';
import { errorFields } from '../../src/core/logger.ts';
import { createLru } from '../../src/core/lru.ts';
import type { Core } from '../../src/core/ports.ts';
import { createBotApiHttpClient } from './http-client.ts';
import { createApiPipeline, type ApiPipelineOptions } from './api-plugins.ts';
import { toDeliveryError } from './errors.ts';
import { callbacksFeature } from './features/callbacks.ts';
import type { FeatureDeps } from './features/context.ts';
import { dedupeFeature } from './features/dedupe.ts';
import { membershipFeature } from './features/membership.ts';
import { messagesFeature, threadIdOf } from './features/messages.ts';
import { pollsFeature } from './features/polls.ts';
import { chatIdOf } from './ids.ts';
import { createSender, createTelegramOutbound } from './outbound.ts';
import type { RenderOptions } from './render.ts';

/** Update kinds the bot asks for (webhook and long polling alike). */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'poll', 'poll_answer', 'my_chat_member'] as const;

export const APOLOGY = 'Sorry, something went wrong while handling that. Please try again in a moment.';

export interface TelegramAdapterOptions {
  token: string;
  /** Bot API base URL (tests: a local fake). Default https://api.telegram.org. */
  apiRoot?: string;
  /** Webhook mode when set: the URL Telegram posts to; its path is served on the shared HTTP server. */
  webhookUrl?: string;
  /** X-Telegram-Bot-Api-Secret-Token. When absent in webhook mode a random one is used. */
  webhookSecret?: string;
  core: Core;
  log: Logger;
  /** Known bot account (tests): skips getMe at start. */
  botInfo?: UserFromGetMe;
  /** Outgoing-call pipeline (throttler limits, retries). Defaults follow Telegram's limits. */
  api?: ApiPipelineOptions;
  render?: RenderOptions;
  /** Long-polling timeout in seconds (default 30). */
  pollTimeoutSeconds?: number;
  /** Webhook: answer Telegram after this long even if the update is still being handled (default 25 s). */
  webhookTimeoutMs?: number;
}

export interface TelegramAdapter extends AdapterHandle {
  readonly name: 'telegram';
  /** The grammY bot (tests and benchmarks). */
  readonly bot: Bot;
  /** Webhook route path, when in webhook mode. */
  readonly webhookPath?: string;
  /** Resolves once the update with this id has been handled, errors included (tests, benchmarks). */
  whenProcessed(updateId: number): Promise<void>;
}

/** A child logger that never writes the token, the webhook secret, or (above debug) message text. */
function adapterLogger(log: Logger): Logger {
  const paths = ['token', '*.token', 'secret_token', '*.secret_token', 'webhookSecret', '*.webhookSecret', 'headers["x-telegram-bot-api-secret-token"]'];
  if (!log.isLevelEnabled('debug')) paths.push('text', '*.text', 'caption', '*.caption');
  return log.child({ adapter: 'telegram' }, { redact: { paths, censor: '[redacted]' } });
}

export function createTelegramAdapter(opts: TelegramAdapterOptions): TelegramAdapter {
  const log = adapterLogger(opts.log);
  const { core } = opts;
  const apiHttp = createBotApiHttpClient();
  const bot = new Bot<Context>(opts.token, {
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
    client: {
      ...(opts.apiRoot ? { apiRoot: opts.apiRoot.replace(/\/+$/, '') } : {}),
      // Long polls take up to pollTimeoutSeconds; nothing else should take this long.
      timeoutSeconds: (opts.pollTimeoutSeconds ?? 30) + 30,
      fetch: apiHttp.fetch,
    },
  });
  bot.api.config.use(...createApiPipeline(opts.api));
  // The runner is silent; its failed long polls are logged here (not the ones stop() aborts).
  bot.api.config.use((prev, method, payload, signal) => {
    if (method !== 'getUpdates') return prev(method, payload, signal);
    return prev(method, payload, signal).catch((err: unknown) => {
      if (!signal?.aborted) log.warn({ err: errorFields(err) }, 'getUpdates failed; the runner retries');
      throw err;
    });
  });

  const render: RenderOptions = { dateTimeEntities: true, ...opts.render };
  const sender = createSender(bot.api, log, render);
  const outbound = createTelegramOutbound({ api: bot.api, sender, core, log });

  const migrated = createLru<number, true>(256);
  const deps: FeatureDeps = {
    core,
    log,
    sender,
    me: () => bot.botInfo,
    migrations: {
      recent: (id) => migrated.has(id),
      note: (from, to) => {
        migrated.set(from, true);
        migrated.set(to, true);
      },
    },
  };

  // --- middleware ------------------------------------------------------------------------------
  let stopping = false;
  const inFlight = new Set<Promise<unknown>>();
  const track = async (p: Promise<unknown>) => {
    inFlight.add(p);
    try {
      await p;
    } finally {
      inFlight.delete(p);
    }
  };
  // Which updates are done (handled, or failed and reported), for whenProcessed().
  const done = createLru<number, true>(8192);
  const doneWaiters = new Map<number, (() => void)[]>();
  const markDone = (ctx: Context) => {
    const id = (ctx.update as { update_id?: unknown } | null)?.update_id;
    if (typeof id !== 'number') return;
    done.set(id, true);
    for (const w of doneWaiters.get(id) ?? []) w();
    doneWaiters.delete(id);
  };
  bot.use(async (ctx, next) => {
    await track(next());
    markDone(ctx); // on failure, onError marks it once the error has been reported
  });
  bot.use(dedupeFeature(log));
  // Updates of one chat are handled in order (poll updates per poll), different chats concurrently.
  bot.use(
    sequentialize((ctx: Context) => {
      const chat = ctx.chat?.id;
      if (chat !== undefined) return String(chat);
      const poll = ctx.pollAnswer?.poll_id ?? ctx.poll?.id;
      return poll ? `poll:${poll}` : undefined;
    }),
  );
  bot.use(membershipFeature(deps));
  bot.use(messagesFeature(deps));
  bot.use(callbacksFeature(deps));
  bot.use(pollsFeature(deps));

  // --- the one error boundary ------------------------------------------------------------------
  function onError(e: BotError<Context>): Promise<void> {
    const p = reportError(e).finally(() => markDone(e.ctx));
    void track(p);
    return p;
  }
  async function reportError(e: BotError<Context>): Promise<void> {
    try {
      const err = e.error;
      const ctx = e.ctx;
      const update = ctx.update as unknown as Record<string, unknown> | null;
      const kind = update ? Object.keys(update).find((k) => k !== 'update_id') : undefined;
      log.error({ err: errorFields(err), update: update?.update_id, kind }, 'telegram update failed');
      const chat = ctx.chat;
      if (!chat) return;
      if (err instanceof GrammyError || err instanceof HttpError) {
        // Our own reply could not be delivered: apologising would fail the same way.
        const d = toDeliveryError(err);
        if (d.failure === 'gone') await core.chatGone(chatIdOf(chat.id), d.message);
        if (d.failure !== 'permanent') return;
      }
      const msg = ctx.msg;
      const threadId = msg && 'is_topic_message' in msg ? threadIdOf(msg) : undefined;
      await sender.postPlain(chat.id, APOLOGY, {
        ...(threadId ? { threadId: Number(threadId) } : {}),
        ...(ctx.message && chat.type !== 'private' ? { replyTo: ctx.message.message_id } : {}),
      });
    } catch (inner) {
      log.warn({ err: errorFields(inner) }, 'could not report an error to the chat');
    }
  }
  bot.catch(onError);

  // --- webhook route ---------------------------------------------------------------------------
  let routes: HttpRoute[] | undefined;
  let webhookPath: string | undefined;
  const secret = opts.webhookUrl ? (opts.webhookSecret ?? randomBytes(24).toString('hex')) : undefined;
  if (opts.webhookUrl) {
    webhookPath = new URL(opts.webhookUrl).pathname || '/';
    const callback = webhookCallback(bot, 'http', {
      secretToken: secret,
      onTimeout: 'return',
      timeoutMilliseconds: opts.webhookTimeoutMs ?? 25_000,
    });
    const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (stopping) {
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end('shutting down');
        req.resume();
        return;
      }
      try {
        await callback(req, res);
      } catch (err) {
        if (err instanceof BotError) {
          // Handled here as for long polling; Telegram must not retry an update that failed.
          await onError(err as BotError<Context>);
          if (!res.headersSent) res.writeHead(200).end();
          return;
        }
        const bad = err instanceof SyntaxError || err instanceof TypeError;
        log.warn({ err: errorFields(err) }, bad ? 'webhook: malformed body refused' : 'webhook request failed');
        if (!res.headersSent) res.writeHead(bad ? 400 : 500, { 'content-type': 'text/plain' }).end(bad ? 'bad request' : 'error');
      }
    };
    routes = [{ method: 'POST', path: webhookPath, handler }];
  }

  // --- lifecycle -------------------------------------------------------------------------------
  let runner: RunnerHandle | undefined;

  async function registerCommands(): Promise<void> {
    const clean = (list: { command: string; description: string }[]) =>
      list
        .map((c) => ({ command: c.command.replace(/^\//, '').toLowerCase(), description: c.description.trim().slice(0, 256) }))
        .filter((c) => /^[a-z0-9_]{1,32}$/.test(c.command) && c.description.length >= 1)
        .slice(0, 100);
    try {
      await bot.api.setMyCommands(clean(core.commandMenu('private')), { scope: { type: 'all_private_chats' } });
      await bot.api.setMyCommands(clean(core.commandMenu('group')), { scope: { type: 'all_group_chats' } });
    } catch (err) {
      log.warn({ err: errorFields(err) }, 'could not register the command menu; commands still work');
    }
  }

  return {
    name: 'telegram',
    bot,
    outbound,
    webhookPath,
    ...(routes ? { routes } : {}),
    whenProcessed(updateId) {
      if (done.has(updateId)) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const list = doneWaiters.get(updateId) ?? [];
        list.push(resolve);
        doneWaiters.set(updateId, list);
      });
    },
    async start() {
      stopping = false;
      await bot.init(); // getMe: verifies the token
      await registerCommands();
      if (opts.webhookUrl) {
        await bot.api.setWebhook(opts.webhookUrl, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
        log.info({ username: bot.botInfo.username, mode: 'webhook', path: webhookPath }, 'telegram adapter started');
        return;
      }
      // A webhook left over from another deployment would make getUpdates fail with 409.
      await bot.api.deleteWebhook();
      runner = run(bot, {
        runner: {
          fetch: { allowed_updates: [...ALLOWED_UPDATES], timeout: opts.pollTimeoutSeconds ?? 30 },
          silent: true,
          retryInterval: 'exponential',
          maxRetryTime: 15 * 60_000,
        },
        sink: { concurrency: 200 },
      });
      const task = runner.task();
      task?.catch((err: unknown) => log.error({ err: errorFields(err) }, 'telegram polling stopped'));
      log.info({ username: bot.botInfo.username, mode: 'polling' }, 'telegram adapter started');
    },
    async stop() {
      stopping = true;
      const r = runner;
      runner = undefined;
      await Promise.resolve(r?.stop()).catch(() => {});
      // Let updates in flight finish (their replies included).
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await apiHttp.close();
      log.info('telegram adapter stopped');
    },
  };
}
