// Reads a meeting document (.txt, .md, .docx, .pdf) into blocks, or fails with a one-line reason
// (ReadError) that the CLI prints as it is.
import fs from 'node:fs';
import path from 'node:path';
import type { Block } from './blocks.ts';
import { readTextBlocks } from './read-text.ts';

export class ReadError extends Error {
  override name = 'ReadError';
}

export const FORMATS = ['.txt', '.md', '.docx', '.pdf'] as const;

/** The file's blocks; throws ReadError (missing, unknown type, empty, unreadable, no text). */
export async function readDocument(file: string): Promise<Block[]> {
  const name = path.basename(file);
  const ext = path.extname(file).toLowerCase();
  if (!(FORMATS as readonly string[]).includes(ext === '.markdown' ? '.md' : ext))
    throw new ReadError(`${name}: unknown file type "${ext || '(none)'}"; ingest reads ${FORMATS.join(', ')}`);
  let data: Buffer;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new ReadError(`${name}: is a folder, not a file`);
    data = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof ReadError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReadError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot be read (${code ?? String(err)})`);
  }
  if (data.length === 0 || (ext !== '.pdf' && ext !== '.docx' && data.toString('utf8').trim() === '')) throw new ReadError(`${name}: the file is empty`);
  let blocks: Block[];
  try {
    // the PDF and Word readers are loaded on demand (pdf.js alone is several megabytes)
    if (ext === '.pdf') {
      const { PdfReadError, readPdfBlocks } = await import('./read-pdf.ts');
      try {
        blocks = await readPdfBlocks(new Uint8Array(data));
      } catch (err) {
        if (err instanceof PdfReadError) throw new ReadError(`${name}: ${err.message}`);
        throw err;
      }
    } else if (ext === '.docx') {
      if (data.subarray(0, 2).toString('latin1') !== 'PK') throw new ReadError(`${name}: not a Word .docx file (a .doc from old Word? save it as .docx)`);
      const { readDocxBlocks } = await import('./read-docx.ts');
      blocks = await readDocxBlocks(data);
    } else {
      const text = data.toString('utf8');
      if (text.includes('\u0000')) throw new ReadError(`${name}: not a text file (binary content)`);
      blocks = readTextBlocks(text.replace(/^\ufeff/, ''), ext !== '.txt');
    }
  } catch (err) {
    if (err instanceof ReadError) throw err;
    const msg = ((err as Error).message ?? String(err)).split('\n')[0];
    throw new ReadError(`${name}: cannot be read (${msg})`);
  }
  if (!blocks.some((b) => b.type !== 'heading' || b.text.length > 0) || blocks.every((b) => b.text.trim() === ''))
    throw new ReadError(`${name}: no text found in the document`);
  return blocks;
}
