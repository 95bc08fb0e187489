// Reply -> Block Kit. Every string from the core is plain text: it is escaped for mrkdwn here
// (./mrkdwn.ts), so user- and data-derived text can never become a link or a mention.
//
// Block Kit limits kept: at most 50 blocks a message (100 in a Home tab), 3,000 characters a
// section or context text, 150 a header, 75 a button label, 2,000 a button value, 25 elements an
// actions block. A reply that does not fit is split into several messages at entry boundaries (an
// entry - title, text, citation - is never split across messages); buttons go on the last one.
// Every message carries a plain `text` fallback (notifications, screen readers): the core's one
// plain-text rendering (src/core/reply.ts), escaped too.
import type { types } from '@slack/bolt';
import type { Block, Button, Inline, PollView, Reply } from '../../src/core/reply.ts';
import { blockToPlain, pollToPlain } from '../../src/core/reply.ts';
import { clip as clipText } from '../../src/core/reply-helpers.ts';
import { escapeMrkdwn, safeUrl, slackDate } from './mrkdwn.ts';

export type SlackBlock = types.KnownBlock;

export interface SlackMessage {
  /** Plain fallback (escaped mrkdwn). */
  text: string;
  blocks: SlackBlock[];
}

export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerHome: 100,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionsElements: 25,
  fallbackChars: 1000,
} as const;

export interface RenderOptions {
  /** Rewrites `/help` in core text to `/practice help` for the commands in `commands`. */
  slashCommand?: string;
  commands?: ReadonlySet<string>;
}

/** Action ids: `pb:<row>:<col>` for core buttons (value = the core's action data); poll votes
 *  `pb-vote:<option index>` (value = `<poll id>:<option index>`). */
export const ACTION_PREFIX = 'pb:';
export const VOTE_PREFIX = 'pb-vote:';

/** Block Kit's limits counted in UTF-16 units, with the one clip (src/core/reply-helpers.ts). */
const clip = (s: string, n: number): string => clipText(s, n, { units: 'utf16' });

/** `/help` -> `/practice help` where `help` is a known command (display only). */
export function rewriteCommands(s: string, opts: RenderOptions): string {
  const { slashCommand, commands } = opts;
  if (!slashCommand || !commands || commands.size === 0 || !s.includes('/')) return s;
  return s.replace(/(^|[\s("'`“‘[])\/([a-z][a-z0-9_-]*)(?=$|[\s.,;:!?)"'`”’\]])/gi, (m, pre: string, cmd: string) =>
    commands.has(cmd.toLowerCase()) ? `${pre}${slashCommand} ${cmd}` : m,
  );
}

// ------------------------------------------------------------------------------------------------
// Inline text -> atomic mrkdwn tokens, packed into sections of at most 3,000 characters.

/** Escaped pieces of one plain string, each short enough to fit a section on its own. */
function plainTokens(raw: string, limit: number): string[] {
  const whole = escapeMrkdwn(raw);
  if (whole.length <= limit) return whole ? [whole] : [];
  const out: string[] = [];
  for (const piece of raw.split(/(\s+)/)) {
    if (piece === '') continue;
    const esc = escapeMrkdwn(piece);
    if (esc.length <= limit) {
      out.push(esc);
      continue;
    }
    // A "word" longer than a section: cut it (escaping grows a character to at most 5).
    const cp = [...piece];
    const step = Math.max(1, Math.floor(limit / 5));
    for (let i = 0; i < cp.length; i += step) out.push(escapeMrkdwn(cp.slice(i, i + step).join('')));
  }
  return out;
}

function formatted(text: string, style: { bold?: boolean; italic?: boolean; code?: boolean }, limit: number): string[] {
  const lead = /^\s*/.exec(text)?.[0] ?? '';
  const trail = /\s*$/.exec(text)?.[0] ?? '';
  const core = text.trim();
  if (core === '') return text ? [text] : [];
  let inner = escapeMrkdwn(style.code ? core.replace(/`/g, 'ˋ') : core);
  if (inner.length + 6 > Math.min(limit, 500)) return plainTokens(text, limit); // too long to style: plain
  if (style.code) inner = `\`${inner}\``;
  else {
    if (style.italic) inner = `_${inner}_`;
    if (style.bold) inner = `*${inner}*`;
  }
  return [...(lead ? [lead] : []), inner, ...(trail ? [trail] : [])];
}

function utcFallback(iso: string): string {
  const d = new Date(iso);
  return Number.isFinite(d.getTime()) ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
}

export function inlineTokens(parts: Inline[], opts: RenderOptions, limit: number = LIMITS.sectionText): string[] {
  const out: string[] = [];
  for (const p of parts) {
    if (typeof p === 'string') out.push(...plainTokens(rewriteCommands(p, opts), limit));
    else if ('time' in p) out.push(slackDate(p.time, p.fallback || utcFallback(p.time)));
    else if ('link' in p) {
      const url = safeUrl(p.link);
      const label = clip(p.text || p.link, 500);
      if (url && url.length + label.length < 1000) out.push(`<${url}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`);
      else out.push(...plainTokens(p.text && p.text !== p.link ? `${p.text} (${p.link})` : p.link, limit));
    } else out.push(...formatted(rewriteCommands(p.text, opts), p, limit));
  }
  return out;
}

/** Packs tokens into strings of at most `limit` characters (never splitting a token). */
export function pack(tokens: string[], limit: number = LIMITS.sectionText): string[] {
  const out: string[] = [];
  let cur = '';
  for (const t of tokens) {
    if (cur.length + t.length > limit) {
      if (cur.trim() !== '') out.push(cur);
      cur = t.trimStart();
    } else cur += t;
  }
  if (cur.trim() !== '') out.push(cur);
  return out.map((s) => s.trimEnd());
}

// ------------------------------------------------------------------------------------------------
// Blocks

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): SlackBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(text, LIMITS.sectionText) }] });

const NOTICE_ICONS = { info: ':information_source:', warning: ':warning:', error: ':x:' } as const;

/** One unit of layout: kept whole in one message. */
interface Unit {
  blocks: SlackBlock[];
  plain: string;
}

function unitsOf(block: Block, opts: RenderOptions): Unit[] {
  switch (block.type) {
    case 'heading': {
      const t = clip(rewriteCommands(block.text, opts).replace(/\s+/g, ' ').trim(), LIMITS.headerText);
      return t ? [{ blocks: [{ type: 'header', text: { type: 'plain_text', text: t, emoji: true } }], plain: blockToPlain(block) }] : [];
    }
    case 'paragraph': {
      const texts = pack(inlineTokens(block.parts, opts));
      return texts.map((t, i) => ({ blocks: [section(t)], plain: i === 0 ? blockToPlain(block) : '' }));
    }
    case 'list': {
      const lines = block.items.map((item, i) => {
        const bullet = block.ordered ? `${i + 1}. ` : '• ';
        return [bullet, ...inlineTokens(item, opts, LIMITS.sectionText - 10)];
      });
      // Pack whole lines; a line longer than a section is split on its own.
      const sections: string[] = [];
      let cur = '';
      for (const line of lines) {
        const text = line.join('');
        if (text.length > LIMITS.sectionText) {
          if (cur) sections.push(cur);
          cur = '';
          sections.push(...pack(line));
          continue;
        }
        const next = cur ? `${cur}\n${text}` : text;
        if (next.length > LIMITS.sectionText) {
          sections.push(cur);
          cur = text;
        } else cur = next;
      }
      if (cur) sections.push(cur);
      return sections.filter((s) => s.trim() !== '').map((s, i) => ({ blocks: [section(s)], plain: i === 0 ? blockToPlain(block) : '' }));
    }
    case 'entry': {
      const title = `*${escapeMrkdwn(clip(block.title.replace(/\s+/g, ' ').trim(), 300))}*`;
      const body = pack([title, '\n', ...plainTokens(block.text, LIMITS.sectionText - title.length - 2)]);
      const cite = `${escapeMrkdwn(block.kindLabel)} · :page_facing_up: ${escapeMrkdwn(block.citation.label)}`;
      return [{ blocks: [...body.map(section), context(cite)], plain: blockToPlain(block) }];
    }
    case 'notice': {
      const texts = pack([`${NOTICE_ICONS[block.level]} `, ...plainTokens(rewriteCommands(block.text, opts), LIMITS.sectionText - 30)]);
      return texts.map((t, i) => ({ blocks: [section(t)], plain: i === 0 ? blockToPlain(block) : '' }));
    }
    case 'divider':
      return [{ blocks: [{ type: 'divider' }], plain: '' }]; // no '---' in a notification
  }
}

function buttonElement(b: Button, id: string): types.Button | undefined {
  if (!b.action || b.action.length > LIMITS.buttonValue) return undefined;
  const label = clip(b.label.replace(/\s+/g, ' ').trim() || '…', LIMITS.buttonText);
  return { type: 'button', text: { type: 'plain_text', text: label, emoji: true }, action_id: id, value: b.action };
}

function actionsBlocks(rows: Button[][] | undefined): SlackBlock[] {
  const out: SlackBlock[] = [];
  (rows ?? []).forEach((row, r) => {
    const elements = row.map((b, c) => buttonElement(b, `${ACTION_PREFIX}${r}:${c}`)).filter((e): e is types.Button => !!e);
    for (let i = 0; i < elements.length; i += LIMITS.actionsElements) {
      out.push({ type: 'actions', elements: elements.slice(i, i + LIMITS.actionsElements) });
    }
  });
  return out;
}

function fallbackText(plain: string[], opts: RenderOptions = {}): string {
  const t = plain.filter((s) => s.trim() !== '').join('\n').trim();
  return escapeMrkdwn(clip(rewriteCommands(t || 'practice-bot', opts), LIMITS.fallbackChars));
}

/** Renders a reply as one or more messages (split at unit boundaries, buttons on the last). */
export function renderReply(reply: Reply, opts: RenderOptions = {}, maxBlocks: number = LIMITS.blocksPerMessage): SlackMessage[] {
  const units = reply.blocks.flatMap((b) => unitsOf(b, opts));
  if (reply.document && units.length === 0) units.push({ blocks: [], plain: '' });
  const actions = actionsBlocks(reply.buttons);
  const messages: Unit[][] = [[]];
  let size = 0;
  for (const u of units) {
    // A unit larger than a whole message (an entry of 50 sections) is cut; nothing realistic does this.
    const parts = u.blocks.length > maxBlocks ? chunk(u.blocks, maxBlocks).map((blocks, i) => ({ blocks, plain: i === 0 ? u.plain : '' })) : [u];
    for (const p of parts) {
      if (size + p.blocks.length > maxBlocks && size > 0) {
        messages.push([]);
        size = 0;
      }
      messages[messages.length - 1]!.push(p);
      size += p.blocks.length;
    }
  }
  const out: SlackMessage[] = messages
    .filter((m) => m.some((u) => u.blocks.length > 0))
    .map((m) => ({ text: fallbackText(m.map((u) => u.plain), opts), blocks: m.flatMap((u) => u.blocks) }));
  if (actions.length > 0) {
    const last = out[out.length - 1];
    if (last && last.blocks.length + actions.length <= maxBlocks) last.blocks.push(...actions);
    else {
      for (const group of chunk(actions, maxBlocks)) {
        const labels = group.flatMap((a) => (a.type === 'actions' ? a.elements.map((e) => ('text' in e && e.text ? e.text.text : '')) : []));
        out.push({ text: fallbackText([labels.join(' · ')]), blocks: group });
      }
    }
  }
  return out;
}

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** The App Home tab: the reply's blocks (buttons included), at most 100 blocks. */
export function renderHome(reply: Reply, opts: RenderOptions = {}): types.HomeView {
  const blocks = renderReply(reply, opts, LIMITS.blocksPerHome).flatMap((m) => m.blocks);
  const kept = blocks.length > LIMITS.blocksPerHome ? [...blocks.slice(0, LIMITS.blocksPerHome - 1), context('…')] : blocks;
  return { type: 'home', blocks: kept.length ? kept : [section('practice-bot')] };
}

// ------------------------------------------------------------------------------------------------
// Polls: a question, a note, one row per option with its live count and a Vote button.

function bar(votes: number, max: number): string {
  if (max <= 0 || votes <= 0) return '';
  const n = Math.max(1, Math.round((votes / max) * 8));
  return `${'█'.repeat(n)} `;
}

export function renderPoll(poll: PollView, opts: RenderOptions = {}): SlackMessage {
  const blocks: SlackBlock[] = [];
  const counted = poll.options.some((o) => o.votes !== undefined);
  const max = Math.max(0, ...poll.options.map((o) => o.votes ?? 0));
  blocks.push(section(`${poll.closed ? ':lock: ' : ':ballot_box_with_ballot: '}*${escapeMrkdwn(clip(poll.question, 500))}*`));
  const meta: string[] = [`Poll #${poll.id}`, escapeMrkdwn(clip(poll.note, 500))];
  if (poll.closed) meta.push('*Closed*: results below.');
  else if (poll.closesAt) meta.push(`Closes ${slackDate(poll.closesAt, utcFallback(poll.closesAt))}.`);
  blocks.push(context(meta.join(' · ')));
  for (const o of poll.options.slice(0, 45)) {
    const votes = o.votes ?? 0;
    const count = counted ? `\n${bar(votes, max)}${votes} ${votes === 1 ? 'vote' : 'votes'}` : '';
    const text = `*${o.index + 1}.* ${escapeMrkdwn(clip(o.text, 1000))}${count}`;
    const row: SlackBlock = poll.closed
      ? section(text)
      : {
          type: 'section',
          text: { type: 'mrkdwn', text },
          accessory: {
            type: 'button',
            text: { type: 'plain_text', text: 'Vote', emoji: true },
            action_id: `${VOTE_PREFIX}${o.index}`,
            value: `${poll.id}:${o.index}`,
          },
        };
    blocks.push(row);
  }
  if (!poll.closed) blocks.push(context('Press *Vote* on each item you support; press again to take that vote back.'));
  return { text: fallbackText([pollToPlain(poll)], opts), blocks };
}

