// The outgoing-call pipeline: a timeout per call, throttling to Telegram's limits, the date-time
// entity fallback, then deliberate retries.
//
// Order (grammY: the transformer installed last is the outermost):
//   networkRetry( autoRetry( dateTimeFallback( throttler( timeout( HTTP ) ) ) ) )
// so every retry attempt queues through the throttler again, and the timeout counts the call
// itself, not its wait in the throttler's queue.
//
// Retries are configured on purpose. Measured: auto-retry at its defaults retries a request whose
// connection dropped again and again, forever (its network-error loop ignores maxRetryAttempts),
// and a dropped `sendMessage` may well have been delivered: each retry is a duplicate message.
// So: 429 (after retry_after) and 5xx are retried a few times for every method; network errors are
// retried only for idempotent methods; for sending methods they surface as DeliveryError('transient')
// and the scheduler (which has its own backoff and ledger) decides.
import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler, type APIThrottlerOptions } from '@grammyjs/transformer-throttler';
import { HttpError, type Transformer } from 'grammy';
import type { Logger } from 'pino';

/** Methods that can be repeated without a visible effect. Everything else is sent at most once
 *  per network attempt. (getUpdates and getMe are left to the adapter's polling loop and start-up
 *  check, which retry with a log line each.) */
export const IDEMPOTENT_METHODS = new Set([
  'getChat',
  'getChatMember',
  'getWebhookInfo',
  'setWebhook',
  'deleteWebhook',
  'setMyCommands',
  'deleteMyCommands',
  'answerCallbackQuery',
  'editMessageText',
  'editMessageReplyMarkup',
]);

/** Telegram's documented limits: about 30 messages a second overall, 20 a minute in one group,
 *  about 1 a second in one chat. The global limiter spaces calls (34 ms apart, 29.4/s) instead of
 *  allowing bursts of 30 at each second boundary, so no sliding one-second window ever holds more
 *  than 30 messages. */
export const TELEGRAM_LIMITS: APIThrottlerOptions = {
  global: { minTime: 34 },
  group: { maxConcurrent: 1, minTime: 1000, reservoir: 20, reservoirRefreshAmount: 20, reservoirRefreshInterval: 60_000 },
  out: { maxConcurrent: 1, minTime: 1000 },
};

/** Methods the retry transformers leave alone (their callers retry, visibly). */
const SELF_RETRYING = new Set(['getUpdates', 'getMe']);

/** Default for PLATFORM_TIMEOUT: a Bot API call that takes longer is abandoned. */
export const DEFAULT_CALL_TIMEOUT_MS = 15_000;

export interface ApiPipelineOptions {
  /** Throttler limits; `false` disables throttling (benchmarks of handler overhead only). */
  limits?: APIThrottlerOptions | false;
  /** Longest a Bot API call (other than the long poll) may take (PLATFORM_TIMEOUT, default 15 s). */
  timeoutMs?: number;
  /** Longest retry_after the bot waits for by itself; longer ones surface as rate-limited. */
  maxRetryAfterSeconds?: number;
  /** Retries after a 429 or a 5xx. */
  maxRetryAttempts?: number;
  /** Network retries for idempotent methods, and the first delay. */
  networkRetries?: number;
  networkRetryDelayMs?: number;
}

/** A Bot API call abandoned after the configured timeout (an HttpError: it may have taken effect). */
export class ApiTimeoutError extends HttpError {
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`Bot API call ${method} timed out after ${Math.round(timeoutMs / 100) / 10} s`, undefined);
    this.name = 'ApiTimeoutError';
  }
}

/** Aborts a call (other than the long poll, which has its own timeout) after `ms`. */
export function callTimeout(ms: number): Transformer {
  return (prev, method, payload, signal) => {
    if (method === 'getUpdates') return prev(method, payload, signal);
    if (!(ms > 0)) return prev(method, payload, signal);
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    return new Promise<Awaited<ReturnType<typeof prev>>>((resolve, reject) => {
      const timer = setTimeout(() => {
        ctl.abort();
        reject(new ApiTimeoutError(method, ms));
      }, ms);
      prev(method, payload, ctl.signal as never)
        .then(resolve, reject)
        .finally(() => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        });
    });
  };
}

/** Bot API servers (by API root) found not to take `<tg-time>` date-time entities (Bot API 9.5):
 *  an older self-hosted `telegram-bot-api`. Remembered for the life of the process. */
const noDateTime = new Set<string>();
const TG_TIME = /<tg-time\b[^>]*>([^<]*)<\/tg-time>/g;
export const stripDateTime = (html: string): string => html.replace(TG_TIME, '$1');

/** A message refused with "can't parse entities" while it carries `<tg-time>` is sent once more
 *  without the tags (the written time inside them stays); if that works, the server is
 *  remembered and later messages skip the tags from the start. */
export function dateTimeFallback(apiRoot: string, log?: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    const p = payload as Record<string, unknown>;
    const field = typeof p.text === 'string' ? 'text' : typeof p.caption === 'string' ? 'caption' : undefined;
    const html = field ? (p[field] as string) : '';
    if (!field || p.parse_mode !== 'HTML' || !html.includes('<tg-time')) return prev(method, payload, signal);
    const plain = () => ({ ...p, [field]: stripDateTime(html) }) as typeof payload;
    if (noDateTime.has(apiRoot)) return prev(method, plain(), signal);
    // Bot API errors come back as results ({ ok: false, ... }); grammY throws them further out.
    const res = await prev(method, payload, signal);
    if (res.ok || res.error_code !== 400 || !/can't parse entities/i.test(res.description)) return res;
    const again = await prev(method, plain(), signal);
    if (again.ok && !noDateTime.has(apiRoot)) {
      noDateTime.add(apiRoot);
      log?.warn({ method }, 'the Bot API server refuses date-time entities (<tg-time>): sending written times only from now on');
    }
    return again;
  };
}

export function networkRetry(attempts: number, firstDelayMs: number): Transformer {
  const retrying: Transformer = async (prev, method, payload, signal) => {
    let delay = firstDelayMs;
    for (let i = 0; ; i++) {
      try {
        return await prev(method, payload, signal);
      } catch (err) {
        if (!(err instanceof HttpError) || i >= attempts || signal?.aborted) throw err;
        await new Promise((r) => setTimeout(r, delay));
        delay *= 3;
      }
    }
  };
  // Other methods pass straight through (no extra async frame per call).
  return (prev, method, payload, signal) =>
    IDEMPOTENT_METHODS.has(method) ? retrying(prev, method, payload, signal) : prev(method, payload, signal);
}

export function createApiPipeline(opts: ApiPipelineOptions = {}, ctx: { apiRoot?: string; log?: Logger } = {}): Transformer[] {
  const list: Transformer[] = [callTimeout(opts.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS)];
  if (opts.limits !== false) list.push(apiThrottler(opts.limits ?? TELEGRAM_LIMITS));
  list.push(dateTimeFallback(ctx.apiRoot ?? 'https://api.telegram.org', ctx.log));
  const retry = autoRetry({
    maxRetryAttempts: opts.maxRetryAttempts ?? 3,
    maxDelaySeconds: opts.maxRetryAfterSeconds ?? 60,
    rethrowInternalServerErrors: false,
    // Never loop on network errors inside auto-retry: see above.
    rethrowHttpErrors: true,
  });
  list.push((prev, method, payload, signal) => (SELF_RETRYING.has(method) ? prev(method, payload, signal) : retry(prev, method, payload, signal)));
  list.push(networkRetry(opts.networkRetries ?? 2, opts.networkRetryDelayMs ?? 500));
  return list;
}
