// One HTTP server on PORT shared by the Telegram webhook and Slack's HTTP mode. Routes by exact
// path; anything else is answered here and never reaches a handler. A handler that throws is
// caught: nothing a client sends can crash the process.
import http from 'node:http';
import type { Logger } from 'pino';

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

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

export function createRequestListener(routes: HttpRoute[], log: Logger): http.RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes.find((r) => r.path === path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (req.method !== route.method) {
      res.writeHead(405, { 'content-type': 'text/plain', allow: route.method }).end('method not allowed');
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('payload too large');
      req.resume();
      return;
    }
    // Also cap bodies sent without a content-length (chunked). Counted as the HTTP parser pushes
    // them, without reading the stream: a 'data' listener here would put the request in flowing
    // mode, and the body would be gone before a handler that starts reading it a tick later
    // (Bolt's HTTPReceiver, grammY's webhook callback) attached its own listener.
    let seen = 0;
    const push = req.push.bind(req);
    req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
      if (chunk != null) {
        seen += (chunk as { length: number }).length;
        if (seen > MAX_BODY_BYTES) {
          if (!res.headersSent) res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('payload too large');
          req.destroy();
          return false;
        }
      }
      return push(chunk, encoding);
    };
    req.on('error', () => {});
    Promise.resolve()
      .then(() => route.handler(req, res))
      .catch((err: unknown) => {
        log.error({ err: { name: (err as Error)?.name, message: (err as Error)?.message }, path }, 'http handler failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('error');
      });
  };
}

export async function startHttpServer(opts: { port: number; host?: string; routes: HttpRoute[]; log: Logger }): Promise<HttpServerHandle> {
  const server = http.createServer(createRequestListener(opts.routes, opts.log));
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
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
