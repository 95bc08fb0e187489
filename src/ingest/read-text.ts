// Plain text and Markdown to blocks. Plain text has no markup, so headings are the short lines that
// stand alone (no closing punctuation); list items start with a bullet, dash or number.
import { LABEL_LINE, cleanText, listMarker, looksLikeHeading, stripMarker, type Block } from './blocks.ts';
import { headingKind } from './kinds.ts';

const MD_HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const MD_BOLD_LINE = /^\s*(?:\*\*|__)([^*_]{2,100})(?:\*\*|__)\s*:?\s*$/;
const TERMINAL = /[.!?:;]["'”’)]?$/;

/** A known section heading written as a line of its own, perhaps in capitals or with a colon. */
function knownHeading(line: string): string | undefined {
  const s = line.trim().replace(/:$/, '').trim();
  if (s.length < 3 || s.length > 60 || listMarker(line) || LABEL_LINE.test(s) || /[.;,]$/.test(s)) return undefined;
  return headingKind(s) ? s : undefined;
}

export function readTextBlocks(text: string, markdown: boolean): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const nonBlank = lines.filter((l) => l.trim() !== '');
  // Text wrapped at a fixed width joins its lines into paragraphs up to a blank line; text written
  // one paragraph a line (most copies from web pages) starts a paragraph on each line.
  const wrapped = markdown || (nonBlank.length > 0 && nonBlank.filter((l) => l.length > 100).length / nonBlank.length < 0.1);
  const blocks: Block[] = [];
  let open: { kind: 'item' | 'para'; text: string; depth: number } | undefined;
  let prevBlank = true;
  let inFence = false;
  const flush = () => {
    if (open) {
      const t = cleanText(open.text);
      if (t !== '') blocks.push(open.kind === 'item' ? { type: 'item', text: t, depth: open.depth } : { type: 'para', text: t });
    }
    open = undefined;
  };
  const lastEnded = () => (open ? TERMINAL.test(open.text.trim()) : true);

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.replace(/\t/g, '    ');
    if (markdown && /^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    if (line.trim() === '' || /^\s*([-*_]\s*){3,}$/.test(line) || /^\s*(=+|-+)\s*$/.test(line)) {
      flush();
      prevBlank = true;
      continue;
    }
    const md = markdown ? MD_HEADING.exec(line) : null;
    if (md) {
      flush();
      blocks.push({ type: 'heading', text: cleanText(md[2]!), level: md[1]!.length });
      prevBlank = false;
      continue;
    }
    const bold = MD_BOLD_LINE.exec(line);
    const standalone = prevBlank || lastEnded() || blocks.at(-1)?.type === 'heading';
    const known = knownHeading(line);
    if (bold && standalone) {
      flush();
      blocks.push({ type: 'heading', text: cleanText(bold[1]!), level: markdown ? 7 : 1 });
      prevBlank = false;
      continue;
    }
    const marker = listMarker(line);
    if (!marker && (known || (standalone && looksLikeHeading(line) && !nextIsContinuation(lines, i)))) {
      flush();
      blocks.push({ type: 'heading', text: cleanText(known ?? line), level: markdown ? 7 : 1 });
      prevBlank = false;
      continue;
    }
    const indent = /^\s*/.exec(line)![0].length;
    if (marker) {
      flush();
      open = { kind: 'item', text: stripMarker(line), depth: indent >= 1 ? Math.min(3, Math.ceil(indent / 2)) : 0 };
    } else if (open && (wrapped ? !prevBlank : !lastEnded() && /^\s*\p{Ll}/u.test(line))) {
      open.text += ` ${line.trim()}`;
    } else {
      flush();
      open = { kind: 'para', text: line, depth: 0 };
    }
    prevBlank = false;
  }
  flush();
  return blocks;
}

/** The next non-blank line carries on a sentence (starts in lower case): the current line is not a heading. */
function nextIsContinuation(lines: string[], i: number): boolean {
  const next = lines[i + 1];
  return next !== undefined && /^\s*\p{Ll}/u.test(next) && !listMarker(next);
}
