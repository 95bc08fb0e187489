// Talking to the Bot API in a loop: the token check at start (getMe, bounded retries), the long
// polling loop, and the updates an earlier run left unfinished.
//
// Our own loop rather than @grammyjs/runner: the runner confirms a batch (by asking for the next
// offset) as soon as it has fetched it, before the updates are handled, so a crash loses them.
// Here each batch is written to the ledger first and only then confirmed; the ledger is the
// durable queue that is handled from, and what a restart resumes.
import { GrammyError, HttpError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import { AdapterFatalError, type UpdateLedger } from '../../src/core/adapter.ts';
import { errorFields, scrubSecrets } from '../../src/core/logger.ts';
import { ApiTimeoutError } from './api-plugins.ts';
import { isUpdate, type RawUpdate } from './features/dedupe.ts';

/** Update kinds the bot asks for (webhook and long polling alike). `chat_member` (another member
 *  joined or left; Telegram sends it only where the bot is an admin, and only when asked for) lets a
 *  member who leaves lose the roles granted in chat even when no service message comes. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'poll', 'poll_answer', 'my_chat_member', 'chat_member'] as const;

/** Handling attempts of one update before it is given up (an update that keeps killing the process). */
export const MAX_UPDATE_ATTEMPTS = 3;
/** Updates being handled at once (the rest wait in Telegram's queue, or the ledger). */
const MAX_IN_FLIGHT = 200;

/** Start-up check of the token (getMe): attempts and backoff. */
export interface StartRetryOptions {
  attempts?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
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

export interface PollingDeps {
  bot: Bot;
  apiRoot: string;
  ledger: UpdateLedger;
  /** The ledger's name for this bot's updates. */
  source: string;
  log: Logger;
  /** Long-polling timeout in seconds. */
  pollTimeout: number;
  startRetry?: StartRetryOptions;
  /** Handles an update already recorded in the ledger. */
  handle(update: RawUpdate): Promise<void>;
  /** Updates being handled now (the loop waits when there are too many). */
  inFlight: ReadonlySet<Promise<void>>;
  stopping(): boolean;
  /** Aborted when the adapter stops (ends waits between retries). */
  stopSignal(): AbortSignal;
  emitFatal(err: AdapterFatalError): void;
}

export function createPolling(d: PollingDeps) {
  const { bot, ledger, source, log, inFlight } = d;
  const retry = { attempts: 5, firstDelayMs: 1000, maxDelayMs: 10_000, ...d.startRetry };
  const backoff = (n: number) => Math.min(retry.maxDelayMs, retry.firstDelayMs * 2 ** Math.max(0, n - 1));
  let pollCtl: AbortController | undefined;
  let loop: Promise<void> | undefined;
  // For state(): the token was verified (getMe), and getUpdates failures in a row.
  let verified = false;
  let failures = 0;

  async function pollLoop(): Promise<void> {
    let offset = 0;
    failures = 0;
    while (!d.stopping()) {
      while (inFlight.size >= MAX_IN_FLIGHT && !d.stopping()) await Promise.race(inFlight);
      if (d.stopping()) break;
      let batch: Update[];
      try {
        pollCtl = new AbortController();
        batch = await bot.api.getUpdates({ offset, limit: 100, timeout: d.pollTimeout, allowed_updates: [...ALLOWED_UPDATES] }, pollCtl.signal as never);
        failures = 0;
      } catch (err) {
        if (d.stopping()) break;
        const reason = fatalReason(err);
        if (reason) {
          d.emitFatal(new AdapterFatalError('telegram', `Telegram polling stopped: ${reason}`, { cause: err }));
          return;
        }
        failures++;
        const wait = backoff(failures);
        log.warn({ err: { name: errorFields(err).name, message: describeApiError(err) }, attempt: failures, retryInMs: wait }, 'getUpdates failed; retrying');
        await sleep(wait, d.stopSignal());
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
        await sleep(backoff(1), d.stopSignal());
        continue;
      }
      // Asking for the next offset confirms this batch to Telegram: it is in the ledger now.
      offset = Math.max(offset, ...updates.map((u) => (typeof u.update_id === 'number' ? u.update_id + 1 : 0)));
      for (const u of fresh) void d.handle(u);
    }
  }

  return {
    verified: () => verified,
    /** getUpdates failures in a row. */
    failures: () => failures,

    /** getMe with a bounded number of attempts, one log line each; then a one-line AdapterFatalError. */
    async verifyToken(): Promise<void> {
      failures = 0;
      for (let attempt = 1; ; attempt++) {
        try {
          // Not bot.init(): it retries getMe forever, silently, backing off to 20 minutes.
          if (!bot.isInited()) bot.botInfo = await bot.api.getMe(d.stopSignal() as never);
          verified = true;
          return;
        } catch (err) {
          if (d.stopping()) throw new AdapterFatalError('telegram', 'Telegram start cancelled: the bot is stopping', { cause: err });
          const reason = fatalReason(err);
          if (reason) throw new AdapterFatalError('telegram', `Telegram could not start: ${reason}`, { cause: err });
          const why = describeApiError(err);
          if (attempt >= retry.attempts) {
            throw new AdapterFatalError(
              'telegram',
              `Telegram could not start: the Bot API at ${new URL(d.apiRoot).host} did not answer getMe after ${retry.attempts} attempts (last: ${why}); check the network or TELEGRAM_API_ROOT`,
              { cause: err },
            );
          }
          const wait = backoff(attempt);
          log.warn({ attempt, of: retry.attempts, retryInMs: wait, err: { name: errorFields(err).name, message: why } }, 'telegram: getMe failed; retrying');
          await sleep(wait, d.stopSignal());
        }
      }
    },

    /** Updates an earlier run recorded but did not finish (it was killed): handled before new ones. */
    async resumePending(): Promise<void> {
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
      for (const u of updates) if (isUpdate(u)) void d.handle(u);
    },

    /** Starts the long-polling loop (its failure after start is fatal for the adapter). */
    startLoop(): void {
      loop = pollLoop().catch((err: unknown) => {
        d.emitFatal(new AdapterFatalError('telegram', `Telegram polling stopped: ${errorFields(err).message}`, { cause: err }));
      });
    },

    /** Ends a long poll in progress and waits for the loop to finish. */
    async stop(): Promise<void> {
      pollCtl?.abort();
      await loop;
      loop = undefined;
    },
  };
}
