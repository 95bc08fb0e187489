// What every chat adapter gives the composition root (src/cli.ts), and the update ledger an
// adapter may be given to make its intake durable.
import type { HttpRoute } from './http-server.ts';
import type { Platform } from './platforms.ts';
import type { Outbound } from './ports.ts';

export interface AdapterHandle {
  readonly name: Platform;
  /** Registered with the core's outbound router before start(). */
  readonly outbound: Outbound;
  /** Routes to mount on the shared HTTP server on PORT (Telegram webhook, Slack HTTP mode). */
  readonly routes?: HttpRoute[];
  /** Connect (verify token, register commands/webhook, start polling or Socket Mode). A platform
   *  that cannot be reached is retried a bounded number of times, then start() rejects with an
   *  AdapterFatalError. Adapters are started concurrently: one retrying holds up no other. */
  start(): Promise<void>;
  /** Stop receiving, finish in-flight work. Also ends a start() still retrying. */
  stop(): Promise<void>;
  /** Registers a listener for a failure the adapter cannot recover from after a successful start
   *  (Telegram: 409 Conflict from another instance, 401 revoked token). The composition root then
   *  stops the whole process gracefully and exits non-zero. Called at most once per adapter. */
  onFatal?(listener: (err: AdapterFatalError) => void): void;
  /** Connection state for GET /healthz (issue 16): 'down' turns it 503. Optional. */
  state?(): 'connected' | 'starting' | 'down';
}

/** A failure that ends an adapter for good. Its message is one line, fit for an operator, and
 *  holds no secret. */
export class AdapterFatalError extends Error {
  override name = 'AdapterFatalError';
  constructor(
    readonly adapter: AdapterHandle['name'],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Inbound updates as a durable queue: an update is recorded before it is confirmed to the platform
 *  and marked done once handled, so a crash loses nothing and a redelivery is not handled twice.
 *  Implemented over SQLite by src/store/update-ledger.ts (its only writer); ids are per `source`
 *  (e.g. `telegram:<bot id>`). Each method may answer later (a Promise): the SQLite ledger retries
 *  while another process holds the database's write lock, without blocking the event loop, and
 *  rejects (DatabaseBusyError) only when the lock outlasts its retry window. */
export interface UpdateLedger {
  /** Records these updates as pending (one transaction) and returns the ones not seen before, in
   *  the order given. Duplicates (pending or done) are left out. */
  intake<T extends { update_id: number }>(source: string, updates: readonly T[]): T[] | Promise<T[]>;
  /** Updates an earlier run left pending (it crashed or was killed), oldest first, each counted as
   *  one more attempt. Ones already attempted `maxAttempts` times are marked done and counted in
   *  `givenUp` instead (an update that crashes the process must not do so forever). */
  takePending(source: string, maxAttempts: number): PendingUpdates | Promise<PendingUpdates>;
  /** The update was handled (or its failure reported): it will not be handled again. */
  done(source: string, updateId: number): void | Promise<void>;
}

export interface PendingUpdates {
  updates: unknown[];
  givenUp: number;
}
