// The console adapter: a chat in the terminal. Takes its streams as parameters so it is testable
// and works the same on a TTY or a pipe: one line in, the answer out; ends at end of input.
// Console-only lines: `/as <user id>` switches the acting user, `/press <action>` presses a button.
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AdapterHandle } from '../../src/core/adapter.ts';
import { TYPED_USER_ID } from '../../src/core/platforms.ts';
import type { Core, Outbound, SentRef } from '../../src/core/ports.ts';
import type { Reply } from '../../src/core/reply.ts';
import { renderPlain, renderPollPlain } from './render-plain.ts';

export interface ConsoleOptions {
  core: Core;
  input: Readable;
  output: Writable;
  /** Acting user, e.g. `console:me` or `telegram:42` (to act as a configured secretariat member). */
  userId?: string;
  chatId?: string;
  /** Show a prompt (only for a TTY). */
  prompt?: boolean;
}


export function createConsoleAdapter(opts: ConsoleOptions): AdapterHandle & { run(): Promise<void> } {
  const { core, input, output } = opts;
  const chatId = opts.chatId ?? 'console:local';
  let userId = opts.userId ?? 'console:me';
  let seq = 0;
  const write = (s: string) => {
    output.write(s.endsWith('\n') ? s : `${s}\n`);
  };

  const outbound: Outbound = {
    platform: 'console',
    capabilities: { polls: 'none', documents: true, editMessages: false },
    async send(to, reply): Promise<SentRef> {
      write(`[to ${to}]\n${renderPlain(reply)}\n`);
      return { chatId: to, messageId: String(++seq) };
    },
    async sendDocument(to, doc) {
      write(`[to ${to}] ${doc.filename}\n${doc.content}`);
      return { chatId: to, messageId: String(++seq) };
    },
    async sendPoll(to, poll) {
      write(`[to ${to}]\n${renderPollPlain(poll)}\n`);
      return { chatId: to, messageId: String(++seq) };
    },
    async closePoll(ref, poll) {
      write(`[to ${ref.chatId}]\n${renderPollPlain(poll)}\n`);
    },
  };

  const show = (replies: Reply[]) => {
    for (const r of replies) write(`${renderPlain(r)}\n`);
  };

  async function line(raw: string): Promise<void> {
    const text = raw.replace(/\r$/, '');
    if (text.trim() === '') return;
    const as = /^\/as(?:\s+(.*))?$/i.exec(text.trim());
    if (as) {
      if (!as[1] || !TYPED_USER_ID.test(as[1])) {
        write('Usage: /as <user id>, e.g. /as telegram:42\n');
      } else {
        userId = as[1];
        write(`(now acting as ${userId})\n`);
      }
      return;
    }
    const chat = { id: chatId, type: 'private' as const, title: 'console' };
    const user = { id: userId };
    const press = /^\/press\s+(\S.*)$/.exec(text.trim());
    if (press) {
      show(await core.handleAction({ platform: 'console', chat, user, action: press[1]! }));
      return;
    }
    show(await core.handleMessage({ platform: 'console', chat, user, text, addressed: true }));
  }

  async function run(): Promise<void> {
    const rl = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
    if (opts.prompt) write('practice-bot console: type /help, a question, or Ctrl-D to quit.\n');
    for await (const l of rl) {
      await line(l);
    }
  }

  return {
    name: 'console',
    outbound,
    start: async () => {},
    stop: async () => {},
    run,
  };
}
