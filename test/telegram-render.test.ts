// Units of the Telegram adapter: HTML rendering and splitting (checked with the fake's Telegram
// HTML parser), message interpretation (commands, mentions, replies), poll limits, error mapping.
import { GrammyError, HttpError } from 'grammy';
import type { Message, UserFromGetMe } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { toDeliveryError } from '../adapters/telegram/errors.ts';
import { interpret } from '../adapters/telegram/features/messages.ts';
import { pollPayload, safeFilename } from '../adapters/telegram/outbound.ts';
import { clip } from '../src/core/reply-helpers.ts';
import { escapeHtml, renderKeyboard, renderReply, splitHtml } from '../adapters/telegram/render.ts';
import type { Block, PollView, Reply } from '../src/core/reply.ts';
import { checkTelegramHtml, FAKE_BOT } from './helpers/fake-telegram.ts';

const me = FAKE_BOT as unknown as UserFromGetMe;
const parse = (html: string) => {
  const r = checkTelegramHtml(html);
  expect(r.error ?? 'ok').toBe('ok');
  return r.text;
};

describe('Telegram HTML rendering', () => {
  it('escapes &, <, > and quotes everywhere, including link attributes', () => {
    expect(escapeHtml(`<b>&"x"</b>`)).toBe('&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;');
    const r = renderReply({
      blocks: [
        { type: 'heading', text: 'A <heading> & "more"' },
        { type: 'paragraph', parts: ['x < y & ', { text: 'b<b>', bold: true }, ' ', { link: 'https://e.org/?a=1&b="2"', text: '<link>' }, ' ', { link: 'javascript:alert(1)', text: 'bad' }] },
        { type: 'list', items: [['one <1>'], [{ text: 'two', code: true, italic: true }]], ordered: true },
        { type: 'notice', level: 'warning', text: 'careful </i>' },
        { type: 'divider' },
      ],
    });
    expect(r.chunks).toHaveLength(1);
    const text = parse(r.chunks[0]!);
    expect(text).toContain('A <heading> & "more"');
    expect(text).toContain('x < y & b<b> <link> bad');
    expect(text).toContain('1. one <1>');
    expect(r.chunks[0]).toContain('<a href="https://e.org/?a=1&amp;b=&quot;2&quot;">&lt;link&gt;</a>');
    expect(r.chunks[0]).not.toContain('javascript:');
    expect(r.chunks[0]).toContain('<b>A &lt;heading&gt; &amp; &quot;more&quot;</b>');
  });

  it('renders an entry as bold title, text and italic citation', () => {
    const r = renderReply({
      blocks: [
        {
          type: 'entry',
          id: 'e1',
          kind: 'challenge',
          kindLabel: 'Challenge <&>',
          title: 'Encrypted apps',
          text: 'Smugglers use <encrypted> apps.',
          citation: { label: '3rd COLEP meeting, 4 May 2023, Challenges', document: 'd', section: 's', meeting: 'm' },
          themes: [],
        },
      ],
    });
    expect(r.chunks[0]).toBe('<b>Encrypted apps</b>\nSmugglers use &lt;encrypted&gt; apps.\nChallenge &lt;&amp;&gt; · <i>3rd COLEP meeting, 4 May 2023, Challenges</i>');
  });

  it('renders times as date-time entities with the written fallback, or the fallback alone', () => {
    const reply: Reply = { blocks: [{ type: 'paragraph', parts: ['Starts ', { time: '2026-03-10T08:00:00Z', fallback: 'Tue 10 Mar 2026, 10:00 (Sofia) <EET>' }] }] };
    const withEntity = renderReply(reply).chunks[0]!;
    expect(withEntity).toBe('Starts <tg-time unix="1773129600" format="wDt">Tue 10 Mar 2026, 10:00 (Sofia) &lt;EET&gt;</tg-time>');
    expect(parse(withEntity)).toBe('Starts Tue 10 Mar 2026, 10:00 (Sofia) <EET>');
    expect(renderReply(reply, { dateTimeEntities: false }).chunks[0]).toBe('Starts Tue 10 Mar 2026, 10:00 (Sofia) &lt;EET&gt;');
    const bad: Reply = { blocks: [{ type: 'paragraph', parts: [{ time: 'not a date', fallback: 'soon' }] }] };
    expect(renderReply(bad).chunks[0]).toBe('soon');
  });

  it('drops buttons whose callback data exceeds 64 bytes', () => {
    const ok = 'x'.repeat(64);
    const tooLong = 'é'.repeat(33); // 66 bytes
    const { keyboard, dropped } = renderKeyboard([[{ label: 'A', action: ok }, { label: 'B', action: tooLong }], [{ label: 'C', action: 'y'.repeat(65) }]]);
    expect(dropped).toBe(2);
    expect(keyboard).toEqual({ inline_keyboard: [[{ text: 'A', callback_data: ok }]] });
    expect(renderKeyboard([[{ label: 'C', action: 'y'.repeat(65) }]]).keyboard).toBeUndefined();
  });

  it('splits long replies at block boundaries, each part valid and within the limit', () => {
    const blocks: Block[] = Array.from({ length: 12 }, (_, i) => ({ type: 'paragraph', parts: [`Block ${i}: `, 'word & <tag> '.repeat(20)] }));
    const { chunks } = renderReply({ blocks }, { maxChars: 800 });
    expect(chunks.length).toBeGreaterThan(2);
    const seen: string[] = [];
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(800);
      const t = parse(c);
      for (const m of t.matchAll(/Block (\d+):/g)) seen.push(m[1]!);
      // Whole blocks only: each block's text is complete in its part.
      expect(t.split('Block ').length - 1).toBe((t.match(/(word & <tag> ){20}/g) ?? []).length);
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
  });

  it('splits a single oversized block inside, keeping tags balanced and all the text', () => {
    const long = 'Lorem ipsum & dolor <sit> amet, '.repeat(400); // ~13k characters
    const html = `<b>${escapeHtml(long)}</b>\n<i>${escapeHtml(long)}</i>`;
    const parts = splitHtml(html, 4096);
    expect(parts.length).toBeGreaterThan(3);
    let joined = '';
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      joined += parse(p);
    }
    const norm = (s: string) => s.replace(/\s+/g, '');
    expect(norm(joined)).toBe(norm(long + long));
  });

  it('random text with markup characters, emoji and long words always renders valid, bounded parts', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = ['a', 'b', ' ', ' ', '\n', '<', '>', '&', '"', "'", '😀', 'é', 'ق', '/', '&amp;', 'x'.repeat(50)];
    const str = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    for (let round = 0; round < 60; round++) {
      const blocks: Block[] = [];
      const n = 1 + Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) {
        const len = Math.floor(rnd() * 3000);
        const pick = Math.floor(rnd() * 4);
        if (pick === 0) blocks.push({ type: 'paragraph', parts: [str(len), { text: str(len / 3), bold: true, italic: rnd() < 0.5 }] });
        else if (pick === 1)
          blocks.push({ type: 'entry', id: 'e', kind: 'k', kindLabel: str(12), title: str(40), text: str(len), citation: { label: str(30), document: '', section: '', meeting: '' }, themes: [] });
        else if (pick === 2) blocks.push({ type: 'list', items: [[str(len / 2)], [{ time: '2026-01-01T00:00:00Z', fallback: str(20) }]] });
        else blocks.push({ type: 'heading', text: str(len / 10) });
      }
      const max = 500 + Math.floor(rnd() * 3600);
      for (const c of renderReply({ blocks }, { maxChars: max }).chunks) {
        expect(c.length).toBeLessThanOrEqual(max);
        parse(c);
        expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(c)).toBe(false);
      }
    }
  });
});

// ------------------------------------------------------------------------------------------------

const group = { id: -1001, type: 'supergroup', title: 'G' } as const;
const priv = { id: 42, type: 'private', first_name: 'O' } as const;
const from = { id: 42, is_bot: false, first_name: 'O' };
const msg = (text: string, extra: Partial<Message> = {}, chat: Message['chat'] = group as unknown as Message['chat']) =>
  ({ message_id: 5, date: 0, chat, from, text, ...extra }) as Message;

describe('interpreting messages', () => {
  it('strips @botname from commands and ignores commands addressed to another bot', () => {
    expect(interpret(msg(`/challenges@${me.username} encryption`), me)).toEqual({ text: '/challenges encryption', addressed: true });
    expect(interpret(msg(`/help@PRACTICE_TEST_BOT`), me)).toEqual({ text: '/help', addressed: true });
    expect(interpret(msg('/help@other_bot'), me)).toBeUndefined();
    expect(interpret(msg('/help'), me)).toEqual({ text: '/help', addressed: true });
  });

  it('in groups, free text counts only when the bot is mentioned or replied to', () => {
    expect(interpret(msg('what about encryption?'), me)).toBeUndefined();
    const text = `@${me.username}, what about encryption?`;
    expect(interpret(msg(text, { entities: [{ type: 'mention', offset: 0, length: me.username.length + 1 }] }), me)).toEqual({
      text: 'what about encryption?',
      addressed: true,
    });
    // Without entities (some clients, webhook tests) the plain @name still counts.
    expect(interpret(msg(`tell me @${me.username} about victims`), me)).toEqual({ text: 'tell me about victims', addressed: true });
    expect(interpret(msg(`mail x@${me.username} about victims`), me)).toBeUndefined();
    expect(interpret(msg('@someone_else hi', { entities: [{ type: 'mention', offset: 0, length: 13 }] }), me)).toBeUndefined();
    const textMention = msg('Practice Bot what now', { entities: [{ type: 'text_mention', offset: 0, length: 12, user: { id: me.id, is_bot: true, first_name: 'Practice Bot' } }] });
    expect(interpret(textMention, me)).toEqual({ text: 'what now', addressed: true });
    const botMsg = { message_id: 3, date: 0, chat: group, from: { id: me.id, is_bot: true, first_name: 'Practice Bot' }, text: 'answer' };
    expect(interpret(msg('and victims?', { reply_to_message: botMsg as never }), me)).toEqual({ text: 'and victims?', addressed: true });
    // In a forum topic every message "replies" to the topic's first message: that is not a reply to us.
    const topicStart = { ...botMsg, forum_topic_created: { name: 't', icon_color: 1 } };
    expect(interpret(msg('hello all', { reply_to_message: topicStart as never }), me)).toBeUndefined();
  });

  it('in private chats any text is a question; messages from bots are ignored', () => {
    expect(interpret(msg('  encrypted apps ', {}, priv as unknown as Message['chat']), me)).toEqual({ text: 'encrypted apps', addressed: true });
    expect(interpret(msg('/start', { from: { id: 7, is_bot: true, first_name: 'B' } }), me)).toBeUndefined();
  });
});

describe('polls within Telegram limits', () => {
  const view = (question: string, options: string[], note = 'Anonymous poll: only totals are kept.'): PollView => ({
    id: 1,
    question,
    options: options.map((text, index) => ({ index, text })),
    anonymous: true,
    closed: false,
    note,
  });

  it('puts the note in the question when it fits, else in the description', () => {
    expect(pollPayload(view('Which items?', ['a', 'b'])).question).toBe('Which items?\nAnonymous poll: only totals are kept.');
    const long = pollPayload(view('Q '.repeat(200), ['a', 'b']));
    expect(long.question.length).toBeLessThanOrEqual(300);
    expect(long.description).toBe('Anonymous poll: only totals are kept.');
  });

  it('cuts options to 100 characters, keeps them distinct, at most 12', () => {
    const same = 'Training prosecutors on electronic evidence and cross-border cooperation in smuggling cases, part ';
    const p = pollPayload(view('Q', [`${same}one of two`, `${same}two of two`, ...Array.from({ length: 14 }, (_, i) => `o${i}`)]));
    expect(p.options).toHaveLength(12);
    for (const o of p.options) expect(o.length).toBeLessThanOrEqual(100);
    expect(new Set(p.options).size).toBe(12);
  });

  it('cuts an option of emoji within 100 UTF-16 units (as Telegram counts), never half an emoji', () => {
    const p = pollPayload(view('Q', ['🚢'.repeat(80), 'b']));
    const first = p.options[0]!;
    expect(first.length).toBeLessThanOrEqual(100);
    expect(first).toBe(`${'🚢'.repeat(49)}…`);
    expect(first).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('the one clip counts characters (code points) unless told to count UTF-16 units', () => {
    expect(clip('🚢🚢🚢🚢', 4)).toBe('🚢🚢🚢🚢');
    expect(clip('🚢🚢🚢🚢🚢', 4)).toBe('🚢🚢🚢…');
    expect(clip('🚢🚢🚢🚢', 4, { units: 'utf16' })).toBe('🚢…');
    expect(clip('abcdef', 6)).toBe('abcdef');
    expect(clip('abcdefg', 6)).toBe('abcde…');
    expect(clip('Training prosecutors on evidence', 25, { atWord: true })).toBe('Training prosecutors on…');
  });

  it('keeps document file names on one safe line', () => {
    expect(safeFilename('meeting "7".ics')).toBe('meeting__7_.ics');
    expect(safeFilename('a\r\nb.ics')).toBe('a_b.ics');
  });
});

describe('Bot API errors as delivery failures', () => {
  const g = (code: number, description: string, parameters: Record<string, number> = {}) =>
    new GrammyError('x', { ok: false, error_code: code, description, parameters }, 'sendMessage', { text: 'secret text' });
  it('maps 403, chat not found, kicked to gone; 429 to rate-limited; 5xx and network to transient; other 400 to permanent', () => {
    expect(toDeliveryError(g(403, 'Forbidden: bot was blocked by the user')).failure).toBe('gone');
    expect(toDeliveryError(g(400, 'Bad Request: chat not found')).failure).toBe('gone');
    expect(toDeliveryError(g(403, 'Forbidden: bot was kicked from the supergroup chat')).failure).toBe('gone');
    const rl = toDeliveryError(g(429, 'Too Many Requests: retry after 12', { retry_after: 12 }));
    expect([rl.failure, rl.retryAfterMs]).toEqual(['rate-limited', 12_000]);
    expect(toDeliveryError(g(502, 'Bad Gateway')).failure).toBe('transient');
    expect(toDeliveryError(new HttpError('Network request for sendMessage failed!', new Error('socket hang up'))).failure).toBe('transient');
    const perm = toDeliveryError(g(400, "Bad Request: can't parse entities"));
    expect(perm.failure).toBe('permanent');
    expect(perm.message).not.toContain('secret text');
  });
});
