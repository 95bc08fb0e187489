// The operator subcommands of the `practice-bot` bin (issue 16): status, backup, restore, export.
// src/cli.ts hands them over in one block. Argument mistakes exit 2, refusals and failures exit 1,
// each with one line on stderr and no stack trace.
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { describeBackup, backupDatabase } from './backup.ts';
import { latestSchemaVersion, OpsError, openReadOnly } from './db-file.ts';
import { EXPORT_FORMATS, EXPORT_KINDS, exportSet, parseSince, writeExport, type ExportFormat, type ExportKind } from './export.ts';
import { restoreDatabase } from './restore.ts';
import { formatStatus, readStatus } from './status.ts';

export const OPS_COMMANDS = ['status', 'backup', 'restore', 'export'] as const;
export type OpsCommand = (typeof OPS_COMMANDS)[number];

export const OPS_USAGE = `  practice-bot status [--json]       the database as the bot left it: schema, lease, deliveries, scheduler
  practice-bot backup <file> [--force]
                                     consistent copy of the database while the bot runs, checked
  practice-bot restore <file>        put a backup in place (the bot must be stopped; the old file is kept)
  practice-bot export <${EXPORT_KINDS.join('|')}> [--format csv|json] [--since YYYY-MM-DD]
                                     records to stdout (CSV per RFC 4180, formulas neutralised)`;

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

export function isOpsCommand(c: string | undefined): c is OpsCommand {
  return (OPS_COMMANDS as readonly (string | undefined)[]).includes(c);
}

class UsageError extends Error {}

/** parseArgs with its complaints (unknown option, missing value) as one-line usage errors. */
function parsed<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new UsageError(String((err as Error).message).split('\n')[0]);
  }
}

function onePositional(positionals: string[], what: string, usage: string): string {
  if (positionals.length !== 1 || !positionals[0]?.trim()) throw new UsageError(`${what}. Usage: ${usage}`);
  return positionals[0];
}

async function run(command: OpsCommand, argv: string[], io: Io, databasePath: () => string, now: () => Date): Promise<number> {
  switch (command) {
    case 'status': {
      const { values, positionals } = parsed(() => parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } }));
      if (positionals.length) throw new UsageError('status takes no arguments. Usage: practice-bot status [--json]');
      const db = openReadOnly(databasePath());
      try {
        const s = readStatus(db, now());
        io.stdout.write(values.json ? `${JSON.stringify(s)}\n` : `${formatStatus(s)}\n`);
      } finally {
        db.close();
      }
      return 0;
    }
    case 'backup': {
      const { values, positionals } = parsed(() => parseArgs({ args: argv, allowPositionals: true, options: { force: { type: 'boolean', default: false } } }));
      const file = onePositional(positionals, 'backup needs one file name', 'practice-bot backup <file> [--force]');
      const db = openReadOnly(databasePath());
      try {
        const report = await backupDatabase(db, file, { force: values.force === true });
        io.stdout.write(`${describeBackup(report)}\n`);
      } finally {
        db.close();
      }
      return 0;
    }
    case 'restore': {
      const { positionals } = parsed(() => parseArgs({ args: argv, allowPositionals: true, options: {} }));
      const file = onePositional(positionals, 'restore needs the backup file', 'practice-bot restore <file>');
      const r = await restoreDatabase({ from: file, database: databasePath(), now: now() });
      const latest = latestSchemaVersion();
      const migrate = r.schemaVersion < latest ? `; the bot migrates it to ${latest} at its next start` : '';
      io.stdout.write(
        `Restored ${r.database} from ${file} (schema version ${r.schemaVersion}${migrate}).\n` +
          (r.replaced ? `The replaced database is kept at ${r.replaced}\n` : 'There was no database to replace.\n'),
      );
      return 0;
    }
    case 'export': {
      const { values, positionals } = parsed(() => parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string', default: 'csv' }, since: { type: 'string' } } }));
      const usage = `practice-bot export <${EXPORT_KINDS.join('|')}> [--format csv|json] [--since YYYY-MM-DD]`;
      const kind = onePositional(positionals, 'export needs one kind', usage);
      if (!(EXPORT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown export "${kind.slice(0, 40)}": choose ${EXPORT_KINDS.join(', ')}`);
      const format = String(values.format);
      if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown --format "${format.slice(0, 40)}": choose csv or json`);
      let since = 0;
      try {
        if (values.since !== undefined) since = parseSince(String(values.since));
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const db = openReadOnly(databasePath());
      try {
        const set = exportSet(db, kind as ExportKind, since);
        if (set.note) io.stderr.write(`note: ${set.note}\n`);
        writeExport(set, format as ExportFormat, (s) => io.stdout.write(s));
      } finally {
        db.close();
      }
      return 0;
    }
  }
}

/** Runs one operator command; returns the exit code. `databasePath` is read only when needed
 *  (it loads the configuration). */
export async function runOpsCommand(
  command: OpsCommand,
  argv: string[],
  io: Io,
  databasePath: () => string,
  now: () => Date = () => new Date(),
): Promise<number> {
  try {
    return await run(command, argv, io, databasePath, now);
  } catch (err) {
    const line = (m: string) => io.stderr.write(`practice-bot ${command}: ${m.replace(/\s+/g, ' ').trim()}\n`);
    if (err instanceof UsageError) {
      line(err.message);
      return 2;
    }
    if (err instanceof OpsError || err instanceof Database.SqliteError) {
      line(err.message);
      return 1;
    }
    throw err;
  }
}
