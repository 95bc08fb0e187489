// pino, with secrets redacted wherever they might appear. Message text is logged at debug only
// (callers put it under `text`, which is redacted above debug).
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'webhookSecret',
  '*.webhookSecret',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-telegram-bot-api-secret-token"]',
  'headers["x-slack-signature"]',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const redact = { paths: [...REDACT_PATHS], censor: '[redacted]' };
  // Above debug, message text is not logged at all.
  if (!['debug', 'trace'].includes(level)) redact.paths.push('text', '*.text');
  return pino({ level, redact, base: { app: 'practice-bot' } }, destination ?? pino.destination(2));
}

/** Strips anything that looks like a bot token from an error message before it is logged. */
export function scrubSecrets(s: string): string {
  return s
    .replace(/\bbot\d{5,}:[A-Za-z0-9_-]{20,}/g, 'bot[redacted]')
    .replace(/\b\d{5,}:[A-Za-z0-9_-]{30,}/g, '[redacted]')
    .replace(/\bx(?:ox[abprs]|app)-[A-Za-z0-9-]+/g, '[redacted]');
}

export function errorFields(err: unknown): { name: string; message: string; code?: string } {
  const e = err as { name?: string; message?: string; code?: unknown };
  return {
    name: String(e?.name ?? 'Error'),
    message: scrubSecrets(String(e?.message ?? err)).slice(0, 500),
    ...(e?.code !== undefined ? { code: String(e.code) } : {}),
  };
}
