// The `practice-bot` bin and the composition root: the only core-side file that imports adapters,
// and (with src/config.ts) the only place that reads the environment.
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { renderPlain } from '../adapters/console/render-plain.ts';
import { createConsoleAdapter } from '../adapters/console/console.ts';
import { createApp, createInterpretFromDisk, type App } from './app.ts';
import { cacheDirFor } from './cache/cached-load.ts';
import { createEngineCached } from './cache/engine.ts';
import { useCachedEnglishWords } from './cache/english-words.ts';
import { loadPracticeBaseCached } from './cache/practice-base.ts';
import { preloadEld } from './engine/interpret/index.ts';
import type { EngineBuilder } from './knowledge/live.ts';
import { ConfigError, knowledgeDirOf, loadConfig, type Config } from './config.ts';
import { AdapterFatalError, type AdapterHandle } from './core/adapter.ts';
import { startHttpServer, type HttpRoute, type HttpServerHandle } from './core/http-server.ts';
import { createLogger, errorFields } from './core/logger.ts';
import type { Engine, SearchOptions } from './engine/types.ts';
import { ONLY_CHALLENGE_TEXT, SMALL_TALK_REPLY } from './features/practice-base/index.ts';
import { citationFor } from './knowledge/citation.ts';
import { defaultKnowledgeDir } from './knowledge/load.ts';
import { KIND_LABELS, KINDS, type Kind } from './knowledge/schema.ts';
import { createUpdateLedger } from './store/update-ledger.ts';
import { isOpsCommand, OPS_USAGE, runOpsCommand } from './ops/cli.ts';
import { createHealth, startHealthServer } from './ops/health.ts';
import { systemClock, type Clock } from './core/ports.ts';
import type { Logger } from 'pino';
import type { CommunityModule } from './app.ts';

const USAGE = `practice-bot: a chat assistant for practitioner communities

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
${OPS_USAGE}
  practice-bot --help

Kinds: ${KINDS.join(', ')}
Configuration comes from the environment or a .env file: see .env.example.`;

type Io = { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

const KIND_ALIASES: Record<string, Kind> = {
  challenges: 'challenge',
  practice: 'good-practice',
  practices: 'good-practice',
  'good-practices': 'good-practice',
  goodpractice: 'good-practice',
  opportunities: 'opportunity',
  'next-steps': 'next-step',
  conclusions: 'conclusion',
  facts: 'fact',
};

export function parseKind(k: string): Kind | undefined {
  const s = k.trim().toLowerCase();
  if ((KINDS as readonly string[]).includes(s)) return s as Kind;
  return KIND_ALIASES[s];
}

/** The `ask --json` object for one question (contract: query, results[], suggestions; added: intent,
 *  language, understood, and each result's sources). */
export function askJson(engine: Engine, query: string, opts: SearchOptions) {
  const r = engine.search(query, opts);
  const source = (s: { document: string; section: string; meeting: string }) => ({ document: s.document, section: s.section, meeting: s.meeting });
  return {
    query,
    results: r.hits.map((h) => ({
      id: h.entry.id,
      kind: h.entry.kind,
      title: h.entry.title,
      text: h.entry.text,
      themes: h.entry.themes,
      source: source(h.entry.source),
      sources: h.sources.map(source),
      score: Math.round(h.score * 10_000) / 10_000,
      citation: citationFor(h.entry, engine.base).label,
      ...(h.folded ? { folded: h.folded } : {}),
    })),
    suggestions: r.suggestions,
    ...(r.corrected ? { corrected: r.corrected } : {}),
    intent: r.intent,
    language: r.language,
    understood: r.understood,
    ...(r.note ? { note: r.note } : {}),
    ...(r.remedies.length ? { addressed_by: r.remedies.map((e) => e.id) } : {}),
  };
}

/** KNOWLEDGE_DIR alone (with .env), for the commands that need no other setting. */
function envKnowledgeDir(): string | undefined {
  dotenv.config({ quiet: true });
  return knowledgeDirOf(process.env.KNOWLEDGE_DIR);
}

function loadEnvConfig(): Config {
  dotenv.config({ quiet: true });
  return loadConfig(process.env);
}

/** Where the snapshots are kept: `cache/` beside the database (DATABASE_PATH, default
 *  ./data/practice-bot.db), also for `ask`, which opens no database. */
const DEFAULT_DATABASE_PATH = './data/practice-bot.db';

/** The practice base and its engine (with the interpreter of the members' languages), from their
 *  snapshots in the cache folder when the knowledge folder and the code are unchanged (src/cache/). */
async function loadEngine(databasePath: string, knowledgeDir: string | undefined): Promise<Engine> {
  const dir = knowledgeDir ?? defaultKnowledgeDir();
  const cacheDir = cacheDirFor(databasePath);
  useCachedEnglishWords(cacheDir);
  const base = (await loadPracticeBaseCached(dir, cacheDir)).value;
  return cachedEngineBuilder(databasePath)(base, dir);
}

/** Builds the engine over a base loaded from `dir`, with the index analysis from the snapshot cache:
 *  for `ask`, and for every generation of the live base in the bot and the console. */
function cachedEngineBuilder(databasePath: string): EngineBuilder {
  const cacheDir = cacheDirFor(databasePath);
  useCachedEnglishWords(cacheDir);
  return (base, dir) => createEngineCached(base, dir, cacheDir, { interpret: createInterpretFromDisk(dir, base, cacheDir) }).engine;
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
  dotenv.config({ quiet: true });
  const engine = await loadEngine(process.env.DATABASE_PATH?.trim() || DEFAULT_DATABASE_PATH, envKnowledgeDir());
  if (values.theme !== undefined) {
    const theme = engine.base.themes.find((t) => t.id === values.theme) ?? engine.themesFor(values.theme)[0];
    if (!theme) {
      io.stderr.write(`Unknown --theme "${values.theme}". Themes: ${engine.base.themes.map((t) => t.id).join(', ')}\n`);
      return 2;
    }
    opts.theme = theme.id;
  }
  const question = positionals.join(' ');
  if (positionals.length > 0 && question.trim() === '') {
    io.stderr.write('The question is empty. Usage: practice-bot ask "<question>" [--kind K] [--theme T] [--limit N] [--json]\n');
    return 2;
  }
  if (values.json) {
    if (question.trim() !== '') {
      io.stdout.write(`${JSON.stringify(askJson(engine, question, opts))}\n`);
      return 0;
    }
    // A batch is worth the language detector's second of loading; a single question is not (the
    // lexicons still read its language).
    await preloadEld().catch(() => undefined);
    const rl = readline.createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
    for await (const line of rl) {
      if (line.trim() === '') continue;
      let out: string;
      try {
        out = JSON.stringify(askJson(engine, line, opts));
      } catch (err) {
        out = JSON.stringify({ query: line, results: [], suggestions: [], error: errorFields(err).message });
      }
      if (output.closed()) break;
      if (!io.stdout.write(`${out}\n`)) {
        await new Promise((r) => {
          io.stdout.once('drain', r);
          io.stdout.once('error', r);
          io.stdout.once('close', r);
        });
      }
      if (output.closed()) break;
    }
    return 0;
  }
  if (question.trim() === '') {
    io.stderr.write('Usage: practice-bot ask "<question>" [--kind K] [--theme T] [--limit N] [--json]\n');
    return 2;
  }
  const r = engine.search(question, opts);
  if (r.smallTalk) {
    io.stdout.write(`${SMALL_TALK_REPLY}\n`);
    return 0;
  }
  if (r.hits.length === 0) {
    io.stdout.write(`The practice base has nothing close to that.${r.suggestions.length ? ` Try: ${r.suggestions.join(', ')}.` : ''}\n`);
    return 0;
  }
  if (r.understood.length > 0) io.stdout.write(`Understood as: ${r.understood.join(', ')}.\n`);
  if (r.note === 'only-challenge') io.stdout.write(`${ONLY_CHALLENGE_TEXT}\n`);
  const blocks = r.hits.map((h) => ({
    type: 'entry' as const,
    id: h.entry.id,
    kind: h.entry.kind,
    kindLabel: KIND_LABELS[h.entry.kind].one,
    title: h.entry.title,
    text: h.entry.text,
    themes: h.entry.themes,
    citation: { ...citationFor(h.entry, engine.base), label: h.sources.map((s) => citationFor({ source: s }, engine.base).label).join('; ') },
  }));
  io.stdout.write(`${renderPlain({ blocks })}\n`);
  if (r.remedies.length > 0) io.stdout.write(`What members do about it: ${r.remedies.map((e) => `${e.title} (${e.id})`).join('; ')}.\n`);
  return 0;
}

async function runConsole(config: Config, as: string | undefined, io: Io): Promise<number> {
  // The chat shares the terminal with the log: at the default level only warnings and errors show.
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const app = createApp(config, { log, instanceLease: true, buildEngine: cachedEngineBuilder(config.databasePath) });
  // the language detector loads in the background: questions before it is ready are read without it
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
    const { createTelegramAdapter } = await import('../adapters/telegram/index.ts');
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
export async function runBots(config: Config, deps: { log?: Logger; clock?: Clock } = {}): Promise<number> {
  const log = deps.log ?? createLogger(config.logLevel);
  const clock = deps.clock ?? systemClock;
  let settle!: (r: { fatal?: { message: string; adapter?: string } }) => void;
  const outcome = new Promise<{ fatal?: { message: string; adapter?: string } }>((resolve) => (settle = resolve));
  // Another process took the database's instance lease over (src/store/lease.ts): stop the same way
  // as on an adapter's fatal error.
  const onLost = (holder: string) =>
    settle({ fatal: { message: `instance lease lost: another practice-bot instance took this database over (${holder}); stopping` } });
  const app = createApp(config, { log, clock, instanceLease: { onLost }, buildEngine: cachedEngineBuilder(config.databasePath) });
  // the language detector loads in the background: questions before it is ready are read without it
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

export async function main(argv: string[], io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  const output = watchOutput(io.stdout);
  try {
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (command === 'ask') return await cmdAsk(rest, io, output);
    // ops (issue 16): status, backup, restore, export (src/ops/cli.ts).
    if (isOpsCommand(command)) return await runOpsCommand(command, rest, io, () => loadEnvConfig().databasePath);
    // ---- knowledge tools (issue 13): check a folder, draft entries from a meeting document ----
    if (command === 'check' || command === 'ingest') {
      // loaded on demand: the PDF and Word readers are big, and the bot and `ask` do not need them
      const { CHECK_USAGE, INGEST_USAGE, runCheck, runIngest } = await import('./ingest/commands.ts');
      if (rest.includes('--help') || rest.includes('-h')) {
        io.stdout.write(`${command === 'check' ? CHECK_USAGE : INGEST_USAGE}\n`);
        return 0;
      }
      const dir = envKnowledgeDir() ?? defaultKnowledgeDir();
      return command === 'check' ? runCheck(rest, io, dir) : await runIngest(rest, io, dir);
    }
    if (command === 'console') {
      const { values } = parseArgs({ args: rest, options: { as: { type: 'string' } } });
      if (values.as !== undefined && !/^(telegram|slack|console):[A-Za-z0-9_.-]{1,64}$/.test(values.as)) {
        io.stderr.write('--as takes a user id such as telegram:42 or slack:U123\n');
        return 2;
      }
      return await runConsole(loadEnvConfig(), values.as, io);
    }
    if (command === undefined) {
      const config = loadEnvConfig();
      if (!config.telegram && !config.slack) return await runConsole(config, undefined, io);
      return await runBots(config);
    }
    io.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
    return 2;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\nSee .env.example for every variable.\n`);
      return 2;
    }
    const e = err as { name?: string; message?: string; code?: string };
    if (e?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      io.stderr.write(`${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    // Known start-up failures (broken knowledge file, unusable database) carry a readable message.
    io.stderr.write(`practice-bot could not start: ${errorFields(err).message}\n`);
    return 1;
  }
}
