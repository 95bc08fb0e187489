// The Telegram adapter: a thin grammY bot over the core. It translates updates into core calls
// and replies into Bot API calls; no business rule lives here. One Composer per feature, all
// installed by createTelegramAdapter (no side effects at import time).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { sequentialize } from '@grammyjs/runner';
import { Bot, BotError, GrammyError, HttpError, type Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import { AdapterFatalError, type AdapterHandle, type UpdateLedger } from '../../src/core/adapter.ts';
import type { HttpRoute } from '../../src/core/http-server.ts';
import { errorFields, scrubSecrets } from '../../src/core/logger.ts';
import { createLru } from '../../src/core/lru.ts';
import type { Core } from '../../src/core/ports.ts';
import { createBotApiHttpClient } from './http-client.ts';
import { ApiTimeoutError, createApiPipeline, type ApiPipelineOptions } from './api-plugins.ts';
import { toDeliveryError } from './errors.ts';
import { callbacksFeature } from './features/callbacks.ts';
import type { FeatureDeps } from './features/context.ts';
import { createMemoryLedger, isUpdate, type RawUpdate } from './features/dedupe.ts';
import { membershipFeature } from './features/membership.ts';
import { messagesFeature, threadIdOf } from './features/messages.ts';
import { pollsFeature } from './features/polls.ts';
import { chatIdOf } from './ids.ts';
import { createSender, createTelegramOutbound } from './outbound.ts';
import type { RenderOptions } from './render.ts';

/** Update kinds the bot asks for (webhook and long polling alike). `chat_member` (another member
 *  joined or left; Telegram sends it only where the bot is an admin, and only when asked for) lets a
 *  member who leaves lose the roles granted in chat even when no service message comes. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'poll', 'poll_answer', 'my_chat_member', 'chat_member'] as const;

export const APOLOGY = 'Sorry, something went wrong while handling that. Please try again in a moment.';
/** A reply that timed out (PLATFORM_TIMEOUT): it may or may not have arrived. */
export const TIMEOUT_NOTICE = 'Sorry, Telegram did not confirm your answer in time, so it may be missing or incomplete. Please ask again.';
/** A reply Telegram would only take after longer than MAX_RETRY_AFTER. */
export function rateLimitedNotice(retryAfterMs: number | undefined): string {
  const min = Math.max(1, Math.ceil((retryAfterMs ?? 60_000) / 60_000));
  return `Sorry, Telegram is limiting how fast this bot may post, so your answer could not be sent. Please ask again in about ${min} minute${min === 1 ? '' : 's'}.`;
}

/** Start-up check of the token (getMe): attempts and backoff. */
export interface StartRetryOptions {
  attempts?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
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
/** Handling attempts of one update before it is given up (an update that keeps killing the process). */
export const MAX_UPDATE_ATTEMPTS = 3;
/** Updates being handled at once (the rest wait in Telegram's queue, or the ledger). */
const MAX_IN_FLIGHT = 200;

/** The ledger's name for this bot's updates: update ids are numbered per bot. The bot id is the
 *  token's public part (before the colon). */
export function ledgerSource(token: string): string {
  const id = /^(\d{1,20}):/.exec(token)?.[1];
  return `telegram:${id ?? 'bot'}`;
}

/** A Bot API failure as one line for an operator: grammY's "Network request failed" with its cause. */
export function describeApiError(err: unknown): string {
  if (err instanceof GrammyError) return scrubSecrets(`${err.error_code} ${err.description}`);
  if (err instanceof HttpError && !(err instanceof ApiTimeoutError)) {
    const inner = err.error as { message?: string; code?: string } | undefined;
    const why = inner?.code ?? inner?.message;
    return scrubSecrets(why ? `${err.message} (${String(why).slice(0, 200)})` : err.message);
  }
  return errorFields(err).message;
}

/** Failures of getUpdates/getMe that retrying cannot fix, with what the operator should do. */
function fatalReason(err: unknown): string | undefined {
  if (!(err instanceof GrammyError)) return undefined;
  if (err.error_code === 409) {
    return /webhook/i.test(err.description)
      ? `a webhook was set for this bot by another deployment (409 ${err.description})`
      : `another instance is polling with this bot token (409 Conflict); stop it, or give this one its own token`;
  }
  if (err.error_code === 401 || err.error_code === 404) return `Telegram refused the bot token (${err.error_code} ${err.description}): it was revoked or is wrong; check TELEGRAM_BOT_TOKEN`;
  return undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function sameSecret(got: string | string[] | undefined, want: string): boolean {
  if (typeof got !== 'string') return false;
  const a = Buffer.from(got);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
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
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
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

  // --- webhook route ---------------------------------------------------------------------------
  let routes: HttpRoute[] | undefined;
  let webhookPath: string | undefined;
  const secret = opts.webhookUrl ? (opts.webhookSecret ?? randomBytes(24).toString('hex')) : undefined;
  const budgetMs = opts.webhookBudgetMs ?? 2000;
  if (opts.webhookUrl && secret) {
    webhookPath = new URL(opts.webhookUrl).pathname || '/';
    const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (stopping) {
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end('shutting down');
        req.resume();
        return;
      }
      if (!sameSecret(req.headers['x-telegram-bot-api-secret-token'], secret)) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('secret token is wrong');
        req.resume();
        return;
      }
      let body: unknown;
      try {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        if (res.headersSent) return; // refused by the HTTP server already (too large)
        log.warn({ err: errorFields(err) }, 'webhook: malformed body refused');
        res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
        return;
      }
      if (!isUpdate(body)) {
        log.warn('ignored a body that is not a Telegram update');
        res.writeHead(200).end();
        return;
      }
      // One budget for recording and handling: Telegram gets its answer once the update is handled
      // or the budget is spent, whichever comes first.
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), budgetMs);
      });
      try {
        const update = body;
        // The SQLite ledger retries while another process holds the write lock (up to 10 s).
        const intake = Promise.resolve().then(() => ledger.intake(source, [update]));
        const recorded = await Promise.race([intake.then((fresh) => ({ fresh }), (err: unknown) => ({ err })), budget]);
        if (recorded === 'late') {
          // The database is locked: answer Telegram now and keep the update in memory until it is
          // recorded, then handle it (README: a crash in that window loses it).
          log.warn({ update: update.update_id, budgetMs }, 'webhook: the database is busy; answered Telegram, the update waits in memory to be recorded');
          const waiting = intake.then(
            (fresh) => (fresh.length > 0 ? handle(update) : log.info({ update: update.update_id }, 'duplicate update ignored')),
            (err: unknown) => {
              log.error({ err: errorFields(err), update: update.update_id }, 'webhook: could not record the update; handling it without a record');
              return handle(update);
            },
          );
          inFlight.add(waiting);
          void waiting.finally(() => inFlight.delete(waiting));
        } else if ('err' in recorded) {
          // Not recorded: Telegram delivers it again.
          log.error({ err: errorFields(recorded.err), update: update.update_id }, 'webhook: could not record the update; Telegram will retry');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('error');
          return;
        } else if (recorded.fresh.length === 0) {
          log.info({ update: update.update_id }, 'duplicate update ignored');
        } else {
          // Recorded: a crash from here on is recovered from the ledger at the next start.
          const inTime = await Promise.race([handle(update).then(() => true), budget.then(() => false)]);
          if (!inTime) {
            log.warn({ update: update.update_id, budgetMs }, 'webhook: update still being handled after the budget; answered Telegram, finishing in the background');
          }
        }
      } finally {
        clearTimeout(timer);
      }
      if (!res.headersSent) res.writeHead(200).end();
    };
    routes = [{ method: 'POST', path: webhookPath, handler }];
  }

  // --- long polling ----------------------------------------------------------------------------
  // Our own loop rather than @grammyjs/runner: the runner confirms a batch (by asking for the next
  // offset) as soon as it has fetched it, before the updates are handled, so a crash loses them.
  // Here each batch is written to the ledger first and only then confirmed; the ledger is the
  // durable queue that is handled from, and what a restart resumes.
  let pollCtl: AbortController | undefined;
  let loop: Promise<void> | undefined;
  const retry = { attempts: 5, firstDelayMs: 1000, maxDelayMs: 10_000, ...opts.startRetry };
  const backoff = (n: number) => Math.min(retry.maxDelayMs, retry.firstDelayMs * 2 ** Math.max(0, n - 1));

  // For state(): the token was verified (getMe), and getUpdates failures in a row.
  let verified = false;
  let failures = 0;

  async function pollLoop(): Promise<void> {
    let offset = 0;
    failures = 0;
    while (!stopping) {
      while (inFlight.size >= MAX_IN_FLIGHT && !stopping) await Promise.race(inFlight);
      if (stopping) break;
      let batch: Update[];
      try {
        pollCtl = new AbortController();
        batch = await bot.api.getUpdates({ offset, limit: 100, timeout: pollTimeout, allowed_updates: [...ALLOWED_UPDATES] }, pollCtl.signal as never);
        failures = 0;
      } catch (err) {
        if (stopping) break;
        const reason = fatalReason(err);
        if (reason) {
          emitFatal(new AdapterFatalError('telegram', `Telegram polling stopped: ${reason}`, { cause: err }));
          return;
        }
        failures++;
        const wait = backoff(failures);
        log.warn({ err: { name: errorFields(err).name, message: describeApiError(err) }, attempt: failures, retryInMs: wait }, 'getUpdates failed; retrying');
        await sleep(wait, stopCtl.signal);
        continue;
      }
      if (batch.length === 0) continue;
      const updates = batch as unknown as RawUpdate[];
      let fresh: RawUpdate[];
      try {
        // Retried while another process holds the database's write lock: the batch waits, unconfirmed.
        fresh = await ledger.intake(
          source,
          updates.filter((u) => isUpdate(u)),
        );
      } catch (err) {
        // Not recorded, so not confirmed either: the same batch comes again.
        log.error({ err: errorFields(err) }, 'could not record updates; fetching them again');
        await sleep(backoff(1), stopCtl.signal);
        continue;
      }
      // Asking for the next offset confirms this batch to Telegram: it is in the ledger now.
      offset = Math.max(offset, ...updates.map((u) => (typeof u.update_id === 'number' ? u.update_id + 1 : 0)));
      for (const u of fresh) void handle(u);
    }
  }

  /** Updates an earlier run recorded but did not finish (it was killed): handled before new ones. */
  async function resumePending(): Promise<void> {
    let pending: Awaited<ReturnType<UpdateLedger['takePending']>>;
    try {
      pending = await ledger.takePending(source, MAX_UPDATE_ATTEMPTS);
    } catch (err) {
      log.error({ err: errorFields(err) }, 'could not read the updates left unfinished by the last run; they wait for the next start');
      return;
    }
    const { updates, givenUp } = pending;
    if (givenUp > 0) log.error({ count: givenUp, attempts: MAX_UPDATE_ATTEMPTS }, 'gave up updates whose handling was interrupted too often');
    if (updates.length > 0) log.info({ count: updates.length }, 'resuming updates left unfinished by the last run');
    for (const u of updates) if (isUpdate(u)) void handle(u);
  }

  /** getMe with a bounded number of attempts, one log line each; then a one-line AdapterFatalError. */
  async function verifyToken(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        // Not bot.init(): it retries getMe forever, silently, backing off to 20 minutes.
        if (!bot.isInited()) bot.botInfo = await bot.api.getMe(stopCtl.signal as never);
        verified = true;
        return;
      } catch (err) {
        if (stopping) throw new AdapterFatalError('telegram', 'Telegram start cancelled: the bot is stopping', { cause: err });
        const reason = fatalReason(err);
        if (reason) throw new AdapterFatalError('telegram', `Telegram could not start: ${reason}`, { cause: err });
        const why = describeApiError(err);
        if (attempt >= retry.attempts) {
          throw new AdapterFatalError(
            'telegram',
            `Telegram could not start: the Bot API at ${new URL(apiRoot).host} did not answer getMe after ${retry.attempts} attempts (last: ${why}); check the network or TELEGRAM_API_ROOT`,
            { cause: err },
          );
        }
        const wait = backoff(attempt);
        log.warn({ attempt, of: retry.attempts, retryInMs: wait, err: { name: errorFields(err).name, message: why } }, 'telegram: getMe failed; retrying');
        await sleep(wait, stopCtl.signal);
      }
    }
  }

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
      if (!verified) return 'starting';
      return failures >= DOWN_AFTER_POLL_FAILURES ? 'down' : 'connected';
    },
    async start() {
      stopping = false;
      stopCtl = new AbortController();
      failures = 0;
      await verifyToken();
      await registerCommands();
      if (opts.webhookUrl) {
        await bot.api.setWebhook(opts.webhookUrl, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
        await resumePending();
        log.info({ username: bot.botInfo.username, mode: 'webhook', path: webhookPath }, 'telegram adapter started');
        return;
      }
      // A webhook left over from another deployment would make getUpdates fail with 409.
      await bot.api.deleteWebhook();
      await resumePending();
      loop = pollLoop().catch((err: unknown) => {
        emitFatal(new AdapterFatalError('telegram', `Telegram polling stopped: ${errorFields(err).message}`, { cause: err }));
      });
      log.info({ username: bot.botInfo.username, mode: 'polling' }, 'telegram adapter started');
    },
    async stop() {
      stopping = true;
      stopCtl.abort();
      pollCtl?.abort();
      await loop;
      loop = undefined;
      // Let updates in flight finish (their replies included) and be marked done.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await apiHttp.close();
      log.info('telegram adapter stopped');
    },
  };
}
