// The Slack Web API as the adapter uses it: one WebClient, configured deliberately, behind a small
// policy layer.
//
// - Retries. The WebClient's own retries are off (`retries: 0`, `rejectRateLimitedCalls: true`):
//   its default policy retries any failure for about 30 minutes, which would hold a user's answer
//   hostage and, for chat.postMessage, can post twice (a timeout or a 5xx may still have posted).
//   Here: a 429 is waited out (its Retry-After, up to `maxRetryAfterMs`, at most
//   `rateLimitRetries` times) because Slack did not process the call; a request that never left
//   (connection refused, DNS) is retried twice; other transient failures are retried only for
//   idempotent calls (chat.update, views.publish, auth.test, conversations.open). Everything else
//   fails at once as a DeliveryError the caller (the scheduler, a listener) decides about.
// - Pacing. Messages to one channel go out one at a time, at least `minPostIntervalMs` apart
//   (Slack allows about one a second per channel), so a reminder fan-out or a long split reply is
//   not refused; different channels do not wait for each other.
// - Poll edits are coalesced per message: the latest view wins, identical re-renders are skipped.
// - The hot calls (chat.postMessage, chat.update, chat.postEphemeral) go out as JSON over one
//   keep-alive agent instead of through the WebClient: measured in bench/slack.ts, the WebClient
//   (axios, form encoding, debug strings built for every call) costs about 3x the CPU of the
//   request itself. Same endpoints, same Bearer token, same error codes. Everything else (auth.test,
//   files upload, views.publish, conversations.open) uses the WebClient.
import http from 'node:http';
import https from 'node:https';
import { webApi, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import { createLru } from '../../src/core/lru.ts';
import { errorFields, scrubSecrets } from '../../src/core/logger.ts';
import { DeliveryError, type DeliveryFailure } from '../../src/core/ports.ts';
import type { DocumentAttachment } from '../../src/core/reply.ts';
import type { SlackMessage } from './render-blocks.ts';
import type { types } from '@slack/bolt';

export interface SlackWebOptions {
  botToken: string;
  /** Web API base URL; `/api/` is appended when missing. Default https://slack.com/api/. */
  apiUrl?: string;
  log: Logger;
  /** Least time between two messages posted in one channel. Default 1000 ms. */
  minPostIntervalMs?: number;
  /** How many 429s in a row are waited out in-process. Default 3. */
  rateLimitRetries?: number;
  /** A Retry-After longer than this is not waited out: the caller gets DeliveryError('rate-limited')
   *  with the Retry-After as `retryAfterMs`. Default 60 s (MAX_RETRY_AFTER). */
  maxRetryAfterMs?: number;
  /** Per-request timeout. Default 15 s (PLATFORM_TIMEOUT). */
  timeoutMs?: number;
}

/** Slack error codes meaning the bot can no longer post in that conversation. */
export const GONE_CODES = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'account_inactive']);
const TRANSIENT_CODES = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org', 'ekm_access_denied']);
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A DeliveryError that also carries Slack's error code (e.g. `not_in_channel`). */
export class SlackDeliveryError extends DeliveryError {
  constructor(
    failure: DeliveryFailure,
    message: string,
    readonly slackCode: string,
    retryAfterMs?: number,
    readonly neverSent = false,
  ) {
    super(failure, message, retryAfterMs);
    this.name = 'SlackDeliveryError';
  }
}

/** Classifies anything a WebClient call throws. */
export function classifySlackError(err: unknown, method: string): SlackDeliveryError {
  if (err instanceof SlackDeliveryError) return err;
  const e = err as {
    code?: string;
    message?: string;
    data?: { error?: string; response_metadata?: { retryAfter?: number } };
    retryAfter?: number;
    statusCode?: number;
    original?: { code?: string };
  };
  const msg = (code: string) => `slack ${method}: ${code}`;
  switch (e?.code) {
    case 'slack_webapi_platform_error': {
      const code = String(e.data?.error ?? 'unknown_error');
      if (GONE_CODES.has(code)) return new SlackDeliveryError('gone', msg(code), code);
      if (code === 'ratelimited') {
        const after = e.data?.response_metadata?.retryAfter;
        return new SlackDeliveryError('rate-limited', msg(code), code, (after ?? 1) * 1000);
      }
      if (TRANSIENT_CODES.has(code)) return new SlackDeliveryError('transient', msg(code), code);
      return new SlackDeliveryError('permanent', msg(code), code);
    }
    case 'slack_webapi_rate_limited_error':
      return new SlackDeliveryError('rate-limited', msg('ratelimited'), 'ratelimited', Math.max(0, Number(e.retryAfter ?? 1)) * 1000);
    case 'slack_webapi_request_error': {
      const net = String(e.original?.code ?? 'request_error');
      return new SlackDeliveryError('transient', msg(net), net, undefined, NEVER_SENT.has(net));
    }
    case 'slack_webapi_http_error': {
      const status = Number(e.statusCode ?? 0);
      if (status === 429) return new SlackDeliveryError('rate-limited', msg('http_429'), 'ratelimited', 1000);
      return new SlackDeliveryError(status >= 500 ? 'transient' : 'permanent', msg(`http_${status}`), `http_${status}`);
    }
  }
  if (err instanceof DeliveryError) return new SlackDeliveryError(err.failure, err.message, err.failure, err.retryAfterMs);
  const text = scrubSecrets(String(e?.message ?? err));
  if (/rate.?limit/i.test(text)) return new SlackDeliveryError('rate-limited', msg('ratelimited'), 'ratelimited', 1000);
  return new SlackDeliveryError('permanent', msg(text.slice(0, 200)), 'error');
}

/** Codes of a call that got no answer in time (it may still have taken effect). */
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'request_timeout', 'UND_ERR_HEADERS_TIMEOUT', 'TimeoutError']);

/** Whether a delivery failed because Slack did not answer in time. */
export function isTimeout(err: unknown): boolean {
  return err instanceof SlackDeliveryError && TIMEOUT_CODES.has(err.slackCode);
}

/** `http://127.0.0.1:9/` -> `http://127.0.0.1:9/api/` (the WebClient wants the `/api/` base). */
export function normaliseApiUrl(url: string | undefined): string {
  if (!url) return 'https://slack.com/api/';
  let u = url.trim();
  if (!u.endsWith('/')) u += '/';
  if (!u.endsWith('/api/')) u += 'api/';
  return u;
}

/** Bolt's / the WebClient's logger interface on top of pino; secrets scrubbed, one line each. */
export function boltLogger(log: Logger): BoltLogger {
  const line = (msgs: unknown[]) =>
    scrubSecrets(
      msgs
        .map((m) => (typeof m === 'string' ? m : m instanceof Error ? `${m.name}: ${m.message}` : safeJson(m)))
        .join(' '),
    ).slice(0, 1000);
  const level = (): LogLevel => {
    const l = log.level;
    return l === 'debug' || l === 'trace' ? LogLevel.DEBUG : l === 'info' ? LogLevel.INFO : l === 'warn' ? LogLevel.WARN : LogLevel.ERROR;
  };
  return {
    debug: (...m: unknown[]) => log.isLevelEnabled('debug') && log.debug(line(m)),
    info: (...m: unknown[]) => log.info(line(m)),
    warn: (...m: unknown[]) => log.warn(line(m)),
    error: (...m: unknown[]) => log.error(line(m)),
    setLevel: () => {},
    getLevel: level,
    setName: () => {},
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 300) ?? String(v);
  } catch {
    return String(v);
  }
}


/** A Slack Web API method called with a JSON body over a keep-alive agent. Throws SlackDeliveryError. */
export function createJsonCaller(opts: { botToken: string; apiUrl: string; timeoutMs: number }) {
  const base = new URL(normaliseApiUrl(opts.apiUrl));
  const mod = base.protocol === 'https:' ? https : http;
  const agent = new mod.Agent({ keepAlive: true, maxSockets: 50 });
  const auth = `Bearer ${opts.botToken}`;
  function callJson(method: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const url = new URL(method, base);
    const body = JSON.stringify(payload);
    const msg = (code: string) => `slack ${method}: ${code}`;
    return new Promise((resolve, reject) => {
      const req = mod.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(body),
            authorization: auth,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err: Error & { code?: string }) => reject(new SlackDeliveryError('transient', msg(err.code ?? 'response_error'), err.code ?? 'response_error')));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status === 429) {
              const after = Number.parseInt(String(res.headers['retry-after'] ?? '1'), 10);
              return reject(new SlackDeliveryError('rate-limited', msg('ratelimited'), 'ratelimited', (Number.isFinite(after) ? after : 1) * 1000));
            }
            if (status !== 200) {
              return reject(new SlackDeliveryError(status >= 500 ? 'transient' : 'permanent', msg(`http_${status}`), `http_${status}`));
            }
            let data: { ok?: boolean; error?: string; response_metadata?: { retryAfter?: number } } & Record<string, unknown>;
            try {
              data = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof data;
            } catch {
              return reject(new SlackDeliveryError('transient', msg('invalid_json'), 'invalid_json'));
            }
            if (data.ok) return resolve(data);
            reject(classifySlackError({ code: 'slack_webapi_platform_error', data: { error: String(data.error ?? 'unknown_error') } }, method));
          });
        },
      );
      req.setTimeout(opts.timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (err: Error & { code?: string }) => {
        const code = err.code ?? 'request_error';
        reject(new SlackDeliveryError('transient', msg(code), code, undefined, NEVER_SENT.has(code)));
      });
      req.end(body);
    });
  }
  return { callJson, close: () => agent.destroy() };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface AuthInfo {
  userId: string;
  botId: string;
  teamId?: string;
  enterpriseId?: string;
  /** An org-wide install (Enterprise Grid). */
  isEnterpriseInstall?: boolean;
}

export interface SlackWeb {
  readonly client: webApi.WebClient;
  /** auth.test; `once`: no in-process retry (the caller retries, with a log line each). */
  authTest(opts?: { once?: boolean }): Promise<AuthInfo>;
  /** Posts a message (paced per channel). Returns its ts. `editable`: it will be edited in place
   *  later (polls), so what was sent is remembered to skip identical edits. */
  postMessage(channel: string, msg: SlackMessage, threadTs?: string, editable?: boolean): Promise<string>;
  /** Edits a message in place; concurrent edits of one message coalesce, the latest wins. */
  updateMessage(channel: string, ts: string, msg: SlackMessage): Promise<void>;
  postEphemeral(channel: string, user: string, msg: SlackMessage, threadTs?: string): Promise<void>;
  /** Uploads a file into a channel (files.getUploadURLExternal + upload + files.completeUploadExternal). */
  uploadFile(channel: string, doc: DocumentAttachment, threadTs?: string): Promise<string>;
  publishHome(user: string, view: types.HomeView): Promise<void>;
  /** The DM channel between the bot and a user. */
  openIm(user: string): Promise<string>;
  /** Whether the bot can post in a conversation unprompted: false when Slack does not show it the
   *  conversation (another person's DM, a private channel it is not in) or it is archived. */
  canPost(channel: string): Promise<boolean>;
  /** Posts to a response_url (slash commands, block actions). */
  respond(url: string, body: Record<string, unknown>): Promise<void>;
  /** Resolves when every queued post is done. */
  idle(): Promise<void>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

export function createSlackWeb(opts: SlackWebOptions): SlackWeb {
  const log = opts.log;
  const gap = opts.minPostIntervalMs ?? 1000;
  const rateLimitRetries = opts.rateLimitRetries ?? 3;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const client = new webApi.WebClient(opts.botToken, {
    slackApiUrl: normaliseApiUrl(opts.apiUrl),
    logger: boltLogger(log.child({ module: 'slack-web' })),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
    maxRequestConcurrency: 50,
  });
  const jsonApi = createJsonCaller({ botToken: opts.botToken, apiUrl: normaliseApiUrl(opts.apiUrl), timeoutMs });

  async function call<T>(method: string, fn: () => Promise<T>, idempotent: boolean, retry = true): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const e = classifySlackError(err, method);
        if (!retry) throw e;
        if (e.failure === 'rate-limited' && attempt < rateLimitRetries && (e.retryAfterMs ?? 1000) <= maxRetryAfterMs) {
          const wait = Math.max(50, e.retryAfterMs ?? 1000);
          log.warn({ method, retryInMs: wait, attempt: attempt + 1 }, 'slack rate limit: waiting before retrying');
          await sleep(wait);
          continue;
        }
        if (e.failure === 'transient' && (e.neverSent || idempotent) && attempt < 2) {
          await sleep(200 * 2 ** attempt);
          continue;
        }
        throw e;
      }
    }
  }

  // Per-channel pacing: one post at a time, `gap` ms after the previous one finished.
  const lanes = new Map<string, { tail: Promise<unknown>; last: number; pending: number }>();
  function inLane<T>(channel: string, fn: () => Promise<T>): Promise<T> {
    let lane = lanes.get(channel);
    if (!lane) {
      lane = { tail: Promise.resolve(), last: 0, pending: 0 };
      lanes.set(channel, lane);
    }
    const l = lane;
    l.pending++;
    const run = l.tail.then(async () => {
      const wait = l.last + gap - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        return await fn();
      } finally {
        l.last = Date.now();
      }
    });
    l.tail = run.then(
      () => undefined,
      () => undefined,
    );
    void l.tail.then(() => {
      if (--l.pending === 0) {
        // Forget idle channels once their spacing no longer matters. A timer from an earlier idle
        // spell can fire after the channel was used again and went idle once more: it must not
        // drop the lane then, or the next post would not wait for the last one.
        const t = setTimeout(() => {
          if (l.pending === 0 && Date.now() - l.last >= gap && lanes.get(channel) === l) lanes.delete(channel);
        }, gap + 10);
        t.unref?.();
      }
    });
    return run;
  }

  // Coalesced edits.
  const edits = new Map<string, { latest: SlackMessage; chain: Promise<void> }>();
  const lastSent = createLru<string, string>(1000);

  const web: SlackWeb = {
    client,
    async authTest(o) {
      const r = await call('auth.test', () => client.auth.test(), true, !o?.once);
      if (!r.user_id || !r.bot_id) throw new SlackDeliveryError('permanent', 'slack auth.test: no bot user in the answer (is this a bot token?)', 'not_a_bot');
      return {
        userId: r.user_id,
        botId: r.bot_id,
        ...(r.team_id ? { teamId: r.team_id } : {}),
        ...(r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}),
        ...(r.is_enterprise_install ? { isEnterpriseInstall: true } : {}),
      };
    },
    postMessage(channel, msg, threadTs, editable) {
      return inLane(channel, async () => {
        const r = await call(
          'chat.postMessage',
          () =>
            jsonApi.callJson('chat.postMessage', {
              channel,
              text: msg.text,
              blocks: msg.blocks,
              unfurl_links: false,
              unfurl_media: false,
              ...(threadTs ? { thread_ts: threadTs } : {}),
            }),
          false,
        );
        const ts = String(r.ts ?? '');
        if (editable) lastSent.set(`${typeof r.channel === 'string' ? r.channel : channel}/${ts}`, JSON.stringify(msg));
        return ts;
      });
    },
    updateMessage(channel, ts, msg) {
      const key = `${channel}/${ts}`;
      const prev = edits.get(key);
      const state = prev ?? { latest: msg, chain: Promise.resolve() };
      state.latest = msg;
      const run = state.chain
        .catch(() => undefined)
        .then(async () => {
          const m = state.latest;
          const json = JSON.stringify(m);
          if (lastSent.get(key) === json) return;
          await call('chat.update', () => jsonApi.callJson('chat.update', { channel, ts, text: m.text, blocks: m.blocks }), true);
          lastSent.set(key, json);
        });
      state.chain = run;
      edits.set(key, state);
      void run
        .finally(() => {
          if (edits.get(key) === state && state.chain === run) edits.delete(key);
        })
        .catch(() => undefined);
      return run;
    },
    async postEphemeral(channel, user, msg, threadTs) {
      await inLane(channel, () =>
        call(
          'chat.postEphemeral',
          () => jsonApi.callJson('chat.postEphemeral', { channel, user, text: msg.text, blocks: msg.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) }),
          false,
        ),
      );
    },
    uploadFile(channel, doc, threadTs) {
      return inLane(channel, async () => {
        const r = await call(
          'files.uploadV2',
          () =>
            client.filesUploadV2({
              filename: doc.filename,
              title: doc.filename,
              content: doc.content,
              ...(doc.caption ? { initial_comment: doc.caption } : {}),
              ...(threadTs ? { channel_id: channel, thread_ts: threadTs } : { channel_id: channel }),
            }),
          false,
        );
        const files = (r as { files?: { files?: { id?: string }[] }[] }).files;
        return String(files?.[0]?.files?.[0]?.id ?? '');
      });
    },
    async publishHome(user, view) {
      await call('views.publish', () => client.views.publish({ user_id: user, view }), true);
    },
    async openIm(user) {
      const r = await call('conversations.open', () => client.conversations.open({ users: user }), true);
      const id = r.channel?.id;
      if (!id) throw new SlackDeliveryError('permanent', 'slack conversations.open: no channel', 'no_channel');
      return id;
    },
    async canPost(channel) {
      try {
        const r = await call('conversations.info', () => client.conversations.info({ channel }), true);
        const c = r.channel as { is_im?: boolean; is_mpim?: boolean; is_private?: boolean; is_member?: boolean; is_archived?: boolean } | undefined;
        if (!c) return true;
        if (c.is_archived) return false;
        // public channels take posts without joining (chat:write.public); the rest need membership
        return c.is_im === true || c.is_member === true || (c.is_private !== true && c.is_mpim !== true);
      } catch (err) {
        if (err instanceof SlackDeliveryError && GONE_CODES.has(err.slackCode)) return false;
        log.warn({ channel, err: errorFields(err) }, 'slack: conversations.info failed; assuming the bot can post');
        return true;
      }
    },
    async respond(url, body) {
      if (!/^https?:\/\//.test(url)) throw new SlackDeliveryError('permanent', 'slack response_url: not an http(s) URL', 'bad_url');
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const name = (err as { name?: string })?.name;
        if (name === 'TimeoutError' || name === 'AbortError') throw new SlackDeliveryError('transient', 'slack response_url: timeout', 'ETIMEDOUT');
        throw new SlackDeliveryError('transient', `slack response_url: ${errorFields(err).message}`, 'request_error');
      }
      await res.text().catch(() => '');
      if (res.status === 429) throw new SlackDeliveryError('rate-limited', 'slack response_url: 429', 'ratelimited', 1000);
      if (!res.ok) throw new SlackDeliveryError(res.status >= 500 ? 'transient' : 'permanent', `slack response_url: http_${res.status}`, `http_${res.status}`);
    },
    close: () => jsonApi.close(),
    async idle() {
      for (;;) {
        const tails = [...lanes.values()].filter((l) => l.pending > 0).map((l) => l.tail);
        const chains = [...edits.values()].map((s) => s.chain.catch(() => undefined));
        if (tails.length === 0 && chains.length === 0) return;
        await Promise.all([...tails, ...chains]);
      }
    },
  };
  return web;
}
