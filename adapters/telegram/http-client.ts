// The HTTP client grammY uses for Bot API calls: undici's request() behind the part of the fetch
// interface grammY's ApiClient uses (a POST with a JSON or multipart body, an AbortSignal, and
// the JSON answer). It does the same as grammY's default node-fetch with about half the CPU per
// call (bench/telegram.ts), which is most of what a busy bot spends outside the core.
//
// grammY reads nothing of the response but its JSON body: the Bot API answers every call with a
// JSON object ({ ok, result } or { ok: false, error_code, description, parameters }), also for
// errors, and a body that is not JSON (a proxy's HTML error page) becomes grammY's HttpError,
// as with node-fetch.
//
// Only undici's Agent and its request() are loaded (their own files): the package's index also loads
// fetch, WebSocket, EventSource, caches, mocks and interceptors, which the bot never uses and which
// cost about 5 MB of RSS and 1.6 MB of heap (docs/deploy.md, "Memory"). Should a later undici move
// those files, the index is loaded instead (same calls, more memory).
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { Agent, Dispatcher } from 'undici';

type Fetch = typeof fetch;

interface Undici {
  Agent: new () => Agent;
  request(agent: Agent, url: URL, opts: Omit<Dispatcher.RequestOptions, 'origin' | 'path'>): Promise<Dispatcher.ResponseData>;
}

let undici: Undici | undefined;

/** undici's Agent and request(), from their own files when they are where undici 6 keeps them. */
export function loadUndici(): Undici {
  if (undici) return undici;
  const require = createRequire(import.meta.url);
  try {
    const AgentClass = require('undici/lib/dispatcher/agent.js') as Undici['Agent'];
    const request = require('undici/lib/api/api-request.js') as (this: Agent, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
    if (typeof AgentClass !== 'function' || typeof request !== 'function') throw new Error('not the expected undici layout');
    undici = {
      Agent: AgentClass,
      request: (agent, url, opts) => request.call(agent, { ...opts, origin: url.origin, path: `${url.pathname}${url.search}` }),
    };
  } catch {
    const whole = require('undici') as typeof import('undici');
    undici = { Agent: whole.Agent, request: (agent, url, opts) => whole.request(url, { ...opts, dispatcher: agent }) };
  }
  return undici;
}

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
    const { Agent: AgentClass, request } = loadUndici();
    agent ??= new AgentClass();
    const res = await request(agent, new URL(String(input)), {
      method: (init.method ?? 'GET') as 'POST',
      headers,
      // A JSON string, or grammY's multipart stream (a Readable) for file uploads.
      body: (init.body ?? null) as string | Readable | null,
      signal: init.signal ?? undefined,
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
