// The one home of the small builders every feature uses to write a Reply (src/core/reply.ts).
import type { Block, Inline, Reply } from './reply.ts';

/** A paragraph of inline parts. */
export const para = (...parts: Inline[]): Block => ({ type: 'paragraph', parts });

/** Inline code (a command to type, an id). */
export const code = (text: string): Inline => ({ text, code: true });

/** A reply that declines or corrects (adapters may style it; tests look for it). */
export const refusal = (...blocks: Block[]): Reply => ({ blocks, refusal: true });

/** A one-paragraph reply. */
export const say = (...parts: Inline[]): Reply => ({ blocks: [para(...parts)] });

/** "1 vote", "3 votes", "2 supporters"; `many` for irregular plurals. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Length in characters as people count them (code points, so an emoji counts once). */
export const chars = (s: string): number => [...s].length;

export interface ClipOptions {
  /** Count the limit in UTF-16 code units instead of characters: for a platform API that counts
   *  that way (Telegram's poll fields and captions, Slack's Block Kit fields). A character is never
   *  cut in half either way. */
  units?: 'chars' | 'utf16';
  /** Cut at the last space when there is one in the last 40% (a label reads better). */
  atWord?: boolean;
}

/** The one clip: `s` cut to at most `n` characters (code points; or UTF-16 units, see
 *  ClipOptions), ending in "…" when cut. */
export function clip(s: string, n: number, opts: ClipOptions = {}): string {
  const utf16 = opts.units === 'utf16';
  if ((utf16 ? s.length : chars(s)) <= n) return s;
  let cut = '';
  let size = 0;
  for (const c of s) {
    const w = utf16 ? c.length : 1;
    if (size + w > n - 1) break;
    cut += c;
    size += w;
  }
  if (opts.atWord) {
    const sp = cut.lastIndexOf(' ');
    if (sp > 0 && (utf16 ? sp : chars(cut.slice(0, sp))) > n * 0.6) cut = cut.slice(0, sp);
    cut = cut.trimEnd();
  }
  return `${cut}…`;
}

/** A vote that came too late (a button on a poll that is closed or gone), on every platform. */
export const POLL_NOT_OPEN_TEXT = 'This poll is closed: votes are no longer counted.';

/** The one apology for a failure on our side (core, adapters). */
export const APOLOGY_TEXT = 'Sorry, something went wrong on my side. Please try again in a moment.';

export const apologyReply = (): Reply => refusal(para(APOLOGY_TEXT));
