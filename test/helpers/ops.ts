// Helpers for the operator-command tests: running src/cli.ts's main in-process against a database
// file, and a strict RFC 4180 reader to read exports back.
import { Writable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `practice-bot <argv>` in this process with DATABASE_PATH set to `db`. */
export async function runMain(argv: string[], db: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const sink = (f: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        f(chunk.toString());
        cb();
      },
    });
  const before = process.env.DATABASE_PATH;
  process.env.DATABASE_PATH = db;
  try {
    const stdin = new PassThrough();
    stdin.end();
    const code = await main(argv, { stdin, stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) });
    return { code, stdout, stderr };
  } finally {
    if (before === undefined) delete process.env.DATABASE_PATH;
    else process.env.DATABASE_PATH = before;
  }
}

/** Reads CSV as RFC 4180 defines it: records end with CRLF; a field is either plain (no comma,
 *  quote, CR or LF) or wholly quoted with quotes doubled inside. Anything else throws. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const row: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new Error('unterminated quoted field');
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          field += c;
          i++;
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
          if (text[i] === '"') throw new Error(`bare quote in an unquoted field at ${i}`);
          field += text[i];
          i++;
        }
      }
      row.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r' && text[i + 1] === '\n') {
        i += 2;
        break;
      }
      throw new Error(`expected CRLF or a comma at ${i}, found ${JSON.stringify(text.slice(i, i + 10))}`);
    }
    rows.push(row);
  }
  return rows;
}
