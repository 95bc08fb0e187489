// Small text rules shared by several features: clean single-line input, durations in words, why a
// file could not be read, reading a file's text or saying why not.
import fs from 'node:fs';

/** Plain single-line text: NFC, no control or bidi-override characters, whitespace collapsed. */
export function cleanText(s: string): string {
  return s
    .normalize('NFC')
    .replace(/[\p{Cc}\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** One day in milliseconds (a fixed 24 hours; calendar days across a clock change are luxon's). */
export const DAY_MS = 86_400_000;

/** A duration written exactly, to the minute: "7 days", "1 day 1 hour", "1 hour 30 minutes",
 *  "1 hour 2 minutes". Seconds are rounded to the nearest minute; never less than "1 minute". */
export function humanDuration(ms: number): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const total = Math.max(1, Math.round(ms / 60_000));
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  return [days ? plural(days, 'day') : '', hours ? plural(hours, 'hour') : '', minutes ? plural(minutes, 'minute') : '']
    .filter(Boolean)
    .join(' ');
}

/** Why a file could not be read, as the knowledge and lexicon checks word it: "cannot be read (ENOENT)". */
export function cannotBeRead(err: unknown): string {
  return `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
}

/** A file's text; undefined when it cannot be read, with "<name>: cannot be read (CODE)" added to `problems`. */
export function readTextOrProblem(file: string, name: string, problems: string[]): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`${name}: ${cannotBeRead(err)}`);
    return undefined;
  }
}
