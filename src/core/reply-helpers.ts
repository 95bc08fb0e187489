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

/** `s` cut to at most `n` characters (code points), ending in "…" when cut. */
export const clip = (s: string, n: number): string => (chars(s) > n ? `${[...s].slice(0, n - 1).join('')}…` : s);

/** The one apology for a failure on our side (core, adapters). */
export const APOLOGY_TEXT = 'Sorry, something went wrong on my side. Please try again in a moment.';

export const apologyReply = (): Reply => refusal(para(APOLOGY_TEXT));
