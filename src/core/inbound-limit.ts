// Inbound limits (issue 11, item 5): per user and per chat a bounded rate of questions and
// commands, as token buckets keyed by platform + user id and platform + chat id. Past the rate one
// short notice per key and window, then messages are dropped without a reply until tokens refill,
// so one flooding user (or chat) cannot hold up everyone else's answers. Memory is bounded: the
// least recently seen keys are forgotten (a forgotten key starts again with a full bucket).
import type { InboundRate } from '../config.ts';
import { createLru } from './lru.ts';
import type { Clock } from './ports.ts';

export const INBOUND_NOTICE = "You're sending messages faster than I can answer; I'll skip some for a minute.";

/** 'ok': answer it; 'notice': answer with the notice only; 'drop': no reply. */
export type InboundVerdict = 'ok' | 'notice' | 'drop';

export interface InboundLimiter {
  check(platform: string, chatId: string, userId: string): InboundVerdict;
  /** Keys kept in memory. */
  size(): number;
}

interface Bucket {
  tokens: number;
  at: number;
  /** No further notice for this key before this instant. */
  quietUntil: number;
}

export function createInboundLimiter(opts: {
  perUser?: InboundRate | null;
  perChat?: InboundRate | null;
  clock: Clock;
  maxKeys?: number;
}): InboundLimiter {
  const { clock } = opts;
  const buckets = createLru<string, Bucket>(opts.maxKeys ?? 20_000);

  /** Takes a token from the key's bucket; undefined when it has one, else the verdict. */
  function take(key: string, rate: InboundRate, now: number): InboundVerdict | undefined {
    let b = buckets.get(key);
    if (!b) {
      b = { tokens: rate.count, at: now, quietUntil: 0 };
      buckets.set(key, b);
    } else {
      b.tokens = Math.min(rate.count, b.tokens + ((now - b.at) * rate.count) / rate.windowMs);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    if (now >= b.quietUntil) {
      b.quietUntil = now + rate.windowMs;
      return 'notice';
    }
    return 'drop';
  }

  return {
    check(platform, chatId, userId) {
      const now = clock.now().getTime();
      // The user first: a flooder's dropped messages do not use up the chat's share.
      if (opts.perUser) {
        const v = take(`u\u0000${platform}\u0000${userId}`, opts.perUser, now);
        if (v) return v;
      }
      if (opts.perChat) {
        const v = take(`c\u0000${platform}\u0000${chatId}`, opts.perChat, now);
        if (v) return v;
      }
      return 'ok';
    },
    size: () => buckets.size,
  };
}
