// Builds the platform-neutral application: practice base, engine, community (store, scheduler),
// outbound router and core. Adapters are created and registered by src/cli.ts (or by tests).
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { createCommunity } from './community/index.ts';
import type { Community } from './community/types.ts';
import { createCore } from './core/core.ts';
import { createLogger } from './core/logger.ts';
import { createOutboundRouter, type OutboundRouter } from './core/outbound.ts';
import { systemClock, type Clock, type Core } from './core/ports.ts';
import { createEngine } from './engine/engine.ts';
import type { Engine } from './engine/types.ts';
import { defaultKnowledgeDir, loadPracticeBase } from './knowledge/load.ts';

export interface App {
  core: Core;
  router: OutboundRouter;
  engine: Engine;
  community: Community;
  log: Logger;
  /** Starts the reminder scheduler (after the adapters have registered their outbound ports). */
  start(): void;
  /** Stops the scheduler, waits for deliveries in flight, closes the database. */
  stop(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  log?: Logger;
  knowledgeDir?: string;
  seedsDir?: string;
  /** The engine already built (src/cli.ts builds it through the snapshot cache, src/cache/); else built from knowledgeDir. */
  engine?: Engine;
}

/** The practice base and engine alone (no database): what `practice-bot ask` needs. */
export function createEngineFromDisk(knowledgeDir?: string): Engine {
  return createEngine(loadPracticeBase(knowledgeDir ?? defaultKnowledgeDir()));
}

export function createApp(config: Config, opts: AppOptions = {}): App {
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const engine = opts.engine ?? createEngineFromDisk(opts.knowledgeDir);
  const router = createOutboundRouter();
  const community = createCommunity({ config, clock, engine, outbound: router, log, seedsDir: opts.seedsDir });
  const core = createCore({ config, clock, engine, outbound: router, log, community });
  let stopped: Promise<void> | undefined;
  return {
    core,
    router,
    engine,
    community,
    log,
    start: () => community.start(),
    stop: () => (stopped ??= community.stop()),
  };
}
