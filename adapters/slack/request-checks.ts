// Checks on every Slack request before Bolt sees it (HTTP mode), and the workspace check for both
// modes.
//
// - Signature and clock: `X-Slack-Signature` must be Slack's HMAC of `v0:<timestamp>:<raw body>`
//   and `X-Slack-Request-Timestamp` within 5 minutes of our clock, in the past AND in the future
//   (Bolt itself only refuses old ones). Bolt verifies the signature again after this; harmless.
// - Replays: a signed request is remembered (signature + timestamp) until its timestamp leaves the
//   window; the same bytes again are refused. Only requests that passed the signature check are
//   remembered, so nobody without the secret can fill the memory; it is bounded anyway.
// - Workspace: a request whose team (or enterprise) is not the one the bot token belongs to
//   (auth.test at start) comes from another workspace (a Slack Connect channel, a second install):
//   its users and channels are given ids of their own (`slack:<team>.<id>`), so they match no role
//   and no allowed chat, and get the public commands only.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import type { BufferedRequest } from '../../src/core/http-server.ts';
import { createLru } from '../../src/core/lru.ts';

/** Slack's window for request timestamps, both ways. */
export const WINDOW_SECONDS = 5 * 60;

export interface RequestGuardOptions {
  signingSecret: string;
  /** Milliseconds since the epoch. Default Date.now. */
  now?: () => number;
  /** How many signed requests are remembered for replay detection. Default 50,000. */
  maxRemembered?: number;
}

export type Refusal = 'unsigned' | 'stale' | 'future' | 'bad signature' | 'replayed';

export interface RequestGuard {
  /** Undefined when the request may go on to Bolt; otherwise why it is refused. */
  check(req: BufferedRequest): Refusal | undefined;
}

export function createRequestGuard(opts: RequestGuardOptions): RequestGuard {
  const now = opts.now ?? Date.now;
  // signature + timestamp -> when the entry stops mattering (the timestamp has left the window)
  const seen = createLru<string, number>(opts.maxRemembered ?? 50_000);
  const header = (req: BufferedRequest, name: string) => {
    const v = req.headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    check(req) {
      // Slack's ssl_check pings are not signed; Bolt answers them and drops anything else in them.
      if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        const q = parseQuery(req.rawBody.toString('utf8'));
        if (q.ssl_check === '1' && q.command === undefined && q.payload === undefined) return undefined;
      }
      const signature = header(req, 'x-slack-signature');
      const tsText = header(req, 'x-slack-request-timestamp');
      if (!signature || !tsText || !/^\d{1,12}$/.test(tsText)) return 'unsigned';
      const ts = Number(tsText);
      const nowSec = Math.floor(now() / 1000);
      if (ts < nowSec - WINDOW_SECONDS) return 'stale';
      if (ts > nowSec + WINDOW_SECONDS) return 'future';
      const expected = Buffer.from(`v0=${createHmac('sha256', opts.signingSecret).update(`v0:${tsText}:`).update(req.rawBody).digest('hex')}`);
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad signature';
      const key = `${tsText}:${signature}`;
      const until = seen.get(key);
      if (until !== undefined && until >= nowSec) return 'replayed';
      seen.set(key, ts + WINDOW_SECONDS);
      return undefined;
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Workspaces

export interface Workspace {
  teamId?: string;
  enterpriseId?: string;
  /** An org-wide (Enterprise Grid) install: every workspace of the enterprise is ours. */
  isEnterpriseInstall?: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Every team and enterprise id a request body names for its sender or its conversation. */
export function originsOf(body: unknown): { teams: string[]; enterprises: string[] } {
  const b = (body ?? {}) as Record<string, unknown>;
  const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  const event = obj(b.event);
  const user = obj(b.user);
  const teams = [str(b.team_id), str(obj(b.team).id), str(user.team_id), str(b.user_team), str(event.team), str(event.user_team), str(event.source_team)];
  const enterprises = [str(b.enterprise_id), str(obj(b.enterprise).id), str(event.enterprise), str(event.user_enterprise)];
  return { teams: [...new Set(teams.filter((t): t is string => !!t))], enterprises: [...new Set(enterprises.filter((e): e is string => !!e))] };
}

/** The foreign team (or enterprise) a request comes from, or undefined when it is ours. */
export function foreignOrigin(body: unknown, ours: Workspace): string | undefined {
  const { teams, enterprises } = originsOf(body);
  const otherEnterprise = enterprises.find((e) => e !== ours.enterpriseId);
  if (otherEnterprise) return otherEnterprise;
  if (ours.isEnterpriseInstall && ours.enterpriseId) return undefined;
  if (!ours.teamId) return undefined;
  return teams.find((t) => t !== ours.teamId);
}
