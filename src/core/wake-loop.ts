// The one timer of the bot: it wakes at min(every feature's nextDueAt(), 60 s) on the injectable
// clock and runs each feature's tick(now) (reminders and announcements, poll closes, queued
// feedback), then, at most once an hour, each feature's purge(now) (retention: each feature
// deletes its own old rows). Runs are serialised. Scheduled work lives in the database, never in
// long timers, so a restart loses nothing. The last wake is kept for /healthz and written to the
// `scheduler.last_tick` key of meta for `practice-bot status` (at most once a minute of real time).
import type { Logger } from 'pino';
import { isBusyError } from '../store/busy.ts';
import { createMeta } from '../store/meta.ts';
import type { Store } from '../store/store.ts';
import type { Feature } from './feature.ts';
import { errorFields } from './logger.ts';
import type { Clock } from './ports.ts';

/** The loop never sleeps longer than this. */
export const MAX_SLEEP_MS = 60_000;
/** Retention purges run at most this often. */
const PURGE_EVERY_MS = 3_600_000;

export interface WakeLoopDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  features: () => readonly Feature[];
}

export type WakeLoop = ReturnType<typeof createWakeLoop>;

export function createWakeLoop(deps: WakeLoopDeps) {
  const { store, clock } = deps;
  const db = store.db;
  const log = deps.log.child({ module: 'scheduler' });
  let started = false;
  let stopped = false;
  let timer: { cancel(): void } | undefined;
  let chain: Promise<void> = Promise.resolve();

  // --- ops (issue 16): the last wake, kept for /healthz (lastWakeAt) and written to meta for
  // `practice-bot status` at most once a minute of real time (a test clock racing through months
  // must not cost a write per simulated minute), without a disk sync (losing the last tick in a
  // power cut harms nothing). A failed write is logged once until one succeeds again.
  const meta = createMeta(store);
  let lastWake: Date | undefined;
  let tickWrittenAt = -Infinity;
  let tickFailed = false;
  function recordTick(now: Date): void {
    lastWake = now;
    const real = performance.now();
    if (real - tickWrittenAt < 60_000) return;
    try {
      db.pragma('synchronous = NORMAL');
      try {
        meta.set('scheduler.last_tick', now.toISOString());
      } finally {
        db.pragma('synchronous = FULL');
      }
      tickWrittenAt = real;
      tickFailed = false;
    } catch (err) {
      if (!tickFailed) log.warn({ err: errorFields(err) }, 'scheduler tick not recorded');
      tickFailed = true;
    }
  }

  // Retention: every feature purges its own tables; a busy database is retried on a later wake.
  let lastPurge = -Infinity;
  let busyLogged = false;
  async function purge(now: Date): Promise<void> {
    const t = now.getTime();
    if (t - lastPurge < PURGE_EVERY_MS) return;
    let busy = false;
    for (const f of deps.features()) {
      if (!f.purge || !db.open) continue;
      try {
        await f.purge(now);
      } catch (err) {
        if (isBusyError(err)) busy = true;
        else log.error({ err: errorFields(err), feature: f.name }, 'retention purge failed');
      }
    }
    if (busy) {
      if (!busyLogged) log.warn('database busy: retention purge postponed');
      busyLogged = true;
      return;
    }
    busyLogged = false;
    lastPurge = t;
  }

  async function runOnce(now: Date): Promise<void> {
    if (!db.open) return;
    recordTick(now);
    for (const f of deps.features()) {
      if (!f.tick) continue;
      if (!db.open) return;
      try {
        await f.tick(now);
      } catch (err) {
        log.error({ err: errorFields(err), feature: f.name }, 'tick failed');
      }
    }
    if (db.open) await purge(now);
  }

  /** When the next wake is due: min(every feature's next due time, now + 60 s). */
  function nextWakeAt(now: Date): number {
    const times = deps.features().map((f) => f.nextDueAt?.()?.getTime() ?? Infinity);
    return Math.min(now.getTime() + MAX_SLEEP_MS, ...times);
  }

  function arm(): void {
    timer?.cancel();
    timer = undefined;
    if (!started || stopped || !db.open) return;
    const now = clock.now();
    const delay = Math.max(1000, nextWakeAt(now) - now.getTime());
    timer = clock.setTimeout(() => {
      timer = undefined;
      void runDue();
    }, Math.min(delay, MAX_SLEEP_MS));
  }

  /** Does everything due at `now` (default: the clock's now). Runs are serialised; the returned
   *  promise settles when this one is done. */
  function runDue(now?: Date): Promise<void> {
    const run = chain.then(async () => {
      if (stopped) return;
      try {
        await runOnce(now ?? clock.now());
      } catch (err) {
        log.error({ err: errorFields(err) }, 'scheduler run failed');
      }
      arm();
    });
    chain = run;
    return run;
  }

  return {
    runDue,
    /** Resolves when the runs queued so far are done. */
    idle: () => chain,
    /** Something new to deliver: run now when started. */
    poke(): void {
      if (started && !stopped) void runDue();
    },
    nextWakeAt: () => nextWakeAt(clock.now()),
    /** When the loop last woke (ops, issue 16: GET /healthz). */
    lastWakeAt: (): Date | undefined => lastWake,
    /** Starts the loop: each feature's start() (e.g. deliveries interrupted by the last stop are
     *  queued again), then a first run at once. */
    start(): void {
      if (started || stopped) return;
      started = true;
      for (const f of deps.features()) {
        try {
          f.start?.();
        } catch (err) {
          log.error({ err: errorFields(err), feature: f.name }, 'start failed');
        }
      }
      void runDue();
    },
    /** Stops the loop and waits for the run in progress. */
    async stop(): Promise<void> {
      stopped = true;
      timer?.cancel();
      timer = undefined;
      await chain;
    },
  };
}
