// The chat platforms, in one place: the id prefixes (`telegram:-100123`, `slack:C123`,
// `console:local`), config parsing of ids, the outbound router and the console's `/as` all read it.

export const PLATFORMS = ['telegram', 'slack', 'console'] as const;

export type Platform = (typeof PLATFORMS)[number];

export function isPlatform(s: string): s is Platform {
  return (PLATFORMS as readonly string[]).includes(s);
}

/** The platform of a platform-neutral chat or user id, or undefined. */
export function platformOf(id: string): Platform | undefined {
  const i = id.indexOf(':');
  if (i < 0) return undefined;
  const p = id.slice(0, i);
  return isPlatform(p) ? p : undefined;
}

/** A user id as a person types it (console `/as`, `--as`): `<platform>:<id>`, e.g. `telegram:42`. */
export const TYPED_USER_ID = new RegExp(`^(?:${PLATFORMS.join('|')}):[A-Za-z0-9_.-]{1,64}$`);
