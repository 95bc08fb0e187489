// Shared test helpers for the community features (parts A and B): temp databases, a fake clock,
// a recording outbound port, a capturing logger, a tiny engine, and a bot built on the real core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { afterEach } from 'vitest';
import type { Config } from '../../src/config.ts';
import { createDispatcher, createFeatures, type CommunityModule } from '../../src/app.ts';
import { createOutboundRouter, type OutboundRouter } from '../../src/core/outbound.ts';
import type { Capabilities, Clock, Core, Incoming, Outbound, Platform, SendOptions, SentRef } from '../../src/core/ports.ts';
import { pollToPlain, replyToPlain, type DocumentAttachment, type PollView, type Reply } from '../../src/core/reply.ts';
import type { Engine } from '../../src/engine/types.ts';
import type { Meeting, PracticeBase } from '../../src/knowledge/schema.ts';
import { openStore, type Store } from '../../src/store/store.ts';

// ------------------------------------------------------------------------------------------------
// Temp folders and databases

const made: string[] = [];
let tmpRoot: string | undefined;

/** Where test folders go: TEST_TMPDIR if set, else a RAM file system (/dev/shm on Linux) when there
 *  is a writable one, else the system temp folder. The store opens SQLite with synchronous=FULL, so
 *  on a disk every commit waits for a sync: under load a thousand /subscribe took 10 s there and
 *  0.4 s in RAM. The files are real SQLite files all the same (WAL, locks, two connections). */
export function testTmpRoot(): string {
  if (tmpRoot !== undefined) return tmpRoot;
  const candidates = [process.env.TEST_TMPDIR, process.platform === 'linux' ? '/dev/shm' : undefined];
  for (const dir of candidates) {
    if (!dir) continue;
    try {
      fs.accessSync(dir, fs.constants.W_OK);
      return (tmpRoot = dir);
    } catch {
      // not there or not writable: the next candidate
    }
  }
  return (tmpRoot = os.tmpdir());
}

let swept = false;
/** Folders in RAM that a file forgot to remove (vitest ends its workers without an exit event) are
 *  swept by a later run: `pb-` folders there untouched for three hours. */
const STALE_MS = 3 * 3_600_000;
function sweepStale(root: string): void {
  if (swept || root === os.tmpdir()) return;
  swept = true;
  for (const name of fs.readdirSync(root)) {
    if (!name.startsWith('pb-')) continue;
    const d = path.join(root, name);
    try {
      if (Date.now() - fs.statSync(d).mtimeMs > STALE_MS) fs.rmSync(d, { recursive: true, force: true });
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
}

/** Sets the bot's clock and runs whatever is due then (one wake of the scheduler). */
export async function runDueAt(b: TestBot, iso: string): Promise<void> {
  b.clock.set(iso);
  await b.community.runDue();
}

/** Call at a test file's top level: returns `stopped(bot)`, which gives the bot back and stops it after
 *  the test it was made in (unless the test stopped it, or closed its database to play a crash). */
export function stopAfterEachTest(): (bot: TestBot) => TestBot {
  const bots: TestBot[] = [];
  afterEach(async () => {
    for (const b of bots.splice(0)) if (b.community.store.db.open) await b.stop();
  });
  return (bot) => {
    bots.push(bot);
    return bot;
  };
}

/** A fresh temp folder (`pb-...`) under testTmpRoot(), removed by removeTempDirs() (call it from
 *  afterAll). */
export function tempDir(prefix = 'pb-'): string {
  sweepStale(testTmpRoot());
  const d = fs.mkdtempSync(path.join(testTmpRoot(), prefix));
  made.push(d);
  return d;
}

/** A path for a database file in a fresh temp folder (the file does not exist yet). */
export function tempDbPath(name = 'practice-bot.db'): string {
  return path.join(tempDir(), name);
}

/** Opens a real store on a fresh temp file. */
export function tempStore(log?: Logger): Store {
  return openStore(tempDbPath(), { log });
}

/** Removes the temp folders made so far (call from afterAll if you like). */
export function removeTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

// ------------------------------------------------------------------------------------------------
// Fake clock

export interface FakeClock extends Clock {
  /** Sets the time without firing timers. */
  set(t: Date | string): void;
  /** Moves time forward, firing due timers in order (awaiting the promises they start). */
  advance(ms: number): Promise<void>;
  /** Moves time to t (forward only), firing due timers in order. */
  advanceTo(t: Date | string): Promise<void>;
  /** Timers not yet fired or cancelled. */
  pendingTimers(): { at: Date }[];
}

/** Lets queued promise callbacks and I/O callbacks run. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

export function createFakeClock(start: Date | string = '2026-01-05T08:00:00Z'): FakeClock {
  let now = new Date(start).getTime();
  let seq = 0;
  const timers: { id: number; at: number; fn: () => void }[] = [];
  const fire = async (until: number) => {
    for (;;) {
      timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const t = timers[0];
      if (!t || t.at > until) break;
      timers.shift();
      now = Math.max(now, t.at);
      t.fn();
      await flush();
    }
    now = Math.max(now, until);
    await flush();
  };
  return {
    now: () => new Date(now),
    setTimeout(fn, ms) {
      const t = { id: seq++, at: now + Math.max(0, ms), fn };
      timers.push(t);
      return {
        cancel: () => {
          const i = timers.indexOf(t);
          if (i >= 0) timers.splice(i, 1);
        },
      };
    },
    set(t) {
      now = new Date(t).getTime();
    },
    advance: (ms) => fire(now + ms),
    advanceTo: (t) => fire(new Date(t).getTime()),
    pendingTimers: () => timers.map((t) => ({ at: new Date(t.at) })),
  };
}

// ------------------------------------------------------------------------------------------------
// Recording outbound port

export interface SentMessage {
  kind: 'send' | 'document' | 'poll' | 'updatePoll' | 'closePoll';
  chatId: string;
  reply?: Reply;
  doc?: DocumentAttachment;
  poll?: PollView;
  opts?: SendOptions;
  /** Plain-text rendering of what was sent. */
  text: string;
  at: Date;
}

/** What a send does: return nothing to succeed, throw (e.g. a DeliveryError) to fail, return
 *  'hang' to never settle (simulates the process dying mid-send), or return a promise to delay
 *  the send until it settles (rejecting fails the send). */
export type Behaviour = (chatId: string, what: SentMessage) => void | 'hang' | Promise<void>;

export interface RecordingOutbound extends Outbound {
  sent: SentMessage[];
  /** Every attempt, including failed ones. */
  attempts: SentMessage[];
  behave: Behaviour | undefined;
  to(chatId: string): SentMessage[];
  /** Totals closePoll returns (native anonymous polls); default undefined. */
  closeTotals?: number[];
}

export function createRecordingOutbound(opts: { platform?: Platform; capabilities?: Partial<Capabilities>; clock?: Clock; behave?: Behaviour } = {}): RecordingOutbound {
  const platform = opts.platform ?? 'console';
  let n = 0;
  const self: RecordingOutbound = {
    platform,
    capabilities: { polls: 'none', documents: true, editMessages: false, ...opts.capabilities },
    sent: [],
    attempts: [],
    behave: opts.behave,
    to: (chatId) => self.sent.filter((s) => s.chatId === chatId),
    async send(chatId, reply, o) {
      return record({ kind: 'send', chatId, reply, opts: o, text: replyText(reply), at: now() });
    },
    async sendDocument(chatId, doc, o) {
      return record({ kind: 'document', chatId, doc, opts: o, text: doc.caption ?? doc.filename, at: now() });
    },
    async sendPoll(chatId, poll, o) {
      const ref = await record({ kind: 'poll', chatId, poll, opts: o, text: pollText(poll), at: now() });
      return platform === 'telegram' ? { ...ref, platformPollId: `tgpoll-${ref.messageId}` } : ref;
    },
    async updatePoll(ref, poll) {
      await record({ kind: 'updatePoll', chatId: ref.chatId, poll, text: pollText(poll), at: now() });
    },
    async closePoll(ref, poll) {
      await record({ kind: 'closePoll', chatId: ref.chatId, poll, text: pollText(poll), at: now() });
      return self.closeTotals ? { totals: self.closeTotals } : undefined;
    },
  };
  function now() {
    return opts.clock?.now() ?? new Date();
  }
  async function record(m: SentMessage): Promise<SentRef> {
    self.attempts.push(m);
    const b = self.behave?.(m.chatId, m);
    if (b === 'hang') return new Promise<SentRef>(() => {});
    if (b) await b;
    self.sent.push(m);
    return { chatId: m.chatId, messageId: String(++n) };
  }
  return self;
}

// ------------------------------------------------------------------------------------------------
// Rendering replies as plain text (for assertions)

/** The core's one plain-text rendering (src/core/reply.ts); several replies separated by `---`. */
export function replyText(r: Reply | Reply[] | undefined): string {
  if (!r) return '';
  if (Array.isArray(r)) return r.map((x) => replyToPlain(x)).join('\n---\n');
  return replyToPlain(r);
}

const pollText = (p: PollView): string => pollToPlain(p);

// ------------------------------------------------------------------------------------------------
// Logger that keeps its lines

export interface TestLogger {
  log: Logger;
  lines: () => Record<string, unknown>[];
  messages: () => string[];
}

export function createTestLogger(level = 'debug'): TestLogger {
  const out: Record<string, unknown>[] = [];
  const log = pino({ level }, { write: (s: string) => void out.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines: () => out, messages: () => out.map((l) => String(l.msg ?? '')) };
}

// ------------------------------------------------------------------------------------------------
// A tiny engine (until/unless the real one is wanted) and config

export const COLEP3: Meeting = {
  id: 'colep-3',
  title: '3rd COLEP meeting',
  series: 'COLEP',
  date: { start: '2023-05-04', precision: 'day' },
  status: 'held',
  place: { virtual: true, note: 'online' },
  hosts: ['Bulgaria', 'Iraq'],
  topic: 'Law Enforcement in the Digital Sphere',
  documents: ['000_fd187bde8d8e5a71.txt', '001_f556e3455b226015.txt'],
};

export const COLEP4: Meeting = {
  id: 'colep-4',
  title: '4th COLEP meeting',
  series: 'COLEP',
  date: { start: '2023-09', end: '2023-10', precision: 'month', label: 'September or October 2023' },
  status: 'announced',
  place: { virtual: false, city: 'Sofia', country: 'Bulgaria' },
  hosts: [],
  documents: [],
};

export function fakeEngine(meetings: Meeting[] = [COLEP3, COLEP4], extra: Partial<PracticeBase> = {}): Engine {
  const base: PracticeBase = { themes: [], synonyms: [], meetings, documents: [], entries: [], aliases: new Map(), ...extra };
  return {
    base,
    search: (query) => ({ query, hits: [], total: 0, suggestions: [], intent: 'general', language: 'en', understood: [], smallTalk: false, remedies: [] }),
    themesFor: () => [],
    entry: () => undefined,
    remediesOf: () => [],
    sourcesOf: (e) => [e.source],
    closestCommand: () => undefined,
  };
}

export const SECRETARIAT = 'telegram:1001';
export const CO_CHAIR = 'telegram:2002';
export const OFFICER = 'telegram:3003';
export const GROUP = 'telegram:-100500';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    databasePath: overrides.databasePath ?? tempDbPath(),
    allowedChats: [GROUP],
    secretariat: [SECRETARIAT],
    coChairs: [CO_CHAIR],
    reminderOffsetsMs: [7 * 86_400_000, 86_400_000, 3_600_000],
    port: 0,
    logLevel: 'silent',
    community: 'colep',
    gapsRetentionDays: 180,
    ...overrides,
  };
}

// ------------------------------------------------------------------------------------------------
// A whole bot: real store, real community, real core, fake clock, recording outbound(s)

export interface TestBot {
  core: Core;
  community: CommunityModule;
  clock: FakeClock;
  config: Config;
  engine: Engine;
  router: OutboundRouter;
  /** The telegram outbound (default chats are telegram:...). */
  outbound: RecordingOutbound;
  logger: TestLogger;
  /** Sends a message as `user` (default the secretariat) in `chat` (default GROUP, a group). */
  say(text: string, opts?: { user?: string; chat?: string; chatType?: Incoming['chat']['type']; threadId?: string }): Promise<Reply[]>;
  /** Same, rendered as plain text. */
  sayText(text: string, opts?: { user?: string; chat?: string; chatType?: Incoming['chat']['type']; threadId?: string }): Promise<string>;
  stop(): Promise<void>;
}

export function createTestBot(
  opts: { config?: Partial<Config>; clock?: FakeClock; engine?: Engine; outbound?: RecordingOutbound; logger?: TestLogger; seedsDir?: string; start?: boolean; busyMaxWaitMs?: number } = {},
): TestBot {
  const clock = opts.clock ?? createFakeClock();
  const config = testConfig(opts.config);
  const engine = opts.engine ?? fakeEngine();
  const logger = opts.logger ?? createTestLogger();
  const router = createOutboundRouter();
  const outbound = opts.outbound ?? createRecordingOutbound({ platform: 'telegram', clock });
  router.register(outbound);
  const community = createFeatures({ config, clock, engine, outbound: router, log: logger.log, seedsDir: opts.seedsDir });
  const core = createDispatcher({ config, clock, engine, router, log: logger.log, community, ...(opts.busyMaxWaitMs ? { busyMaxWaitMs: opts.busyMaxWaitMs } : {}) });
  if (opts.start !== false) community.start();
  const say: TestBot['say'] = (text, o = {}) => {
    const chat = o.chat ?? GROUP;
    const platform = (chat.slice(0, chat.indexOf(':')) || 'console') as Platform;
    return core.handleMessage({
      platform,
      chat: { id: chat, type: o.chatType ?? (chat === GROUP || chat.includes(':-') || chat.startsWith('slack:C') ? 'group' : 'private') },
      user: { id: o.user ?? SECRETARIAT },
      text,
      addressed: true,
      ...(o.threadId ? { threadId: o.threadId } : {}),
    });
  };
  let stopped: Promise<void> | undefined;
  return {
    core,
    community,
    clock,
    config,
    engine,
    router,
    outbound,
    logger,
    say,
    sayText: async (t, o) => replyText(await say(t, o)),
    stop: () => (stopped ??= community.stop()),
  };
}
