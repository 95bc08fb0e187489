// A fake Telegram Bot API server on 127.0.0.1 (port 0) for end-to-end tests and benchmarks.
// It implements what the adapter calls, records every call, validates like Telegram does where it
// matters (HTML parse mode, message length, callback data, poll limits), can inject faults
// (429 with retry_after, 403 blocked, dropped connections, migrations) and can enforce Telegram's
// rate limits (about 30 messages a second overall, 20 a minute per group) with token buckets.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

export const FAKE_TOKEN = '123456789:AAFakeTokenForTests_abcdefghijklmnopqrs';
export const FAKE_BOT = {
  id: 123456789,
  is_bot: true as const,
  first_name: 'Practice Bot',
  username: 'practice_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
};
export type FakeBotInfo = typeof FAKE_BOT;

type Json = any;

export interface ApiCall {
  seq: number;
  method: string;
  params: Record<string, Json>;
  /** Files sent with multipart bodies, by field (e.g. document). */
  files: Record<string, { filename: string; content: Buffer }>;
  /** When the request arrived (ms since the epoch). */
  at: number;
  /** 'ok': took effect and answered; 'dropped-after': took effect, the connection was cut;
   *  'dropped': cut before taking effect; 'error': answered with an error; 'hung': never answered
   *  (and never took effect) until the client gave up or the fake closed. */
  outcome: 'ok' | 'error' | 'dropped' | 'dropped-after' | 'hung';
  errorCode?: number;
  description?: string;
  result?: Json;
}

export type Fault =
  | { kind: 'retry-after'; seconds: number }
  | { kind: 'blocked' }
  | { kind: 'kicked' }
  | { kind: 'chat-not-found' }
  | { kind: 'server-error' }
  | { kind: 'bad-request'; description?: string }
  /** Destroy the socket without answering; `after: true` lets the call take effect first. */
  | { kind: 'drop'; after?: boolean }
  | { kind: 'migrated'; to: number }
  /** Never answer (the call does not take effect); the request stays open until the client gives up. */
  | { kind: 'hang' }
  /** 409 Conflict, as for a second instance polling with the same token (getUpdates). */
  | { kind: 'conflict' }
  /** 401 Unauthorized, as for a revoked token. */
  | { kind: 'unauthorized' };

export interface RateLimitOptions {
  globalPerSecond?: number;
  groupPerMinute?: number;
}

export interface FakeTelegramOptions {
  token?: string;
  bot?: Partial<FakeBotInfo>;
  rateLimit?: boolean | RateLimitOptions;
  /** Keep per-call bodies (default true; benchmarks switch off to save memory). */
  record?: boolean;
  /** Behave like an older Bot API server without date-time entities: `<tg-time>` is refused
   *  ("can't parse entities: Unsupported start tag"). */
  rejectDateTime?: boolean;
}

export interface ChatSpec {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  first_name?: string;
  is_forum?: boolean;
}
export interface UserSpec {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  is_bot?: boolean;
}

export const privateChat = (user: UserSpec): ChatSpec => ({ id: user.id, type: 'private', first_name: user.first_name ?? `User${user.id}` });
export const groupChat = (id: number, title = `Group ${id}`): ChatSpec => ({ id, type: 'group', title });
export const supergroup = (id: number, title = `Supergroup ${id}`, forum = false): ChatSpec => ({
  id,
  type: 'supergroup',
  title,
  ...(forum ? { is_forum: true } : {}),
});
export const user = (id: number, first_name = `Officer${id}`): UserSpec => ({ id, first_name, is_bot: false });

const SENDING = new Set(['sendMessage', 'sendDocument', 'sendPoll', 'sendPhoto', 'copyMessage', 'forwardMessage']);

// ------------------------------------------------------------------------------------------------
// Telegram HTML parse mode, as strictly as Telegram applies it.

const ALLOWED_TAGS: Record<string, string[]> = {
  b: [],
  strong: [],
  i: [],
  em: [],
  u: [],
  ins: [],
  s: [],
  strike: [],
  del: [],
  'tg-spoiler': [],
  span: ['class'],
  a: ['href'],
  'tg-emoji': ['emoji-id'],
  'tg-time': ['unix', 'format'],
  code: ['class'],
  pre: [],
  blockquote: ['expandable'],
};

export interface HtmlCheck {
  ok: boolean;
  error?: string;
  /** The visible text (entities decoded, tags removed). */
  text: string;
  tags: { name: string; attrs: Record<string, string> }[];
}

/** Parses Telegram HTML; returns an error like Telegram's "can't parse entities" when it would reject. */
export function checkTelegramHtml(html: string, opts: { dateTime?: boolean } = {}): HtmlCheck {
  const stack: string[] = [];
  const tags: HtmlCheck['tags'] = [];
  let text = '';
  let i = 0;
  const fail = (error: string): HtmlCheck => ({ ok: false, error: `Bad Request: can't parse entities: ${error} at byte offset ${i}`, text, tags });
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) return fail('Unclosed start tag');
      const inner = html.slice(i + 1, end);
      if (inner.startsWith('/')) {
        const name = inner.slice(1).trim().toLowerCase();
        const top = stack.pop();
        if (top !== name) return fail(`Can't find end tag corresponding to start tag "${top ?? ''}" (got "${name}")`);
        i = end + 1;
        continue;
      }
      const m = /^([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*"|='[^'<>]*')?)*)\s*$/.exec(inner);
      if (!m) return fail(`Unsupported start tag "${inner.slice(0, 20)}"`);
      const name = m[1]!.toLowerCase();
      const allowed = name === 'tg-time' && opts.dateTime === false ? undefined : ALLOWED_TAGS[name];
      if (!allowed) return fail(`Unsupported start tag "${name}"`);
      const attrs: Record<string, string> = {};
      for (const a of (m[2] ?? '').matchAll(/([a-zA-Z-]+)(?:="([^"<>]*)"|='([^'<>]*)')?/g)) {
        const key = a[1]!.toLowerCase();
        if (!allowed.includes(key)) return fail(`Unsupported attribute "${key}" in tag "${name}"`);
        const decoded = decodeEntities(a[2] ?? a[3] ?? '');
        if (decoded === undefined) return fail('Unsupported entity in attribute');
        attrs[key] = decoded;
      }
      if (name === 'a' && !attrs.href) return fail('Tag "a" must have an href');
      if (name === 'tg-time' && !/^\d+$/.test(attrs.unix ?? '')) return fail('Tag "tg-time" must have a unix attribute');
      if (name === 'tg-time' && attrs.format !== undefined && !/^(r|w?[dD]?[tT]?)$/.test(attrs.format)) return fail('Invalid date-time format');
      stack.push(name);
      tags.push({ name, attrs });
      i = end + 1;
      continue;
    }
    if (ch === '>') return fail('Unescaped ">"');
    if (ch === '&') {
      const m = /^&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);/.exec(html.slice(i, i + 12));
      if (!m) return fail('Unescaped "&"');
      const d = decodeEntities(m[0]);
      if (d === undefined) return fail(`Unsupported HTML entity "${m[0]}"`);
      text += d;
      i += m[0].length;
      continue;
    }
    text += ch;
    i++;
  }
  if (stack.length) return fail(`Can't find end tag corresponding to start tag "${stack[stack.length - 1]}"`);
  return { ok: true, text, tags };
}

function decodeEntities(s: string): string | undefined {
  let bad = false;
  const out = s.replace(/&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);/g, (_all, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    bad = true;
    return '';
  });
  return bad ? undefined : out;
}

// ------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, number>,
  ) {
    super(description);
  }
}

interface PollState {
  id: string;
  chatId: number;
  messageId: number;
  question: string;
  options: string[];
  anonymous: boolean;
  multiple: boolean;
  counts: number[];
  closed: boolean;
}

interface Bucket {
  tokens: number;
  at: number;
}

export interface FakeTelegram {
  readonly apiRoot: string;
  readonly port: number;
  readonly token: string;
  readonly botInfo: FakeBotInfo;
  readonly calls: ApiCall[];
  readonly stats: { rateLimited: number; sends: number; dropped: number };
  /** Calls of a method (optionally to one chat) that took effect. */
  sent(method?: string, chatId?: number): ApiCall[];
  /** Every call of a method, whatever its outcome. */
  callsOf(method: string): ApiCall[];
  /** The HTML text of messages that took effect in a chat. */
  textsIn(chatId: number): string[];
  /** Programs a fault for the next `times` matching calls (after letting `skip` of them through). */
  fail(method: string, fault: Fault, opts?: { times?: number; chatId?: number; skip?: number }): void;
  /** Every send to this chat answers 403 "bot was blocked by the user" (until unblocked). */
  block(chatId: number, how?: 'blocked' | 'kicked'): void;
  unblock(chatId: number): void;
  /** Queues updates for getUpdates (update_id assigned when missing). Returns them. */
  enqueue(...updates: Json[]): Json[];
  /** Pending (not yet confirmed) updates. */
  pending(): number;
  /** Posts an update to a webhook URL like Telegram does; returns the HTTP status. */
  postWebhook(url: string, update: Json, secret?: string): Promise<number>;
  /** Resolves when the predicate holds for the recorded calls (checked on every call). */
  waitFor<T>(pred: (calls: ApiCall[]) => T | undefined | false, timeoutMs?: number, what?: string): Promise<T>;
  /** Update builders. */
  nextUpdateId(): number;
  text(opts: { chat: ChatSpec; from: UserSpec; text: string; replyTo?: Json; threadId?: number; messageId?: number }): Json;
  callback(opts: { from: UserSpec; message: Json; data: string }): Json;
  pollAnswer(opts: { pollId: string; from: UserSpec; optionIds: number[] }): Json;
  /** Sets the totals of a poll and builds the `poll` update Telegram sends for it. */
  pollUpdate(pollId: string, counts: number[]): Json;
  myChatMember(opts: { chat: ChatSpec; from: UserSpec; oldStatus: string; newStatus: string }): Json;
  migrate(opts: { from: ChatSpec; to: number; by: UserSpec }): Json;
  poll(pollId: string): PollState | undefined;
  polls(): PollState[];
  /** The webhook as set by setWebhook. */
  webhook(): { url: string; secret?: string; allowedUpdates?: string[] } | undefined;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeTelegram(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = opts.token ?? FAKE_TOKEN;
  const botInfo: FakeBotInfo = { ...FAKE_BOT, ...opts.bot };
  const record = opts.record !== false;
  const calls: ApiCall[] = [];
  const stats = { rateLimited: 0, sends: 0, dropped: 0 };
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let seq = 0;
  let updateSeq = 1000;
  let queue: Json[] = [];
  const waiters = new Set<() => void>();
  const faults: { method: string; fault: Fault; times: number; chatId?: number; skip: number }[] = [];
  const hung = new Set<() => void>();
  const blocked = new Map<number, 'blocked' | 'kicked'>();
  const polls = new Map<string, PollState>();
  const messageIds = new Map<number, number>();
  let webhook: { url: string; secret?: string; allowedUpdates?: string[] } | undefined;
  let allowedUpdates: string[] | undefined;
  const rate: Required<RateLimitOptions> | undefined = opts.rateLimit
    ? { globalPerSecond: 30, groupPerMinute: 20, ...(typeof opts.rateLimit === 'object' ? opts.rateLimit : {}) }
    : undefined;
  const globalBucket: Bucket = { tokens: rate?.globalPerSecond ?? 0, at: Date.now() };
  const groupBuckets = new Map<number, Bucket>();
  const sockets = new Set<Socket>();

  const nextMessageId = (chat: number) => {
    const n = (messageIds.get(chat) ?? 0) + 1;
    messageIds.set(chat, n);
    return n;
  };
  const now = () => Math.floor(Date.now() / 1000);
  const chatObj = (id: number): Json =>
    id > 0 ? { id, type: 'private', first_name: `User${id}` } : String(id).startsWith('-100') ? { id, type: 'supergroup', title: `Chat ${id}` } : { id, type: 'group', title: `Chat ${id}` };

  function enforceRate(method: string, chatId: number): void {
    if (!rate || !SENDING.has(method)) return;
    // Check both before taking either token, so a refused call costs nothing.
    const g = globalBucket;
    const t = Date.now();
    g.tokens = Math.min(rate.globalPerSecond, g.tokens + ((t - g.at) * rate.globalPerSecond) / 1000);
    g.at = t;
    let gb: Bucket | undefined;
    if (chatId < 0) {
      gb = groupBuckets.get(chatId) ?? { tokens: rate.groupPerMinute, at: t };
      groupBuckets.set(chatId, gb);
      gb.tokens = Math.min(rate.groupPerMinute, gb.tokens + ((t - gb.at) * rate.groupPerMinute) / 60_000);
      gb.at = t;
    }
    if (g.tokens < 1 || (gb && gb.tokens < 1)) {
      stats.rateLimited++;
      const waitG = g.tokens < 1 ? (1 - g.tokens) / (rate.globalPerSecond / 1000) : 0;
      const waitC = gb && gb.tokens < 1 ? (1 - gb.tokens) / (rate.groupPerMinute / 60_000) : 0;
      const retry = Math.max(1, Math.ceil(Math.max(waitG, waitC) / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${retry}`, { retry_after: retry });
    }
    g.tokens -= 1;
    if (gb) gb.tokens -= 1;
  }

  function chatIdParam(p: Record<string, Json>): number {
    const v = p.chat_id;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isSafeInteger(n)) throw new ApiError(400, 'Bad Request: chat not found');
    return n;
  }

  function checkMarkup(p: Record<string, Json>): void {
    const kb = p.reply_markup?.inline_keyboard;
    if (!kb) return;
    if (!Array.isArray(kb)) throw new ApiError(400, 'Bad Request: field "inline_keyboard" must be an Array');
    for (const row of kb) {
      for (const b of row) {
        if (typeof b.text !== 'string' || b.text === '') throw new ApiError(400, 'Bad Request: text buttons are unallowed in the inline keyboard');
        if (b.callback_data !== undefined && (Buffer.byteLength(String(b.callback_data)) > 64 || String(b.callback_data) === '')) {
          throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
        }
      }
    }
  }

  function messageBase(chat: number, p: Record<string, Json>): Json {
    const m: Json = { message_id: nextMessageId(chat), date: now(), chat: chatObj(chat), from: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username } };
    if (p.message_thread_id !== undefined) {
      m.message_thread_id = Number(p.message_thread_id);
      m.is_topic_message = true;
    }
    return m;
  }

  function applyMethod(method: string, p: Record<string, Json>, files: ApiCall['files']): Json {
    switch (method) {
      case 'getMe':
        return botInfo;
      case 'getUpdates': {
        if (webhook) throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
        return undefined; // handled asynchronously
      }
      case 'setWebhook': {
        if (typeof p.url !== 'string' || p.url === '') {
          webhook = undefined;
          return true;
        }
        const allowed = typeof p.allowed_updates === 'string' ? JSON.parse(p.allowed_updates) : p.allowed_updates;
        webhook = { url: p.url, ...(p.secret_token ? { secret: String(p.secret_token) } : {}), ...(allowed ? { allowedUpdates: allowed } : {}) };
        return true;
      }
      case 'deleteWebhook':
        webhook = undefined;
        return true;
      case 'getWebhookInfo':
        return { url: webhook?.url ?? '', has_custom_certificate: false, pending_update_count: queue.length };
      case 'setMyCommands': {
        const cmds = p.commands;
        if (!Array.isArray(cmds)) throw new ApiError(400, 'Bad Request: commands must be an array');
        for (const c of cmds) {
          if (!/^[a-z0-9_]{1,32}$/.test(c.command ?? '')) throw new ApiError(400, 'Bad Request: BOT_COMMAND_INVALID');
          if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) {
            throw new ApiError(400, 'Bad Request: BOT_COMMAND_DESCRIPTION_INVALID');
          }
        }
        return true;
      }
      case 'deleteMyCommands':
        return true;
      case 'sendMessage': {
        const chat = chatIdParam(p);
        const text = String(p.text ?? '');
        let visible = text;
        if (p.parse_mode === 'HTML') {
          const c = checkTelegramHtml(text, { dateTime: !opts.rejectDateTime });
          if (!c.ok) throw new ApiError(400, c.error!);
          visible = c.text;
        } else if (p.parse_mode !== undefined) {
          throw new ApiError(400, `Bad Request: unsupported parse_mode ${p.parse_mode}`);
        }
        if (visible.trim() === '') throw new ApiError(400, 'Bad Request: message text is empty');
        if (visible.length > 4096) throw new ApiError(400, 'Bad Request: message is too long');
        checkMarkup(p);
        return { ...messageBase(chat, p), text: visible, ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}) };
      }
      case 'sendDocument': {
        const chat = chatIdParam(p);
        const ref = String(p.document ?? '');
        const att = /^attach:\/\/(.+)$/.exec(ref);
        const file = att ? files[att[1]!] : undefined;
        if (!file) throw new ApiError(400, 'Bad Request: there is no document in the request');
        if (p.caption !== undefined && String(p.caption).length > 1024) throw new ApiError(400, 'Bad Request: message caption is too long');
        files.document = file;
        return {
          ...messageBase(chat, p),
          document: { file_id: `doc${seq}`, file_unique_id: `u${seq}`, file_name: file.filename, file_size: file.content.length },
          ...(p.caption ? { caption: p.caption } : {}),
        };
      }
      case 'sendPoll': {
        const chat = chatIdParam(p);
        const question = String(p.question ?? '');
        if (question.length < 1 || question.length > 300) throw new ApiError(400, 'Bad Request: poll question length must not exceed 300');
        const options: string[] = (Array.isArray(p.options) ? p.options : []).map((o: Json) => (typeof o === 'string' ? o : String(o?.text ?? '')));
        if (options.length < 2 || options.length > 12) throw new ApiError(400, 'Bad Request: poll must have 2-12 options');
        for (const o of options) if (o.length < 1 || o.length > 100) throw new ApiError(400, 'Bad Request: poll options length must not exceed 100');
        if (new Set(options).size !== options.length) throw new ApiError(400, 'Bad Request: POLL_ANSWERS_INVALID');
        const id = `${5_000_000_000_000 + seq}`;
        const msg = messageBase(chat, p);
        const anonymous = p.is_anonymous !== false && p.is_anonymous !== 'false';
        const multiple = p.allows_multiple_answers === true || p.allows_multiple_answers === 'true';
        const state: PollState = { id, chatId: chat, messageId: msg.message_id, question, options, anonymous, multiple, counts: options.map(() => 0), closed: false };
        polls.set(id, state);
        return { ...msg, poll: pollObject(state) };
      }
      case 'stopPoll': {
        const chat = chatIdParam(p);
        const mid = Number(p.message_id);
        const state = [...polls.values()].find((s) => s.chatId === chat && s.messageId === mid);
        if (!state) throw new ApiError(400, 'Bad Request: message to stop poll not found');
        if (state.closed) throw new ApiError(400, 'Bad Request: poll has already been closed');
        state.closed = true;
        return pollObject(state);
      }
      case 'leaveChat': {
        const chat = chatIdParam(p);
        if (chat === botInfo.id) throw new ApiError(400, 'Bad Request: chat not found');
        return true;
      }
      case 'answerCallbackQuery':
        if (!p.callback_query_id) throw new ApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        return true;
      case 'editMessageText': {
        const chat = chatIdParam(p);
        if (p.parse_mode === 'HTML') {
          const c = checkTelegramHtml(String(p.text ?? ''), { dateTime: !opts.rejectDateTime });
          if (!c.ok) throw new ApiError(400, c.error!);
        }
        checkMarkup(p);
        return { message_id: Number(p.message_id), date: now(), chat: chatObj(chat), text: p.text };
      }
      case 'editMessageReplyMarkup': {
        const chat = chatIdParam(p);
        checkMarkup(p);
        return { message_id: Number(p.message_id), date: now(), chat: chatObj(chat) };
      }
      default:
        throw new ApiError(404, 'Not Found: method not found');
    }
  }

  function pollObject(s: PollState): Json {
    return {
      id: s.id,
      question: s.question,
      options: s.options.map((text, i) => ({ persistent_id: String(i), text, voter_count: s.counts[i] ?? 0 })),
      total_voter_count: s.counts.reduce((a, b) => a + b, 0),
      is_closed: s.closed,
      is_anonymous: s.anonymous,
      type: 'regular',
      allows_multiple_answers: s.multiple,
      allows_revoting: true,
      members_only: false,
    };
  }

  function takeFault(method: string, chatId: number | undefined): Fault | undefined {
    const i = faults.findIndex((f) => f.method === method && (f.chatId === undefined || f.chatId === chatId));
    if (i < 0) return undefined;
    const f = faults[i]!;
    if (f.skip > 0) {
      f.skip--;
      return undefined;
    }
    if (--f.times <= 0) faults.splice(i, 1);
    return f.fault;
  }

  function faultError(f: Fault): ApiError | undefined {
    switch (f.kind) {
      case 'retry-after':
        return new ApiError(429, `Too Many Requests: retry after ${f.seconds}`, { retry_after: f.seconds });
      case 'blocked':
        return new ApiError(403, 'Forbidden: bot was blocked by the user');
      case 'kicked':
        return new ApiError(403, 'Forbidden: bot was kicked from the group chat');
      case 'chat-not-found':
        return new ApiError(400, 'Bad Request: chat not found');
      case 'server-error':
        return new ApiError(500, 'Internal Server Error');
      case 'bad-request':
        return new ApiError(400, f.description ?? 'Bad Request: something is wrong');
      case 'migrated':
        return new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: f.to });
      case 'conflict':
        return new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
      case 'unauthorized':
        return new ApiError(401, 'Unauthorized');
      case 'drop':
      case 'hang':
        return undefined;
    }
  }

  function recordCall(c: Omit<ApiCall, 'seq' | 'at'> & { at?: number }): ApiCall {
    const call: ApiCall = { seq: ++seq, ...c, at: c.at ?? Date.now() };
    if (!record && c.method === 'getUpdates') return call;
    calls.push(record ? call : { ...call, params: SENDING.has(c.method) ? { chat_id: c.params.chat_id } : {}, files: {}, result: undefined });
    events.emit('call', call);
    return call;
  }

  function filterAllowed(u: Json, allowed: string[] | undefined): boolean {
    if (!allowed || allowed.length === 0) return true;
    return Object.keys(u).some((k) => k !== 'update_id' && allowed.includes(k));
  }

  async function getUpdates(p: Record<string, Json>, res: http.ServerResponse, req: http.IncomingMessage): Promise<void> {
    const offset = Number(p.offset ?? 0);
    const limit = Math.max(1, Math.min(100, Number(p.limit ?? 100)));
    const timeout = Math.max(0, Math.min(50, Number(p.timeout ?? 0)));
    if (p.allowed_updates !== undefined) {
      allowedUpdates = typeof p.allowed_updates === 'string' ? JSON.parse(p.allowed_updates) : p.allowed_updates;
    }
    if (offset > 0) queue = queue.filter((u) => u.update_id >= offset);
    const ready = () => queue.filter((u) => filterAllowed(u, allowedUpdates)).slice(0, limit);
    let out = ready();
    if (out.length === 0 && timeout > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          req.off('close', onClose);
          resolve();
        };
        const onClose = () => done();
        const timer = setTimeout(done, timeout * 1000);
        waiters.add(done);
        req.on('close', onClose);
      });
      out = ready();
    }
    // Updates not asked for are dropped, as Telegram does.
    queue = queue.filter((u) => filterAllowed(u, allowedUpdates));
    recordCall({ method: 'getUpdates', params: p, files: {}, outcome: 'ok', result: out.map((u) => u.update_id) });
    if (!res.destroyed) json(res, 200, { ok: true, result: out });
  }

  function json(res: http.ServerResponse, status: number, body: Json): void {
    const s = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) }).end(s);
  }

  const server = http.createServer((req, res) => {
    const arrived = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => {
      void (async () => {
        const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec((req.url ?? '').split('?')[0] ?? '');
        if (!m) return json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
        if (m[1] !== token) return json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
        const method = m[2]!;
        let params: Record<string, Json> = {};
        const files: ApiCall['files'] = {};
        try {
          params = parseBody(Buffer.concat(chunks), String(req.headers['content-type'] ?? ''), files);
        } catch {
          return json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid request body' });
        }
        if (method === 'getUpdates') {
          try {
            if (webhook) throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
            const gf = takeFault(method, undefined);
            if (gf?.kind === 'drop') {
              // The Bot API stops answering: the connection is cut.
              stats.dropped++;
              recordCall({ at: arrived, method, params, files, outcome: 'dropped' });
              req.socket.destroy();
              return;
            }
            const ge = gf ? faultError(gf) : undefined;
            if (ge) throw ge;
            return await getUpdates(params, res, req);
          } catch (e) {
            const err = e as ApiError;
            recordCall({ at: arrived, method, params, files, outcome: 'error', errorCode: err.code, description: err.description });
            return json(res, err.code, { ok: false, error_code: err.code, description: err.description });
          }
        }
        let chatId: number | undefined;
        try {
          chatId = params.chat_id !== undefined ? chatIdParam(params) : undefined;
        } catch {
          chatId = undefined;
        }
        const fault = takeFault(method, chatId);
        if (fault?.kind === 'hang') {
          recordCall({ at: arrived, method, params, files, outcome: 'hung' });
          await new Promise<void>((resolve) => {
            const done = () => {
              hung.delete(done);
              resolve();
            };
            hung.add(done);
            res.on('close', done);
          });
          if (!res.writableEnded) res.destroy();
          return;
        }
        if (fault?.kind === 'drop' && !fault.after) {
          stats.dropped++;
          recordCall({ at: arrived, method, params, files, outcome: 'dropped' });
          req.socket.destroy();
          return;
        }
        try {
          const fe = fault ? faultError(fault) : undefined;
          if (fe) throw fe;
          if (chatId !== undefined && SENDING.has(method)) {
            const b = blocked.get(chatId);
            if (b) throw faultError({ kind: b })!;
          }
          if (chatId !== undefined) enforceRate(method, chatId);
          const result = applyMethod(method, params, files);
          if (SENDING.has(method)) stats.sends++;
          if (fault?.kind === 'drop') {
            stats.dropped++;
            recordCall({ at: arrived, method, params, files, outcome: 'dropped-after', result });
            req.socket.destroy();
            return;
          }
          recordCall({ at: arrived, method, params, files, outcome: 'ok', result });
          json(res, 200, { ok: true, result });
        } catch (e) {
          if (!(e instanceof ApiError)) {
            recordCall({ at: arrived, method, params, files, outcome: 'error', errorCode: 500, description: String(e) });
            return json(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
          }
          recordCall({ at: arrived, method, params, files, outcome: 'error', errorCode: e.code, description: e.description });
          json(res, e.code, { ok: false, error_code: e.code, description: e.description, ...(e.parameters ? { parameters: e.parameters } : {}) });
        }
      })();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const wake = () => {
    for (const w of [...waiters]) w();
  };

  const fake: FakeTelegram = {
    apiRoot: `http://127.0.0.1:${port}`,
    port,
    token,
    botInfo,
    calls,
    stats,
    sent: (method, chatId) =>
      calls.filter(
        (c) =>
          (c.outcome === 'ok' || c.outcome === 'dropped-after') &&
          (method === undefined ? SENDING.has(c.method) : c.method === method) &&
          (chatId === undefined || Number(c.params.chat_id) === chatId),
      ),
    callsOf: (method) => calls.filter((c) => c.method === method),
    textsIn: (chatId) => fake.sent('sendMessage', chatId).map((c) => String(c.params.text)),
    fail(method, fault, o = {}) {
      faults.push({ method, fault, times: o.times ?? 1, skip: o.skip ?? 0, ...(o.chatId !== undefined ? { chatId: o.chatId } : {}) });
    },
    block: (chatId, how = 'blocked') => void blocked.set(chatId, how),
    unblock: (chatId) => void blocked.delete(chatId),
    enqueue(...updates) {
      for (const u of updates) {
        if (typeof u.update_id !== 'number') u.update_id = ++updateSeq;
        queue.push(u);
      }
      wake();
      return updates;
    },
    pending: () => queue.length,
    async postWebhook(url, update, secret) {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
        body: typeof update === 'string' ? update : JSON.stringify(update),
      });
      await r.text();
      return r.status;
    },
    waitFor(pred, timeoutMs = 15_000, what = 'condition') {
      return new Promise((resolve, reject) => {
        const check = () => {
          let v: unknown;
          try {
            v = pred(calls);
          } catch (err) {
            cleanup();
            reject(err as Error);
            return;
          }
          if (v !== undefined && v !== false) {
            cleanup();
            resolve(v as never);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          const last = calls
            .slice(-8)
            .map((c) => `${c.method}(${c.outcome}${c.errorCode ? ` ${c.errorCode}` : ''}) ${JSON.stringify(c.params).slice(0, 160)}`)
            .join('\n  ');
          reject(new Error(`fake telegram: timed out waiting for ${what}; last calls:\n  ${last}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          events.off('call', check);
        };
        events.on('call', check);
        check();
      });
    },
    nextUpdateId: () => ++updateSeq,
    text({ chat, from, text, replyTo, threadId, messageId }) {
      const entities: Json[] = [];
      const cmd = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
      if (cmd) entities.push({ type: 'bot_command', offset: 0, length: cmd[0].length });
      for (const m of text.matchAll(/(^|[^\w@])(@[A-Za-z0-9_]{3,32})/g)) {
        entities.push({ type: 'mention', offset: (m.index ?? 0) + m[1]!.length, length: m[2]!.length });
      }
      const message: Json = {
        message_id: messageId ?? nextMessageId(chat.id),
        date: now(),
        chat,
        from: { is_bot: false, ...from, first_name: from.first_name ?? `User${from.id}` },
        text,
        ...(entities.length ? { entities } : {}),
        ...(replyTo ? { reply_to_message: replyTo } : {}),
        ...(threadId ? { message_thread_id: threadId, is_topic_message: true } : {}),
      };
      return { update_id: ++updateSeq, message };
    },
    callback({ from, message, data }) {
      return {
        update_id: ++updateSeq,
        callback_query: { id: `cq${updateSeq}`, from: { is_bot: false, ...from, first_name: from.first_name ?? `User${from.id}` }, message, chat_instance: 'ci', data },
      };
    },
    pollAnswer({ pollId, from, optionIds }) {
      return {
        update_id: ++updateSeq,
        poll_answer: {
          poll_id: pollId,
          user: { is_bot: false, ...from, first_name: from.first_name ?? `User${from.id}` },
          option_ids: optionIds,
          option_persistent_ids: optionIds.map(String),
        },
      };
    },
    pollUpdate(pollId, counts) {
      const s = polls.get(pollId);
      if (!s) throw new Error(`fake telegram: no poll ${pollId}`);
      s.counts = s.options.map((_, i) => counts[i] ?? 0);
      return { update_id: ++updateSeq, poll: pollObject(s) };
    },
    myChatMember({ chat, from, oldStatus, newStatus }) {
      const member = (status: string) => ({ status, user: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username }, ...(status === 'restricted' ? { is_member: false } : {}) });
      return {
        update_id: ++updateSeq,
        my_chat_member: { chat, from: { is_bot: false, ...from, first_name: from.first_name ?? `User${from.id}` }, date: now(), old_chat_member: member(oldStatus), new_chat_member: member(newStatus) },
      };
    },
    migrate({ from, to, by }) {
      return {
        update_id: ++updateSeq,
        message: { message_id: nextMessageId(from.id), date: now(), chat: from, from: { is_bot: false, ...by, first_name: by.first_name ?? `User${by.id}` }, migrate_to_chat_id: to },
      };
    },
    poll: (id) => polls.get(id),
    polls: () => [...polls.values()],
    webhook: () => webhook,
    reset() {
      calls.length = 0;
      faults.length = 0;
      stats.rateLimited = 0;
      stats.sends = 0;
      stats.dropped = 0;
    },
    async close() {
      wake();
      for (const h of [...hung]) h();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

function parseBody(body: Buffer, type: string, files: ApiCall['files']): Record<string, Json> {
  if (body.length === 0) return {};
  if (type.startsWith('application/json')) return JSON.parse(body.toString('utf8'));
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  const b = /boundary=("?)([^";]+)\1/.exec(type);
  if (type.startsWith('multipart/form-data') && b) {
    const out: Record<string, Json> = {};
    const delim = Buffer.from(`--${b[2]}`);
    let pos = body.indexOf(delim);
    while (pos >= 0) {
      const start = pos + delim.length;
      if (body.subarray(start, start + 2).toString() === '--') break;
      const next = body.indexOf(delim, start);
      if (next < 0) break;
      const part = body.subarray(start + 2, next - 2); // skip CRLF after the delimiter and before the next
      const headEnd = part.indexOf('\r\n\r\n');
      const head = part.subarray(0, headEnd).toString('utf8');
      const content = part.subarray(headEnd + 4);
      const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
      const filename = /filename=("?)([^";\r\n]*)\1/i.exec(head)?.[2];
      if (filename !== undefined) files[name] = { filename, content: Buffer.from(content) };
      else {
        const v = content.toString('utf8');
        out[name] = /^[[{]/.test(v) ? JSON.parse(v) : v;
      }
      pos = next;
    }
    return out;
  }
  return JSON.parse(body.toString('utf8'));
}
