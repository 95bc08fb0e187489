// The `practice-bot ingest` and `practice-bot check` commands (wired in src/cli.ts). Errors are one
// line, without a stack trace: exit 1 for a file or folder that fails, 2 for a usage mistake.
import { parseArgs } from 'node:util';
import { checkKnowledge, checkSummary, formatProblem } from '../knowledge/check.ts';
import { IngestError, ingestDocument } from './ingest.ts';
import { ReadError } from './read.ts';

type Out = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

export const INGEST_USAGE = 'Usage: practice-bot ingest <file.txt|.md|.docx|.pdf> --meeting <id> [--out <file.yaml>] [--force]';
export const CHECK_USAGE = 'Usage: practice-bot check [--dir <knowledge folder>]';

export async function runIngest(argv: string[], io: Out, knowledgeDir: string, now?: Date): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { meeting: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1 || !values.meeting) {
    io.stderr.write(`${INGEST_USAGE}\n`);
    return 2;
  }
  try {
    const r = await ingestDocument({
      file: positionals[0]!,
      meetingId: values.meeting,
      knowledgeDir,
      ...(values.out ? { out: values.out } : {}),
      force: values.force,
      ...(now ? { now } : {}),
    });
    io.stdout.write(`${r.summary}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ReadError || err instanceof IngestError) {
      io.stderr.write(`practice-bot ingest: ${err.message.split('\n')[0]}\n`);
      return 1;
    }
    throw err;
  }
}

export function runCheck(argv: string[], io: Out, knowledgeDir: string): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { dir: { type: 'string' } } });
  if (positionals.length > 0) {
    io.stderr.write(`${CHECK_USAGE}\n`);
    return 2;
  }
  const r = checkKnowledge(values.dir ?? knowledgeDir);
  for (const p of r.problems) io.stdout.write(`${formatProblem(p)}\n`);
  io.stdout.write(`${checkSummary(r)}\n`);
  return r.errors > 0 ? 1 : 0;
}
