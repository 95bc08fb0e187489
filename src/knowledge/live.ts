// Live reload of the practice base (issue 13). The running bot holds one generation (base, lexicon,
// engine) in one reference; `engine` (createLiveEngine) reads it on every call, so a question is
// answered start to finish on one engine (a search runs synchronously) and a reload swaps in the new
// generation between questions. A change is loaded with the checks of `practice-bot check` (the loader,
// draft items in entries/, the lexicon); when any fails, the old generation stays in service and the
// outcome carries the problems, one line each (file:line, item, field).
//
// The folder is watched with fs.watch({ recursive: true }): on Linux Node >= 20 (the engines field
// asks for 20.19) this is Node's own inotify-based walker, which follows new and re-created
// sub-folders (checked: entries/ removed and made again, lexicon/ added, editors' write-and-rename);
// macOS and Windows have native recursive watching. No chokidar: one dependency less, and the folder
// is small. Events are debounced (1 s): a `git pull` or an editor's several writes make one reload.
// Unchanged files are not parsed again (ParseCache in load.ts), so a reload after one file changed
// costs that file plus the engine build. The build reuses the analysis of the field texts unchanged
// since the generation in service (a CarryOverMemo, field-terms-memo.ts) and runs in steps that yield
// to the event loop (warmFieldTerms, createEngineInSteps): questions meanwhile are answered on the old
// generation, and the new one comes into service in one assignment.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../core/ports.ts';
import { errorFields } from '../core/logger.ts';
import { createEngine, createEngineInSteps } from '../engine/engine.ts';
import { createCarryOverMemo, warmFieldTerms, type FieldTermsMemo } from '../engine/field-terms-memo.ts';
import { LexiconError, loadLexicon } from '../engine/interpret/index.ts';
import type { Engine } from '../engine/types.ts';
import { checkKnowledge, formatProblem } from './check.ts';
import { diffBases, isEmptyDiff, type BaseDiff } from './diff.ts';
import { createParseCache, KnowledgeError, loadPracticeBase } from './load.ts';
import type { PracticeBase } from './schema.ts';

/** One loaded state of the knowledge folder. Never changed once built. */
export interface KnowledgeGeneration {
  base: PracticeBase;
  engine: Engine;
  loadedAt: Date;
  /** content hash of the files it was loaded from */
  fingerprint: string;
}

export type ReloadTrigger = 'watch' | 'command';

interface OutcomeBase {
  trigger: ReloadTrigger;
  at: Date;
  /** wall-clock milliseconds: reading and checking the files, building the engine, in all */
  ms: { load: number; build: number; total: number };
}
export type ReloadOutcome =
  | (OutcomeBase & { status: 'reloaded'; diff: BaseDiff; entries: number })
  /** the files are as last loaded (or as last refused: then the outcome is that refusal again) */
  | (OutcomeBase & { status: 'unchanged'; entries: number })
  | (OutcomeBase & { status: 'failed'; problems: string[]; entries: number });
export type FailedReload = Extract<ReloadOutcome, { status: 'failed' }>;

/** Builds the engine of a loaded base. `dir` is the knowledge folder, for what else the engine reads
 *  there (the lexicon, which a reload has already checked when its files changed). Pass `fieldTerms` on
 *  to createEngine (EngineOptions.fieldTerms): it holds the analysis of the generation in service, and
 *  a reload fills it in steps before building, so the build itself is short. */
export type EngineBuilder = (base: PracticeBase, dir: string, reuse?: { fieldTerms: FieldTermsMemo }) => Engine;
/** An EngineBuilder that builds in parts, awaiting `pause()` between them (createEngineInSteps): a reload
 *  uses it when given, so answers are not held up by the build. */
export type SteppedEngineBuilder = (
  base: PracticeBase,
  dir: string,
  reuse: { fieldTerms: FieldTermsMemo; pause: () => Promise<void> },
) => Promise<Engine>;

export interface LiveKnowledge {
  /** Stable Engine that answers from the current generation. */
  readonly engine: Engine;
  readonly dir: string;
  current(): KnowledgeGeneration;
  /** Reload now. Reloads never overlap: a call during one waits for it and then runs once more. */
  reload(trigger: ReloadTrigger): Promise<ReloadOutcome>;
  /** The refusal in force: the files as they are now failed the check (cleared by a good reload). */
  failure(): FailedReload | undefined;
  /** Called after every reload (listeners must not throw; errors are logged). */
  onReload(listener: (outcome: ReloadOutcome) => void): void;
  /** Start watching the folder (idempotent). */
  watch(): void;
  /** Stop watching; a reload under way finishes. */
  close(): void;
}

export interface LiveKnowledgeOptions {
  dir: string;
  log: Logger;
  clock: Clock;
  build?: EngineBuilder;
  /** How a reload builds (default: createEngineInSteps when `build` is not given, else `build`). */
  buildInSteps?: SteppedEngineBuilder;
  /** Quiet time after the last change before reloading (default 1000 ms). */
  debounceMs?: number;
  /** Entries whose field texts a reload analyses between two turns of the event loop (default 200). */
  stepEntries?: number;
  /** Called for each field text analysed (not taken from the last generation): a test hook. */
  onAnalyse?: (text: string) => void;
  /** Loads the first generation's base (e.g. from its snapshot, src/cache/practice-base.ts); default
   *  loadPracticeBase. Reloads always parse the folder (with the parse cache). */
  loadFirst?: (dir: string) => PracticeBase;
}

/** The one place that turns "the current engine" into an Engine: every member reads the current
 *  generation when called. Add a member here when the Engine interface grows. */
export function createLiveEngine(current: () => Engine): Engine {
  return {
    get base() {
      return current().base;
    },
    search: (query, opts) => current().search(query, opts),
    themesFor: (topic) => current().themesFor(topic),
    closestCommand: (name, commands) => current().closestCommand(name, commands),
    entry: (id) => current().entry(id),
    remediesOf: (entry) => current().remediesOf(entry),
    sourcesOf: (entry) => current().sourcesOf(entry),
  };
}

const defaultBuild: EngineBuilder = (base, _dir, reuse) => createEngine(base, reuse ? { fieldTerms: reuse.fieldTerms } : {});
const defaultBuildInSteps: SteppedEngineBuilder = (base, _dir, reuse) => createEngineInSteps(base, { fieldTerms: reuse.fieldTerms }, reuse.pause);

const TOP_FILES = /^(themes|synonyms|meetings|documents)\.ya?ml$/;
const YAML = /\.ya?ml$/;

/** The files a load reads, sorted: the top-level lists, entries/*.yaml and lexicon/*.yaml. */
function knowledgeFiles(root: string): { base: string[]; lexicon: string[] } {
  const list = (dir: string, keep: (f: string) => boolean) => {
    try {
      return fs
        .readdirSync(dir)
        .filter(keep)
        .sort()
        .map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  };
  return {
    base: [...list(root, (f) => TOP_FILES.test(f)), ...list(path.join(root, 'entries'), (f) => YAML.test(f))],
    lexicon: list(path.join(root, 'lexicon'), (f) => YAML.test(f)),
  };
}

function hashFiles(root: string, files: string[]): string {
  const h = createHash('sha1');
  for (const f of files) {
    h.update(path.relative(root, f)).update('\0');
    try {
      h.update(fs.readFileSync(f));
    } catch (err) {
      h.update(`unreadable:${(err as NodeJS.ErrnoException).code ?? ''}`);
    }
    h.update('\0');
  }
  return h.digest('hex');
}

/** Is a watch event about something a load reads? (drafts/, README.md, editors' swap files: no) */
export function isKnowledgeChange(filename: string | null): boolean {
  if (filename === null) return true;
  const parts = filename.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? '';
  if (parts[0] === 'drafts' || name.startsWith('.') || name.endsWith('~')) return false;
  if (parts.length === 1 && (name === 'entries' || name === 'lexicon')) return true; // the folder itself came or went
  if (!YAML.test(name)) return false;
  return parts.length === 1 ? TOP_FILES.test(name) : parts.length === 2 && (parts[0] === 'entries' || parts[0] === 'lexicon');
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createLiveKnowledge(opts: LiveKnowledgeOptions): LiveKnowledge {
  const root = path.resolve(opts.dir);
  const log = opts.log.child({ module: 'knowledge' });
  const build = opts.build ?? defaultBuild;
  const buildInSteps = opts.buildInSteps ?? (opts.build ? undefined : defaultBuildInSteps);
  const debounceMs = opts.debounceMs ?? 1000;
  const stepEntries = opts.stepEntries ?? 200;
  const memo = createCarryOverMemo(opts.onAnalyse);
  const cache = createParseCache();
  const shownRoot = path.basename(root);

  const fingerprints = () => {
    const files = knowledgeFiles(root);
    return { base: hashFiles(root, files.base), lexicon: hashFiles(root, files.lexicon) };
  };

  // ---- the first generation: loaded synchronously; a broken base stops the start, as before. The
  // lexicon is checked on a reload that changes it (at start, whatever uses it loads it). ----
  const first = fingerprints();
  let lexiconPrint = first.lexicon;
  let current: KnowledgeGeneration = (() => {
    const base = opts.loadFirst ? opts.loadFirst(root) : loadPracticeBase(root, { cache });
    const engine = build(base, root, { fieldTerms: memo.begin(base) });
    memo.commit();
    return { base, engine, loadedAt: opts.clock.now(), fingerprint: `${first.base}:${first.lexicon}` };
  })();
  let refused: { fingerprint: string; outcome: FailedReload } | undefined;
  const listeners: ((o: ReloadOutcome) => void)[] = [];

  /** The problems of a folder that does not load, as `practice-bot check` words them (errors only). */
  function problemsOf(err: unknown): string[] {
    if (err instanceof KnowledgeError) {
      const r = checkKnowledge(root, { warnings: false, cache });
      const lines = r.problems.filter((p) => p.severity === 'error').map(formatProblem);
      return lines.length > 0 ? lines : err.problems;
    }
    if (err instanceof LexiconError) return err.problems;
    return [`${shownRoot}: could not be loaded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`];
  }

  async function reloadOnce(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    const t0 = performance.now();
    const at = opts.clock.now();
    const prints = fingerprints();
    const fingerprint = `${prints.base}:${prints.lexicon}`;
    const entries = current.base.entries.length;
    const ms = (load: number, build = 0) => ({ load: Math.round(load), build: Math.round(build), total: Math.round(performance.now() - t0) });
    if (fingerprint === current.fingerprint) {
      refused = undefined;
      return { status: 'unchanged', trigger, at, entries, ms: ms(performance.now() - t0) };
    }
    if (refused?.fingerprint === fingerprint) return { ...refused.outcome, trigger, at, ms: ms(performance.now() - t0) };

    // ---- load and check (off the critical path of answers: questions queued meanwhile run first) ----
    await nextTurn();
    const tLoad = performance.now();
    let base: PracticeBase;
    const problems: string[] = [];
    try {
      // (a folder the loader accepts has no check errors either: draft items fail the loader too)
      base = loadPracticeBase(root, { cache });
    } catch (err) {
      problems.push(...problemsOf(err));
      base = current.base;
    }
    if (prints.lexicon !== lexiconPrint) {
      try {
        loadLexicon(root);
      } catch (err) {
        problems.push(...problemsOf(err));
      }
    }
    const loadMs = performance.now() - tLoad;
    if (problems.length > 0) {
      const outcome: FailedReload = { status: 'failed', trigger, at, problems, entries, ms: ms(loadMs) };
      refused = { fingerprint, outcome };
      log.warn(
        { problems: problems.slice(0, 50), count: problems.length, ms: outcome.ms, trigger },
        'practice base change not loaded: the previous base stays in service',
      );
      return outcome;
    }

    // ---- build the engine, then swap: the field texts are analysed first, in steps (answers from the
    // old generation run between them; texts unchanged since it are taken from the memo), then the
    // index is built on one turn with every text at hand ----
    await nextTurn();
    const tBuild = performance.now();
    const fieldTerms = memo.begin(base);
    if (memo.used) await warmFieldTerms(base, fieldTerms, stepEntries, nextTurn);
    const engine = buildInSteps ? await buildInSteps(base, root, { fieldTerms, pause: nextTurn }) : build(base, root, { fieldTerms });
    memo.commit();
    const buildMs = performance.now() - tBuild;
    const diff = diffBases(current.base, base);
    current = { base, engine, loadedAt: at, fingerprint };
    lexiconPrint = prints.lexicon;
    refused = undefined;
    const outcome: ReloadOutcome = { status: 'reloaded', trigger, at, diff, entries: base.entries.length, ms: ms(loadMs, buildMs) };
    log.info(
      {
        entries: base.entries.length,
        added: diff.added.length,
        changed: diff.changed.length,
        removed: diff.removed.length,
        lists: diff.lists,
        unchanged: isEmptyDiff(diff),
        ms: outcome.ms,
        trigger,
      },
      'practice base reloaded',
    );
    return outcome;
  }

  // ---- one reload at a time; a request during one gets the next (requests meanwhile share it) ----
  let running: Promise<void> | undefined;
  let queued: Promise<ReloadOutcome> | undefined;
  function reload(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    if (running) {
      queued ??= running.then(() => {
        queued = undefined;
        return reload(trigger);
      });
      return queued;
    }
    const p = reloadOnce(trigger).then((o) => {
      for (const l of listeners) {
        try {
          l(o);
        } catch (err) {
          log.error({ err: errorFields(err) }, 'reload listener failed');
        }
      }
      return o;
    });
    running = p.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      running = undefined;
    });
    return p;
  }

  // ---- watching ----
  let watcher: fs.FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fire = () => {
    timer = undefined;
    reload('watch').then(
      () => undefined,
      (err: unknown) => log.error({ err: errorFields(err) }, 'practice base reload failed'),
    );
  };
  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
    timer.unref();
  };
  function watch(): void {
    if (watcher || closed) return;
    try {
      watcher = fs.watch(root, { recursive: true, persistent: false }, (_event, filename) => {
        if (isKnowledgeChange(filename === null ? null : String(filename))) schedule();
      });
    } catch (err) {
      log.warn({ err: errorFields(err), dir: root }, 'cannot watch the knowledge folder: use /reload after changes');
      return;
    }
    watcher.on('error', (err) => {
      log.warn({ err: errorFields(err), dir: root }, 'watching the knowledge folder failed; trying again in 10 s');
      watcher?.close();
      watcher = undefined;
      if (!closed) setTimeout(watch, 10_000).unref();
    });
  }

  return {
    engine: createLiveEngine(() => current.engine),
    dir: root,
    current: () => current,
    reload,
    failure: () => refused?.outcome,
    onReload: (l) => {
      listeners.push(l);
    },
    watch,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      watcher?.close();
      watcher = undefined;
    },
  };
}
