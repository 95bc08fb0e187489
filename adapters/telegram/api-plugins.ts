// The outgoing-call pipeline: throttling to Telegram's limits, then deliberate retries.
//
// Order (grammY: the transformer installed last is the outermost):
//   networkRetry( autoRetry( throttler( HTTP ) ) )
// so every retry attempt queues through the throttler again.
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

/** Methods that can be repeated without a visible effect. Everything else is sent at most once
 *  per network attempt. (getUpdates is left to the runner, which has its own retry loop.) */
export const IDEMPOTENT_METHODS = new Set([
  'getMe',
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

export interface ApiPipelineOptions {
  /** Throttler limits; `false` disables throttling (benchmarks of handler overhead only). */
  limits?: APIThrottlerOptions | false;
  /** Longest retry_after the bot waits for by itself; longer ones surface as rate-limited. */
  maxRetryAfterSeconds?: number;
  /** Retries after a 429 or a 5xx. */
  maxRetryAttempts?: number;
  /** Network retries for idempotent methods, and the first delay. */
  networkRetries?: number;
  networkRetryDelayMs?: number;
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

export function createApiPipeline(opts: ApiPipelineOptions = {}): Transformer[] {
  const list: Transformer[] = [];
  if (opts.limits !== false) list.push(apiThrottler(opts.limits ?? TELEGRAM_LIMITS));
  const retry = autoRetry({
    maxRetryAttempts: opts.maxRetryAttempts ?? 3,
    maxDelaySeconds: opts.maxRetryAfterSeconds ?? 60,
    rethrowInternalServerErrors: false,
    // Never loop on network errors inside auto-retry: see above.
    rethrowHttpErrors: true,
  });
  list.push((prev, method, payload, signal) => (method === 'getUpdates' ? prev(method, payload, signal) : retry(prev, method, payload, signal)));
  list.push(networkRetry(opts.networkRetries ?? 2, opts.networkRetryDelayMs ?? 500));
  return list;
}
