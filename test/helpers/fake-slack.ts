// A fake Slack Web API on 127.0.0.1 (port 0) for the adapter tests and the bench. It records every
// call, keeps the messages it was sent (and their edits), serves the file-upload URLs and the
// response_url endpoints, and can be told to fail: 429 with Retry-After, platform errors
// (not_in_channel, channel_not_found, is_archived...), HTTP 500, and an optional per-channel
// rate enforcer (at most one chat.postMessage per channel per window, else 429).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
  /** The HTTP status the fake answered with. */
  status: number;
  /** Platform error it answered with, if any. */
  error?: string;
  /** The Authorization header it came with. */
  auth?: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: Record<string, unknown>[];
  /** Every version, oldest first (index 0 = as posted). */
  versions: { text: string; blocks: Record<string, unknown>[] }[];
}

export interface FakeFile {
  id: string;
  filename: string;
  title?: string;
  /** The raw upload body (contains the content). */
  uploaded: string;
  channel_id?: string;
  thread_ts?: string;
  initial_comment?: string;
}

export interface Fault {
  /** A Web API method, or `response_url` (with `hang` only). */
  method: string;
  /** Only calls for this channel (chat.* / files.completeUploadExternal channel_id). */
  channel?: string;
  /** Platform error answered with HTTP 200 `{ ok: false, error }`. */
  error?: string;
  /** HTTP status instead (429 sends Retry-After). */
  status?: number;
  retryAfterSec?: number;
  /** Never answer (the call hangs until the client gives up or the fake closes). */
  hang?: boolean;
  /** How many calls it hits (default 1; Infinity = until cleared). */
  times?: number;
}

export interface FakeSlack {
  readonly url: string;
  /** Base for SLACK_API_URL (ends with /api/). */
  readonly apiUrl: string;
  readonly calls: FakeCall[];
  readonly messages: FakeMessage[];
  readonly files: FakeFile[];
  readonly responses: { id: string; body: Record<string, unknown> }[];
  readonly homeViews: { user_id: string; view: Record<string, unknown> }[];
  /** 429s the per-channel enforcer answered. */
  readonly enforced: { channel: string; at: number }[];
  callsTo(method: string): FakeCall[];
  /** Successful chat.postMessage messages in a channel (current version, in order). */
  messagesIn(channel: string): FakeMessage[];
  /** A fresh response_url pointing at this fake. */
  responseUrl(): string;
  responsesTo(url: string): Record<string, unknown>[];
  fail(f: Fault): void;
  clearFaults(): void;
  /** At most one chat.postMessage per channel per `ms` (undefined: off). */
  enforceRate(ms: number | undefined): void;
  /** Serves Socket Mode: apps.connections.open returns a ws:// URL on this server; a client that
   *  connects gets `hello`. */
  enableSocketMode(): void;
  /** Sends an envelope to the connected Socket Mode client; resolves with its ack. */
  socketSend(type: 'slash_commands' | 'events_api' | 'interactive', payload: Record<string, unknown>, extra?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Resolves once a Socket Mode client is connected. */
  socketConnected(): Promise<void>;
  /** Cuts the Socket Mode connection without a close frame (the network went away). */
  socketDrop(): void;
  /** Polls until fn returns a truthy value (default up to 5 s), else throws. */
  waitFor<T>(fn: () => T | undefined | null | false, what?: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'view', 'metadata']);

function parseParams(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return { _raw: raw };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(k)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        /* keep the string */
      }
    }
    out[k] = v;
  }
  return out;
}

export interface FakeSlackOptions {
  /** When set, Web API calls must carry it (else invalid_auth). */
  botToken?: string;
  /** When set, apps.connections.open must carry it (else invalid_auth). */
  appToken?: string;
  botUserId?: string;
  botId?: string;
  /** The workspace auth.test reports. Default T0001. */
  teamId?: string;
  /** The enterprise auth.test reports (none by default). */
  enterpriseId?: string;
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botUserId = opts.botUserId ?? 'UBOT';
  const calls: FakeCall[] = [];
  const messages: FakeMessage[] = [];
  const files: FakeFile[] = [];
  const pendingUploads = new Map<string, { filename: string; uploaded?: string }>();
  const responses: { id: string; body: Record<string, unknown> }[] = [];
  const homeViews: { user_id: string; view: Record<string, unknown> }[] = [];
  const enforced: { channel: string; at: number }[] = [];
  let faults: (Fault & { left: number })[] = [];
  let rateMs: number | undefined;
  const lastPost = new Map<string, number>();
  let seq = 0;
  let responseSeq = 0;
  let base = '';
  let wss: WebSocketServer | undefined;
  let socket: WebSocket | undefined;
  let envSeq = 0;
  const acks = new Map<string, (m: Record<string, unknown>) => void>();
  const connectedWaiters: (() => void)[] = [];

  const nextTs = () => `${1_767_000_000 + ++seq}.${String(seq).padStart(6, '0')}`;

  function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  function channelParam(params: Record<string, unknown>): string | undefined {
    const c = params.channel ?? params.channel_id;
    return typeof c === 'string' ? c : undefined;
  }

  function handleApi(method: string, params: Record<string, unknown>, auth: string | undefined, res: http.ServerResponse) {
    const call: FakeCall = { method, params, at: Date.now(), status: 200, ...(auth ? { auth } : {}) };
    calls.push(call);
    const fail = (status: number, body: unknown, headers?: Record<string, string>) => {
      call.status = status;
      const err = (body as { error?: string }).error;
      if (err) call.error = err;
      send(res, status, body, headers);
    };
    if (method !== 'apps.connections.open' && opts.botToken && auth !== `Bearer ${opts.botToken}`) {
      return fail(200, { ok: false, error: 'invalid_auth' });
    }
    if (method === 'apps.connections.open' && opts.appToken && auth !== `Bearer ${opts.appToken}`) {
      return fail(200, { ok: false, error: 'invalid_auth' });
    }
    const channel = channelParam(params);
    const fault = faults.find((f) => f.method === method && f.left > 0 && (!f.channel || f.channel === channel));
    if (fault) {
      fault.left--;
      if (fault.hang) {
        call.status = 0;
        call.error = 'hung';
        return;
      }
      if (fault.status === 429) return fail(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfterSec ?? 1) });
      if (fault.status) return fail(fault.status, { ok: false, error: `http_${fault.status}` });
      return fail(200, { ok: false, error: fault.error ?? 'internal_error' });
    }
    switch (method) {
      case 'apps.connections.open':
        if (!wss) return fail(200, { ok: false, error: 'not_allowed' });
        return send(res, 200, { ok: true, url: `${base.replace('http://', 'ws://')}/link/?ticket=fake` });
      case 'auth.test':
        return send(res, 200, {
          ok: true,
          url: 'https://fake.slack.test/',
          team: 'Fake',
          user: 'practice-bot',
          team_id: opts.teamId ?? 'T0001',
          user_id: botUserId,
          bot_id: opts.botId ?? 'BBOT',
          ...(opts.enterpriseId ? { enterprise_id: opts.enterpriseId } : {}),
          is_enterprise_install: false,
        });
      case 'chat.postMessage': {
        if (!channel) return fail(200, { ok: false, error: 'channel_not_found' });
        if (rateMs !== undefined) {
          const last = lastPost.get(channel);
          const now = Date.now();
          if (last !== undefined && now - last < rateMs) {
            enforced.push({ channel, at: now });
            return fail(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(Math.max(1, Math.ceil((rateMs - (now - last)) / 1000))) });
          }
          lastPost.set(channel, now);
        }
        const ts = nextTs();
        const text = String(params.text ?? '');
        const blocks = (params.blocks as Record<string, unknown>[] | undefined) ?? [];
        const m: FakeMessage = { channel, ts, text, blocks, versions: [{ text, blocks }] };
        if (typeof params.thread_ts === 'string') m.thread_ts = params.thread_ts;
        messages.push(m);
        return send(res, 200, { ok: true, channel, ts, message: { type: 'message', text, ts, bot_id: opts.botId ?? 'BBOT', ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}) } });
      }
      case 'chat.update': {
        const m = messages.find((x) => x.channel === channel && x.ts === params.ts);
        if (!m) return fail(200, { ok: false, error: 'message_not_found' });
        m.text = String(params.text ?? '');
        m.blocks = (params.blocks as Record<string, unknown>[] | undefined) ?? [];
        m.versions.push({ text: m.text, blocks: m.blocks });
        return send(res, 200, { ok: true, channel, ts: m.ts, text: m.text });
      }
      case 'chat.postEphemeral':
        return send(res, 200, { ok: true, message_ts: nextTs() });
      case 'views.publish': {
        homeViews.push({ user_id: String(params.user_id), view: params.view as Record<string, unknown> });
        return send(res, 200, { ok: true, view: { id: `V${seq++}`, ...(params.view as object) } });
      }
      case 'conversations.open': {
        const user = String(params.users ?? '');
        return send(res, 200, { ok: true, channel: { id: `D${user.replace(/^U/, '')}` } });
      }
      case 'conversations.info':
        return send(res, 200, { ok: true, channel: { id: channel, is_im: channel?.startsWith('D') ?? false, is_member: true } });
      case 'files.getUploadURLExternal': {
        const id = `F${String(++seq).padStart(6, '0')}`;
        pendingUploads.set(id, { filename: String(params.filename ?? '') });
        return send(res, 200, { ok: true, upload_url: `${base}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const list = (params.files as { id: string; title?: string }[] | undefined) ?? [];
        const done = list.map((f) => {
          const p = pendingUploads.get(f.id);
          const file: FakeFile = { id: f.id, filename: p?.filename ?? '', uploaded: p?.uploaded ?? '' };
          if (f.title) file.title = f.title;
          if (typeof params.channel_id === 'string') file.channel_id = params.channel_id;
          if (typeof params.thread_ts === 'string') file.thread_ts = params.thread_ts;
          if (typeof params.initial_comment === 'string') file.initial_comment = params.initial_comment;
          files.push(file);
          return { id: f.id, title: f.title ?? file.filename };
        });
        return send(res, 200, { ok: true, files: done });
      }
      default:
        return fail(200, { ok: false, error: 'unknown_method' });
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0]!;
      if (path.startsWith('/api/')) {
        handleApi(path.slice('/api/'.length), parseParams(raw, req.headers['content-type']), req.headers.authorization, res);
        return;
      }
      if (path.startsWith('/upload/')) {
        const id = path.slice('/upload/'.length);
        const p = pendingUploads.get(id);
        if (!p) return send(res, 404, { ok: false });
        p.uploaded = raw;
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
        return;
      }
      if (path.startsWith('/response/')) {
        const hang = faults.find((f) => f.method === 'response_url' && f.left > 0);
        if (hang) {
          hang.left--;
          return;
        }
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          body = { _raw: raw };
        }
        responses.push({ id: path.slice('/response/'.length), body });
        return send(res, 200, { ok: true });
      }
      send(res, 404, { ok: false, error: 'not_found' });
    });
  });
  server.on('upgrade', (req, sock, head) => {
    if (!wss || !(req.url ?? '').startsWith('/link')) return sock.destroy();
    wss.handleUpgrade(req, sock, head, (ws) => {
      socket = ws;
      ws.on('message', (data) => {
        try {
          const m = JSON.parse(String(data)) as Record<string, unknown>;
          const id = String(m.envelope_id ?? '');
          acks.get(id)?.(m);
          acks.delete(id);
        } catch {
          /* ignore */
        }
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A0001' } }));
      for (const w of connectedWaiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    apiUrl: `${base}/api/`,
    calls,
    messages,
    files,
    responses,
    homeViews,
    enforced,
    callsTo: (method) => calls.filter((c) => c.method === method),
    messagesIn: (channel) => messages.filter((m) => m.channel === channel),
    responseUrl: () => `${base}/response/${++responseSeq}`,
    responsesTo: (url) => {
      const id = url.slice(url.lastIndexOf('/') + 1);
      return responses.filter((r) => r.id === id).map((r) => r.body);
    },
    fail: (f) => void faults.push({ ...f, left: f.times ?? 1 }),
    clearFaults: () => {
      faults = [];
    },
    enforceRate: (ms) => {
      rateMs = ms;
      lastPost.clear();
    },
    enableSocketMode() {
      wss ??= new WebSocketServer({ noServer: true });
    },
    socketSend(type, payload, extra = {}) {
      const ws = socket;
      if (!ws) return Promise.reject(new Error('fake Slack: no Socket Mode client connected'));
      const envelope_id = `env-${++envSeq}`;
      return new Promise((resolve) => {
        acks.set(envelope_id, resolve);
        ws.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api', ...extra }));
      });
    },
    socketConnected: () => (socket ? Promise.resolve() : new Promise<void>((r) => connectedWaiters.push(r))),
    socketDrop() {
      socket?.terminate();
      socket = undefined;
    },
    async waitFor(fn, what = 'condition', timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const v = fn();
        if (v) return v;
        if (Date.now() > end) throw new Error(`fake Slack: timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        socket?.terminate();
        wss?.close();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

/** All the visible text of a Block Kit message (sections, contexts, headers, buttons), joined. */
export function blocksText(blocks: readonly unknown[]): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') out.push(o.text);
      for (const [k, x] of Object.entries(o)) if (k !== 'text' || typeof x !== 'string') walk(x);
    }
  };
  walk(blocks);
  return out.join('\n');
}

/** Every button in a message: action_id, value and label. */
export function buttonsOf(blocks: readonly unknown[]): { action_id: string; value: string; label: string }[] {
  const out: { action_id: string; value: string; label: string }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'button') {
        out.push({ action_id: String(o.action_id), value: String(o.value ?? ''), label: String((o.text as { text?: string })?.text ?? '') });
        return;
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}
