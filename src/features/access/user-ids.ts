// Platform-neutral user ids as the secretariat types them (/role grant co-chair telegram:123456789).

const USER_ID_RULES: Record<string, { re: RegExp; hint: string }> = {
  telegram: { re: /^telegram:\d{1,20}$/, hint: 'telegram:<numeric user id>, e.g. telegram:123456789' },
  slack: { re: /^slack:[UW][A-Z0-9]{2,20}$/, hint: 'slack:<member id>, e.g. slack:U012AB3CD' },
  console: { re: /^console:[A-Za-z0-9._-]{1,64}$/, hint: 'console:<name>, e.g. console:alice' },
};

/** Validates a platform-neutral user id; returns the problem in words, or undefined when fine. */
export function userIdProblem(id: string): string | undefined {
  const platform = id.slice(0, Math.max(0, id.indexOf(':')));
  const rule = USER_ID_RULES[platform];
  const all = Object.values(USER_ID_RULES).map((r) => r.hint).join('; ');
  if (!rule) return `"${id.slice(0, 60)}" is not a user id. Write ${all}.`;
  if (!rule.re.test(id)) return `"${id.slice(0, 60)}" is not a valid ${platform} user id. Write ${rule.hint}.`;
  return undefined;
}
