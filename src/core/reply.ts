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

/** Plain-text rendering of inline parts, shared by adapters that need a fallback. */
export function inlineToPlain(parts: Inline[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? p : 'time' in p ? p.fallback : p.text))
    .join('');
}
