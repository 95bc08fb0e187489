// PDF to blocks with pdf.js (pdfjs-dist, legacy build for Node). Most meeting PDFs carry no
// structure tags, so the layout tells: text lines are rebuilt from positioned text runs, a line set
// bigger than the body text (or bold and short) is a heading, a line opening with a bullet glyph or a
// number starts a list item, and a paragraph ends at a wider gap, a short last line or a heading.
import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { cleanText, listMarker, looksLikeHeading, stripMarker, type Block } from './blocks.ts';
import { headingKind } from './kinds.ts';

export class PdfReadError extends Error {
  override name = 'PdfReadError';
}

interface Line {
  text: string;
  x: number;
  right: number;
  y: number;
  size: number;
  bold: boolean;
  page: number;
  /** in the top or bottom tenth of the page, where running headers and footers sit */
  edge: boolean;
}

const require = createRequire(import.meta.url);
const standardFontDataUrl = `${path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

const BOLD_FONT = /bold|black|heavy|semibold|demi/i;

async function open(data: Uint8Array): Promise<PDFDocumentProxy> {
  try {
    return await getDocument({ data, isEvalSupported: false, useSystemFonts: false, verbosity: 0, standardFontDataUrl, stopAtErrors: false })
      .promise;
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'PasswordException') throw new PdfReadError('the PDF is encrypted (password protected): save an unprotected copy and ingest that');
    if (name === 'InvalidPDFException') throw new PdfReadError('not a valid PDF (the file is damaged or not a PDF)');
    throw new PdfReadError(`the PDF cannot be opened (${(err as Error).message ?? String(err)})`);
  }
}

async function pageLines(pdf: PDFDocumentProxy, n: number): Promise<Line[]> {
  const page = await pdf.getPage(n);
  // Fonts are loaded while the page's operators are read: only then is a font's real name (and so
  // its boldness) known.
  await page.getOperatorList();
  const content = await page.getTextContent();
  const boldOf = new Map<string, boolean>();
  const isBold = (fontName: string): boolean => {
    let b = boldOf.get(fontName);
    if (b === undefined) {
      let font: { name?: string; bold?: boolean } | undefined;
      try {
        font = page.commonObjs.has(fontName) ? (page.commonObjs.get(fontName) as { name?: string; bold?: boolean }) : undefined;
      } catch {
        font = undefined;
      }
      b = Boolean(font?.bold) || BOLD_FONT.test(font?.name ?? '') || BOLD_FONT.test(content.styles[fontName]?.fontFamily ?? '');
      boldOf.set(fontName, b);
    }
    return b;
  };
  const height = page.view[3] ?? 842;
  const lines: Line[] = [];
  let cur: (Line & { chars: number; boldChars: number; sizeChars: number }) | undefined;
  const end = () => {
    if (cur && cur.text.trim() !== '') {
      cur.bold = cur.boldChars >= cur.chars * 0.9;
      cur.size = cur.sizeChars / Math.max(1, cur.chars);
      cur.text = cur.text.replace(/\s+/g, ' ').trim();
      lines.push({ text: cur.text, x: cur.x, right: cur.right, y: cur.y, size: cur.size, bold: cur.bold, page: n, edge: cur.y > height * 0.9 || cur.y < height * 0.1 });
    }
    cur = undefined;
  };
  for (const item of content.items) {
    if (!('str' in item)) continue;
    const t = item.transform as number[];
    const size = Math.hypot(t[2] ?? 0, t[3] ?? 0) || Math.abs(t[3] ?? 0) || 10;
    const x = t[4] ?? 0;
    const y = t[5] ?? 0;
    if (item.str !== '') {
      if (cur && Math.abs(y - cur.y) > Math.max(size, cur.size / Math.max(1, cur.chars)) * 0.5) end();
      const chars = item.str.replace(/\s/g, '').length;
      if (!cur) cur = { text: '', x, right: x, y, size: 0, bold: false, page: n, edge: false, chars: 0, boldChars: 0, sizeChars: 0 };
      else if (x - cur.right > size * 0.15 && !/\s$/.test(cur.text) && !/^\s/.test(item.str)) cur.text += ' ';
      cur.text += item.str;
      cur.right = Math.max(cur.right, x + item.width);
      cur.chars += chars;
      cur.sizeChars += size * chars;
      if (isBold(item.fontName)) cur.boldChars += chars;
    }
    if (item.hasEOL) end();
  }
  end();
  page.cleanup();
  return lines;
}

/** Text repeated at the same height near the top or bottom of most pages (running headers,
 *  footers) and page numbers there. */
function dropFurniture(lines: Line[], pages: number): Line[] {
  const key = (l: Line) => `${Math.round(l.y / 4)}|${l.text.replace(/\d+/g, '#').toLowerCase()}`;
  const count = new Map<string, Set<number>>();
  for (const l of lines) {
    const k = key(l);
    const s = count.get(k) ?? new Set<number>();
    s.add(l.page);
    count.set(k, s);
  }
  return lines.filter((l) => {
    if (!l.edge) return true;
    if (/^(page\s*)?\d{1,4}(\s*(of|\/)\s*\d{1,4})?$/i.test(l.text)) return false;
    return !(pages >= 3 && (count.get(key(l))?.size ?? 0) >= Math.max(3, pages * 0.5));
  });
}

const round = (n: number) => Math.round(n * 2) / 2;

export function linesToBlocks(lines: Line[]): Block[] {
  // the body size: the size most characters are set in
  const weight = new Map<number, number>();
  for (const l of lines) weight.set(round(l.size), (weight.get(round(l.size)) ?? 0) + l.text.length);
  const body = [...weight.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 10;
  const headingSizes = [...new Set(lines.filter((l) => round(l.size) >= body * 1.15).map((l) => round(l.size)))].sort((a, b) => b - a);
  const right = Math.max(...lines.map((l) => l.right));
  const left = Math.min(...lines.map((l) => l.x));
  const markerXs: number[] = [];

  const blocks: Block[] = [];
  let open: { kind: 'item' | 'para'; text: string; depth: number; last: Line } | undefined;
  let heading: { text: string; level: number; last: Line } | undefined;
  const flush = () => {
    if (open) {
      const t = cleanText(open.text);
      if (t !== '') blocks.push(open.kind === 'item' ? { type: 'item', text: t, depth: open.depth } : { type: 'para', text: t });
    }
    open = undefined;
  };
  const flushHeading = () => {
    if (heading) blocks.push({ type: 'heading', text: cleanText(heading.text).replace(/:$/, ''), level: heading.level });
    heading = undefined;
  };
  const depthFor = (x: number) => {
    let i = markerXs.findIndex((m) => Math.abs(m - x) < 4);
    if (i < 0) {
      markerXs.push(x);
      markerXs.sort((a, b) => a - b);
      i = markerXs.indexOf(x);
    }
    return Math.min(3, i);
  };

  for (const l of lines) {
    const big = round(l.size) >= body * 1.15 && l.text.length <= 160;
    const marker = listMarker(l.text);
    const boldHeading = l.bold && !marker && looksLikeHeading(l.text.replace(/:$/, ''), 14);
    const standalone = !open || /[.!?:;]["'”’)]?$/.test(open.text.trim()) || open.last.right < right - l.size * 4;
    const namedHeading = !marker && standalone && !l.bold && !big && headingKind(l.text.replace(/:$/, '')) !== undefined && l.text.length <= 60 && !/[.;]$/.test(l.text);
    if (big || boldHeading || namedHeading) {
      const level = big ? headingSizes.indexOf(round(l.size)) + 1 : headingSizes.length + 1;
      // a heading wrapped over two lines: same size and weight, right below
      if (heading && heading.level === level && heading.last.page === l.page && heading.last.y - l.y < l.size * 1.6) {
        heading.text += ` ${l.text}`;
        heading.last = l;
        continue;
      }
      flush();
      flushHeading();
      heading = { text: l.text, level, last: l };
      continue;
    }
    flushHeading();
    if (marker) {
      flush();
      open = { kind: 'item', text: stripMarker(l.text), depth: depthFor(l.x), last: l };
      continue;
    }
    if (open) {
      const prev = open.last;
      const samePage = prev.page === l.page;
      const gap = samePage ? prev.y - l.y : l.size * 1.2;
      const ended = /[.!?:;]["'”’)]?$/.test(prev.text);
      const shortLast = prev.right < right - l.size * 4;
      const wideGap = gap > Math.max(prev.size, l.size) * 1.75 || gap < 0;
      const indentedStart = ended && l.x > left + l.size * 1.5 && l.x > prev.x + l.size && open.kind === 'para';
      if (!wideGap && !(ended && shortLast) && !indentedStart) {
        open.text += prev.text.endsWith('-') && /^\p{Ll}/u.test(l.text) ? l.text : ` ${l.text}`;
        open.last = l;
        continue;
      }
    }
    flush();
    open = { kind: 'para', text: l.text, depth: 0, last: l };
  }
  flush();
  flushHeading();
  return blocks;
}

export async function readPdfBlocks(data: Uint8Array): Promise<Block[]> {
  const pdf = await open(data);
  try {
    const lines: Line[] = [];
    for (let n = 1; n <= pdf.numPages; n++) lines.push(...(await pageLines(pdf, n)));
    if (lines.length === 0) throw new PdfReadError('the PDF has no text layer (a scanned or image-only PDF?): run it through OCR first');
    return linesToBlocks(dropFurniture(lines, pdf.numPages));
  } finally {
    await pdf.destroy();
  }
}
