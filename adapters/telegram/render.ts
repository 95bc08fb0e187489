// Reply -> Telegram HTML. Every string from the reply model is plain text and is escaped here;
// the only tags written are the ones Telegram's HTML parse mode supports, always balanced.
// Long replies are split under Telegram's 4,096-character limit at block (entry) boundaries.
import type { Block, Button, Inline, Reply } from '../../src/core/reply.ts';
import { clip } from '../../src/core/reply-helpers.ts';

/** Telegram's limit for a message text (after entity parsing). We measure the HTML, which is
 *  never shorter than the visible text, so a chunk within this limit always fits. */
export const MAX_MESSAGE_CHARS = 4096;
export const MAX_CAPTION_CHARS = 1024;
export const MAX_CALLBACK_DATA_BYTES = 64;

export interface RenderOptions {
  /** Render Inline time parts as Telegram date-time entities (`<tg-time>`), shown in each reader's
   *  own zone, with the written fallback inside. Default true (the installed Bot API types have it). */
  dateTimeEntities?: boolean;
  /** Message size limit (tests use smaller values). */
  maxChars?: number;
}

export interface InlineKeyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}

export interface RenderedReply {
  /** HTML message texts, each within the limit. Empty when the reply has only a document. */
  chunks: string[];
  keyboard?: InlineKeyboard;
  /** Buttons dropped because their callback data exceeded 64 bytes. */
  droppedButtons: number;
}

/** Escapes text for Telegram HTML (text and attribute values alike). */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const SPECIAL = /[&<>"]/;
const SPECIALS = /[&<>"]/g;
const escapeChar = (c: string) => ESCAPES[c]!;
export function escapeHtml(s: string): string {
  // Most text has nothing to escape: test first, replace only when needed.
  return SPECIAL.test(s) ? s.replace(SPECIALS, escapeChar) : s;
}

const SAFE_LINK = /^(https?:\/\/|tg:\/\/|mailto:)/i;

function inline(part: Inline, opts: RenderOptions): string {
  if (typeof part === 'string') return escapeHtml(part);
  if ('time' in part) {
    const ms = Date.parse(part.time);
    if (opts.dateTimeEntities === false || !Number.isFinite(ms)) return escapeHtml(part.fallback);
    const unix = Math.floor(ms / 1000);
    return `<tg-time unix="${unix}" format="wDt">${escapeHtml(part.fallback)}</tg-time>`;
  }
  if ('link' in part) {
    if (!SAFE_LINK.test(part.link)) return escapeHtml(part.text);
    return `<a href="${escapeHtml(part.link)}">${escapeHtml(part.text)}</a>`;
  }
  let out = escapeHtml(part.text);
  if (part.code) out = `<code>${out}</code>`;
  if (part.italic) out = `<i>${out}</i>`;
  if (part.bold) out = `<b>${out}</b>`;
  return out;
}

export function renderInline(parts: Inline[], opts: RenderOptions = {}): string {
  return parts.map((p) => inline(p, opts)).join('');
}

const NOTICE_MARK = { info: 'ℹ️', warning: '⚠️', error: '❗' } as const;

// Blocks the core shares between replies (entries, /help) are frozen: each is rendered once.
const renderedFrozen = { withTime: new WeakMap<Block, string>(), plainTime: new WeakMap<Block, string>() };

export function renderBlock(b: Block, opts: RenderOptions = {}): string {
  if (!Object.isFrozen(b)) return renderBlockNow(b, opts);
  const cache = opts.dateTimeEntities === false ? renderedFrozen.plainTime : renderedFrozen.withTime;
  let html = cache.get(b);
  if (html === undefined) {
    html = renderBlockNow(b, opts);
    cache.set(b, html);
  }
  return html;
}

function renderBlockNow(b: Block, opts: RenderOptions): string {
  switch (b.type) {
    case 'heading':
      return `<b>${escapeHtml(b.text)}</b>`;
    case 'paragraph':
      return renderInline(b.parts, opts);
    case 'list':
      return b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : '•'} ${renderInline(it, opts)}`).join('\n');
    case 'entry': {
      const lines = [`<b>${escapeHtml(b.title)}</b>`];
      if (b.text.trim() !== '') lines.push(escapeHtml(b.text));
      const kind = b.kindLabel ? `${escapeHtml(b.kindLabel)} · ` : '';
      if (b.citation.label) lines.push(`${kind}<i>${escapeHtml(b.citation.label)}</i>`);
      else if (kind) lines.push(escapeHtml(b.kindLabel));
      return lines.join('\n');
    }
    case 'notice':
      return `${NOTICE_MARK[b.level]} ${escapeHtml(b.text)}`;
    case 'divider':
      return '———';
  }
}

/** Inline keyboard from the reply's button rows; buttons whose data would exceed Telegram's
 *  64-byte callback limit (or with an empty label) are dropped, never sent. */
export function renderKeyboard(rows: Button[][] | undefined): { keyboard?: InlineKeyboard; dropped: number } {
  let dropped = 0;
  const out: InlineKeyboard['inline_keyboard'] = [];
  for (const row of rows ?? []) {
    const r: { text: string; callback_data: string }[] = [];
    for (const b of row) {
      const ok = b.label.trim() !== '' && b.action !== '' && Buffer.byteLength(b.action, 'utf8') <= MAX_CALLBACK_DATA_BYTES;
      if (ok) r.push({ text: b.label.slice(0, 128), callback_data: b.action });
      else dropped++;
    }
    if (r.length) out.push(r);
  }
  return { keyboard: out.length ? { inline_keyboard: out } : undefined, dropped };
}

export function renderReply(reply: Reply, opts: RenderOptions = {}): RenderedReply {
  const max = opts.maxChars ?? MAX_MESSAGE_CHARS;
  const blocks = reply.blocks.map((b) => renderBlock(b, opts)).filter((s) => s.trim() !== '');
  const { keyboard, dropped } = renderKeyboard(reply.buttons);
  return { chunks: packBlocks(blocks, max), keyboard, droppedButtons: dropped };
}

const SEP = '\n\n';

/** Packs rendered blocks into messages: whole blocks while they fit; a single block longer than
 *  the limit is split inside (at a line break, else a space), keeping its tags balanced. */
export function packBlocks(blocks: string[], max = MAX_MESSAGE_CHARS): string[] {
  const out: string[] = [];
  let cur = '';
  const flush = () => {
    if (cur.trim() !== '') out.push(cur);
    cur = '';
  };
  for (const b of blocks) {
    if (b.length > max) {
      flush();
      out.push(...splitHtml(b, max));
      continue;
    }
    if (cur === '') cur = b;
    else if (cur.length + SEP.length + b.length <= max) cur += SEP + b;
    else {
      flush();
      cur = b;
    }
  }
  flush();
  return out;
}

// ------------------------------------------------------------------------------------------------
// Tag-aware splitting of one (well-formed, self-generated) HTML string.

interface Token {
  start: number;
  end: number;
  kind: 'open' | 'close' | 'atom' | 'text';
  name?: string;
  raw: string;
}

// Elements that are never cut (a link or a date-time must stay whole), tags, entities, code points.
const TOKEN_RE = /<(tg-time|a)\b[^>]*>[^<]{0,400}<\/\1>|<\/?([a-z-]+)\b[^>]*>|&#?[a-z0-9]+;|[^]/giu;

function tokenize(html: string): Token[] {
  const out: Token[] = [];
  for (const m of html.matchAll(TOKEN_RE)) {
    const raw = m[0];
    const start = m.index ?? 0;
    let kind: Token['kind'] = 'text';
    let name: string | undefined;
    if (m[1]) kind = 'atom';
    else if (m[2]) {
      name = m[2].toLowerCase();
      kind = raw.startsWith('</') ? 'close' : 'open';
    } else if (raw.length > 1) kind = 'atom'; // an entity: never cut inside
    out.push({ start, end: start + raw.length, kind, name, raw });
  }
  return out;
}

interface Open {
  name: string;
  raw: string;
}

const closers = (stack: Open[]) =>
  stack
    .slice()
    .reverse()
    .map((o) => `</${o.name}>`)
    .join('');

/** Splits HTML into pieces of at most `max` characters, each with balanced tags. */
export function splitHtml(html: string, max = MAX_MESSAGE_CHARS): string[] {
  const pieces: string[] = [];
  let rest = html;
  for (let guard = 0; rest.length > 0 && guard < 10_000; guard++) {
    if (rest.length <= max) {
      pieces.push(rest);
      break;
    }
    const tokens = tokenize(rest);
    const stack: Open[] = [];
    let lastNl: { pos: number; stack: Open[] } | undefined;
    let lastSp: { pos: number; stack: Open[] } | undefined;
    let lastOk: { pos: number; stack: Open[] } | undefined;
    for (const t of tokens) {
      if (t.kind === 'open') stack.push({ name: t.name!, raw: t.raw });
      else if (t.kind === 'close') {
        const i = stack.map((o) => o.name).lastIndexOf(t.name!);
        if (i >= 0) stack.splice(i, 1);
      }
      if (t.end + closers(stack).length > max) break;
      const snap = { pos: t.end, stack: stack.slice() };
      lastOk = snap;
      if (t.raw === '\n') lastNl = snap;
      else if (t.raw === ' ') lastSp = snap;
    }
    const cut =
      (lastNl && lastNl.pos > max * 0.5 ? lastNl : undefined) ?? (lastSp && lastSp.pos > max * 0.3 ? lastSp : undefined) ?? lastOk;
    if (!cut || cut.pos === 0) {
      // A single token longer than the limit (cannot happen with our renderer): cut it as text.
      const plain = rest.replace(/<[^>]*>/g, '');
      pieces.push(plain.slice(0, max).replace(/&[#a-z0-9]*$/i, ''));
      rest = plain.slice(max);
      continue;
    }
    const head = rest.slice(0, cut.pos).replace(/\s+$/u, '') + closers(cut.stack);
    const reopen = cut.stack.map((o) => o.raw).join('');
    const tail = rest.slice(cut.pos).replace(/^\s+/u, '');
    if (head.replace(/<[^>]*>/g, '').trim() !== '') pieces.push(head);
    rest = tail === '' ? '' : reopen + tail;
    // Closing tags alone (nothing visible left) end the loop.
    if (rest.replace(/<[^>]*>/g, '').trim() === '') break;
  }
  return pieces;
}

/** Plain caption for a document (no parse mode), cut to Telegram's caption limit. */
export function captionOf(text: string | undefined): string | undefined {
  if (!text || text.trim() === '') return undefined;
  return clip(text, MAX_CAPTION_CHARS, { units: 'utf16' });
}

/** Plain text on one line, cut to `max` UTF-16 units (as Telegram counts poll fields), at a word
 *  when one ends near the limit: the one clip (src/core/reply-helpers.ts). */
export function clipLine(text: string, max: number): string {
  return clip(text.replace(/\s+/g, ' ').trim(), max, { units: 'utf16', atWord: true });
}
