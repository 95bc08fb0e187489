// The shared HTTP server (src/core/http-server.ts) bounds every request body before anything else
// reads it: chunked or with a Content-Length, signed or not, on every path it serves (Slack's
// /slack/events, the Telegram webhook, GET /healthz, unknown paths). Over the cap: 413, the
// connection closed, the process unharmed. Slow or oversized headers are cut off by timeouts.
import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, startHttpServer, type HttpRoute } from '../src/core/http-server.ts';
import { createTestLogger } from './helpers/community.ts';
import { SIGNING_SECRET, startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';
import { postSigned, sendBody, slashCommand } from './helpers/slack-sign.ts';

/** A stand-in for the Telegram webhook route: reads the body the way grammY's `http` adapter does
 *  (data events) and answers with the byte count. */
const webhookStub: HttpRoute = {
  method: 'POST',
  path: '/tg/webhook',
  handler: (req, res) =>
    new Promise<void>((resolve) => {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.once('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes: n }));
        resolve();
      });
    }),
};
const healthStub: HttpRoute = {
  method: 'GET',
  path: '/healthz',
  handler: (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
};

describe('HTTP server: bounded bodies on every path', () => {
  let h: SlackHarness;
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);
  beforeAll(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    h = await startSlackHarness({ extraRoutes: [webhookStub, healthStub] });
  });
  afterAll(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await h?.stop();
  });

  const under = MAX_BODY_BYTES - 1000;
  const paths: { method: string; path: string; ok: number }[] = [
    { method: 'POST', path: '/slack/events', ok: 401 }, // unsigned: refused, but not for its size
    { method: 'POST', path: '/tg/webhook', ok: 200 },
    { method: 'GET', path: '/healthz', ok: 200 },
    { method: 'POST', path: '/nowhere', ok: 404 },
  ];

  for (const chunked of [true, false]) {
    const how = chunked ? 'chunked' : 'Content-Length';
    it(`${how}: just over 1 MB and 5 MB get 413 and a closed connection on every path; just under is served`, async () => {
      for (const p of paths) {
        for (const size of [MAX_BODY_BYTES + 1, MAX_BODY_BYTES + 64 * 1024, 5_000_000]) {
          const r = await sendBody(h.baseUrl, { method: p.method, path: p.path, size, chunked });
          expect(r.status, `${how} ${size} B to ${p.method} ${p.path}`).toBe(413);
          expect(r.headers?.connection, `${how} ${size} B to ${p.path}`).toBe('close');
          expect(r.closed, `${how} ${size} B to ${p.path}: connection closed`).toBe(true);
        }
        const r = await sendBody(h.baseUrl, { method: p.method, path: p.path, size: under, chunked });
        expect(r.status, `${how} ${under} B to ${p.method} ${p.path}`).toBe(p.ok);
        if (p.path === '/tg/webhook') expect(JSON.parse(r.body ?? '{}')).toEqual({ bytes: under });
      }
      // Still alive: a signed Slack command is answered.
      const before = h.fake.messages.length;
      const ok = await postSigned(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: 'help', user_id: 'U1', channel_id: 'C100', response_url: h.fake.responseUrl() }));
      expect(ok.status).toBe(200);
      await h.settle();
      expect(h.fake.messages.length).toBe(before + 1);
      expect(crashes).toEqual([]);
    });
  }

  it('the body a handler gets is the body that was sent (Slack signature over a chunked body still verifies)', async () => {
    const before = h.fake.messages.length;
    const req = slashCommand({ text: 'help', user_id: 'U1', channel_id: 'C100', response_url: h.fake.responseUrl() });
    const ts = Math.floor(Date.now() / 1000);
    const { slackSignature } = await import('./helpers/slack-sign.ts');
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(h.eventsUrl);
      const r = http.request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: { 'content-type': req.contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SIGNING_SECRET, ts, req.body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      r.on('error', reject);
      // In three chunks, no Content-Length.
      const b = Buffer.from(req.body);
      r.write(b.subarray(0, 10));
      r.write(b.subarray(10, 50));
      r.end(b.subarray(50));
    });
    expect(status).toBe(200);
    await h.settle();
    expect(h.fake.messages.length).toBe(before + 1);
  });

  it('Expect: 100-continue with a Content-Length over the cap is refused before the body is sent', async () => {
    const u = new URL(h.eventsUrl);
    const r = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = http.request({
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: { 'content-length': String(5_000_000), expect: '100-continue' },
      });
      req.on('continue', () => {
        continued = true;
        req.end(Buffer.alloc(5_000_000));
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, continued });
        req.destroy();
      });
      req.on('error', (e) => (continued ? undefined : reject(e)));
    });
    expect(r).toEqual({ status: 413, continued: false });
  });
});

describe('HTTP server: slow and oversized headers', () => {
  const log = createTestLogger('silent').log;
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      routes: [webhookStub],
      log,
      headersTimeoutMs: 300,
      requestTimeoutMs: 600,
      checkIntervalMs: 100,
    });
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.destroy();
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Opens a raw connection, writes `data`, and resolves with what came back once the server closed it. */
  function raw(data: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = net.connect(server.port, '127.0.0.1');
      sockets.push(s);
      let got = '';
      s.on('data', (d: Buffer) => (got += d.toString('latin1')));
      s.on('close', () => resolve(got));
      s.on('error', (e: Error & { code?: string }) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
      s.write(data);
    });
  }

  it('a client that never finishes its headers, or trickles its body, is cut off while others are served', async () => {
    const slowHeaders = raw('POST /tg/webhook HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n');
    const slowBody = raw('POST /tg/webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789');
    const ok = await sendBody(`http://127.0.0.1:${server.port}`, { path: '/tg/webhook', size: 10, chunked: false });
    expect(ok.status).toBe(200);
    // Liveness only: both connections are closed by the server's timeouts (generous bound).
    const [a, b] = await Promise.race([
      Promise.all([slowHeaders, slowBody]),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error('slow connections were never closed')), 20_000)),
    ]);
    expect(a).not.toMatch(/^HTTP\/1\.1 200/);
    expect(b).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('headers over 16 KB get 431 and a closed connection', async () => {
    const got = await raw(`POST /tg/webhook HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\nContent-Length: 0\r\n\r\n`);
    expect(got).toMatch(/^HTTP\/1\.1 431/);
  });
});
