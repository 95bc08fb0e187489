// Telegram ids <-> platform-neutral ids (`telegram:<id>`).
import type { Chat, User } from 'grammy/types';
import { DeliveryError, type Incoming } from '../../src/core/ports.ts';

export const chatIdOf = (id: number): string => `telegram:${id}`;
export const userIdOf = (id: number): string => `telegram:${id}`;

/** `telegram:-100123` -> -100123; anything else is a permanent delivery failure. */
export function parseChatId(chatId: string): number {
  const m = /^telegram:(-?\d{1,20})$/.exec(chatId);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n)) throw new DeliveryError('permanent', `not a Telegram chat id: ${chatId.slice(0, 40)}`);
  return n;
}

export function chatOf(chat: Chat): Incoming['chat'] {
  const type = chat.type === 'private' ? 'private' : chat.type === 'channel' ? 'channel' : 'group';
  const title = chat.type === 'private' ? undefined : chat.title;
  return { id: chatIdOf(chat.id), type, ...(title ? { title } : {}) };
}

export function userOf(user: User): Incoming['user'] {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim() || user.username;
  return { id: userIdOf(user.id), ...(name ? { name } : {}) };
}

export function threadOf(threadId: string | undefined): number | undefined {
  if (!threadId) return undefined;
  const n = Number(threadId);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
