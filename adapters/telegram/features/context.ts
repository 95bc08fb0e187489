// What every feature composer needs from the adapter.
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import type { Core } from '../../../src/core/ports.ts';
import type { Sender } from '../outbound.ts';

export interface FeatureDeps {
  core: Core;
  log: Logger;
  sender: Sender;
  /** The bot's own account (after init). */
  me(): UserFromGetMe;
  /** Chats that just migrated to a supergroup: their 'left' is not a removal, the new one's 'added' not an arrival. */
  migrations: { recent(chatId: number): boolean; note(from: number, to: number): void };
}
