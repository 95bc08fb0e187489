// The console's staged start (issue 16: the console answers its first line in under 0.5 s). It
// builds what createApp (src/app.ts) builds, in two stages:
//   1. the engine, the database, access and feedback (src/app-early.ts), and the practice base:
//      enough to answer a free question, which the console does at once;
//   2. after the first line is handled (or after a short idle at start), the other features' code is
//      imported and they are built (src/app-late.ts), the full dispatcher is made over all of them
//      (the same practice base first), and the wake loop starts: its first wake (missed reminders,
//      the digest's schedule) comes after the first answer instead of before it.
// A line that needs the second stage waits for it: any command (`/meetings`, `/remind`, `/help`,
// which lists every command), an empty line, a button, a vote. A question about the next meeting
// waits for the calendar. Stopping first finishes the second stage and the first wake, as createApp's
// start() and stop() would have, so what the console prints is the same.
import type { Config } from './config.ts';
import type { Feature } from './core/feature.ts';
import { createLogger } from './core/logger.ts';
import { createOutboundRouter } from './core/outbound.ts';
import { systemClock, type Core } from './core/ports.ts';
import { MAX_MESSAGE_CHARS } from './core/core.ts';
import { createKnowledgeAdmin } from './commands/knowledge-admin.ts';
import { createAppKnowledge } from './app-engine.ts';
import { createEarlyParts } from './app-early.ts';
import { createAppCore, createAppPracticeBase } from './app-dispatcher.ts';
import type { App, AppOptions } from './app.ts';
import type { AppParts } from './app-late.ts';

export { createInterpretFromDisk } from './app-engine.ts';

/** How long the console waits at start for a first line before building the rest anyway. */
export const STAGE_IDLE_MS = 50;

export interface StagedApp extends Omit<App, 'community'> {
  /** The second stage: the store-backed features, built (and building them if not yet begun). */
  ready(): Promise<AppParts>;
}

/** Does a message need only the first stage (a free question, answered by the practice base)? */
function freeQuestion(text: string | undefined): boolean {
  const t = (text ?? '').slice(0, MAX_MESSAGE_CHARS).trim();
  return t !== '' && !t.startsWith('/');
}

export function createConsoleApp(config: Config, opts: AppOptions = {}): StagedApp {
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const knowledge = createAppKnowledge(config, opts, log, clock);
  const engine = knowledge.engine;
  const router = createOutboundRouter();
  const featuresDeps = { config, clock, engine, outbound: router, log, seedsDir: opts.seedsDir, instanceLease: opts.instanceLease };
  const early = createEarlyParts(featuresDeps);
  const admin = createKnowledgeAdmin({ live: knowledge, access: early.access.access, outbound: router, audit: early.access.audit, clock, log });
  const knowledgeAdmin: Feature = { name: 'knowledge-admin', commands: admin.commands };

  let all: readonly Feature[] = [];
  let full: Core | undefined;
  let building: Promise<AppParts> | undefined;
  const practiceBase = createAppPracticeBase({
    config,
    engine,
    feedback: early.feedback,
    features: () => all,
    upcoming: async (ctx) => (await late()).meetings.listReply(ctx.now),
  });
  const coreDeps = { config, clock, engine, router, log, practiceBase };
  // Free questions only (see freeQuestion): the same practice base the full core answers with.
  const earlyCore = createAppCore({
    ...coreDeps,
    access: early.access.access,
    features: [practiceBase],
    home: async (userId) => (await late()).home(userId),
    changes: () => early.store.changes(),
  });

  // A reload that changes the base's meetings reseeds them; before the second stage there is nothing to
  // reseed (the meetings feature seeds them from the base in service when it is built).
  let parts: AppParts | undefined;
  knowledge.onReload((o) => {
    if (parts && o.status === 'reloaded' && o.diff.lists.includes('meetings')) parts.meetings.seedPracticeBase(engine.base.meetings, clock.now());
  });

  let nightly: { start(): void; stop(): Promise<void> } | undefined;
  /** The second stage (once). */
  function late(): Promise<AppParts> {
    building ??= (async () => {
      const [{ createLateParts }, backup] = await Promise.all([import('./app-late.ts'), config.backupDir ? import('./ops/backup.ts') : undefined]);
      try {
        const community = createLateParts(early, featuresDeps);
        all = [practiceBase, ...community.features, knowledgeAdmin];
        full = createAppCore({ ...coreDeps, access: community.access, features: all, home: (userId) => community.home(userId), changes: () => community.changes() });
        // ops (issue 16): nightly online backups at 03:00 server time when BACKUP_DIR is set.
        if (backup && config.backupDir) {
          nightly = backup.createNightlyBackup({ db: () => community.store.db, dbPath: config.databasePath, dir: config.backupDir, keep: config.backupKeep ?? 7, clock, log });
        }
        parts = community;
        return community;
      } catch (err) {
        early.abandon();
        throw err;
      }
    })();
    return building;
  }

  // start() and the first line decide when the second stage is built and the wake loop starts.
  let started = false;
  let running = false;
  let stopping = false;
  let kicked = false;
  let inFlight = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  function run(community: AppParts): void {
    if (running || !started) return;
    running = true;
    community.start();
    if (!stopping) nightly?.start();
  }
  /** After the first line is handled, or at an idle start: build the rest and start the wake loop. */
  function kick(): void {
    if (kicked) return;
    kicked = true;
    if (idleTimer) clearTimeout(idleTimer);
    late().then(run, () => {}); // a failure is reported by the next line that needs it, or by stop()
  }
  function settled(): void {
    if (--inFlight === 0) setImmediate(kick);
  }

  const needFull = async (): Promise<Core> => {
    await late();
    return full!;
  };
  const fullNow = (): Core => {
    if (!full) throw new Error('the commands are not ready yet: await ready() first');
    return full;
  };
  const gate: Core = {
    async handleMessage(msg) {
      inFlight++;
      try {
        if (full) return await full.handleMessage(msg);
        if (freeQuestion(msg.text)) return await earlyCore.handleMessage(msg);
        return await (await needFull()).handleMessage(msg);
      } finally {
        settled();
      }
    },
    async handleAction(input) {
      inFlight++;
      try {
        return await (await needFull()).handleAction(input);
      } finally {
        settled();
      }
    },
    vote: async (input) => (await needFull()).vote(input),
    castVote: async (input) => (await needFull()).castVote!(input),
    pollTotals: async (id, totals) => (await needFull()).pollTotals(id, totals),
    chatGone: async (chatId, reason) => (await needFull()).chatGone(chatId, reason),
    chatMigrated: async (from, to) => (await needFull()).chatMigrated(from, to),
    memberLeft: async (m) => (await needFull()).memberLeft?.(m),
    introduction: (chat) => (full ?? earlyCore).introduction(chat),
    home: async (user) => (await needFull()).home(user),
    commandMenu: (scope) => fullNow().commandMenu(scope),
    commandNames: () => fullNow().commandNames!(),
  };

  let stopped: Promise<void> | undefined;
  return {
    core: admin.wrapCore(gate),
    router,
    engine,
    knowledge,
    store: early.store,
    log,
    ready: late,
    start() {
      if (started) return;
      started = true;
      // watched from the start, as createApp does: a change saved right after the start is not missed
      if (opts.watchKnowledge !== false) knowledge.watch();
      idleTimer = setTimeout(() => {
        if (inFlight === 0) kick();
      }, STAGE_IDLE_MS);
    },
    stop() {
      return (stopped ??= (async () => {
        stopping = true;
        if (idleTimer) clearTimeout(idleTimer);
        knowledge.close();
        // The second stage and the first wake run before stopping, as with createApp.
        const community = await late();
        run(community);
        await nightly?.stop();
        await community.stop();
      })());
    },
  };
}
