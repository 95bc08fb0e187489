// The `practice-bot` bin and the composition root: the only core-side file that imports adapters,
// and (with src/config.ts) the only place that reads the environment.
// What a start loads is kept to what its command needs (issue 16): `ask` reads the practice base, its
// index and the lexicon from their snapshots (src/cache/) and imports no YAML parser, no zod, no database and
// no platform SDK; the configuration (zod), the application (src/app.ts), the database and the adapters
// are imported with `await import()` on the paths that run them. Type imports cost nothing at run time.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cacheDirFor } from './cache/cached-load.ts';
import { createEngineCached } from './cache/engine.ts';
import { createEngineInSteps } from './engine/engine.ts';
import { useCachedEnglishWords } from './cache/english-words.ts';
import { useCachedStems } from './cache/stems.ts';
import { usePorterStems } from './cache/porter-stems.ts';
import { baseWordsCached, interpretWith, loadLexiconCachedAsync } from './cache/lexicon.ts';
import { loadPracticeBaseCached, loadPracticeBaseSnapshot } from './cache/practice-base.ts';
import { preloadEld } from './engine/interpret/detect.ts';
import { answerAsk, parseKind } from './cli-ask.ts';
import { citationFor } from './knowledge/citation.ts';
import { KIND_LABELS, KINDS, type Kind } from './knowledge/kinds.ts';
import { packagePath } from './paths.ts';
import type { Logger } from 'pino';
import type { App, CommunityModule } from './app.ts';
import type { Config } from './config.ts';
import type { AdapterHandle } from './core/adapter.ts';
import type { HttpRoute, HttpServerHandle } from './core/http-server.ts';
import type { Clock } from './core/ports.ts';
import type { Engine, SearchOptions } from './engine/types.ts';
import type { EngineBuilder, SteppedEngineBuilder } from './knowledge/live.ts';
import type { PracticeBase } from './knowledge/schema.ts';

/** The usage text (the operator commands' lines come from src/ops/cli.ts, loaded for it). */
async function usage(): Promise<string> {
  const { OPS_USAGE: opsUsage } = await import('./ops/cli.ts');
  return `practice-bot: a chat assistant for practitioner communities

Usage:
  practice-bot                       start every adapter whose token is set (Telegram, Slack);
                                     with none set, the console chat
  practice-bot console [--as <id>]   chat in the terminal (reads stdin, works piped);
                                     lines "/as <user id>" switch the acting user
  practice-bot ask "<question>" [--kind K] [--theme T] [--limit N] [--json]
                                     ask the practice base; --json without a question reads
                                     one question a line from stdin and prints one JSON line each
  practice-bot check [--dir <folder>] validates a knowledge folder (default KNOWLEDGE_DIR): one line
                                     per problem, exit 1 on any error
  practice-bot ingest <file> --meeting <id> [--out <file>]
                                     drafts entries from a meeting document (.txt, .md, .docx, .pdf)
                                     into <knowledge>/drafts/<id>.yaml for review
${opsUsage}
  practice-bot --help

Kinds: ${KINDS.join(', ')}
Configuration comes from the environment or a .env file: see .env.example.`;
}

/** Where a run of the CLI reads and writes: the process's own streams and environment for the bin,
 *  streams and an environment of their own for a test running `main` in-process. */
export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The environment. Default: process.env, with the working folder's .env file added (dotenv, which
   *  never overrides a variable already set). Given, it is used as it is: no .env file is read. */
  env?: Record<string, string | undefined>;
  /** Stops a running bot as SIGINT or SIGTERM does (for a run in-process; the bin has the signals). */
  stop?: AbortSignal;
}

/** The log's destination: stderr (pino's own fast writer for the process's stderr, else the given stream). */
function logTo(io: Io): NodeJS.WritableStream | undefined {
  return io.stderr === process.stderr ? undefined : io.stderr;
}

type Env = Record<string, string | undefined>;

/** The environment of a run (see Io.env). dotenv (which loads node:crypto and node:os for its encrypted
 *  vaults) is imported only when it has something to do: a .env file in the working folder, or one of the
 *  variables it reads on its own (DOTENV_KEY for a vault, DOTENV_CONFIG_DEBUG for its messages). */
async function envOf(io: Io): Promise<Env> {
  if (io.env) return io.env;
  if (process.env.DOTENV_KEY || process.env.DOTENV_CONFIG_DEBUG || fs.existsSync(path.resolve(process.cwd(), '.env'))) {
    const { default: dotenv } = await import('dotenv');
    dotenv.config({ quiet: true });
  }
  return process.env;
}

export { askJson, parseKind } from './cli-ask.ts';

/** KNOWLEDGE_DIR alone, for the commands that need no other setting (config.ts knowledgeDirOf, which
 *  `ask` does not import: zod): an absolute folder, relative to the working folder; unset: undefined. */
function envKnowledgeDir(env: Env): string | undefined {
  const v = env.KNOWLEDGE_DIR?.trim();
  return v ? path.resolve(v) : undefined;
}

/** The repository's knowledge/ folder (knowledge/load.ts defaultKnowledgeDir, without its YAML parser). */
const defaultKnowledgeDir = () => packagePath('knowledge') + path.sep;

/** The whole configuration, validated (src/config.ts, zod): for the commands that open the database or run the bot. */
async function loadEnvConfig(env: Env): Promise<Config> {
  const { loadConfig } = await import('./config.ts');
  return loadConfig(env);
}

/** Where the snapshots are kept: `cache/` beside the database (DATABASE_PATH, default
 *  ./data/practice-bot.db), also for `ask`, which opens no database. */
const DEFAULT_DATABASE_PATH = './data/practice-bot.db';

/** The practice base and its engine (with the interpreter of the members' languages), from their
 *  snapshots in the cache folder when the knowledge folder and the code are unchanged (src/cache/):
 *  then no YAML is parsed and neither yaml nor zod is imported. */
async function loadEngine(databasePath: string, knowledgeDir: string | undefined): Promise<{ engine: Engine; saveStems: () => void }> {
  const dir = knowledgeDir ?? defaultKnowledgeDir();
  const cacheDir = cacheDirFor(databasePath);
  useCachedEnglishWords(cacheDir);
  useCachedStems(cacheDir);
  // the engine's Porter stems of the last run (src/cache/porter-stems.ts), kept again once the questions are answered
  const stems = usePorterStems(cacheDir);
  const base = (await loadPracticeBaseCached(dir, cacheDir)).value;
  const lexicon = (await loadLexiconCachedAsync(dir, cacheDir)).value;
  const engine = createEngineCached(base, dir, cacheDir, { interpret: interpretWith(lexicon, base, baseWordsCached(base, dir, cacheDir)) }).engine;
  return { engine, saveStems: () => void stems.save() };
}

/** Builds the engine over a base loaded from `dir`, with the index analysis and the lexicon from the
 *  snapshot cache: for every generation of the live base in the bot and the console (which have
 *  src/app.ts, and so the lexicon's loader, imported already). */
function cachedEngineBuilder(
  databasePath: string,
  createInterpretFromDisk: typeof import('./app.ts').createInterpretFromDisk,
  loadPracticeBase: typeof import('./knowledge/load.ts').loadPracticeBase,
): { buildEngine: EngineBuilder; buildEngineInSteps: SteppedEngineBuilder; loadFirstBase: (dir: string) => PracticeBase } {
  const cacheDir = cacheDirFor(databasePath);
  useCachedEnglishWords(cacheDir);
  useCachedStems(cacheDir);
  const stems = usePorterStems(cacheDir);
  let firstBuilt = false;
  return {
    // The first generation's base: from its snapshot, as `ask` reads it (no YAML parsed when unchanged).
    loadFirstBase: (dir) => loadPracticeBaseSnapshot(dir, cacheDir, (d) => loadPracticeBase(d)).value,
    // The first generation: through the snapshots (fast start).
    buildEngine: (base, dir, reuse) => {
      // the base's words from their snapshot too, as `ask` reads them (the base was loaded from `dir`)
      const words = baseWordsCached(base, dir, cacheDir);
      const engine = createEngineCached(base, dir, cacheDir, { interpret: createInterpretFromDisk(dir, base, cacheDir, words), ...(reuse ? { fieldTerms: reuse.fieldTerms } : {}) }).engine;
      // the stems of the first build are kept for the next start (src/cache/porter-stems.ts), once the start is done
      if (!firstBuilt) setImmediate(() => void stems.save());
      firstBuilt = true;
      return engine;
    },
    // A reload: in steps, answers served meanwhile; texts unchanged since the last generation are not
    // analysed again (issue 13). The lexicon still comes from its snapshot.
    buildEngineInSteps: (base, dir, { fieldTerms, pause }) =>
      createEngineInSteps(base, { interpret: createInterpretFromDisk(dir, base, cacheDir), fieldTerms }, pause),
  };
}

/** errorFields (src/core/logger.ts: the message with secrets scrubbed), loaded when an error needs it. */
async function errorMessage(err: unknown): Promise<string> {
  const { errorFields } = await import('./core/logger.ts');
  return errorFields(err).message;
}

async function cmdAsk(argv: string[], io: Io, output: { closed(): boolean }): Promise<number> {
  // "--limit -1" reads to parseArgs as a missing value followed by an option: take a negative number
  // as the value, so the range check below answers it.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i] === '--limit' && next !== undefined && /^-\d/.test(next)) args.push(`--limit=${argv[++i]}`);
    else args.push(argv[i]!);
  }
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      theme: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const opts: SearchOptions = {};
  if (values.kind !== undefined) {
    const kinds = values.kind.split(',').map(parseKind);
    if (kinds.some((k) => !k)) {
      io.stderr.write(`Unknown --kind "${values.kind}". Kinds: ${KINDS.join(', ')}\n`);
      return 2;
    }
    opts.kinds = kinds as Kind[];
  }
  if (values.limit !== undefined) {
    const n = Number(values.limit);
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      io.stderr.write('--limit must be a whole number from 1 to 100\n');
      return 2;
    }
    opts.limit = n;
  } else opts.limit = values.json ? 5 : 3;
  const env = await envOf(io);
  const { engine, saveStems } = await loadEngine(env.DATABASE_PATH?.trim() || DEFAULT_DATABASE_PATH, envKnowledgeDir(env));
  try {
    return await answerAsk(engine, { positionals, json: values.json, theme: values.theme }, opts, io, output);
  } finally {
    saveStems();
  }
}

async function runConsole(config: Config, as: string | undefined, io: Io): Promise<number> {
  const [{ createConsoleApp, createInterpretFromDisk }, { createConsoleAdapter }, { createLogger, errorFields }, { loadPracticeBase }] = await Promise.all([
    import('./app-console.ts'),
    import('../adapters/console/console.ts'),
    import('./core/logger.ts'),
    import('./knowledge/load.ts'),
  ]);
  // The chat shares the terminal with the log: at the default level only warnings and errors show.
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, logTo(io));
  // staged (src/app-console.ts): a first free question is answered before the other features are built
  const app = createConsoleApp(config, { log, instanceLease: true, ...cachedEngineBuilder(config.databasePath, createInterpretFromDisk, loadPracticeBase) });
  // the language detector is on; its data is read on the first question the lexicons cannot settle
  preloadEld().catch((err: unknown) => log.warn({ err: errorFields(err) }, 'language detector not loaded'));
  const consoleAdapter = createConsoleAdapter({
    core: app.core,
    input: io.stdin as NodeJS.ReadableStream & import('node:stream').Readable,
    output: io.stdout as NodeJS.WritableStream & import('node:stream').Writable,
    userId: as,
    prompt: Boolean((io.stdin as { isTTY?: boolean }).isTTY),
  });
  app.router.register(consoleAdapter.outbound);
  app.start();
  try {
    await consoleAdapter.run();
  } finally {
    await app.stop();
  }
  return 0;
}

async function loadAdapters(config: Config, app: App): Promise<AdapterHandle[]> {
  const adapters: AdapterHandle[] = [];
  if (config.telegram) {
    const [{ createTelegramAdapter }, { createUpdateLedger }] = await Promise.all([import('../adapters/telegram/index.ts'), import('./store/update-ledger.ts')]);
    adapters.push(
      createTelegramAdapter({
        ...config.telegram,
        core: app.core,
        log: app.log,
        ledger: createUpdateLedger(app.store, { log: app.log }),
        api: {
          ...(config.platformTimeoutMs !== undefined ? { timeoutMs: config.platformTimeoutMs } : {}),
          ...(config.maxRetryAfterMs !== undefined ? { maxRetryAfterSeconds: config.maxRetryAfterMs / 1000 } : {}),
        },
      }),
    );
  }
  if (config.slack) {
    const { createSlackAdapter } = await import('../adapters/slack/index.ts');
    adapters.push(createSlackAdapter({ ...config.slack, core: app.core, log: app.log }));
  }
  return adapters;
}

/** Runs the adapters until SIGINT/SIGTERM (exit 0) or until one of them fails for good, at start
 *  (platform unreachable after its retries, token refused) or later (Telegram 409/401): then the
 *  whole process stops gracefully, with one line naming the cause, and exits 1, so a supervisor
 *  restarts it or an operator sees it. Losing the database's instance lease to another process
 *  stops it the same way. Adapters start concurrently; the reminder scheduler starts
 *  without waiting for any of them. */
export async function runBots(config: Config, deps: { log?: Logger; clock?: Clock; stop?: AbortSignal } = {}): Promise<number> {
  const [{ createApp, createInterpretFromDisk }, { AdapterFatalError }, { startHttpServer }, { createLogger, errorFields }, { systemClock }, { createHealth, startHealthServer }, { loadPracticeBase }] =
    await Promise.all([
      import('./app.ts'),
      import('./core/adapter.ts'),
      import('./core/http-server.ts'),
      import('./core/logger.ts'),
      import('./core/ports.ts'),
      import('./ops/health.ts'),
      import('./knowledge/load.ts'),
    ]);
  const log = deps.log ?? createLogger(config.logLevel);
  const clock = deps.clock ?? systemClock;
  let settle!: (r: { fatal?: { message: string; adapter?: string } }) => void;
  const outcome = new Promise<{ fatal?: { message: string; adapter?: string } }>((resolve) => (settle = resolve));
  // Another process took the database's instance lease over (src/store/lease.ts): stop the same way
  // as on an adapter's fatal error.
  const onLost = (holder: string) =>
    settle({ fatal: { message: `instance lease lost: another practice-bot instance took this database over (${holder}); stopping` } });
  const app = createApp(config, { log, clock, instanceLease: { onLost }, ...cachedEngineBuilder(config.databasePath, createInterpretFromDisk, loadPracticeBase) });
  // the language detector is on; its data is read on the first question the lexicons cannot settle
  preloadEld().catch((err: unknown) => log.warn({ err: errorFields(err) }, 'language detector not loaded'));
  const adapters = await loadAdapters(config, app);
  let http: HttpServerHandle | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      log.info('stopping');
      await Promise.all(adapters.map((a) => a.stop().catch((err: unknown) => log.error({ err: errorFields(err), adapter: a.name }, 'adapter stop failed'))));
      await http?.close();
      await app.stop();
      log.info('stopped');
    })());

  const onSignal = () => settle({});
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (deps.stop?.aborted) onSignal();
  deps.stop?.addEventListener('abort', onSignal, { once: true });
  const asFatal = (a: AdapterHandle, err: unknown) =>
    err instanceof AdapterFatalError ? err : new AdapterFatalError(a.name, `${a.name} could not start: ${errorFields(err).message}`, { cause: err });
  for (const a of adapters) a.onFatal?.((err) => settle({ fatal: err }));

  try {
    for (const a of adapters) app.router.register(a.outbound);
    const routes: HttpRoute[] = adapters.flatMap((a) => a.routes ?? []);
    // ops (issue 16): GET /healthz on PORT when it is served, else on HEALTH_PORT when set.
    const community = app.community as CommunityModule;
    const health = createHealth({
      db: () => community.store.db,
      lastTick: () => community.scheduler.lastWakeAt(),
      dbPath: config.databasePath,
      clock,
      adapters: () => adapters,
    });
    if (routes.length > 0) routes.push(health.route);
    else if (config.healthPort !== undefined) {
      http = await startHealthServer({ port: config.healthPort, health, log });
      log.info({ port: http.port }, 'health server listening (GET /healthz)');
    }
    if (routes.length > 0) {
      http = await startHttpServer({ port: config.port, routes, log });
      log.info({ port: http.port, paths: routes.map((r) => r.path) }, 'http server listening');
    }
  } catch (err) {
    log.fatal({ err: errorFields(err) }, 'start-up failed');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    deps.stop?.removeEventListener('abort', onSignal);
    await stop();
    return 1;
  }
  app.start();
  for (const a of adapters) {
    void a.start().then(
      () => log.info({ adapter: a.name }, 'adapter started'),
      (err: unknown) => settle({ fatal: asFatal(a, err) }),
    );
  }

  const r = await outcome;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  deps.stop?.removeEventListener('abort', onSignal);
  if (r.fatal) log.fatal(r.fatal.adapter ? { adapter: r.fatal.adapter } : {}, r.fatal.message);
  await stop();
  return r.fatal ? 1 : 0;
}

/** A reader that stops early (`| head -1`) closes the pipe: the output then ends quietly (EPIPE is
 *  not a failure of the bot), instead of an unhandled 'error' event with a stack trace. */
function watchOutput(out: NodeJS.WritableStream): { closed(): boolean } {
  let closed = false;
  out.on('error', () => {
    closed = true;
  });
  return { closed: () => closed };
}

/** The commands handled here; any other word may be an operator command (src/ops/cli.ts). */
const COMMANDS = new Set(['ask', 'check', 'ingest', 'console', '--help', '-h', 'help']);

/**
 * The CLI: runs `practice-bot <argv>` against `io` and returns the exit code (the bin sets
 * process.exitCode from it; nothing here calls process.exit). Tests call it in-process with streams
 * and an environment of their own (Io.env).
 */
export async function main(argv: string[], io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  const output = watchOutput(io.stdout);
  try {
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(`${await usage()}\n`);
      return 0;
    }
    if (command === 'ask') return await cmdAsk(rest, io, output);
    // ---- knowledge tools (issue 13): check a folder, draft entries from a meeting document ----
    if (command === 'check' || command === 'ingest') {
      // loaded on demand: the PDF and Word readers are big, and the bot and `ask` do not need them
      const { CHECK_USAGE, INGEST_USAGE, runCheck, runIngest } = await import('./ingest/commands.ts');
      if (rest.includes('--help') || rest.includes('-h')) {
        io.stdout.write(`${command === 'check' ? CHECK_USAGE : INGEST_USAGE}\n`);
        return 0;
      }
      const dir = envKnowledgeDir(await envOf(io)) ?? defaultKnowledgeDir();
      return command === 'check' ? runCheck(rest, io, dir) : await runIngest(rest, io, dir);
    }
    if (command === 'console') {
      const { values } = parseArgs({ args: rest, options: { as: { type: 'string' } } });
      if (values.as !== undefined && !/^(telegram|slack|console):[A-Za-z0-9_.-]{1,64}$/.test(values.as)) {
        io.stderr.write('--as takes a user id such as telegram:42 or slack:U123\n');
        return 2;
      }
      return await runConsole(await loadEnvConfig(await envOf(io)), values.as, io);
    }
    if (command === undefined) {
      const config = await loadEnvConfig(await envOf(io));
      if (!config.telegram && !config.slack) return await runConsole(config, undefined, io);
      const dest = logTo(io);
      const log = dest ? (await import('./core/logger.ts')).createLogger(config.logLevel, dest) : undefined;
      return await runBots(config, { ...(log ? { log } : {}), ...(io.stop ? { stop: io.stop } : {}) });
    }
    if (!COMMANDS.has(command)) {
      // ops (issue 16): status, backup, restore, export (src/ops/cli.ts).
      const ops = await import('./ops/cli.ts');
      if (ops.isOpsCommand(command)) {
        const env = await envOf(io);
        const { loadConfig } = await import('./config.ts');
        return await ops.runOpsCommand(command, rest, io, () => loadConfig(env).databasePath);
      }
    }
    io.stderr.write(`Unknown command "${command}".\n\n${await usage()}\n`);
    return 2;
  } catch (err) {
    // src/config.ts's ConfigError, known by name (config.ts is imported only on the paths that need it)
    if ((err as { name?: unknown } | null)?.name === 'ConfigError') {
      io.stderr.write(`${(err as Error).message}\nSee .env.example for every variable.\n`);
      return 2;
    }
    const e = err as { name?: string; message?: string; code?: string };
    if (e?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      io.stderr.write(`${e.message}\n\n${await usage()}\n`);
      return 2;
    }
    // Known start-up failures (broken knowledge file, unusable database) carry a readable message.
    io.stderr.write(`practice-bot could not start: ${await errorMessage(err)}\n`);
    return 1;
  }
}
