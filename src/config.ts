// Configuration: read once from the environment (dotenv in src/cli.ts), validated by zod,
// and passed down. Nothing else in the project reads process.env.
import path from 'node:path';
import { z } from 'zod/v3';
import { zodMessages } from './shared/zod-messages.ts';
import { PLATFORMS } from './core/platforms.ts';

const idList = (prefixes: readonly string[], what: string) =>
  z
    .string()
    .default('')
    .transform((s, ctx) => {
      const items = s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      for (const item of items) {
        const m = /^([a-z]+):(\S+)$/.exec(item);
        if (!m || !prefixes.includes(m[1]!)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${item}" is not a ${what}: write ${prefixes.map((p) => `${p}:<id>`).join(' or ')}`,
          });
        }
      }
      return items;
    });

/** The reminder offsets when REMINDER_OFFSETS is unset or empty (CONTRACT.md). */
export const DEFAULT_REMINDER_OFFSETS = '7d,1d,1h';
/** The longest reminder offset: a year (meetings can be set at most 5 years ahead, and an
 *  offset further out than that could never fire). */
export const MAX_REMINDER_OFFSET_DAYS = 365;
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** Parses `7d,1d,1h,30m` into milliseconds, largest first, duplicates removed. An empty value
 *  (or only spaces and commas) means the default `7d,1d,1h`; `none` turns reminders off. */
export function parseOffsets(s: string): number[] | string {
  if (/^none$/i.test(s.trim())) return [];
  const items = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (!items.length) return parseOffsets(DEFAULT_REMINDER_OFFSETS);
  const out = new Set<number>();
  for (const raw of items) {
    const m = /^(\d+)\s*([dhm])$/i.exec(raw);
    if (!m) return `"${raw.slice(0, 40)}" is not a duration: use a number with d, h or m, e.g. 7d,1d,1h (or none for no reminders)`;
    const n = Number(m[1]);
    if (n <= 0) return `"${raw}" must be more than zero`;
    const ms = n * UNIT_MS[m[2]!.toLowerCase() as keyof typeof UNIT_MS];
    if (ms > MAX_REMINDER_OFFSET_DAYS * UNIT_MS.d) {
      const d = MAX_REMINDER_OFFSET_DAYS;
      return `"${raw.slice(0, 40)}" is too large: a reminder can go out at most ${d} days before a meeting (${d}d, ${d * 24}h or ${d * 1440}m)`;
    }
    out.add(ms);
  }
  return [...out].sort((a, b) => b - a);
}

// --- DIGEST_AT (issue 15): when the weekly digest goes out ------------------------------------------
/** The weekly digest's time: ISO weekday (1 = Monday ... 7 = Sunday), hour and minute, and the zone
 *  when DIGEST_AT names one (else the community's zone). */
export interface DigestAt {
  weekday: number;
  hour: number;
  minute: number;
  zone?: string;
}
export const DEFAULT_DIGEST_AT = 'mon 09:00';
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
/** Parses `mon 09:00` (a weekday, in full or its first three or more letters, and a 24-hour time),
 *  optionally followed by an IANA zone (`mon 09:00 Europe/Sofia`); `off` = no digest (null); an
 *  empty value = the default. A string is the problem, for the start-up error. */
export function parseDigestAt(s: string): DigestAt | null | string {
  const t = s.trim();
  if (t === '') return parseDigestAt(DEFAULT_DIGEST_AT);
  if (/^(off|none|no|false|0)$/i.test(t)) return null;
  const bad = `"${t.slice(0, 40)}" is not a weekly time: write a weekday and a 24-hour time, e.g. mon 09:00 (optionally with an IANA zone, e.g. mon 09:00 Europe/Sofia), or off`;
  const m = /^([a-z]+)\s+(\d{1,2}):(\d{2})(?:\s+(\S+))?$/i.exec(t);
  if (!m) return bad;
  const day = m[1]!.toLowerCase();
  const weekday = day.length >= 3 ? WEEKDAYS.findIndex((d) => d.startsWith(day)) : -1;
  if (weekday < 0) return `${bad} ("${m[1]!.slice(0, 20)}" is not a weekday)`;
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  if (hour > 23 || minute > 59) return `${bad} (${m[2]}:${m[3]} is not a time of day)`;
  const zone = m[4];
  if (zone !== undefined && !isZone(zone)) return `${bad} ("${zone.slice(0, 40)}" is not an IANA time zone)`;
  return { weekday: weekday + 1, hour, minute, ...(zone ? { zone } : {}) };
}
function isZone(z: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: z });
    return true;
  } catch {
    return false;
  }
}
// -------------------------------------------------------------------------------------------------

// --- MEETING_LENGTH (issue 14): how long a meeting added in chat lasts ----------------------------
/** The meeting length when MEETING_LENGTH is unset or empty (CONTRACT.md). */
export const DEFAULT_MEETING_LENGTH = '2h';
/** Shortest and longest meeting length (5 minutes; 7 days: a multi-day conference). */
export const MIN_MEETING_LENGTH_MS = 5 * 60_000;
export const MAX_MEETING_LENGTH_MS = 7 * 86_400_000;
/** Parses a meeting length (`2h`, `90m`, `1h30m`, `1h 30m`, `1d`, `2 days`) into milliseconds, or
 *  returns what is wrong with it (a sentence without the variable's name). Shared by MEETING_LENGTH
 *  and `/meeting edit <id> length <duration>`. */
export function parseMeetingLength(s: string): number | string {
  const t = s.trim().toLowerCase();
  const units: Record<string, number> = { d: 86_400_000, day: 86_400_000, days: 86_400_000, h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000, m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000 };
  const re = /(\d{1,4})\s*([a-z]+)\s*/y;
  let ms = 0;
  let pos = 0;
  while (pos < t.length) {
    re.lastIndex = pos;
    const m = re.exec(t);
    const unit = m ? units[m[2]!] : undefined;
    if (!m || unit === undefined) break;
    ms += Number(m[1]) * unit;
    pos = re.lastIndex;
  }
  if (!t || pos !== t.length) return `"${s.slice(0, 40)}" is not a length: write hours and minutes, e.g. 2h, 90m or 1h30m`;
  if (ms < MIN_MEETING_LENGTH_MS) return `"${s.slice(0, 40)}" is too short: a meeting lasts at least 5 minutes`;
  if (ms > MAX_MEETING_LENGTH_MS) return `"${s.slice(0, 40)}" is too long: a meeting lasts at most 7 days`;
  return ms;
}
// -------------------------------------------------------------------------------------------------

// --- Platform call limits (issue 11; shared by the Telegram and Slack adapters) -----------------
/** `15s`, `500ms`, `2m`, `1h`, or a bare number of seconds -> milliseconds; a message when invalid. */
export function parseDuration(s: string, name: string): number | string {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(s.trim());
  if (!m) return `${name} "${s.slice(0, 40)}" is not a duration: use e.g. 15s, 500ms, 2m`;
  const ms = Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[(m[2]?.toLowerCase() ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (ms <= 0) return `${name} must be more than zero`;
  return Math.round(ms);
}
const duration = (name: string, fallback: string) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      const r = parseDuration(s && s.trim() !== '' ? s : fallback, name);
      if (typeof r === 'string') {
        ctx.addIssue({ code: 'custom', message: r });
        return z.NEVER;
      }
      return r;
    });
// -------------------------------------------------------------------------------------------------

const optionalString = z
  .string()
  .optional()
  .transform((s) => (s && s.trim() !== '' ? s.trim() : undefined));

const optionalUrl = (name: string) =>
  optionalString.refine((s) => s === undefined || /^https?:\/\/\S+$/.test(s), {
    message: `${name} must be an http(s) URL`,
  });

// Issue 11 (hardening): inbound rates, caps, retention, stricter deployments.
/** A rate such as `20/min`: at most `count` messages per `windowMs`. */
export interface InboundRate {
  count: number;
  windowMs: number;
}
const RATE_UNIT_MS: Record<string, number> = { s: 1000, sec: 1000, second: 1000, m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000 };
/** Parses `20/min` (units s|sec|second, m|min|minute, h|hour); `off` (or 0) = no limit. */
export function parseRate(s: string): InboundRate | null | string {
  const t = s.trim().toLowerCase();
  if (t === 'off' || t === 'none' || t === '0') return null;
  const m = /^(\d{1,6})\s*\/\s*([a-z]+)$/.exec(t);
  const unit = m ? RATE_UNIT_MS[m[2]!] : undefined;
  if (!m || unit === undefined) return `"${s.slice(0, 40)}" is not a rate: write a count per s, min or hour, e.g. 20/min (or off)`;
  const count = Number(m[1]);
  return count === 0 ? null : { count, windowMs: unit };
}
const rate = (def: string) =>
  z
    .string()
    .default(def)
    .transform((s, ctx) => {
      const r = parseRate(s.trim() === '' ? def : s);
      if (typeof r === 'string') {
        ctx.addIssue({ code: 'custom', message: r });
        return z.NEVER;
      }
      return r;
    });
const onOff = (def: 'on' | 'off') =>
  z
    .string()
    .default(def)
    .transform((s, ctx) => {
      const t = (s.trim() || def).toLowerCase();
      if (['on', 'true', 'yes', '1'].includes(t)) return true;
      if (['off', 'false', 'no', '0'].includes(t)) return false;
      ctx.addIssue({ code: 'custom', message: `"${s.slice(0, 40)}" is not on or off` });
      return z.NEVER;
    });
const retentionDays = (def: number) => z.coerce.number().int().min(1).max(36500).default(def);
const hardeningSchema = {
  INBOUND_USER_RATE: rate('20/min'),
  INBOUND_CHAT_RATE: rate('60/min'),
  MAX_OPEN_SUGGESTIONS: z.coerce.number().int().min(1).max(10_000).default(10),
  SUGGESTIONS_RETENTION_DAYS: retentionDays(365),
  AUDIT_RETENTION_DAYS: retentionDays(730),
  DELIVERY_LOG_RETENTION_DAYS: retentionDays(90),
  PUBLIC_ANSWERS: onOff('on'),
  LEAVE_UNKNOWN_GROUPS: onOff('off'),
};
// --- ops (issue 16): GET /healthz on its own port, nightly backups --------------------------------
const opsEnv = {
  HEALTH_PORT: optionalString
    .refine((s) => s === undefined || (/^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 65535), {
      message: 'HEALTH_PORT must be a port number from 1 to 65535',
    })
    .transform((s) => (s === undefined ? undefined : Number(s))),
  BACKUP_DIR: optionalString,
  BACKUP_KEEP: optionalString
    .refine((s) => s === undefined || (/^\d{1,4}$/.test(s) && Number(s) >= 1 && Number(s) <= 1000), {
      message: 'BACKUP_KEEP must be a whole number from 1 to 1000',
    })
    .transform((s) => (s === undefined ? 7 : Number(s))),
};
export interface OpsConfig {
  /** Serves GET /healthz on this port when no other HTTP port is served. */
  healthPort?: number;
  /** Nightly online backups go here when set. */
  backupDir?: string;
  /** How many nightly backups are kept (default 7). */
  backupKeep?: number;
}
const opsConfig = (c: { HEALTH_PORT?: number; BACKUP_DIR?: string; BACKUP_KEEP: number }): OpsConfig => ({
  healthPort: c.HEALTH_PORT,
  backupDir: c.BACKUP_DIR,
  backupKeep: c.BACKUP_KEEP,
});
// --- end ops -------------------------------------------------------------------------------------

export const configSchema = z
  .object({
    DATABASE_PATH: z.string().trim().min(1).default('./data/practice-bot.db'),
    ALLOWED_CHATS: idList(PLATFORMS, 'chat id'),
    SECRETARIAT: idList(PLATFORMS, 'user id'),
    CO_CHAIRS: idList(PLATFORMS, 'user id'),
    REMINDER_OFFSETS: z
      .string()
      .default(DEFAULT_REMINDER_OFFSETS)
      .transform((s, ctx) => {
        const r = parseOffsets(s);
        if (typeof r === 'string') {
          ctx.addIssue({ code: 'custom', message: r });
          return z.NEVER;
        }
        return r;
      }),
    TELEGRAM_BOT_TOKEN: optionalString,
    TELEGRAM_API_ROOT: optionalUrl('TELEGRAM_API_ROOT'),
    TELEGRAM_WEBHOOK_URL: optionalUrl('TELEGRAM_WEBHOOK_URL'),
    TELEGRAM_WEBHOOK_SECRET: optionalString.refine((s) => s === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(s), {
      message: 'TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (1 to 256 characters)',
    }),
    SLACK_BOT_TOKEN: optionalString,
    SLACK_APP_TOKEN: optionalString,
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_API_URL: optionalUrl('SLACK_API_URL'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    COMMUNITY: z.string().trim().min(1).default('colep'),
    GAPS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    PLATFORM_TIMEOUT: duration('PLATFORM_TIMEOUT', '15s'),
    MAX_RETRY_AFTER: duration('MAX_RETRY_AFTER', '60s'),
    ...hardeningSchema,
    ...opsEnv,
    KNOWLEDGE_DIR: optionalString,
    DIGEST_AT: z
      .string()
      .default(DEFAULT_DIGEST_AT)
      .transform((s, ctx) => {
        const r = parseDigestAt(s);
        if (typeof r === 'string') {
          ctx.addIssue({ code: 'custom', message: r });
          return z.NEVER;
        }
        return r;
      }),
    MEETING_LENGTH: z
      .string()
      .optional()
      .transform((s, ctx) => {
        const r = parseMeetingLength(s && s.trim() !== '' ? s : DEFAULT_MEETING_LENGTH);
        if (typeof r === 'string') {
          ctx.addIssue({ code: 'custom', message: r });
          return z.NEVER;
        }
        return r;
      }),
  })
  .superRefine((c, ctx) => {
    if (c.SLACK_BOT_TOKEN && !c.SLACK_APP_TOKEN && !c.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)',
      });
    }
  });

export type RawConfig = z.output<typeof configSchema>;

export interface Config extends OpsConfig {
  databasePath: string;
  allowedChats: string[];
  secretariat: string[];
  coChairs: string[];
  reminderOffsetsMs: number[];
  telegram?: { token: string; apiRoot?: string; webhookUrl?: string; webhookSecret?: string };
  slack?: { botToken: string; appToken?: string; signingSecret?: string; apiUrl?: string; timeoutMs?: number; maxRetryAfterMs?: number };
  port: number;
  logLevel: RawConfig['LOG_LEVEL'];
  community: string;
  gapsRetentionDays: number;
  /** PLATFORM_TIMEOUT: timeout of each chat platform API call. */
  platformTimeoutMs?: number;
  /** MAX_RETRY_AFTER: the longest rate-limit wait done in-process; longer ones make a delivery late or failed. */
  maxRetryAfterMs?: number;
  // Issue 11 (hardening). Optional so that hand-built configs (tests) keep the earlier behaviour:
  // absent = no inbound limit, no cap, nothing purged, public answers, groups not left.
  /** Per user (platform + user id); null/absent = no limit. */
  inboundUserRate?: InboundRate | null;
  /** Per chat (platform + chat id); null/absent = no limit. */
  inboundChatRate?: InboundRate | null;
  /** Suggestions one person may have for one meeting. */
  maxOpenSuggestions?: number;
  /** Days after their meeting that suggestions, supporters, polls and votes are kept. */
  suggestionsRetentionDays?: number;
  auditRetentionDays?: number;
  /** Days reminder and announcement delivery rows (and announcements) are kept. */
  deliveryLogRetentionDays?: number;
  /** false: practice-base answers only in allowed chats (PUBLIC_ANSWERS=off). */
  publicAnswers?: boolean;
  /** true: post the chat id once and leave a group that is not allowed (LEAVE_UNKNOWN_GROUPS=on). */
  leaveUnknownGroups?: boolean;
  /** The practice base's folder (KNOWLEDGE_DIR, absolute); undefined = the repository's knowledge/. */
  knowledgeDir?: string;
  /** DIGEST_AT (issue 15): the weekly digest's time; null = off. Absent (hand-built configs) = off. */
  digestAt?: DigestAt | null;
  /** MEETING_LENGTH: how long a meeting added in chat lasts (absent = 2 hours). */
  meetingLengthMs?: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates an environment (normally process.env after dotenv) into a Config. Throws ConfigError
 *  with one line per problem, naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const r = configSchema.safeParse(env, { errorMap: zodMessages });
  if (!r.success) {
    const lines = r.error.issues.map((i) => `- ${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = r.data;
  return {
    databasePath: c.DATABASE_PATH,
    allowedChats: c.ALLOWED_CHATS,
    secretariat: c.SECRETARIAT,
    coChairs: c.CO_CHAIRS,
    reminderOffsetsMs: c.REMINDER_OFFSETS,
    telegram: c.TELEGRAM_BOT_TOKEN
      ? {
          token: c.TELEGRAM_BOT_TOKEN,
          apiRoot: c.TELEGRAM_API_ROOT,
          webhookUrl: c.TELEGRAM_WEBHOOK_URL,
          webhookSecret: c.TELEGRAM_WEBHOOK_SECRET,
        }
      : undefined,
    slack: c.SLACK_BOT_TOKEN
      ? {
          botToken: c.SLACK_BOT_TOKEN,
          appToken: c.SLACK_APP_TOKEN,
          signingSecret: c.SLACK_SIGNING_SECRET,
          apiUrl: c.SLACK_API_URL,
          timeoutMs: c.PLATFORM_TIMEOUT,
          maxRetryAfterMs: c.MAX_RETRY_AFTER,
        }
      : undefined,
    port: c.PORT,
    logLevel: c.LOG_LEVEL,
    community: c.COMMUNITY,
    gapsRetentionDays: c.GAPS_RETENTION_DAYS,
    platformTimeoutMs: c.PLATFORM_TIMEOUT,
    maxRetryAfterMs: c.MAX_RETRY_AFTER,
    inboundUserRate: c.INBOUND_USER_RATE,
    inboundChatRate: c.INBOUND_CHAT_RATE,
    maxOpenSuggestions: c.MAX_OPEN_SUGGESTIONS,
    suggestionsRetentionDays: c.SUGGESTIONS_RETENTION_DAYS,
    auditRetentionDays: c.AUDIT_RETENTION_DAYS,
    deliveryLogRetentionDays: c.DELIVERY_LOG_RETENTION_DAYS,
    publicAnswers: c.PUBLIC_ANSWERS,
    leaveUnknownGroups: c.LEAVE_UNKNOWN_GROUPS,
    ...opsConfig(c),
    meetingLengthMs: c.MEETING_LENGTH,
    ...(c.KNOWLEDGE_DIR ? { knowledgeDir: knowledgeDirOf(c.KNOWLEDGE_DIR) } : {}),
    digestAt: c.DIGEST_AT,
  };
}

// ---- KNOWLEDGE_DIR (issue 13) ----
/** KNOWLEDGE_DIR as an absolute folder (relative to the working folder), or undefined when unset.
 *  Read on its own by `ask`, `check` and `ingest`, which need no other variable. */
export function knowledgeDirOf(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? path.resolve(v) : undefined;
}
