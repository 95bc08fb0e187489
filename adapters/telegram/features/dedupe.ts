// Each update is handled once: a webhook retry (or a replayed batch) with an update_id seen
// recently is dropped. Anything that is not an update object never reaches the other features.
import { Composer, type Context } from 'grammy';
import type { Logger } from 'pino';
import { createLru } from '../../../src/core/lru.ts';

export function dedupeFeature(log: Logger, size = 4096): Composer<Context> {
  const seen = createLru<number, true>(size);
  const c = new Composer<Context>();
  c.use((ctx, next) => {
    const u = ctx.update as unknown as { update_id?: unknown } | null;
    if (!u || typeof u !== 'object' || typeof u.update_id !== 'number' || !Number.isSafeInteger(u.update_id)) {
      log.warn('ignored a body that is not a Telegram update');
      return;
    }
    if (seen.has(u.update_id)) {
      log.info({ update: u.update_id }, 'duplicate update ignored');
      return;
    }
    seen.set(u.update_id, true);
    return next();
  });
  return c;
}
