// What every chat adapter gives the composition root (src/cli.ts).
import type { HttpRoute } from './http-server.ts';
import type { Outbound } from './ports.ts';

export interface AdapterHandle {
  readonly name: 'telegram' | 'slack' | 'console';
  /** Registered with the core's outbound router before start(). */
  readonly outbound: Outbound;
  /** Routes to mount on the shared HTTP server on PORT (Telegram webhook, Slack HTTP mode). */
  readonly routes?: HttpRoute[];
  /** Connect (verify token, register commands/webhook, start polling or Socket Mode). */
  start(): Promise<void>;
  /** Stop receiving, finish in-flight work. */
  stop(): Promise<void>;
  /** Connection state for GET /healthz (issue 16): 'down' turns it 503. Optional. */
  state?(): 'connected' | 'starting' | 'down';
}
