// The first half of createFeatures (src/app.ts): the database (and the instance lease), the access
// rules and the feedback store, which a practice-base answer needs. The other features are wired
// onto these by src/app-late.ts; the console's staged start (src/app-console.ts) answers its first
// questions with this half while it imports and builds the other.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { OutboundRouter } from './core/outbound.ts';
import type { Clock } from './core/ports.ts';
import type { Engine } from './engine/types.ts';
import { createAccessFeature, type AccessFeature } from './features/access/index.ts';
import { createFeedback, type FeedbackFeature } from './features/feedback/index.ts';
import type { createMeetingsFeature } from './features/meetings/index.ts';
import type { createReminders } from './features/reminders/index.ts';
import { openStore, type Store } from './store/store.ts';
import { acquireInstanceLease, type InstanceLease } from './store/lease.ts';

export interface FeaturesDeps {
  config: Config;
  clock: Clock;
  engine: Engine;
  outbound: OutboundRouter;
  log: Logger;
  /** Folder holding communities.yaml (default: the repository's seeds/). */
  seedsDir?: string | undefined;
  /** An open store to use instead of opening config.databasePath (it is closed by stop()). */
  store?: Store;
  /** Take the database's instance lease (processes that run adapters): a second process on the
   *  same database then refuses to start (src/store/lease.ts). Released by stop(). */
  instanceLease?: boolean | { onLost?: (holder: string) => void } | undefined;
}

/** The features the access feature asks about, bound by src/app-late.ts once they exist. */
export interface LateBound {
  reminders?: ReturnType<typeof createReminders>;
  meetings?: ReturnType<typeof createMeetingsFeature>;
}

export interface EarlyParts {
  store: Store;
  access: AccessFeature;
  feedback: FeedbackFeature;
  later: LateBound;
  /** Releases the lease and closes the database (a start that failed; once). */
  abandon(): void;
  /** Releases the lease (stop). */
  release(): void;
}

/** Opens the store (and the lease), then builds the access rules and the feedback store. */
export function createEarlyParts(deps: FeaturesDeps): EarlyParts {
  const { config, clock, outbound } = deps;
  const store = deps.store ?? openStore(config.databasePath, { log: deps.log });
  let lease: InstanceLease | undefined;
  const later: LateBound = {};
  let abandoned = false;
  const abandon = () => {
    if (abandoned) return;
    abandoned = true;
    lease?.release();
    store.close();
  };
  try {
    if (deps.instanceLease) {
      const onLost = typeof deps.instanceLease === 'object' ? deps.instanceLease.onLost : undefined;
      lease = acquireInstanceLease({ store, clock, log: deps.log, ...(onLost ? { onLost } : {}) });
    }
    const access = createAccessFeature({
      store,
      config,
      clock,
      log: deps.log,
      outbound,
      subscriptions: () => later.reminders && { list: later.reminders.subscriptions.all, drop: later.reminders.subscriptions.drop },
      // The community's zone for /audit: where its next meeting is held, else its first member country.
      zones: () => ({
        communityZone: () => {
          const meetings = later.meetings;
          const next = meetings?.meetings.nextMeeting(clock.now());
          return (next && meetings?.meetings.get(next.id)?.zone) ?? meetings?.zones()[0]?.zone;
        },
      }),
    });
    const feedback = createFeedback({ store, clock, log: deps.log.child({ module: 'feedback' }), retentionDays: config.gapsRetentionDays });
    return { store, access, feedback, later, abandon, release: () => lease?.release() };
  } catch (err) {
    abandon();
    throw err;
  }
}
