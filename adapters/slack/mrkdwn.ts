// Slack text in and out. Incoming text (slash command text, message events) carries Slack's own
// markup: `<@U123>`, `<#C123|name>`, `<https://x|label>`, `<!channel>`, and `&amp; &lt; &gt;`.
// The core wants plain text, so it is decoded here. Outgoing, every user- and data-derived
// string is escaped (`&`, `<`, `>`), so nothing that reaches a message can become a link, a
// mention or a broadcast such as `<!channel>`.

/** Escapes text for Slack mrkdwn (and the top-level `text` fallback). */
export function escapeMrkdwn(s: string): string {
  if (!/[&<>]/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Removes mentions of the bot (`<@UBOT>` / `<@UBOT|name>`) from message text. */
export function stripBotMention(text: string, botUserId: string | undefined): string {
  if (!botUserId) return text;
  const id = botUserId.replace(/[^A-Za-z0-9]/g, '');
  return text.replace(new RegExp(`<@${id}(?:\\|[^>]*)?>:?`, 'g'), ' ').replace(/[ \t]{2,}/g, ' ');
}

function decodeEntities(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Slack-formatted text -> plain text: entities become readable words, escapes are undone. */
export function slackToPlain(text: string): string {
  const out = text.replace(/<([^<>\n]*)>/g, (_m, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar >= 0 ? inner.slice(0, bar) : inner;
    const label = bar >= 0 ? inner.slice(bar + 1) : undefined;
    if (target.startsWith('@')) return `@${label || target.slice(1)}`;
    if (target.startsWith('#')) return `#${label || target.slice(1)}`;
    if (target.startsWith('!')) {
      // <!channel>, <!here>, <!everyone>, <!subteam^S123|@team>, <!date^...|fallback>
      if (label) return label.startsWith('@') || target.startsWith('!date') ? label : `@${label}`;
      return `@${target.slice(1).split('^')[0]}`;
    }
    const url = target.startsWith('mailto:') ? target.slice('mailto:'.length) : target;
    return label && label !== url && label !== target ? `${label} (${url})` : url;
  });
  return decodeEntities(out);
}

/** A URL safe to place inside `<url|label>`: http(s) or mailto only, with no `|`, `<`, `>` or spaces. */
export function safeUrl(url: string): string | undefined {
  const u = url.trim();
  if (!/^(https?:\/\/|mailto:)[^\s]+$/i.test(u)) return undefined;
  return u.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/&/g, '&amp;');
}

/** `<!date^UNIX^{date_short_pretty} {time}|fallback>`: shown in each reader's own time zone. */
export function slackDate(iso: string, fallback: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return escapeMrkdwn(fallback);
  // The fallback runs to the closing `>`, which escaping keeps out.
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${escapeMrkdwn(fallback)}>`;
}
