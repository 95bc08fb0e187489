// Plain-text rendering of the reply model, for the console (and any platform without markup).
import { inlineToPlain, type Block, type PollView, type Reply } from '../../src/core/reply.ts';

function block(b: Block): string {
  switch (b.type) {
    case 'heading':
      return `== ${b.text} ==`;
    case 'paragraph':
      return inlineToPlain(b.parts);
    case 'list':
      return b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : '-'} ${inlineToPlain(it)}`).join('\n');
    case 'entry':
      return `* ${b.title}\n  ${b.text}\n  ${b.kindLabel ? `${b.kindLabel} · ` : ''}(${b.citation.label})`;
    case 'notice':
      return `${b.level === 'error' ? '!! ' : b.level === 'warning' ? '! ' : 'i '}${b.text}`;
    case 'divider':
      return '---';
  }
}

export function renderPlain(reply: Reply): string {
  const parts = reply.blocks.map(block);
  const buttons = (reply.buttons ?? []).flat();
  if (buttons.length > 0) {
    parts.push(`Buttons: ${buttons.map((b) => `[${b.label}] (type: /press ${b.action})`).join('  ')}`);
  }
  if (reply.document) {
    parts.push(`--- ${reply.document.filename} (${reply.document.mimeType}) ---\n${reply.document.content.trimEnd()}\n--- end of ${reply.document.filename} ---`);
  }
  return parts.join('\n');
}

export function renderPollPlain(poll: PollView): string {
  const lines = [`Poll #${poll.id}: ${poll.question}`, poll.note];
  for (const o of poll.options) lines.push(`  ${o.index + 1}. ${o.text}${o.votes !== undefined ? ` (${o.votes})` : ''}`);
  if (!poll.closed) lines.push(`Vote with /vote <number> ${poll.id}`);
  else lines.push('(closed)');
  return lines.join('\n');
}
