// The Slack adapter: a thin Bolt app over the core. It translates; the core decides.
//
// - HTTP mode (no app token): Bolt's HTTPReceiver request listener is mounted on the shared HTTP
//   server at POST /slack/events; the server has already read the body (capped at 1 MB) and hands
//   it over as `rawBody`. Before Bolt, request-checks.ts refuses (401) unsigned requests, badly
//   signed ones, timestamps more than 5 minutes off in EITHER direction, and byte-identical
//   replays (signature + timestamp). Bolt verifies the signature again (`signatureVerification:
//   true`). `processBeforeResponse: false`: events are acknowledged before listeners run,
//   commands and buttons ack() first thing, so Slack's 3 seconds are never at risk.
// - Socket Mode (SLACK_APP_TOKEN): Bolt's SocketModeReceiver; no route, no public URL.
// - Start: auth.test (and in Socket Mode the connection) is tried a bounded number of times with
//   one log line each, then start() rejects with a one-line error; a refused token fails at once.
//   The answer feeds Bolt's `authorize` and the workspace check.
// - De-duplication: Slack redelivers an event (same event_id, X-Slack-Retry-Num) when it missed
//   the ack, and a slash command or button press has a unique trigger_id: a bounded LRU of the
//   ids seen in the last hour answers each once, whichever delivery arrives first.
// - Workspace: a request from another team or enterprise than the token's is answered as an
//   unknown user (ids `slack:<team>.<id>`: no roles, chat not allowed).
// - One error boundary (`boundary`, fed by the global middleware for listener failures and by
//   app.error for anything Bolt reports): tells the user where they asked (our failure, a
//   timed-out post, or a Retry-After over MAX_RETRY_AFTER), then logs one line without tokens or
//   message text.
import { App, HTTPReceiver, SocketModeReceiver, type AllMiddlewareArgs, type AnyMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { AdapterFatalError, type AdapterHandle } from '../../src/core/adapter.ts';
import type { HttpRoute } from '../../src/core/http-server.ts';
import { errorFields } from '../../src/core/logger.ts';
import { createLru } from '../../src/core/lru.ts';
import { APOLOGY_TEXT } from '../../src/core/reply-helpers.ts';
import type { Core } from '../../src/core/ports.ts';
import { ORIGIN_KEY, type SlackDeps } from './context.ts';
import * as actions from './listeners/actions.ts';
import * as commands from './listeners/commands.ts';
import * as events from './listeners/events.ts';
import { createReplyPoster, createSlackOutbound } from './outbound.ts';
import { renderReply, type RenderOptions } from './render-blocks.ts';
import { createRequestGuard, foreignOrigin } from './request-checks.ts';
import { boltLogger, classifySlackError, createSlackWeb, isTimeout, normaliseApiUrl, SlackDeliveryError, type AuthInfo } from './web.ts';

export interface SlackAdapterOptions {
  botToken: string;
  /** Socket Mode when set. */
  appToken?: string;
  /** HTTP mode (required without an app token). */
  signingSecret?: string;
  /** Web API base URL (tests: a local fake). */
  apiUrl?: string;
  core: Core;
  log: Logger;
  /** Events path in HTTP mode. Default /slack/events. */
  path?: string;
  /** Default /practice (must match the manifest). */
  slashCommand?: string;
  /** Least time between two posts in one channel. Default 1000 ms. */
  minPostIntervalMs?: number;
  /** 429s waited out in-process before a post fails as 'rate-limited'. Default 3. */
  rateLimitRetries?: number;
  /** How long an event id is remembered for de-duplication. Default 1 hour. */
  dedupeTtlMs?: number;
  /** Timeout of each Web API call (PLATFORM_TIMEOUT). Default 15 s. */
  timeoutMs?: number;
  /** The longest Retry-After waited out in-process (MAX_RETRY_AFTER). Default 60 s. */
  maxRetryAfterMs?: number;
  /** Attempts to reach Slack at start (auth.test, Socket Mode connection) before giving up. Default 5. */
  startAttempts?: number;
  /** Wait before the first retry at start; doubled each time, at most 30 s. Default 2 s. */
  startRetryDelayMs?: number;
  /** Socket Mode: attempts to reconnect after the connection was lost, before the adapter fails for
   *  good (onFatal). Default 14 (about 30 minutes with the default delays). */
  reconnectAttempts?: number;
  /** Socket Mode: wait before the second reconnect attempt (the first is immediate); doubled each
   *  time, at most 5 minutes. Default 2 s. */
  reconnectDelayMs?: number;
}

export interface SlackAdapterHandle extends AdapterHandle {
  readonly name: 'slack';
  readonly mode: 'http' | 'socket';
  /** Resolves when every request being handled and every queued post is done (tests, stop). */
  idle(): Promise<void>;
  /** The bot's user id once started. */
  botUserId(): string | undefined;
  onFatal(listener: (err: AdapterFatalError) => void): void;
  state(): 'connected' | 'starting' | 'down';
}

const TIMED_OUT = 'Sorry, Slack did not confirm my answer in time: it may not have been posted. If you do not see it, please ask again in a moment.';
function rateLimitedText(retryAfterMs: number | undefined): string {
  const min = Math.max(1, Math.ceil((retryAfterMs ?? 60_000) / 60_000));
  return `Sorry, Slack asked me to wait about ${min} minute${min === 1 ? '' : 's'} before posting here, so my answer was not posted. Please ask again later.`;
}
const PERMANENT_AUTH = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'account_inactive', 'user_removed_from_team', 'team_disabled', 'not_allowed_token_type']);

export function createSlackAdapter(opts: SlackAdapterOptions): SlackAdapterHandle {
  const log = opts.log.child({ adapter: 'slack' });
  const mode: 'http' | 'socket' = opts.appToken ? 'socket' : 'http';
  if (mode === 'http' && !opts.signingSecret) {
    throw new Error('Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)');
  }
  const slashCommand = opts.slashCommand ?? '/practice';
  const slackApiUrl = normaliseApiUrl(opts.apiUrl);
  const boltLog = boltLogger(log.child({ module: 'bolt' }));

  const web = createSlackWeb({
    botToken: opts.botToken,
    apiUrl: slackApiUrl,
    log,
    minPostIntervalMs: opts.minPostIntervalMs,
    rateLimitRetries: opts.rateLimitRetries,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: opts.maxRetryAfterMs } : {}),
  });
  const timeoutMs = opts.timeoutMs ?? 15_000;
  // The core's registered commands (menus or not): `/help` in a reply is shown as `/practice help`.
  const commandNames = new Set(
    (opts.core.commandNames?.() ?? [...opts.core.commandMenu('private'), ...opts.core.commandMenu('group')].map((c) => c.command)).map((c) => c.toLowerCase()),
  );
  const render: RenderOptions = { slashCommand, commands: commandNames };
  const outbound = createSlackOutbound({ web, log, render });
  const poster = createReplyPoster({ web, log, render });

  // auth.test at start feeds `authorize`; events that arrive earlier wait for it.
  let auth: AuthInfo | undefined;
  let resolveAuth!: (a: AuthInfo) => void;
  let rejectAuth!: (e: unknown) => void;
  const authReady = new Promise<AuthInfo>((res, rej) => {
    resolveAuth = res;
    rejectAuth = rej;
  });
  authReady.catch(() => undefined);

  const receiver =
    mode === 'socket'
      ? new SocketModeReceiver({
          appToken: opts.appToken!,
          logger: boltLog,
          // No silent retries inside the client (its default is 100, for hours): start() retries
          // a bounded number of times with a log line each, and a refused token fails at once.
          installerOptions: { clientOptions: { slackApiUrl, retryConfig: { retries: 0 }, timeout: timeoutMs } },
          // Reconnecting is ours too (reconnect() below): the client's own loop ends, when its retries
          // run out, in a promise nobody handles (an unhandled rejection: exit 1, no graceful stop).
          autoReconnectEnabled: false,
        })
      : new HTTPReceiver({
          signingSecret: opts.signingSecret!,
          endpoints: opts.path ?? '/slack/events',
          processBeforeResponse: false,
          signatureVerification: true,
          logger: boltLog,
        });

  const app = new App({
    receiver,
    logger: boltLog,
    convoStore: false,
    extendedErrorHandler: true,
    clientOptions: { slackApiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: timeoutMs },
    authorize: async () => {
      const a = await authReady;
      return { botToken: opts.botToken, botId: a.botId, botUserId: a.userId, ...(a.teamId ? { teamId: a.teamId } : {}) };
    },
  });

  // In-flight requests (for idle/stop), de-duplication and the workspace check, before any listener.
  // An event is known by its event_id (Slack's retries repeat it); a slash command or an
  // interaction by its trigger_id (unique per invocation): a second delivery is acknowledged and
  // not handled again, whatever its signature.
  let inflight = 0;
  const drained: (() => void)[] = [];
  const seen = createLru<string, number>(20_000);
  const ttl = opts.dedupeTtlMs ?? 3_600_000;
  app.use(async (args: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    const { body, context, next } = args;
    const b = body as { event_id?: unknown; trigger_id?: unknown; type?: unknown; command?: unknown };
    const key = typeof b.event_id === 'string' ? `event:${b.event_id}` : typeof b.trigger_id === 'string' ? `trigger:${b.trigger_id}` : undefined;
    if (key) {
      const at = seen.get(key);
      const now = Date.now();
      if (at !== undefined && now - at < ttl) {
        const ack = (args as { ack?: () => Promise<void> }).ack;
        if (ack) await ack();
        log.info({ id: key, retryNum: context.retryNum, retryReason: context.retryReason }, 'slack: repeated delivery ignored');
        return;
      }
      seen.set(key, now);
      if (context.retryNum) log.info({ id: key, retryNum: context.retryNum }, 'slack: first delivery of this event is a retry; processing it');
    }
    const foreign = auth ? foreignOrigin(body, auth) : undefined;
    if (foreign) {
      context[ORIGIN_KEY] = foreign;
      log.info({ team: foreign, request: typeof b.command === 'string' ? 'command' : String(b.type ?? 'unknown') }, 'slack: request from another workspace: answered as an unknown user');
    }
    inflight++;
    try {
      await next();
    } catch (err) {
      // Listener failures end here (inside the in-flight window, so idle() covers the apology).
      await boundary(err, body);
    } finally {
      if (--inflight === 0) for (const d of drained.splice(0)) d();
    }
  });

  const deps: SlackDeps = { core: opts.core, web, poster, log, render, slashCommand, botUserId: () => auth?.userId };
  commands.register(app, deps);
  events.register(app, deps);
  actions.register(app, deps);

  // The one error boundary: listener failures (from the middleware above) and anything Bolt
  // itself reports (app.error). The user is told where they asked, in a word what went wrong
  // (Slack too slow, Slack asking to wait, or our side); then ONE line is logged, without tokens
  // or message text, saying whether the user could be told.
  async function boundary(error: unknown, body: unknown): Promise<void> {
    const b = (body ?? {}) as Record<string, unknown>;
    const event = b.event as { type?: string; channel?: string; ts?: string; thread_ts?: string; channel_type?: string; user?: string } | undefined;
    const cause = (error as { original?: unknown })?.original ?? error;
    const kind = isTimeout(cause) ? 'timeout' : cause instanceof SlackDeliveryError && cause.failure === 'rate-limited' ? 'rate-limited' : 'error';
    const text = kind === 'timeout' ? TIMED_OUT : kind === 'rate-limited' ? rateLimitedText((cause as SlackDeliveryError).retryAfterMs) : APOLOGY_TEXT;
    let told = false;
    let tellErr: unknown;
    try {
      const [m] = renderReply({ refusal: true, blocks: [{ type: 'paragraph', parts: [text] }] });
      if (m && typeof b.response_url === 'string') {
        await web.respond(b.response_url, { response_type: 'ephemeral', replace_original: false, ...m });
        told = true;
      } else if (m && event?.channel && (event.type === 'app_mention' || event.channel_type === 'im')) {
        const threadTs = event.type === 'app_mention' ? (event.thread_ts ?? event.ts) : event.thread_ts;
        // Rate limited in this channel: a post would be refused too; an ephemeral note is not.
        if (kind === 'rate-limited' && event.user) await web.postEphemeral(event.channel, event.user, m, threadTs);
        else await web.postMessage(event.channel, m, threadTs);
        told = true;
      }
    } catch (err) {
      tellErr = err;
    }
    const fields = {
      err: errorFields(cause),
      failure: kind,
      request: typeof b.command === 'string' ? 'command' : event ? `event:${event.type}` : String(b.type ?? 'unknown'),
      userTold: told,
      ...(tellErr ? { tellErr: errorFields(tellErr).message } : {}),
    };
    const msg =
      kind === 'timeout'
        ? 'slack: an answer timed out (it may or may not have been posted)'
        : kind === 'rate-limited'
          ? 'slack: an answer was not posted: Slack asked to wait longer than MAX_RETRY_AFTER'
          : 'slack: handling a request failed';
    log.error(fields, msg);
  }
  app.error(async ({ error, body }: { error: Error; body: AnyMiddlewareArgs['body'] }) => boundary(error, body));

  let started = false;
  let stopped = false;

  // --- connection state (GET /healthz) and failing for good after start (onFatal) ---------------
  let verified = false;
  let socketUp = false;
  let connectedOnce = false;
  let reconnecting: Promise<void> | undefined;
  const wakers = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      wakers.add(done);
    });
  const fatalListeners: ((err: AdapterFatalError) => void)[] = [];
  let fatal: AdapterFatalError | undefined;
  function emitFatal(err: AdapterFatalError): void {
    if (fatal || stopped) return;
    fatal = err;
    if (fatalListeners.length === 0) log.fatal({ err: errorFields(err) }, err.message);
    for (const l of fatalListeners) l(err);
  }

  // Socket Mode after start: a lost connection (network, Slack recycling it, missed pings) is
  // reconnected here, the first attempt at once, then with backoff, one log line each; when the
  // attempts run out, or Slack refuses the app token, the adapter fails for good (onFatal) and the
  // process stops gracefully.
  const socketClient = mode === 'socket' ? (receiver as SocketModeReceiver).client : undefined;
  socketClient?.on('connected', () => {
    socketUp = true;
    connectedOnce = true;
  });
  socketClient?.on('disconnected', () => {
    socketUp = false;
    if (!connectedOnce || stopped || reconnecting) return;
    reconnecting = reconnect().finally(() => (reconnecting = undefined));
  });
  async function reconnect(): Promise<void> {
    const attempts = Math.max(1, opts.reconnectAttempts ?? 14);
    let delay = opts.reconnectDelayMs ?? 2000;
    log.warn('slack: Socket Mode connection lost; reconnecting');
    for (let attempt = 1; !stopped; attempt++) {
      try {
        await socketClient!.start();
        log.info({ attempt }, 'slack: Socket Mode reconnected');
        return;
      } catch (err) {
        if (stopped) return;
        const e = classifySlackError(err, 'apps.connections.open');
        if (PERMANENT_AUTH.has(e.slackCode)) {
          emitFatal(new AdapterFatalError('slack', `Slack Socket Mode stopped: Slack refused SLACK_APP_TOKEN (${e.slackCode}) while reconnecting`, { cause: err }));
          return;
        }
        if (attempt >= attempts) {
          emitFatal(
            new AdapterFatalError('slack', `Slack Socket Mode stopped: the connection was lost and ${attempt} attempts to reconnect failed (last: ${e.slackCode})`, {
              cause: err,
            }),
          );
          return;
        }
        const wait = e.failure === 'rate-limited' ? Math.max(delay, e.retryAfterMs ?? 0) : delay;
        log.warn({ attempt, of: attempts, code: e.slackCode, retryInMs: wait }, 'slack: Socket Mode reconnect failed; retrying');
        await pause(wait);
        delay = Math.min(delay * 2, 300_000);
      }
    }
  }

  // Reaching Slack at start: a refused token fails at once with a clear error; an unreachable
  // Slack (network, timeout, 5xx, 429) is retried up to `startAttempts` times with one log line
  // each, then start() rejects with a one-line error. stop() ends the retries.
  async function withStartRetries<T>(method: string, tokenVar: string, tokenHint: string, fn: () => Promise<T>): Promise<T> {
    const attempts = Math.max(1, opts.startAttempts ?? 5);
    let delay = opts.startRetryDelayMs ?? 2000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const e = classifySlackError(err, method);
        if (PERMANENT_AUTH.has(e.slackCode)) throw new Error(`Slack refused ${tokenVar} (${e.slackCode}): check ${tokenHint}`);
        if (e.failure === 'permanent' || e.failure === 'gone') throw new Error(`Slack ${method} failed: ${e.message}`);
        if (attempt >= attempts || stopped) {
          throw new Error(`Slack is unreachable: ${method} failed ${attempt} times (last: ${e.slackCode}); check SLACK_API_URL and the network`);
        }
        const wait = e.failure === 'rate-limited' ? Math.max(delay, e.retryAfterMs ?? 0) : delay;
        log.warn({ method, attempt, of: attempts, code: e.slackCode, retryInMs: wait }, 'slack: cannot reach Slack at start; retrying');
        await new Promise<void>((r) => setTimeout(r, wait));
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }
  const idle = async () => {
    for (;;) {
      if (inflight > 0) await new Promise<void>((r) => drained.push(r));
      await web.idle();
      if (inflight === 0) return;
    }
  };

  const guard = mode === 'http' ? createRequestGuard({ signingSecret: opts.signingSecret! }) : undefined;
  const routes: HttpRoute[] | undefined =
    mode === 'http'
      ? [
          {
            method: 'POST',
            path: opts.path ?? '/slack/events',
            handler: (req, res) => {
              if (stopped) {
                res.writeHead(503, { 'content-type': 'text/plain' }).end('stopping');
                req.resume();
                return;
              }
              const refused = guard!.check(req);
              if (refused) {
                log.warn({ reason: refused }, 'slack: request refused (401)');
                res.writeHead(401, { 'content-type': 'text/plain' }).end();
                return;
              }
              (receiver as HTTPReceiver).requestListener(req, res);
            },
          },
        ]
      : undefined;

  return {
    name: 'slack',
    mode,
    outbound,
    ...(routes ? { routes } : {}),
    botUserId: () => auth?.userId,
    idle,
    onFatal(listener) {
      fatalListeners.push(listener);
      if (fatal) listener(fatal);
    },
    // GET /healthz: 'starting' until auth.test answered (and, in Socket Mode, the first connection);
    // 'down' while the Socket Mode connection is lost (until reconnected) or after a fatal error.
    state() {
      if (fatal) return 'down';
      if (!verified || (mode === 'socket' && !connectedOnce)) return 'starting';
      return mode === 'socket' && !socketUp ? 'down' : 'connected';
    },
    async start() {
      if (started) return;
      started = true;
      try {
        auth = await withStartRetries('auth.test', 'SLACK_BOT_TOKEN', 'the bot token (xoxb-...) of the installed app', () => web.authTest({ once: true }));
      } catch (err) {
        rejectAuth(err);
        throw err;
      }
      resolveAuth(auth);
      verified = true;
      log.info({ team: auth.teamId, botUser: auth.userId, mode, command: slashCommand }, 'slack: token verified');
      if (mode === 'socket') {
        await withStartRetries('apps.connections.open', 'SLACK_APP_TOKEN', 'the app-level token (xapp-...) with connections:write', () => app.start());
        // Reconnecting later: reconnect() above (bounded, one log line per attempt, then onFatal).
        log.info('slack: Socket Mode connected');
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const w of [...wakers]) w();
      if (mode === 'socket' && started) {
        await app.stop().catch((err: unknown) => log.warn({ err: errorFields(err) }, 'slack: socket mode stop failed'));
        // A reconnect attempt in flight may still open a connection: wait for it and close that too.
        if (reconnecting) {
          await Promise.race([reconnecting, new Promise<void>((r) => setTimeout(r, 5000).unref?.())]);
          if (socketUp) await socketClient?.disconnect().catch(() => undefined);
        }
      }
      // Finish what is in flight, but do not hang shutdown on a stuck request.
      await Promise.race([idle(), new Promise<void>((r) => setTimeout(r, 10_000).unref?.())]);
      web.close();
    },
  };
}
