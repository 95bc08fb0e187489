// Webhook mode: the route Telegram posts updates to (on the shared HTTP server). The secret
// token is checked in constant time; each update is recorded in the ledger, then handled, and
// Telegram gets its answer once the update is handled or the budget is spent, whichever is first.
import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Logger } from 'pino';
import type { UpdateLedger } from '../../src/core/adapter.ts';
import type { HttpRoute } from '../../src/core/http-server.ts';
import { errorFields } from '../../src/core/logger.ts';
import { isUpdate, type RawUpdate } from './features/dedupe.ts';

export interface WebhookDeps {
  path: string;
  secret: string;
  /** Answer Telegram after this long even if the update is still being handled. */
  budgetMs: number;
  ledger: UpdateLedger;
  /** The ledger's name for this bot's updates. */
  source: string;
  log: Logger;
  /** Handles an update already recorded in the ledger. */
  handle(update: RawUpdate): Promise<void>;
  /** Work that outlives the request (stop() waits for it). */
  track(work: Promise<void>): void;
  stopping(): boolean;
}

function sameSecret(got: string | string[] | undefined, want: string): boolean {
  if (typeof got !== 'string') return false;
  const a = Buffer.from(got);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createWebhookRoute(d: WebhookDeps): HttpRoute {
  const { ledger, source, log, handle, budgetMs } = d;
  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (d.stopping()) {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end('shutting down');
      req.resume();
      return;
    }
    if (!sameSecret(req.headers['x-telegram-bot-api-secret-token'], d.secret)) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('secret token is wrong');
      req.resume();
      return;
    }
    let body: unknown;
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (err) {
      if (res.headersSent) return; // refused by the HTTP server already (too large)
      log.warn({ err: errorFields(err) }, 'webhook: malformed body refused');
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    if (!isUpdate(body)) {
      log.warn('ignored a body that is not a Telegram update');
      res.writeHead(200).end();
      return;
    }
    // One budget for recording and handling: Telegram gets its answer once the update is handled
    // or the budget is spent, whichever comes first.
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), budgetMs);
    });
    try {
      const update = body;
      // The SQLite ledger retries while another process holds the write lock (up to 10 s).
      const intake = Promise.resolve().then(() => ledger.intake(source, [update]));
      const recorded = await Promise.race([intake.then((fresh) => ({ fresh }), (err: unknown) => ({ err })), budget]);
      if (recorded === 'late') {
        // The database is locked: answer Telegram now and keep the update in memory until it is
        // recorded, then handle it (README: a crash in that window loses it).
        log.warn({ update: update.update_id, budgetMs }, 'webhook: the database is busy; answered Telegram, the update waits in memory to be recorded');
        d.track(
          intake.then(
            (fresh) => (fresh.length > 0 ? handle(update) : log.info({ update: update.update_id }, 'duplicate update ignored')),
            (err: unknown) => {
              log.error({ err: errorFields(err), update: update.update_id }, 'webhook: could not record the update; handling it without a record');
              return handle(update);
            },
          ),
        );
      } else if ('err' in recorded) {
        // Not recorded: Telegram delivers it again.
        log.error({ err: errorFields(recorded.err), update: update.update_id }, 'webhook: could not record the update; Telegram will retry');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('error');
        return;
      } else if (recorded.fresh.length === 0) {
        log.info({ update: update.update_id }, 'duplicate update ignored');
      } else {
        // Recorded: a crash from here on is recovered from the ledger at the next start.
        const inTime = await Promise.race([handle(update).then(() => true), budget.then(() => false)]);
        if (!inTime) {
          log.warn({ update: update.update_id, budgetMs }, 'webhook: update still being handled after the budget; answered Telegram, finishing in the background');
        }
      }
    } finally {
      clearTimeout(timer);
    }
    if (!res.headersSent) res.writeHead(200).end();
  };
  return { method: 'POST', path: d.path, handler };
}
