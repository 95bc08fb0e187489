// Bot API failures -> DeliveryError kinds the scheduler understands.
import { GrammyError, HttpError } from 'grammy';
import { DeliveryError } from '../../src/core/ports.ts';
import { scrubSecrets } from '../../src/core/logger.ts';

const GONE_PATTERNS = [
  'chat not found',
  'bot was kicked',
  'bot was blocked',
  'user is deactivated',
  'bot is not a member',
  'not enough rights to send',
  'have no rights to send',
  'chat_write_forbidden',
  'group chat was deleted',
  'peer_id_invalid',
];

export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof GrammyError) {
    const desc = err.description.toLowerCase();
    const msg = scrubSecrets(`${err.method}: ${err.error_code} ${err.description}`);
    if (err.error_code === 429) {
      const s = err.parameters?.retry_after;
      return new DeliveryError('rate-limited', msg, Math.max(1, typeof s === 'number' ? s : 1) * 1000);
    }
    if (err.error_code === 403 || GONE_PATTERNS.some((p) => desc.includes(p))) return new DeliveryError('gone', msg);
    if (err.error_code >= 500) return new DeliveryError('transient', msg);
    return new DeliveryError('permanent', msg);
  }
  if (err instanceof HttpError) return new DeliveryError('transient', scrubSecrets(err.message));
  const e = err as { name?: string; message?: string };
  if (e?.name === 'AbortError') return new DeliveryError('transient', 'request aborted');
  return new DeliveryError('permanent', scrubSecrets(String(e?.message ?? err)).slice(0, 300));
}

/** The new chat id when Telegram says the group became a supergroup. */
export function migratedTo(err: unknown): number | undefined {
  if (err instanceof GrammyError && typeof err.parameters?.migrate_to_chat_id === 'number') return err.parameters.migrate_to_chat_id;
  return undefined;
}

export function isThreadGone(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /thread not found|topic_deleted|topic_closed/i.test(err.description);
}
