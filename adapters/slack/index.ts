// The Slack adapter: a thin Bolt app over the core. It translates; the core decides.
//
// - HTTP mode (no app token): Bolt's HTTPReceiver request listener is mounted on the shared HTTP
//   server at POST /slack/events. Bolt verifies every request's signature and refuses timestamps
//   more than 5 minutes old (kept on: `signatureVerification: true`); answers 401 to both.
//   `processBeforeResponse: false`: events are acknowledged before listeners run, commands and
//   buttons ack() first thing, so Slack's 3 seconds are never at risk.
// - Socket Mode (SLACK_APP_TOKEN): Bolt's SocketModeReceiver; no route, no public URL.
// - The bot token is verified at start (auth.test); the answer feeds Bolt's `authorize`, so the
//   first event is not held up by an auth.test of its own.
// - Retried events: Slack redelivers an event (same event_id, X-Slack-Retry-Num) when it missed
//   the ack. Bolt does not de-duplicate, so a bounded LRU of event ids seen in the last hour
//   does; the first delivery to arrive is processed, whatever its retry number.
// - One error boundary (`boundary`, fed by the global middleware for listener failures and by
//   app.error for anything Bolt reports): logs the failure without tokens or message text, and
//   gives the user a short apology where they asked.
import { App, HTTPReceiver, SocketModeReceiver, type AllMiddlewareArgs, type AnyMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import type { AdapterHandle } from '../../src/core/adapter.ts';
import type { HttpRoute } from '../../src/core/http-server.ts';
import { errorFields } from '../../src/core/logger.ts';
import { createLru } from '../../src/core/lru.ts';
import type { Core } from '../../src/core/ports.ts';
import { ORIGIN_KEY, type SlackDeps } from './context.ts';
import * as actions from './listeners/actions.ts';
import * as commands from './listeners/commands.ts';
import * as events from './listeners/events.ts';
import { createReplyPoster, createSlackOutbound } from './outbound.ts';
import { renderReply, type RenderOptions } from './render-blocks.ts';
import { createRequestGuard, foreignOrigin } from './request-checks.ts';
import { boltLogger, createSlackWeb, normaliseApiUrl, type AuthInfo } from './web.ts';

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
}

export interface SlackAdapterHandle extends AdapterHandle {
  readonly name: 'slack';
  readonly mode: 'http' | 'socket';
  /** Resolves when every request being handled and every queued post is done (tests, stop). */
  idle(): Promise<void>;
  /** The bot's user id once started. */
  botUserId(): string | undefined;
}

const APOLOGY = 'Sorry, something went wrong on my side. Please try again in a moment.';

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
  });
  const commandNames = new Set(
    [...opts.core.commandMenu('private'), ...opts.core.commandMenu('group')].map((c) => c.command.toLowerCase()),
  );
  for (const c of ['help', 'start', 'vote']) commandNames.add(c);
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
          installerOptions: { clientOptions: { slackApiUrl } },
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
    clientOptions: { slackApiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true },
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
  // itself reports (app.error). Logged without tokens or message text; the user gets an apology.
  async function boundary(error: unknown, body: unknown): Promise<void> {
    const b = (body ?? {}) as Record<string, unknown>;
    const event = b.event as { type?: string; channel?: string; ts?: string; thread_ts?: string; channel_type?: string } | undefined;
    log.error(
      {
        err: errorFields((error as { original?: unknown })?.original ?? error),
        request: typeof b.command === 'string' ? 'command' : event ? `event:${event.type}` : String(b.type ?? 'unknown'),
      },
      'slack: handling a request failed',
    );
    try {
      const [m] = renderReply({ refusal: true, blocks: [{ type: 'paragraph', parts: [APOLOGY] }] });
      if (!m) return;
      if (typeof b.response_url === 'string') {
        await web.respond(b.response_url, { response_type: 'ephemeral', replace_original: false, ...m });
      } else if (event?.channel && (event.type === 'app_mention' || event.channel_type === 'im')) {
        await web.postMessage(event.channel, m, event.type === 'app_mention' ? (event.thread_ts ?? event.ts) : event.thread_ts);
      }
    } catch (err) {
      log.warn({ err: errorFields(err) }, 'slack: could not send the apology either');
    }
  }
  app.error(async ({ error, body }: { error: Error; body: AnyMiddlewareArgs['body'] }) => boundary(error, body));

  let started = false;
  let stopped = false;
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
    async start() {
      if (started) return;
      started = true;
      try {
        auth = await web.authTest();
      } catch (err) {
        rejectAuth(err);
        const code = (err as { slackCode?: string }).slackCode;
        throw new Error(
          code === 'invalid_auth' || code === 'not_authed' || code === 'token_revoked' || code === 'account_inactive'
            ? `Slack refused SLACK_BOT_TOKEN (${code}): check the bot token (xoxb-...) of the installed app`
            : `Slack auth.test failed: ${errorFields(err).message}`,
        );
      }
      resolveAuth(auth);
      log.info({ team: auth.teamId, botUser: auth.userId, mode, command: slashCommand }, 'slack: token verified');
      if (mode === 'socket') await app.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (mode === 'socket' && started) await app.stop().catch((err: unknown) => log.warn({ err: errorFields(err) }, 'slack: socket mode stop failed'));
      // Finish what is in flight, but do not hang shutdown on a stuck request.
      await Promise.race([idle(), new Promise<void>((r) => setTimeout(r, 10_000).unref?.())]);
      web.close();
    },
  };
}
