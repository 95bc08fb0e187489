// The platform-neutral reply model. Commands return it; adapters render it natively
// (Telegram HTML, Slack Block Kit, plain text in the console). Every string in here is
// plain text: adapters escape it for their markup, the core never writes markup.

/** A run of inline text. */
export type Inline =
  | string
  | { text: string; bold?: boolean; italic?: boolean; code?: boolean }
  | { link: string; text: string }
  /** A moment in time that adapters may render in each reader's own zone
   *  (Telegram date-time entity, Slack `<!date^...>`); `fallback` is the written form. */
  | { time: string /* ISO 8601 instant */; fallback: string };

/** A citation of the source a piece of text comes from. */
export interface Citation {
  /** e.g. "3rd COLEP meeting, 4 May 2023, Good Practices" */
  label: string;
  document: string;
  section: string;
  meeting: string;
}

export type Block =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; parts: Inline[] }
  | { type: 'list'; items: Inline[][]; ordered?: boolean }
  /** One practice-base entry (an answer). Adapters keep an entry whole when splitting long replies. */
  | { type: 'entry'; id: string; kind: string; /** "Challenge", "Good practice": shown with the citation on every platform. */ kindLabel: string; title: string; text: string; citation: Citation; themes: string[] }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; text: string }
  | { type: 'divider' };

/** Longest button action the core makes, in UTF-8 bytes (Telegram's callback data limit). */
export const MAX_ACTION_BYTES = 64;

/** A button; `action` is opaque callback data for `Core.handleAction`, at most MAX_ACTION_BYTES. */
export interface Button {
  label: string;
  action: string;
}

export interface DocumentAttachment {
  filename: string;
  mimeType: string;
  content: string;
  caption?: string;
}

/** An agenda poll as the core sees it; adapters render it natively or as numbered choices. */
export interface PollView {
  /** Core poll id (stable, stored). */
  id: number;
  question: string;
  options: { index: number; text: string; votes?: number }[];
  anonymous: boolean;
  /** ISO instant when it closes by itself, if set. */
  closesAt?: string;
  closed: boolean;
  /** Short explanatory line to show on the poll (e.g. "Named poll: voters are recorded"). */
  note: string;
  /** Voters may choose several options, one vote each (agenda polls: true). Telegram: allows_multiple_answers. */
  multipleAnswers?: boolean;
}

export interface Reply {
  blocks: Block[];
  /** Rows of buttons. */
  buttons?: Button[][];
  document?: DocumentAttachment;
  /** Set when the reply is a refusal or an error the user caused (adapters may style it). */
  refusal?: boolean;
  /** Meant for the asker only (e.g. /whoami): Slack shows it ephemeral where it can (slash
   *  commands); Telegram and the console answer in the chat as usual. */
  private?: boolean;
}

export const reply = (...blocks: Block[]): Reply => ({ blocks });
export const text = (t: string): Block => ({ type: 'paragraph', parts: [t] });
export const notice = (level: 'info' | 'warning' | 'error', t: string): Block => ({ type: 'notice', level, text: t });

// ------------------------------------------------------------------------------------------------
// The one plain-text rendering of a reply: the console shows it, Slack's notification fallback
// is made of it, tests assert on it.

/** Plain-text rendering of inline parts. */
export function inlineToPlain(parts: Inline[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? p : 'time' in p ? p.fallback : p.text))
    .join('');
}

/** One block as plain text (notices tagged with their level, an entry with its kind and citation);
 *  a heading framed (`== Title ==`) where nothing else would set it apart (the console). */
export function blockToPlain(b: Block, opts: { framedHeadings?: boolean } = {}): string {
  switch (b.type) {
    case 'heading':
      return opts.framedHeadings ? `== ${b.text} ==` : b.text;
    case 'paragraph':
      return inlineToPlain(b.parts);
    case 'list':
      return b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : '-'} ${inlineToPlain(it)}`).join('\n');
    case 'entry':
      return `* ${b.title}\n  ${b.text}\n  ${b.kindLabel ? `${b.kindLabel} · ` : ''}(${b.citation.label})`;
    case 'notice':
      return `[${b.level}] ${b.text}`;
    case 'divider':
      return '---';
  }
}

export interface PlainOptions {
  /** `== Title ==` for headings (the console: a terminal shows no bold). */
  framedHeadings?: boolean;
  /** Buttons: their labels, a row a line (default); with what to type to press each (`press`: the
   *  console's `/press <action>`); or left out (`none`: a platform that draws them itself). */
  buttons?: 'labels' | 'press' | 'none';
  /** An attached document: its name (default), its whole text (`content`: the console), or nothing. */
  document?: 'name' | 'content' | 'none';
}

/** The one plain-text rendering of a reply. */
export function replyToPlain(reply: Reply, opts: PlainOptions = {}): string {
  const lines = reply.blocks.map((b) => blockToPlain(b, opts));
  const rows = (reply.buttons ?? []).filter((row) => row.length > 0);
  if (rows.length > 0 && opts.buttons === 'press') {
    lines.push(`Buttons: ${rows.flat().map((b) => `[${b.label}] (type: /press ${b.action})`).join('  ')}`);
  } else if (rows.length > 0 && opts.buttons !== 'none') {
    for (const row of rows) lines.push(row.map((b) => `[${b.label}]`).join(' '));
  }
  const doc = reply.document;
  if (doc && opts.document === 'content') {
    lines.push(`--- ${doc.filename} (${doc.mimeType}) ---\n${doc.content.trimEnd()}\n--- end of ${doc.filename} ---`);
  } else if (doc && opts.document !== 'none') lines.push(`(document ${doc.filename})`);
  return lines.join('\n');
}

/** A poll as plain text: question, note, numbered options with their counts, how to vote. */
export function pollToPlain(poll: PollView): string {
  const lines = [`Poll #${poll.id}: ${poll.question}`, poll.note];
  for (const o of poll.options) lines.push(`  ${o.index + 1}. ${o.text}${o.votes !== undefined ? ` (${o.votes})` : ''}`);
  lines.push(poll.closed ? '(closed)' : `Vote with /vote <number> ${poll.id}`);
  return lines.join('\n');
}
