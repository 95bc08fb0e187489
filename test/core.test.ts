// The core dispatcher through the real app (real engine, real SQLite file in a temp folder). The
// engine and the first base of the repository's knowledge are built once per worker (sharedApp):
// each test still gets its own app and database.
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Incoming } from '../src/core/ports.ts';
import { inlineToPlain, type Reply } from '../src/core/reply.ts';
import { SMALL_TALK_REPLY } from '../src/features/practice-base/index.ts';
import { removeTempDirs, tempDir } from './helpers/community.ts';
import { sharedApp } from './helpers/shared-engine.ts';

const apps: App[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.stop();
});

afterAll(removeTempDirs);

function makeApp(env: Record<string, string> = {}) {
  const dir = tempDir('pb-core-');
  const app = createApp(loadConfig({ DATABASE_PATH: path.join(dir, 'bot.db'), ...env }), { log: pino({ level: 'silent' }), ...sharedApp });
  apps.push(app);
  return app;
}

const msg = (text: string, over: Partial<Incoming> = {}): Incoming => ({
  platform: 'telegram',
  chat: { id: 'telegram:-100', type: 'group' },
  user: { id: 'telegram:7' },
  text,
  addressed: true,
  ...over,
});

/** Everything a reader would see, as plain text. */
function plain(replies: Reply[]): string {
  return replies
    .flatMap((r) =>
      r.blocks.map((b) => {
        switch (b.type) {
          case 'paragraph':
            return inlineToPlain(b.parts);
          case 'list':
            return b.items.map(inlineToPlain).join('\n');
          case 'entry':
            return `${b.title}\n${b.text}\n${b.citation.label}`;
          case 'divider':
            return '';
          default:
            return b.text;
        }
      }),
    )
    .join('\n');
}

describe('core dispatcher', () => {
  it('answers a question with entries that cite meeting, date and section', async () => {
    const app = makeApp();
    const replies = await app.core.handleMessage(msg('/ask how do others handle encrypted data?'));
    const entries = replies[0]!.blocks.filter((b) => b.type === 'entry');
    expect(entries.length).toBeGreaterThan(0);
    // a point recorded in two documents cites both: "<meeting>, <date>, Challenges; News item"
    expect(entries.some((e) => e.type === 'entry' && e.citation.label.startsWith('3rd COLEP meeting, 4 May 2023, Challenges'))).toBe(true);
  });

  it('ignores free text in a group unless the bot is addressed', async () => {
    const app = makeApp();
    expect(await app.core.handleMessage(msg('encrypted data', { addressed: false }))).toEqual([]);
    expect((await app.core.handleMessage(msg('encrypted data', { addressed: true }))).length).toBe(1);
  });

  it('pages through more results with a short button and keeps them distinct', async () => {
    const app = makeApp();
    const [first] = await app.core.handleMessage(msg('/ask social media platforms'));
    const more = first!.buttons?.flat().find((b) => b.label.startsWith('More'));
    expect(more).toBeDefined();
    expect(Buffer.byteLength(more!.action)).toBeLessThanOrEqual(64);
    const ids1 = first!.blocks.flatMap((b) => (b.type === 'entry' ? [b.id] : []));
    const [second] = await app.core.handleAction({ platform: 'telegram', chat: msg('').chat, user: msg('').user, action: more!.action });
    const ids2 = second!.blocks.flatMap((b) => (b.type === 'entry' ? [b.id] : []));
    expect(ids2.length).toBeGreaterThan(0);
    expect(ids2.filter((id) => ids1.includes(id))).toEqual([]);
  });

  it('gives an overview by theme with counts for /challenges and /practices without a topic', async () => {
    const app = makeApp();
    for (const cmd of ['/challenges', '/practices']) {
      const [r] = await app.core.handleMessage(msg(cmd));
      expect(r!.blocks.filter((b) => b.type === 'entry')).toEqual([]);
      expect(plain([r!])).toMatch(/\(\d+\)/);
      expect(r!.buttons?.flat().length).toBeGreaterThan(0);
    }
  });

  it('answers /practices training with good practices only', async () => {
    const app = makeApp();
    const [r] = await app.core.handleMessage(msg('/practices training'));
    const entries = r!.blocks.filter((b) => b.type === 'entry');
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(e.type === 'entry' && e.kind).toBe('good-practice');
  });

  it('handles hostile and odd input politely', async () => {
    const app = makeApp();
    for (const text of ['/ask ' + 'a'.repeat(5000), '/ask <b>x</b> *bold* _it_ `code`', '/ask 🚨🚨', '/ask ما هي الممارسات', '/ask Как дела', '/ask', '/challenges     ', '/nonsense', '/', '/ask !!!']) {
      const replies = await app.core.handleMessage(msg(text));
      expect(replies.length).toBeGreaterThan(0);
      expect(plain(replies)).not.toMatch(/went wrong/);
    }
    expect(plain(await app.core.handleMessage(msg('/ask ' + 'a'.repeat(5000))))).toMatch(/first 500 characters/);
    expect(plain(await app.core.handleMessage(msg('/ask')))).toMatch(/Add your question/);
    expect(plain(await app.core.handleMessage(msg('/chalenges')))).toMatch(/Did you mean \/challenges\?/);
  });

  it('"when is the next meeting?" answers from the calendar first where the chat may see it, then from the base', async () => {
    const app = makeApp({ ALLOWED_CHATS: 'telegram:-100', SECRETARIAT: 'telegram:1' });
    const added = plain(await app.core.handleMessage(msg('/meeting add 2030-03-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia', { user: { id: 'telegram:1' } })));
    expect(added).toContain('9th COLEP meeting');
    for (const q of ['when is the next meeting?', '/ask where is the next COLEP meeting']) {
      const replies = await app.core.handleMessage(msg(q));
      expect(replies, q).toHaveLength(2);
      expect(replies[0]!.blocks[0]).toMatchObject({ type: 'heading', text: 'Meetings' });
      expect(plain([replies[0]!])).toContain('9th COLEP meeting');
      expect(replies[1]!.blocks.some((b) => b.type === 'entry')).toBe(true);
    }
    // a chat that may not see meetings, and a question about a past meeting, get the base alone
    const elsewhere = await app.core.handleMessage(msg('when is the next meeting?', { chat: { id: 'telegram:-555', type: 'group' } }));
    expect(elsewhere).toHaveLength(1);
    expect(plain(elsewhere)).not.toContain('9th COLEP meeting');
    expect(await app.core.handleMessage(msg('when did the Bali Process forum take place?'))).toHaveLength(1);
  });

  it('"did you mean" keeps the topic, and its button runs the command with it', async () => {
    const app = makeApp();
    const [r] = await app.core.handleMessage(msg('/challanges encryption'));
    expect(plain([r!])).toMatch(/Did you mean \/challenges encryption\?/);
    const button = r!.buttons!.flat()[0]!;
    expect(button.action).toBe('cmd:challenges encryption');
    const pressed = await app.core.handleAction({ platform: 'telegram', chat: msg('').chat, user: msg('').user, action: button.action });
    expect(pressed[0]!.blocks[0]).toMatchObject({ type: 'heading', text: 'Challenges: encryption' });
    // a command that takes nothing is offered bare; a topic too long for a button stays in the words only
    expect(plain(await app.core.handleMessage(msg('/hlep me')))).toMatch(/Did you mean \/help\?/);
    const [long] = await app.core.handleMessage(msg(`/challanges ${'encrypted data '.repeat(6)}`));
    expect(long!.buttons!.flat()[0]!.action).toBe('cmd:challenges');
  });

  it('a theme picker offers only themes that have entries of the kind asked for', async () => {
    const app = makeApp();
    const base = app.engine.base;
    const withPractices = new Set(base.themes.filter((t) => base.entries.some((e) => e.kind === 'good-practice' && e.themes.includes(t.id))).map((t) => t.label));
    const scams = base.themes.find((t) => t.id === 'scams-fraud' || /scam/i.test(t.label))!;
    expect(withPractices.has(scams.label)).toBe(false);
    for (const topic of ['scams', scams.label]) {
      const [r] = await app.core.handleMessage(msg(`/practices ${topic}`));
      const text = plain([r!]);
      expect(text).toMatch(/nothing close/);
      const offered = /You could try: (.*)\./.exec(text)?.[1]?.split(', ') ?? [];
      for (const label of offered) expect(withPractices.has(label), label).toBe(true);
      expect(text).toContain(`The theme ${scams.label} has no good practices`);
    }
    const [bogus] = await app.core.handleAction({ platform: 'telegram', chat: msg('').chat, user: msg('').user, action: 'th:good-practice:bogus' });
    expect(plain([bogus!])).toMatch(/not in the practice base/);
  });

  it('keeps community commands out of chats that are not allowed, telling the chat id', async () => {
    const app = makeApp({ ALLOWED_CHATS: 'telegram:-1', SECRETARIAT: 'telegram:7' });
    const out = plain(await app.core.handleMessage(msg('/meetings', { chat: { id: 'telegram:-555', type: 'group' } })));
    expect(out).toContain('telegram:-555');
    expect(out).toMatch(/secretariat/);
    // Public commands still answer there.
    expect(plain(await app.core.handleMessage(msg('/sources', { chat: { id: 'telegram:-555', type: 'group' } })))).toContain('001_f556e3455b226015.txt');
  });

  it('refuses secretariat commands to officers, naming the role', async () => {
    const app = makeApp({ ALLOWED_CHATS: 'telegram:-100', SECRETARIAT: 'telegram:1' });
    const out = plain(await app.core.handleMessage(msg('/meeting add 2030-01-10 10:00 Europe/Sofia | X | Sofia')));
    expect(out).toMatch(/secretariat/i);
    expect(out).not.toMatch(/added/i);
  });

  it('builds /help from the registry: what the asker may use, and every command with /help all or for the secretariat', async () => {
    const app = makeApp({ SECRETARIAT: 'telegram:1', CO_CHAIRS: 'telegram:2' });
    const officer = plain(await app.core.handleMessage(msg('/help')));
    for (const c of ['/ask', '/challenges', '/practices', '/opportunities', '/meetings', '/sources', '/suggest', '/whoami']) expect(officer).toContain(c);
    for (const c of ['/poll', '/meeting add', '/chats', '/audit', '/agenda merge']) expect(officer).not.toContain(c);
    expect(officer).toMatch(/\d+ more commands are for the secretariat and co-chairs: \/help all lists them\./);
    const all = plain(await app.core.handleMessage(msg('/help all')));
    for (const c of ['/ask', '/suggest', '/poll', '/meeting add', '/chats', '/audit', '/agenda merge']) expect(all).toContain(c);
    expect(all).not.toMatch(/more commands are for/);
    const chair = plain(await app.core.handleMessage(msg('/help', { user: { id: 'telegram:2' } })));
    expect(chair).toContain('/poll');
    expect(chair).toContain('/agenda merge');
    expect(chair).not.toContain('/meeting add');
    const secretariat = plain(await app.core.handleMessage(msg('/help', { user: { id: 'telegram:1' } })));
    for (const c of ['/poll', '/meeting add', '/chats', '/audit', '/followup add']) expect(secretariat).toContain(c);
  });
  it('keeps unanswered questions for /gaps only from allowed chats', async () => {
    const app = makeApp({ ALLOWED_CHATS: 'telegram:-100', SECRETARIAT: 'telegram:1' });
    const outside = { chat: { id: 'telegram:-555', type: 'group' as const } };
    const r1 = plain(await app.core.handleMessage(msg('/ask recipe for banana bread with walnuts', outside)));
    expect(r1).toMatch(/nothing close/);
    expect(r1).not.toMatch(/noted/);
    const r2 = plain(await app.core.handleMessage(msg('/ask best pizza dough hydration')));
    expect(r2).toMatch(/noted \(without your name\)/);
    const gaps = plain(await app.core.handleMessage(msg('/gaps', { user: { id: 'telegram:1' } })));
    expect(gaps).toContain('best pizza dough hydration');
    expect(gaps).not.toContain('banana bread');
  });

  it('shows the secretariat which questions got answers marked not helpful, and counts presses only from allowed chats', async () => {
    const app = makeApp({ ALLOWED_CHATS: 'telegram:-100', SECRETARIAT: 'telegram:1' });
    const press = async (question: string, chat: Incoming['chat'], helpful: boolean) => {
      const [answer] = await app.core.handleMessage(msg(`/ask ${question}`, { chat }));
      const button = answer!.buttons!.flat().find((x) => x.label === (helpful ? 'Helpful' : 'Not helpful'))!;
      const [thanks] = await app.core.handleAction({ platform: 'telegram', chat, user: { id: 'telegram:7' }, action: button.action });
      expect(plain([thanks!])).toMatch(chat.id === 'telegram:-100' ? /^Thanks, noted/ : /only collected in the community's chats/);
    };
    const allowed = { id: 'telegram:-100', type: 'group' as const };
    await press('how do others handle encrypted data?', allowed, false);
    await press('how do others handle encrypted data?', allowed, false);
    await press('how do others handle encrypted data?', allowed, true);
    await press('training prosecutors on electronic evidence', { id: 'telegram:-555', type: 'group' }, false);
    const gaps = plain(await app.core.handleMessage(msg('/gaps', { user: { id: 'telegram:1' } })));
    expect(gaps).toContain('1 helpful, 2 not helpful.');
    expect(gaps).toContain('how do others handle encrypted data?: 2 not helpful, 1 helpful');
    expect(gaps).not.toContain('prosecutors');
  });

  it('counts one feedback vote per person and answer, which they can change', async () => {
    const app = makeApp({ ALLOWED_CHATS: 'telegram:-100', SECRETARIAT: 'telegram:1' });
    const chat = { id: 'telegram:-100', type: 'group' as const };
    const [answer] = await app.core.handleMessage(msg('/ask how do others handle encrypted data?', { chat }));
    const buttons = answer!.buttons!.flat();
    const action = (label: string) => buttons.find((x) => x.label === label)!.action;
    const press = async (user: string, label: string) =>
      plain(await app.core.handleAction({ platform: 'telegram', chat, user: { id: user }, action: action(label) }));
    expect(await press('telegram:7', 'Not helpful')).toMatch(/^Thanks, noted/);
    expect(await press('telegram:7', 'Not helpful')).toMatch(/already marked this answer not helpful; it counts once/);
    expect(await press('telegram:7', 'Helpful')).toMatch(/^Changed: .* now says helpful/);
    expect(await press('telegram:8', 'Not helpful')).toMatch(/^Thanks, noted/);
    const expired = plain(await app.core.handleAction({ platform: 'telegram', chat, user: { id: 'telegram:7' }, action: 'fb:x' }));
    expect(expired).toMatch(/expired, so nothing was recorded/);
    const gaps = plain(await app.core.handleMessage(msg('/gaps', { user: { id: 'telegram:1' } })));
    expect(gaps).toContain('1 helpful, 1 not helpful.');
  });

  it('keeps an unanswered question asked just before a shutdown', async () => {
    const dir = tempDir('pb-core-');
    const env = { DATABASE_PATH: path.join(dir, 'bot.db'), ALLOWED_CHATS: 'telegram:-100', SECRETARIAT: 'telegram:1' };
    const first = createApp(loadConfig(env), { log: pino({ level: 'silent' }), ...sharedApp });
    expect(plain(await first.core.handleMessage(msg('/ask best pizza dough hydration')))).toMatch(/noted/);
    await first.stop();
    const second = makeApp(env);
    expect(plain(await second.core.handleMessage(msg('/gaps', { user: { id: 'telegram:1' } })))).toContain('best pizza dough hydration');
  });
});

describe('core: answers that answer (issue 10)', () => {
  const paragraphs = (r: Reply | undefined) => (r?.blocks ?? []).flatMap((b) => (b.type === 'paragraph' ? [inlineToPlain(b.parts)] : []));

  it('small talk: nothing in a group, one friendly line in a private chat or after /ask', async () => {
    const app = makeApp();
    for (const text of ['thanks!', '👍', 'good morning all', 'is anyone there?']) {
      expect(await app.core.handleMessage(msg(text)), text).toEqual([]);
      const [line, ...rest] = await app.core.handleMessage(msg(text, { chat: { id: 'telegram:7', type: 'private' } }));
      expect(rest).toEqual([]);
      expect(paragraphs(line)).toEqual([SMALL_TALK_REPLY]);
    }
    expect(paragraphs((await app.core.handleMessage(msg('/ask thanks')))[0])).toEqual([SMALL_TALK_REPLY]);
  });

  it('a solutions question shows practices first; an answer about a problem says what members do about it, with buttons', async () => {
    const app = makeApp();
    const [howTo] = await app.core.handleMessage(msg('how do others handle encrypted data?'));
    const kinds = howTo!.blocks.flatMap((b) => (b.type === 'entry' ? [b.kind] : []));
    expect(['good-practice', 'opportunity', 'conclusion', 'next-step']).toContain(kinds[0]);

    const [problem] = await app.core.handleMessage(msg('/ask what challenges does encrypted data pose?'));
    expect(problem!.blocks.find((b) => b.type === 'entry')).toMatchObject({ kind: 'challenge' });
    expect(paragraphs(problem).some((p) => p.startsWith('What members do about it: '))).toBe(true);
    const entryButtons = problem!.buttons!.flat().filter((b) => b.action.startsWith('e:'));
    expect(entryButtons.length).toBeGreaterThan(0);
    for (const b of entryButtons) expect(Buffer.byteLength(b.action)).toBeLessThanOrEqual(64);
    const [shown] = await app.core.handleAction({ platform: 'telegram', chat: msg('').chat, user: msg('').user, action: entryButtons[0]!.action });
    expect(shown!.blocks[0]).toMatchObject({ type: 'entry', id: entryButtons[0]!.action.slice(2) });
  });

  it('the entry button resolves a folded id to its canonical entry and cites every source', async () => {
    const app = makeApp();
    const [alias, canonical] = [...app.engine.base.aliases][0]!;
    const [shown] = await app.core.handleAction({ platform: 'telegram', chat: msg('').chat, user: msg('').user, action: `e:${alias}` });
    const block = shown!.blocks[0]!;
    expect(block).toMatchObject({ type: 'entry', id: canonical });
    expect(block.type === 'entry' && block.citation.label.includes(';')).toBe(true);
    const [gone] = await app.core.handleAction({ platform: 'telegram', chat: msg('').chat, user: msg('').user, action: 'e:no-such-entry' });
    expect(paragraphs(gone)[0]).toMatch(/no longer/);
  });
});
