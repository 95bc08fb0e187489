// How tests run the `practice-bot` bin: on the current TypeScript sources (PRACTICE_BOT_FROM_SOURCE=1
// makes bin/practice-bot.js load src/cli.ts through tsx), never on dist/, which may be older than the
// sources while they are being edited. test/build.test.ts is the one test that runs the compiled bin.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/practice-bot.js');

/** The node arguments that start the bin with these CLI arguments. */
export function cliArgs(args: readonly string[] = []): string[] {
  return [BIN, ...args];
}

/** A child's environment for the bin, running the sources (spread the test's own variables after it). */
export function cliEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ...env, PRACTICE_BOT_FROM_SOURCE: '1' };
}
