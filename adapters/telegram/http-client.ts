// The HTTP client grammY uses for Bot API calls: undici's request() behind the part of the fetch
// interface grammY's ApiClient uses (a POST with a JSON or multipart body, an AbortSignal, and
// the JSON answer). It does the same as grammY's default node-fetch with about half the CPU per
// call (bench/telegram.ts), which is most of what a busy bot spends outside the core.
//
// grammY reads nothing of the response but its JSON body: the Bot API answers every call with a
// JSON object ({ ok, result } or { ok: false, error_code, description, parameters }), also for
// errors, and a body that is not JSON (a proxy's HTML error page) becomes grammY's HttpError,
// as with node-fetch.
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';

type Fetch = typeof fetch;

export interface BotApiHttpClient {
  fetch: Fetch;
  /** Closes idle connections; a later call opens new ones. */
  close(): Promise<void>;
}

export function createBotApiHttpClient(): BotApiHttpClient {
  let agent: Agent | undefined;
  const f = async (input: Parameters<Fetch>[0], init: Parameters<Fetch>[1] = {}) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((init.headers ?? {}) as Record<string, string>)) {
      // undici manages connections itself and refuses this header (grammY sets keep-alive).
      if (k.toLowerCase() !== 'connection') headers[k] = v;
    }
    agent ??= new Agent();
    const res = await request(String(input), {
      method: (init.method ?? 'GET') as 'POST',
      headers,
      // A JSON string, or grammY's multipart stream (a Readable) for file uploads.
      body: (init.body ?? null) as string | Readable | null,
      signal: init.signal ?? undefined,
      dispatcher: agent,
    });
    return {
      ok: res.statusCode >= 200 && res.statusCode < 300,
      status: res.statusCode,
      json: () => res.body.json(),
      text: () => res.body.text(),
    };
  };
  return {
    fetch: f as unknown as Fetch,
    async close() {
      const a = agent;
      agent = undefined;
      await a?.close();
    },
  };
}
