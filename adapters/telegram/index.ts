// The Telegram adapter: a thin grammY bot over the core. It translates updates into core calls
// and replies into Bot API calls; no business rule lives here. One Composer per feature, all
// installed by createTelegramAdapter (no side effects at import time).
import { randomBytes } from 'node:crypto';
import { sequentialize } from '@grammyjs/runner';
import { Bot, BotError, GrammyError, HttpError, type Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import { AdapterFatalError, type AdapterHandle, type UpdateLedger } from '../../src/core/adapter.ts';
import type { HttpRoute } from '../../src/core/http-server.ts';
import { errorFields } from '../../src/core/logger.ts';
import { createLru } from '../../src/core/lru.ts';
import { APOLOGY_TEXT } from '../../src/core/reply-helpers.ts';
import type { Core } from '../../src/core/ports.ts';
import { createBotApiHttpClient } from './http-client.ts';
import { ApiTimeoutError, createApiPipeline, type ApiPipelineOptions } from './api-plugins.ts';
import { toDeliveryError } from './errors.ts';
import { callbacksFeature } from './features/callbacks.ts';
import type { FeatureDeps } from './features/context.ts';
import { createMemoryLedger, type RawUpdate } from './features/dedupe.ts';
import { membershipFeature } from './features/membership.ts';
import { messagesFeature, threadIdOf } from './features/messages.ts';
import { pollsFeature } from './features/polls.ts';
import { chatIdOf } from './ids.ts';
import { createSender, createTelegramOutbound } from './outbound.ts';
import { ALLOWED_UPDATES, createPolling, type StartRetryOptions } from './polling.ts';
import type { RenderOptions } from './render.ts';
import { createWebhookRoute } from './webhook.ts';

export { ALLOWED_UPDATES, MAX_UPDATE_ATTEMPTS, describeApiError, type StartRetryOptions } from './polling.ts';

/** The one apology (src/core/reply-helpers.ts), also when an update fails before the core answers. */
export const APOLOGY = APOLOGY_TEXT;
/** A reply that timed out (PLATFORM_TIMEOUT): it may or may not have arrived. */
export const TIMEOUT_NOTICE = 'Sorry, Telegram did not confirm your answer in time, so it may be missing or incomplete. Please ask again.';
/** A reply Telegram would only take after longer than MAX_RETRY_AFTER. */
export function rateLimitedNotice(retryAfterMs: number | undefined): string {
  const min = Math.max(1, Math.ceil((retryAfterMs ?? 60_000) / 60_000));
  return `Sorry, Telegram is limiting how fast this bot may post, so your answer could not be sent. Please ask again in about ${min} minute${min === 1 ? '' : 's'}.`;
}

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
  /** Outgoing-call pipeline (timeout, throttler limits, retries). Defaults follow Telegram's limits. */
  api?: ApiPipelineOptions;
  render?: RenderOptions;
  /** Where updates are recorded before they are confirmed to Telegram (src/store/update-ledger.ts).
   *  Without one, an in-memory ledger: duplicates are recognised within this process only. */
  ledger?: UpdateLedger;
  /** Long-polling timeout in seconds (default 30). */
  pollTimeoutSeconds?: number;
  /** Webhook: answer Telegram after this long even if the update is still being handled; the work
   *  finishes after (default 2 s). */
  webhookBudgetMs?: number;
  /** getMe at start (default 5 attempts, 1 s doubling up to 10 s), and the getUpdates retry backoff. */
  startRetry?: StartRetryOptions;
}

export interface TelegramAdapter extends AdapterHandle {
  readonly name: 'telegram';
  /** The grammY bot (tests and benchmarks). */
  readonly bot: Bot;
  /** Webhook route path, when in webhook mode. */
  readonly webhookPath?: string;
  /** Resolves once the update with this id has been handled, errors included (tests, benchmarks). */
  whenProcessed(updateId: number): Promise<void>;
  onFatal(listener: (err: AdapterFatalError) => void): void;
}

/** Consecutive getUpdates failures after which the adapter reports itself 'down' (GET /healthz). */
export const DOWN_AFTER_POLL_FAILURES = 3;

/** The ledger's name for this bot's updates: update ids are numbered per bot. The bot id is the
 *  token's public part (before the colon). */
export function ledgerSource(token: string): string {
  const id = /^(\d{1,20}):/.exec(token)?.[1];
  return `telegram:${id ?? 'bot'}`;
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
  const apiRoot = (opts.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const apiHttp = createBotApiHttpClient();
  const pollTimeout = opts.pollTimeoutSeconds ?? 30;
  const bot = new Bot<Context>(opts.token, {
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
    client: {
      ...(opts.apiRoot ? { apiRoot } : {}),
      // The outer bound for the long poll; every other call has the pipeline's own timeout.
      timeoutSeconds: pollTimeout + 30,
      fetch: apiHttp.fetch,
    },
  });
  bot.api.config.use(...createApiPipeline(opts.api, { apiRoot, log }));

  const render: RenderOptions = { dateTimeEntities: true, ...opts.render };
  const sender = createSender(bot.api, log, render);
  const outbound = createTelegramOutbound({ api: bot.api, sender, core, log });
  const ledger = opts.ledger ?? createMemoryLedger();
  const source = ledgerSource(opts.token);

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

  // --- handling one update (polling, webhook and replays alike) ---------------------------------
  let stopping = false;
  let stopCtl = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  // Which updates are done (handled, or failed and reported), for whenProcessed().
  const done = createLru<number, true>(8192);
  const doneWaiters = new Map<number, (() => void)[]>();
  const markDone = (id: number) => {
    done.set(id, true);
    for (const w of doneWaiters.get(id) ?? []) w();
    doneWaiters.delete(id);
  };

  /** Handles an update already recorded in the ledger; marks it done there once handled (or its
   *  failure reported), never before. */
  function handle(update: RawUpdate): Promise<void> {
    const id = update.update_id;
    const p = (async () => {
      try {
        await bot.handleUpdate(update as unknown as Update);
      } catch (err) {
        if (err instanceof BotError) await reportError(err as BotError<Context>);
        else log.error({ err: errorFields(err), update: id }, 'telegram update failed');
      }
      try {
        // Retried while another process holds the database's write lock (the SQLite ledger).
        await ledger.done(source, id);
      } catch (err) {
        log.error({ err: errorFields(err), update: id }, 'could not mark the update done; it may be handled again after a restart');
      }
      markDone(id);
    })();
    track(p);
    return p;
  }

  // --- the one error boundary ------------------------------------------------------------------
  async function reportError(e: BotError<Context>): Promise<void> {
    try {
      const err = e.error;
      const ctx = e.ctx;
      const update = ctx.update as unknown as Record<string, unknown> | null;
      const kind = update ? Object.keys(update).find((k) => k !== 'update_id') : undefined;
      log.error({ err: errorFields(err), update: update?.update_id, kind }, 'telegram update failed');
      const chat = ctx.chat;
      if (!chat) return;
      let notice = APOLOGY;
      if (err instanceof GrammyError || err instanceof HttpError) {
        const d = toDeliveryError(err);
        if (d.failure === 'gone') await core.chatGone(chatIdOf(chat.id), d.message);
        // A reply that timed out, or that Telegram would take only after longer than
        // MAX_RETRY_AFTER, is not dropped silently: the asker is told. Other failures of our own
        // reply (dropped connection, 5xx) would make an apology fail the same way.
        if (err instanceof ApiTimeoutError) notice = TIMEOUT_NOTICE;
        else if (d.failure === 'rate-limited') notice = rateLimitedNotice(d.retryAfterMs);
        else if (d.failure !== 'permanent') return;
      }
      const msg = ctx.msg;
      const threadId = msg && 'is_topic_message' in msg ? threadIdOf(msg) : undefined;
      await sender.postPlain(chat.id, notice, {
        ...(threadId ? { threadId: Number(threadId) } : {}),
        ...(ctx.message && chat.type !== 'private' ? { replyTo: ctx.message.message_id } : {}),
      });
    } catch (inner) {
      log.warn({ err: errorFields(inner) }, 'could not report an error to the chat');
    }
  }

  // --- fatal errors ----------------------------------------------------------------------------
  const fatalListeners: ((err: AdapterFatalError) => void)[] = [];
  let fatal: AdapterFatalError | undefined;
  function emitFatal(err: AdapterFatalError): void {
    if (fatal) return;
    fatal = err;
    if (fatalListeners.length === 0) log.fatal({ err: errorFields(err) }, err.message);
    for (const l of fatalListeners) l(err);
  }

  // --- webhook route (./webhook.ts) -----------------------------------------------------------
  const secret = opts.webhookUrl ? (opts.webhookSecret ?? randomBytes(24).toString('hex')) : undefined;
  const webhookPath = opts.webhookUrl ? new URL(opts.webhookUrl).pathname || '/' : undefined;
  const routes =
    webhookPath && secret
      ? [createWebhookRoute({ path: webhookPath, secret, budgetMs: opts.webhookBudgetMs ?? 2000, ledger, source, log, handle, track, stopping: () => stopping })]
      : undefined;

  // --- token check, long polling, unfinished updates (./polling.ts) -----------------------------
  const polling = createPolling({
    bot,
    apiRoot,
    ledger,
    source,
    log,
    pollTimeout,
    ...(opts.startRetry ? { startRetry: opts.startRetry } : {}),
    handle,
    inFlight,
    stopping: () => stopping,
    stopSignal: () => stopCtl.signal,
    emitFatal,
  });

  // --- lifecycle -------------------------------------------------------------------------------
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
    onFatal(listener) {
      fatalListeners.push(listener);
      if (fatal) listener(fatal);
    },
    // GET /healthz: 'starting' until getMe answered; 'down' after a fatal error, or while getUpdates
    // has failed DOWN_AFTER_POLL_FAILURES times in a row (the Bot API stopped answering), until one
    // succeeds again.
    state() {
      if (fatal) return 'down';
      if (!polling.verified()) return 'starting';
      return polling.failures() >= DOWN_AFTER_POLL_FAILURES ? 'down' : 'connected';
    },
    async start() {
      stopping = false;
      stopCtl = new AbortController();
      await polling.verifyToken();
      await registerCommands();
      if (opts.webhookUrl) {
        await bot.api.setWebhook(opts.webhookUrl, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
        await polling.resumePending();
        log.info({ username: bot.botInfo.username, mode: 'webhook', path: webhookPath }, 'telegram adapter started');
        return;
      }
      // A webhook left over from another deployment would make getUpdates fail with 409.
      await bot.api.deleteWebhook();
      await polling.resumePending();
      polling.startLoop();
      log.info({ username: bot.botInfo.username, mode: 'polling' }, 'telegram adapter started');
    },
    async stop() {
      stopping = true;
      stopCtl.abort();
      await polling.stop();
      // Let updates in flight finish (their replies included) and be marked done.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await apiHttp.close();
      log.info('telegram adapter stopped');
    },
  };
}
