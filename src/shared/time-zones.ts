// IANA time zones: the canonical spelling of a zone the user typed, and how an instant reads in a
// zone. Zone arithmetic is luxon's (IANA database through Intl), never hand-rolled.
import { DateTime, IANAZone } from 'luxon';

// en-US month abbreviations (Sep, not Sept); the day-month order comes from the format strings.
export const LOCALE = 'en-US';

/** The canonical spelling of an IANA zone (e.g. europe/sofia -> Europe/Sofia), or undefined. */
export function canonicalZone(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{1,63}$/.test(name) || !IANAZone.isValidZone(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** "Thu 10 Dec 2026, 10:00" in the given zone. */
export function formatLocal(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).setLocale(LOCALE).toFormat('ccc d LLL yyyy, HH:mm');
}

/** "Thu 10 Dec 2026, 10:00 Europe/Sofia (UTC+2)" */
export function formatWithZone(at: Date, zone: string): string {
  const dt = DateTime.fromJSDate(at, { zone }).setLocale(LOCALE);
  return `${dt.toFormat('ccc d LLL yyyy, HH:mm')} ${zone} (UTC${dt.toFormat('ZZ').replace(/:00$/, '').replace(/^\+0(?=\d)/, '+').replace(/^-0(?=\d)/, '-')})`;
}
