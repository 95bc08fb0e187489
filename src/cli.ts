// The `practice-bot` bin and the composition root: the only core-side file that imports adapters,
// and (with src/config.ts) the only place that reads the environment.
// Start-up cost: what only some commands need is imported inside their branch (`await import`): the
// database, scheduler and logger for the console and the bots, each platform SDK only when its token
// is set. `ask` loads the practice base and engine alone, both from snapshots (src/cache/) when unchanged.
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { renderPlain } from '../adapters/console/render-plain.ts';
import { createConsoleAdapter } from '../adapters/console/console.ts';
import type { App } from './app.ts';
import { cacheDirFor } from './cache/cached-load.ts';
import { loadPracticeBaseCached } from './cache/practice-base.ts';
import type { Config } from './config.ts';
import type { AdapterHandle } from './core/adapter.ts';
import type { HttpRoute, HttpServerHandle } from './core/http-server.ts';
import { createEngineCached } from './cache/engine.ts';
import { useCachedEnglishWords } from './cache/english-words.ts';
import type { Engine, SearchOptions } from './engine/types.ts';
import { packagePath } from './paths.ts';
import { citationFor } from './knowledge/citation.ts';
import { KIND_LABELS, KINDS, type Kind } from './knowledge/kinds.ts';

const USAGE = `practice-bot: a chat assistant for practitioner communities

Usage:
  practice-bot                       start every adapter whose token is set (Telegram, Slack);
                                     with none set, the console chat
  practice-bot console [--as <id>]   chat in the terminal (reads stdin, works piped);
                                     lines "/as <user id>" switch the acting user
  practice-bot ask "<question>" [--kind K] [--theme T] [--limit N] [--json]
                                     ask the practice base; --json without a question reads
                                     one question a line from stdin and prints one JSON line each
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

/** The `ask --json` object for one question (contract: query, results[], suggestions). */
export function askJson(engine: Engine, query: string, opts: SearchOptions) {
  const r = engine.search(query, opts);
  return {
    query,
    results: r.hits.map((h) => ({
      id: h.entry.id,
      kind: h.entry.kind,
      title: h.entry.title,
      text: h.entry.text,
      themes: h.entry.themes,
      source: { document: h.entry.source.document, section: h.entry.source.section, meeting: h.entry.source.meeting },
      score: Math.round(h.score * 10_000) / 10_000,
      citation: citationFor(h.entry, engine.base).label,
    })),
    suggestions: r.suggestions,
    ...(r.corrected ? { corrected: r.corrected } : {}),
  };
}

async function loadEnvConfig(): Promise<Config> {
  dotenv.config({ quiet: true });
  const { loadConfig } = await import('./config.ts');
  return loadConfig(process.env);
}

/** An error's message as the log writes it (secrets scrubbed); the logger module is loaded only when needed. */
async function errorMessage(err: unknown): Promise<string> {
  return (await import('./core/logger.ts')).errorFields(err).message;
}

/** Where the practice base's snapshot is kept: `cache/` beside the database (DATABASE_PATH, default
 *  ./data/practice-bot.db), also for `ask`, which opens no database. */
const DEFAULT_DATABASE_PATH = './data/practice-bot.db';

/** The practice base and its engine, from their snapshots in the cache folder when knowledge/ and the code
 *  are unchanged (src/cache/). */
async function loadEngine(databasePath: string): Promise<Engine> {
  const dir = packagePath('knowledge');
  const cacheDir = cacheDirFor(databasePath);
  useCachedEnglishWords(cacheDir);
  const base = (await loadPracticeBaseCached(dir, cacheDir)).value;
  return createEngineCached(base, dir, cacheDir).engine;
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
  const engine = await loadEngine(process.env.DATABASE_PATH?.trim() || DEFAULT_DATABASE_PATH);
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
    const rl = readline.createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
    for await (const line of rl) {
      if (line.trim() === '') continue;
      let out: string;
      try {
        out = JSON.stringify(askJson(engine, line, opts));
      } catch (err) {
        out = JSON.stringify({ query: line, results: [], suggestions: [], error: await errorMessage(err) });
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
  if (r.hits.length === 0) {
    io.stdout.write(`The practice base has nothing close to that.${r.suggestions.length ? ` Try: ${r.suggestions.join(', ')}.` : ''}\n`);
    return 0;
  }
  const blocks = r.hits.map((h) => ({
    type: 'entry' as const,
    id: h.entry.id,
    kind: h.entry.kind,
    kindLabel: KIND_LABELS[h.entry.kind].one,
    title: h.entry.title,
    text: h.entry.text,
    themes: h.entry.themes,
    citation: citationFor(h.entry, engine.base),
  }));
  io.stdout.write(`${renderPlain({ blocks })}\n`);
  return 0;
}

async function runConsole(config: Config, as: string | undefined, io: Io): Promise<number> {
  // The chat shares the terminal with the log: at the default level only warnings and errors show.
  const [{ createApp }, { createLogger }, engine] = await Promise.all([import('./app.ts'), import('./core/logger.ts'), loadEngine(config.databasePath)]);
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const app = createApp(config, { log, engine });
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
    adapters.push(createTelegramAdapter({ ...config.telegram, core: app.core, log: app.log }));
  }
  if (config.slack) {
    const { createSlackAdapter } = await import('../adapters/slack/index.ts');
    adapters.push(createSlackAdapter({ ...config.slack, core: app.core, log: app.log }));
  }
  return adapters;
}

async function runBots(config: Config): Promise<number> {
  const [{ createApp }, { createLogger, errorFields }, engine] = await Promise.all([import('./app.ts'), import('./core/logger.ts'), loadEngine(config.databasePath)]);
  const log = createLogger(config.logLevel);
  const app = createApp(config, { log, engine });
  const adapters = await loadAdapters(config, app);
  let http: HttpServerHandle | undefined;
  const stop = async () => {
    log.info('stopping');
    for (const a of adapters) await a.stop().catch((err: unknown) => log.error({ err: errorFields(err) }, 'adapter stop failed'));
    await http?.close();
    await app.stop();
  };
  try {
    for (const a of adapters) app.router.register(a.outbound);
    const routes: HttpRoute[] = adapters.flatMap((a) => a.routes ?? []);
    if (routes.length > 0) {
      const { startHttpServer } = await import('./core/http-server.ts');
      http = await startHttpServer({ port: config.port, routes, log });
      log.info({ port: http.port, paths: routes.map((r) => r.path) }, 'http server listening');
    }
    for (const a of adapters) {
      await a.start();
      log.info({ adapter: a.name }, 'adapter started');
    }
    app.start();
  } catch (err) {
    log.fatal({ err: errorFields(err) }, 'start-up failed');
    await stop();
    return 1;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
  return 0;
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
    if (command === 'console') {
      const { values } = parseArgs({ args: rest, options: { as: { type: 'string' } } });
      if (values.as !== undefined && !/^(telegram|slack|console):[A-Za-z0-9_.-]{1,64}$/.test(values.as)) {
        io.stderr.write('--as takes a user id such as telegram:42 or slack:U123\n');
        return 2;
      }
      return await runConsole(await loadEnvConfig(), values.as, io);
    }
    if (command === undefined) {
      const config = await loadEnvConfig();
      if (!config.telegram && !config.slack) return await runConsole(config, undefined, io);
      return await runBots(config);
    }
    io.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
    return 2;
  } catch (err) {
    if (err instanceof Error && err.name === 'ConfigError') {
      io.stderr.write(`${err.message}\nSee .env.example for every variable.\n`);
      return 2;
    }
    const e = err as { name?: string; message?: string; code?: string };
    if (e?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      io.stderr.write(`${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    // Known start-up failures (broken knowledge file, unusable database) carry a readable message.
    io.stderr.write(`practice-bot could not start: ${await errorMessage(err)}\n`);
    return 1;
  }
}
