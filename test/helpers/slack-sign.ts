// Signed Slack requests, as Slack sends them: `X-Slack-Signature: v0=HMAC-SHA256(secret,
// "v0:<timestamp>:<raw body>")` and `X-Slack-Request-Timestamp`. Builders for slash commands,
// Events API envelopes and block_actions payloads.
import { createHmac } from 'node:crypto';
import http from 'node:http';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedRequest {
  body: string;
  contentType: 'application/x-www-form-urlencoded' | 'application/json';
}

export interface SendOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Overrides the computed signature (to test refusals). */
  signature?: string;
  retryNum?: number;
  retryReason?: string;
  agent?: http.Agent;
}

/** POSTs a signed request; resolves with the status and body. */
export function postSigned(url: string, secret: string, req: SignedRequest, opts: SendOptions = {}): Promise<{ status: number; body: string }> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': req.contentType,
    'content-length': String(Buffer.byteLength(req.body)),
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': opts.signature ?? slackSignature(secret, ts, req.body),
  };
  if (opts.retryNum !== undefined) headers['x-slack-retry-num'] = String(opts.retryNum);
  if (opts.retryReason !== undefined) headers['x-slack-retry-reason'] = opts.retryReason;
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers, ...(opts.agent ? { agent: opts.agent } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

let triggerSeq = 0;
/** A fresh trigger_id, as Slack gives each invocation (slash command, button press). */
export const nextTriggerId = () => `${Math.floor(Date.now() / 1000)}.${++triggerSeq}.${process.pid}`;

export interface SlashCommandFields {
  command?: string;
  text: string;
  user_id: string;
  user_name?: string;
  channel_id: string;
  channel_name?: string;
  team_id?: string;
  response_url: string;
  trigger_id?: string;
  enterprise_id?: string;
}

export function slashCommand(f: SlashCommandFields): SignedRequest {
  const fields: Record<string, string> = {
    token: 'deprecated-verification-token',
    team_id: f.team_id ?? 'T0001',
    team_domain: 'fake',
    channel_id: f.channel_id,
    channel_name: f.channel_name ?? 'general',
    user_id: f.user_id,
    user_name: f.user_name ?? f.user_id.toLowerCase(),
    command: f.command ?? '/practice',
    text: f.text,
    api_app_id: 'A0001',
    is_enterprise_install: 'false',
    response_url: f.response_url,
    trigger_id: f.trigger_id ?? nextTriggerId(),
    ...(f.enterprise_id ? { enterprise_id: f.enterprise_id } : {}),
  };
  return { body: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' };
}

let eventSeq = 0;

export function eventCallback(event: Record<string, unknown>, opts: { eventId?: string; teamId?: string } = {}): SignedRequest & { eventId: string } {
  const eventId = opts.eventId ?? `Ev${String(++eventSeq).padStart(8, '0')}`;
  const envelope = {
    token: 'deprecated-verification-token',
    team_id: opts.teamId ?? 'T0001',
    api_app_id: 'A0001',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: opts.teamId ?? 'T0001', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
  return { body: JSON.stringify(envelope), contentType: 'application/json', eventId };
}

export interface ButtonPress {
  user: string;
  userName?: string;
  channel?: string;
  messageTs?: string;
  threadTs?: string;
  actionId: string;
  value: string;
  responseUrl: string;
  /** Pressed on the App Home tab (no channel). */
  home?: boolean;
  teamId?: string;
  triggerId?: string;
}

export function blockActions(p: ButtonPress): SignedRequest {
  const payload = {
    type: 'block_actions',
    user: { id: p.user, username: p.userName ?? p.user.toLowerCase(), name: p.userName ?? p.user.toLowerCase(), team_id: p.teamId ?? 'T0001' },
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    container: p.home
      ? { type: 'view', view_id: 'V1' }
      : { type: 'message', message_ts: p.messageTs, channel_id: p.channel, is_ephemeral: false, ...(p.threadTs ? { thread_ts: p.threadTs } : {}) },
    trigger_id: p.triggerId ?? nextTriggerId(),
    team: { id: p.teamId ?? 'T0001', domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    ...(p.home ? { view: { id: 'V1', type: 'home' } } : { channel: { id: p.channel, name: 'general' } }),
    ...(p.home ? {} : { message: { type: 'message', ts: p.messageTs, text: '', ...(p.threadTs ? { thread_ts: p.threadTs } : {}) } }),
    response_url: p.responseUrl,
    actions: [{ action_id: p.actionId, block_id: 'b1', text: { type: 'plain_text', text: 'x' }, value: p.value, type: 'button', action_ts: `${Date.now() / 1000}` }],
  };
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' };
}

// ------------------------------------------------------------------------------------------------
// Raw bodies of any size (body-limit tests)

export interface RawResult {
  status?: number;
  headers?: http.IncomingHttpHeaders;
  body?: string;
  /** The server closed the connection after answering. */
  closed: boolean;
  error?: string;
}

/** Sends `size` bytes to a path, chunked (no Content-Length) or with a Content-Length, over a
 *  keep-alive connection, and reports the answer and whether the server then closed the
 *  connection. Write errors after the server has answered (it stopped reading) are expected. */
export function sendBody(base: string, o: { method?: string; path: string; size: number; chunked: boolean; headers?: Record<string, string> }): Promise<RawResult> {
  const u = new URL(o.path, base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise((resolve) => {
    const out: RawResult = { closed: false };
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      agent.destroy();
      resolve(out);
    };
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      method: o.method ?? 'POST',
      agent,
      // Node's client sends chunked bodies by default only for POST-like methods: say it for GET too.
      headers: { 'content-type': 'application/json', ...(o.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(o.size) }), ...o.headers },
    });
    req.on('response', (res) => {
      out.status = res.statusCode;
      out.headers = res.headers;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        out.body = Buffer.concat(chunks).toString('utf8');
        // A connection the server keeps open goes back to the agent; one it closes emits 'close'.
        const sock = req.socket;
        if (!sock || sock.destroyed) {
          out.closed = true;
          return done();
        }
        sock.once('close', () => {
          out.closed = true;
          done();
        });
        sock.once('free', () => done());
        setTimeout(done, 3000).unref();
      });
      res.on('error', () => done());
    });
    req.on('error', (err: Error & { code?: string }) => {
      out.error = err.code ?? err.message;
      if (out.status === undefined) {
        out.closed = true;
        done();
      }
    });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let left = o.size;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}
