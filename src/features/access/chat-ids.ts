// Platform-neutral chat ids as the secretariat types them (/chats allow telegram:-1001234567890).
// The same platforms ALLOWED_CHATS accepts (src/config.ts).

const CHAT_ID_RULES: Record<string, { re: RegExp; hint: string }> = {
  telegram: { re: /^telegram:-?\d{1,20}$/, hint: 'telegram:<numeric chat id>, e.g. telegram:-1001234567890' },
  slack: { re: /^slack:[CGD][A-Z0-9]{2,20}$/, hint: 'slack:<channel id>, e.g. slack:C012AB3CD' },
  console: { re: /^console:[A-Za-z0-9._-]{1,64}$/, hint: 'console:<name>, e.g. console:secretariat' },
};

/** Validates a chat id; returns the problem in words, or undefined when fine. */
export function chatIdProblem(id: string): string | undefined {
  const platform = id.slice(0, Math.max(0, id.indexOf(':')));
  const rule = CHAT_ID_RULES[platform];
  if (!rule) return `"${id.slice(0, 60)}" is not a chat id. Write ${CHAT_ID_RULES.telegram!.hint} or ${CHAT_ID_RULES.slack!.hint}.`;
  if (!rule.re.test(id)) return `"${id.slice(0, 60)}" is not a valid ${platform} chat id. Write ${rule.hint}.`;
  return undefined;
}
