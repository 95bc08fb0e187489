// The console's rendering: the core's one plain-text rendering (src/core/reply.ts), with framed
// headings, what to type to press a button, and the whole text of an attached document.
import { pollToPlain, replyToPlain, type PollView, type Reply } from '../../src/core/reply.ts';

export const renderPlain = (reply: Reply): string => replyToPlain(reply, { framedHeadings: true, buttons: 'press', document: 'content' });

export const renderPollPlain = (poll: PollView): string => pollToPlain(poll);
