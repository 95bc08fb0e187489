// Platform parity in one place: one table of chat scenarios, run through the console adapter,
// Telegram (real grammY over the fake Bot API on 127.0.0.1) and Slack (real Bolt over the fake
// Slack API), asserting the same meaning in each platform's rendering. One app (and bot) per
// platform for the whole table; the rows run in order and build on each other (a meeting, then
// suggestions for it, then a poll of them).
import { Readable, Writable } from 'node:stream';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../adapters/console/console.ts';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createTestLogger, tempDir } from './helpers/community.ts';
import { blocksText, buttonsOf, type FakeMessage } from './helpers/fake-slack.ts';
import { privateChat, supergroup, type ApiCall } from './helpers/fake-telegram.ts';
import { CHANNEL, CO_CHAIR, OFFICER as SLACK_OFFICER, OTHER_CHANNEL, SECRETARIAT, startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';
import { CHAIR, G1, OFFICER as TG_OFFICER, SEC, startHarness, visible, type Harness } from './helpers/telegram-harness.ts';

type Who = 'officer' | 'sec' | 'chair';
/** An allowed group chat, a chat that is not allowed, or a private chat with the bot. */
type Where = 'group' | 'other' | 'dm';

/** What the asker saw, as plain text, and the labels of the buttons offered. */
interface Shown {
  text: string;
  buttons: string[];
}

interface Driver {
  /** Says `text` (a command or a free question) and returns what the bot showed in response. */
  say(text: string, who: Who, where: Where): Promise<Shown>;
  /** Votes, as `who`, for the option of the poll last opened that has this text. */
  vote(option: string, who: Who): Promise<void>;
  stop(): Promise<void>;
}

interface Step {
  say?: string;
  vote?: string;
  who?: Who;
  where?: Where;
  /** Each must be found in the text shown on every platform. */
  shows?: Pattern[];
  /** Must not be found. */
  hides?: Pattern[];
  /** A button whose label matches each. */
  buttons?: RegExp[];
}

interface Scenario {
  name: string;
  steps: Step[];
}

const MEETING = '/meeting add 2030-12-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria';
const TAKEDOWN = 'Platform takedown procedures for smuggler ads';
const TRAINING = 'Training prosecutors on electronic evidence';
const CITATION = /COLEP meeting, \d{1,2} [A-Z][a-z]+ \d{4}/;
/** A pattern, or one per platform (a command is spelt `/x` in the console and Telegram, `/practice x` on Slack). */
type Pattern = RegExp | ((platform: string) => RegExp);
/** `/x` as this platform spells it, followed by `rest`. */
const slashed =
  (name: string, rest = ''): Pattern =>
  (platform) =>
    new RegExp(`${platform === 'slack' ? '/practice ' : '(?<!practice )/'}${name}${rest}`);

const SCENARIOS: Scenario[] = [
  { name: '/start welcomes', steps: [{ say: '/start', where: 'dm', shows: [/Welcome to practice-bot/] }] },
  {
    name: '/help lists the commands',
    steps: [
      { say: '/help', shows: [/practice-bot commands/, slashed('challenges'), slashed('vote'), slashed('help all')] },
      { say: '/help all', shows: [/practice-bot commands/, slashed('challenges'), slashed('meeting add'), slashed('vote')] },
    ],
  },
  {
    name: '/ask answers from the practice base with a citation',
    steps: [{ say: '/ask how do others handle encrypted data?', shows: [/encrypt/i, CITATION], buttons: [/Helpful/, /Not helpful/] }],
  },
  {
    name: 'a free question in a private chat is answered with a citation',
    steps: [{ say: 'How do others handle encrypted data?', where: 'dm', shows: [/encrypt/i, CITATION], buttons: [/Helpful/] }],
  },
  {
    name: 'an unknown command gets a suggestion, in words and as a button',
    steps: [
      {
        say: '/challanges encryption',
        shows: [/I don't know the command \/challanges\./, slashed('challenges', ' encryption\\?'), slashed('help', ' for the list of commands')],
        buttons: [/^\/challenges encryption$/],
      },
    ],
  },
  {
    name: 'a community command in a chat that is not allowed is refused with the chat id, and nothing is saved',
    steps: [
      {
        say: '/suggest Cross-border evidence sharing',
        where: 'other',
        shows: [/only available in chats the secretariat has approved/, /give the secretariat its id: (?:console|telegram|slack):\S+/],
      },
      { say: '/agenda', hides: [/Cross-border evidence sharing/] },
    ],
  },
  {
    name: 'an officer may not add a meeting; the secretariat adds one and /meetings lists it',
    steps: [
      { say: MEETING, shows: [/only the secretariat can use/i] },
      { say: MEETING, who: 'sec', shows: [/9th COLEP meeting/] },
      { say: '/meetings', shows: [/9th COLEP meeting/, /10 Dec 2030/] },
    ],
  },
  {
    name: '/suggest saves a suggestion for the next meeting and /agenda lists it',
    steps: [
      { say: `/suggest ${TAKEDOWN}`, shows: [/saved for 9th COLEP meeting/] },
      { say: `/suggest ${TRAINING}`, who: 'chair', shows: [/saved for 9th COLEP meeting/] },
      { say: '/agenda', shows: [/9th COLEP meeting/, new RegExp(TAKEDOWN), new RegExp(TRAINING)] },
    ],
  },
  {
    name: 'a named poll of the suggestions, a vote, and the results',
    steps: [
      { say: '/poll named', shows: [/only the secretariat or a co-chair/i] },
      { say: '/poll named', who: 'chair', shows: [/Agenda for 9th COLEP meeting/, new RegExp(TAKEDOWN), new RegExp(TRAINING)] },
      { vote: TRAINING },
      { say: '/poll close', who: 'chair', shows: [/Results of poll/, new RegExp(`${TRAINING}: 1 vote`), new RegExp(`${TAKEDOWN}: 0 votes`)] },
    ],
  },
];

// ------------------------------------------------------------------------------------------------
// Console: the real console adapter over the real app, one run per line.

async function consoleDriver(): Promise<Driver> {
  const dir = tempDir('pb-parity-');
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, 'bot.db'),
    ALLOWED_CHATS: 'console:local',
    SECRETARIAT: 'console:sec',
    CO_CHAIRS: 'console:chair',
  });
  const app = createApp(config, { log: createTestLogger('info').log });
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  app.router.register(createConsoleAdapter({ core: app.core, input: Readable.from([]), output: sink }).outbound);
  app.start();
  const users: Record<Who, string> = { officer: 'console:officer', sec: 'console:sec', chair: 'console:chair' };
  let lastPoll = '';
  async function say(text: string, who: Who, where: Where): Promise<Shown> {
    const out: string[] = [];
    const output = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out.push(chunk.toString('utf8'));
        cb();
      },
    });
    const chatId = where === 'other' ? 'console:elsewhere' : 'console:local';
    await createConsoleAdapter({ core: app.core, input: Readable.from([`${text}\n`]), output, userId: users[who], chatId }).run();
    const shown = out.join('');
    if (/To vote, send/.test(shown)) lastPoll = shown;
    return { text: shown, buttons: [...shown.matchAll(/\[([^\]]+)\] \(type: \/press /g)].map((m) => m[1]!) };
  }
  return {
    say,
    async vote(option, who) {
      const n = new RegExp(`^(\\d+)\\. ${option}$`, 'm').exec(lastPoll)?.[1];
      expect(n, 'the console poll lists the option').toBeDefined();
      await say(`/vote ${n}`, who, 'group');
    },
    stop: () => app.stop(),
  };
}

// ------------------------------------------------------------------------------------------------
// Telegram: real grammY over the fake Bot API (long polling).

function telegramShown(calls: ApiCall[]): Shown {
  const text: string[] = [];
  const buttons: string[] = [];
  for (const c of calls) {
    if (c.method === 'sendMessage' || c.method === 'editMessageText') {
      text.push(c.params.parse_mode === 'HTML' ? visible(String(c.params.text)) : String(c.params.text));
    }
    if (c.method === 'sendPoll') text.push(String(c.params.question), ...(c.params.options as { text: string }[]).map((o) => o.text));
    const markup = typeof c.params.reply_markup === 'string' ? (JSON.parse(c.params.reply_markup) as unknown) : c.params.reply_markup;
    for (const row of (markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? []) buttons.push(...row.map((b) => b.text));
  }
  return { text: text.join('\n'), buttons };
}

async function telegramDriver(): Promise<Driver> {
  const h: Harness = await startHarness({ mode: 'polling', keep: true });
  const users = { officer: TG_OFFICER, sec: SEC, chair: CHAIR };
  const elsewhere = supergroup(-1009999, 'Not approved');
  let lastPoll: ApiCall | undefined;
  return {
    async say(text, who, where) {
      const from = users[who];
      const chat = where === 'dm' ? privateChat(from) : where === 'other' ? elsewhere : G1;
      const calls = await h.say(chat, from, text);
      lastPoll = calls.find((c) => c.method === 'sendPoll') ?? lastPoll;
      return telegramShown(calls);
    },
    async vote(option, who) {
      expect(lastPoll, 'a native poll was sent').toBeDefined();
      const options = (lastPoll!.params.options as { text: string }[]).map((o) => o.text);
      const pollId = (lastPoll!.result as { poll: { id: string } }).poll.id;
      await h.deliver(h.fake.pollAnswer({ pollId, from: users[who], optionIds: [options.indexOf(option)] }));
    },
    stop: () => h.stop(),
  };
}

// ------------------------------------------------------------------------------------------------
// Slack: real Bolt over the fake Slack API; commands through /practice, refusals to the asker only.

/** Block Kit mrkdwn as a reader sees it. */
const slackPlain = (s: string) =>
  s
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<[^|>]+\|([^>]+)>/g, '$1')
    .replace(/[*`]/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

async function slackDriver(): Promise<Driver> {
  const h: SlackHarness = await startSlackHarness();
  const users: Record<Who, string> = { officer: SLACK_OFFICER, sec: SECRETARIAT, chair: CO_CHAIR };
  let lastPoll: FakeMessage | undefined;
  const shown = (messages: { blocks?: unknown }[]): Shown => {
    const blocks = messages.map((m) => (Array.isArray(m.blocks) ? (m.blocks as unknown[]) : []));
    return { text: blocks.map((b) => slackPlain(blocksText(b))).join('\n'), buttons: blocks.flatMap((b) => buttonsOf(b).map((x) => x.label)) };
  };
  return {
    async say(text, who, where) {
      const user = users[who];
      const channel = where === 'dm' ? `D${user}` : where === 'other' ? OTHER_CHANNEL : CHANNEL;
      const since = h.fake.messages.length;
      let responses: Record<string, unknown>[] = [];
      if (text.startsWith('/')) responses = h.fake.responsesTo((await h.command(text.slice(1), { user, channel })).responseUrl);
      else if (where === 'dm') await h.dm(text, { user });
      else await h.mention(`<@UBOT> ${text}`, { user, channel });
      const posted = h.fake.messages.slice(since).filter((m) => m.channel === channel);
      lastPoll = posted.find((m) => buttonsOf(m.blocks).some((b) => b.action_id.startsWith('pb-vote:'))) ?? lastPoll;
      return shown([...posted, ...responses]);
    },
    async vote(option, who) {
      expect(lastPoll, 'a poll with vote buttons was posted').toBeDefined();
      const row = (lastPoll!.blocks as { type: string; text?: { text: string }; accessory?: { action_id: string; value: string } }[]).find(
        (b) => b.type === 'section' && b.accessory && (b.text?.text ?? '').includes(option),
      );
      expect(row, 'the poll has a Vote button for the option').toBeDefined();
      await h.press({ user: users[who], actionId: row!.accessory!.action_id, value: row!.accessory!.value, messageTs: lastPoll!.ts });
    },
    stop: () => h.stop(),
  };
}

// ------------------------------------------------------------------------------------------------

const PLATFORMS: [string, () => Promise<Driver>][] = [
  ['console', consoleDriver],
  ['telegram', telegramDriver],
  ['slack', slackDriver],
];

describe.each(PLATFORMS)('platform parity: %s', (platform, start) => {
  let driver: Driver;
  beforeAll(async () => {
    driver = await start();
  });
  afterAll(async () => {
    await driver?.stop();
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    for (const step of scenario.steps) {
      const who = step.who ?? 'officer';
      if (step.vote) {
        await driver.vote(step.vote, who);
        continue;
      }
      const shown = await driver.say(step.say!, who, step.where ?? 'group');
      const where = `${platform}, ${who} says "${step.say}":\n${shown.text}`;
      const re = (p: Pattern) => (typeof p === 'function' ? p(platform) : p);
      for (const p of step.shows ?? []) expect(shown.text, where).toMatch(re(p));
      for (const p of step.hides ?? []) expect(shown.text, where).not.toMatch(re(p));
      for (const re of step.buttons ?? []) expect(shown.buttons, `${where}\nbuttons: ${shown.buttons.join(' | ')}`).toContainEqual(expect.stringMatching(re));
    }
  });
});
