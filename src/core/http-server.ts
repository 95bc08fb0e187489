// One HTTP server on PORT shared by the Telegram webhook, Slack's HTTP mode and GET /healthz.
//
// Every request's body is read HERE, first, whatever its path and method, with a byte cap: a body
// over the cap (declared by Content-Length, or counted as it arrives when chunked) is answered 413
// with `connection: close` and never reaches a handler. A handler gets a fresh request whose
// stream replays the buffered bytes (and `rawBody`, which Bolt's receiver uses without reading),
// with the original method, url and headers: no handler ever reads the socket, so nothing races
// the cap and nothing can answer twice. Then it routes by exact path: 404 / 405 are answered here.
// A handler that throws is caught: nothing a client sends can crash the process.
//
// Slow clients: headers must arrive within `headersTimeoutMs`, the whole request (headers and
// body) within `requestTimeoutMs`; headers over Node's 16 KB limit get 431.
import http from 'node:http';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';

/** What a handler gets: an IncomingMessage whose body is already in memory (`rawBody`) and is
 *  replayed by its stream. */
export type BufferedRequest = http.IncomingMessage & { rawBody: Buffer };

export type RouteHandler = (req: BufferedRequest, res: http.ServerResponse) => void | Promise<void>;

export interface HttpRoute {
  method: 'POST' | 'GET';
  path: string;
  handler: RouteHandler;
}

export interface HttpServerHandle {
  readonly port: number;
  close(): Promise<void>;
}

/** Bodies larger than this are refused with 413 before any handler sees them. */
export const MAX_BODY_BYTES = 1_000_000;
/** An oversized body is read and discarded up to this many times the cap before the 413 is sent. */
const DRAIN_FACTOR = 8;

export interface ListenerOptions {
  /** Default MAX_BODY_BYTES. */
  maxBodyBytes?: number;
}

function tooLarge(res: http.ServerResponse): void {
  if (res.headersSent) return;
  res.shouldKeepAlive = false;
  res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('payload too large');
}

/** A request whose stream replays `body`, with the original request's metadata. */
function replay(req: http.IncomingMessage, body: Buffer): BufferedRequest {
  let sent = false;
  const r = new Readable({
    read() {
      if (!sent) {
        sent = true;
        if (body.length > 0) this.push(body);
      }
      this.push(null);
    },
  });
  const copy = {
    rawBody: body,
    method: req.method,
    url: req.url,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    trailers: req.trailers,
    rawTrailers: req.rawTrailers,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    socket: req.socket,
    connection: req.socket,
    complete: true,
    aborted: false,
    setTimeout: (ms: number, cb?: () => void) => {
      req.setTimeout(ms, cb);
      return r;
    },
  };
  return Object.assign(r, copy) as unknown as BufferedRequest;
}

export function createRequestListener(routes: HttpRoute[], log: Logger, opts: ListenerOptions = {}): http.RequestListener {
  const max = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const drainLimit = max * DRAIN_FACTOR;
  return (req, res) => {
    req.on('error', () => {});
    const path = () => (req.url ?? '/').split('?')[0]?.slice(0, 100);
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let seen = 0;
    let refused = false;
    const refuse = () => {
      refused = true;
      chunks.length = 0;
      log.warn({ path: path(), limit: max }, 'http: request body over the limit refused (413)');
    };
    if (!Number.isFinite(declared) || declared > drainLimit) {
      // Announced far too large: answered at once (the client may see a reset while it writes).
      refuse();
      tooLarge(res);
      return;
    }
    if (declared > max) refuse();
    // An oversized body is read on and thrown away (up to `drainLimit`) before the 413 goes out:
    // answering while the client still writes makes its kernel see a reset, and many clients then
    // report a broken connection instead of the 413.
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (!refused && seen > max) refuse();
      if (!refused) chunks.push(chunk);
      else if (seen > drainLimit) tooLarge(res);
    });
    req.once('end', () => {
      if (refused) return tooLarge(res);
      if (res.headersSent) return;
      dispatch(replay(req, Buffer.concat(chunks, seen)), res);
    });
  };

  function dispatch(req: BufferedRequest, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routes.find((r) => r.path === path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (req.method !== route.method) {
      res.writeHead(405, { 'content-type': 'text/plain', allow: route.method }).end('method not allowed');
      return;
    }
    Promise.resolve()
      .then(() => route.handler(req, res))
      .catch((err: unknown) => {
        log.error({ err: { name: (err as Error)?.name, message: (err as Error)?.message }, path }, 'http handler failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('error');
      });
  }
}

export interface HttpServerOptions extends ListenerOptions {
  port: number;
  host?: string;
  routes: HttpRoute[];
  log: Logger;
  /** Time for a client to send its headers. Default 10 s. */
  headersTimeoutMs?: number;
  /** Time for a client to send its whole request. Default 30 s. */
  requestTimeoutMs?: number;
  /** How often the timeouts above are checked. Default 1 s. */
  checkIntervalMs?: number;
}

export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServerHandle> {
  const requestTimeout = opts.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(opts.headersTimeoutMs ?? 10_000, requestTimeout);
  const listener = createRequestListener(opts.routes, opts.log, opts);
  const max = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const server = http.createServer({
    requestTimeout,
    headersTimeout,
    connectionsCheckingInterval: opts.checkIntervalMs ?? 1000,
    maxHeaderSize: 16 * 1024,
  });
  server.on('request', listener);
  // `Expect: 100-continue`: refuse an announced oversized body before the client sends it.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (Number(req.headers['content-length'] ?? 0) > max) {
      req.on('error', () => {});
      tooLarge(res);
      return;
    }
    res.writeContinue();
    listener(req, res);
  });
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (err: Error & { code?: string }, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections?.();
      }),
  };
}
