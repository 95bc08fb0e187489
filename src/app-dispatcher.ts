// The practice base and the store-backed features behind one dispatcher (src/core/core.ts), as
// src/app.ts builds it; the console's staged start (src/app-console.ts) builds the same practice
// base and core from these pieces, the practice base first.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { AccessControl, CommandContext, CommandSpec } from './commands/types.ts';
import type { Feature } from './core/feature.ts';
import { createCore } from './core/core.ts';
import type { OutboundRouter } from './core/outbound.ts';
import type { Clock, Core } from './core/ports.ts';
import type { Reply } from './core/reply.ts';
import type { Engine } from './engine/types.ts';
import type { FeedbackPort } from './features/feedback/index.ts';
import { createPracticeBase, type PracticeBaseFeature } from './features/practice-base/index.ts';

type DispatcherConfig = Pick<Config, 'publicAnswers' | 'inboundUserRate' | 'inboundChatRate' | 'leaveUnknownGroups'>;

/** What the dispatcher reads of the store-backed features (src/app-late.ts AppParts). */
export interface DispatcherCommunity {
  readonly features: readonly Feature[];
  readonly access: AccessControl;
  readonly feedback: FeedbackPort;
  readonly meetings: { listReply(now: Date): Reply };
  home(userId: string): Promise<Reply>;
  changes(): number;
}

/** The practice base over the app's settings. `features()` is every feature behind the dispatcher
 *  (for /help); `upcoming` the calendar for "when is the next meeting?", as /meetings shows it (the
 *  chat may see meetings: checked by the caller). */
export function createAppPracticeBase(deps: {
  config: Pick<Config, 'publicAnswers'>;
  engine: Engine;
  feedback: FeedbackPort;
  features: () => readonly Feature[];
  upcoming: (ctx: CommandContext) => Promise<Reply>;
}): PracticeBaseFeature {
  return createPracticeBase({
    engine: deps.engine,
    feedback: deps.feedback,
    publicAnswers: deps.config.publicAnswers !== false,
    commands: (): CommandSpec[] => deps.features().flatMap((f) => f.commands ?? []),
    upcomingMeetings: async (ctx) => [await deps.upcoming(ctx)],
  });
}

/** The core over `features` (the practice base first), answering free questions with `practiceBase`. */
export function createAppCore(deps: {
  config: DispatcherConfig;
  clock: Clock;
  engine: Engine;
  router: OutboundRouter;
  log: Logger;
  access: AccessControl;
  practiceBase: PracticeBaseFeature;
  features: readonly Feature[];
  home: (userId: string) => Promise<Reply>;
  changes: () => number;
  busyMaxWaitMs?: number | undefined;
}): Core {
  const { config } = deps;
  return createCore({
    clock: deps.clock,
    log: deps.log,
    outbound: deps.router,
    access: deps.access,
    features: deps.features,
    answer: (ctx) => deps.practiceBase.answer(ctx),
    closestCommand: (word, names) => deps.engine.closestCommand(word, [...names]),
    home: deps.home,
    changes: deps.changes,
    inboundUserRate: config.inboundUserRate,
    inboundChatRate: config.inboundChatRate,
    leaveUnknownGroups: config.leaveUnknownGroups,
    ...(deps.busyMaxWaitMs ? { busyMaxWaitMs: deps.busyMaxWaitMs } : {}),
  });
}

/** The practice base and the store-backed features behind one dispatcher. */
export function createDispatcher(deps: {
  config: DispatcherConfig;
  clock: Clock;
  engine: Engine;
  router: OutboundRouter;
  log: Logger;
  community: DispatcherCommunity;
  /** Features beyond the practice base and the store-backed ones (e.g. /reload and /new). */
  more?: readonly Feature[];
  busyMaxWaitMs?: number;
}): Core {
  const { community } = deps;
  let all: Feature[] = [];
  const practiceBase = createAppPracticeBase({
    config: deps.config,
    engine: deps.engine,
    feedback: community.feedback,
    features: () => all,
    upcoming: async (ctx) => community.meetings.listReply(ctx.now),
  });
  all = [practiceBase, ...community.features, ...(deps.more ?? [])];
  return createAppCore({
    ...deps,
    access: community.access,
    practiceBase,
    features: all,
    home: (userId) => community.home(userId),
    changes: () => community.changes(),
  });
}
