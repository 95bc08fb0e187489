// Word (.docx) to blocks through mammoth's HTML: Word headings become h1-h6, list paragraphs
// ul/ol > li (nested for sub-bullets), and a paragraph that is bold from end to end is taken as a
// heading when it is short.
import mammoth from 'mammoth';
import { cleanText, listMarker, looksLikeHeading, stripMarker, type Block } from './blocks.ts';
import { headingKind } from './kinds.ts';

const STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"];

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return Number.isFinite(n) ? String.fromCodePoint(n) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });

export async function readDocxBlocks(buffer: Buffer): Promise<Block[]> {
  const { value: html } = await mammoth.convertToHtml({ buffer }, { styleMap: STYLE_MAP, ignoreEmptyParagraphs: true });
  return htmlToBlocks(html);
}

/** mammoth's HTML is small and regular: a tag scanner is enough. */
export function htmlToBlocks(html: string): Block[] {
  const blocks: Block[] = [];
  let depth = -1; // list nesting
  const itemText: string[] = []; // open <li> texts, innermost last
  let text = '';
  let inBlock: 'p' | 'h' | undefined;
  let hLevel = 0;
  let boldChars = 0;
  let bold = 0;
  const emitItem = () => {
    const t = cleanText(itemText.pop() ?? '');
    if (t !== '') blocks.push({ type: 'item', text: stripMarker(t), depth: Math.max(0, depth) });
  };
  const re = /<(\/?)([a-z0-9]+)[^>]*>|([^<]+)/gi;
  for (const m of html.matchAll(re)) {
    if (m[3] !== undefined) {
      const t = decode(m[3]);
      if (inBlock) {
        text += t;
        if (bold > 0) boldChars += t.replace(/\s/g, '').length;
      } else if (itemText.length > 0) itemText[itemText.length - 1] += t;
      continue;
    }
    const close = m[1] === '/';
    const tag = m[2]!.toLowerCase();
    if (tag === 'strong' || tag === 'b') bold += close ? -1 : 1;
    else if (tag === 'br' && inBlock) text += ' ';
    else if (tag === 'ul' || tag === 'ol') {
      if (!close) {
        // a nested list ends the parent item's own text
        if (itemText.length > 0 && itemText.at(-1)!.trim() !== '') {
          const t = cleanText(itemText[itemText.length - 1]!);
          blocks.push({ type: 'item', text: stripMarker(t), depth: Math.max(0, depth) });
          itemText[itemText.length - 1] = '';
        }
        depth++;
      } else depth--;
    } else if (tag === 'li') {
      if (!close) itemText.push('');
      else emitItem();
    } else if (/^h[1-6]$/.test(tag) || tag === 'p' || tag === 'td' || tag === 'th') {
      if (!close) {
        inBlock = tag.startsWith('h') && tag.length === 2 ? 'h' : 'p';
        hLevel = inBlock === 'h' ? Number(tag[1]) : 0;
        text = '';
        boldChars = 0;
        continue;
      }
      const t = cleanText(text);
      const wasHeading = inBlock === 'h';
      inBlock = undefined;
      if (t === '') continue;
      if (itemText.length > 0) {
        // a paragraph inside a list item
        itemText[itemText.length - 1] += ` ${t}`;
        continue;
      }
      const allBold = boldChars >= t.replace(/\s/g, '').length * 0.9;
      if (wasHeading) blocks.push({ type: 'heading', text: t.replace(/:$/, ''), level: hLevel });
      else if (listMarker(t)) blocks.push({ type: 'item', text: stripMarker(t), depth: 0 });
      else if ((allBold && looksLikeHeading(t.replace(/:$/, ''))) || (headingKind(t.replace(/:$/, '')) && t.length <= 60 && !/[.;]$/.test(t)))
        blocks.push({ type: 'heading', text: t.replace(/:$/, ''), level: 7 });
      else blocks.push({ type: 'para', text: t });
    }
  }
  return blocks;
}
