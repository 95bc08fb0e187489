import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseOffsets } from '../src/config.ts';

describe('configuration', () => {
  it('uses the documented defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.databasePath).toBe('./data/practice-bot.db');
    expect(c.allowedChats).toEqual([]);
    expect(c.reminderOffsetsMs).toEqual([7 * 86_400_000, 86_400_000, 3_600_000]);
    expect(c.port).toBe(3000);
    expect(c.logLevel).toBe('info');
    expect(c.telegram).toBeUndefined();
    expect(c.slack).toBeUndefined();
  });

  it('parses id lists and enables adapters by token', () => {
    const c = loadConfig({
      ALLOWED_CHATS: 'telegram:-1001, slack:C123 ,',
      SECRETARIAT: 'telegram:42',
      CO_CHAIRS: 'slack:U9',
      TELEGRAM_BOT_TOKEN: '123:abc',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9999',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      PORT: '8080',
    });
    expect(c.allowedChats).toEqual(['telegram:-1001', 'slack:C123']);
    expect(c.secretariat).toEqual(['telegram:42']);
    expect(c.coChairs).toEqual(['slack:U9']);
    expect(c.telegram).toMatchObject({ token: '123:abc', apiRoot: 'http://127.0.0.1:9999' });
    expect(c.slack).toMatchObject({ botToken: 'xoxb-1', signingSecret: 's' });
    expect(c.port).toBe(8080);
  });

  it('names every bad variable in one error, without echoing tokens', () => {
    let err: unknown;
    try {
      loadConfig({ ALLOWED_CHATS: 'whatsapp:1', REMINDER_OFFSETS: '7 days', PORT: 'x', SLACK_BOT_TOKEN: 'xoxb-secret' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('ALLOWED_CHATS');
    expect(msg).toContain('whatsapp:1');
    expect(msg).toContain('REMINDER_OFFSETS');
    expect(msg).toContain('PORT');
    expect(msg).not.toContain('xoxb-secret');
  });

  it('refuses a Slack token without a way to receive events', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_APP_TOKEN.*SLACK_SIGNING_SECRET/);
  });

  it('reads an empty REMINDER_OFFSETS (as copied from .env.example, or spaces) as the default 7d,1d,1h; none turns reminders off', () => {
    const def = [7 * 86_400_000, 86_400_000, 3_600_000];
    for (const v of ['', '   ', ' , ,']) expect(loadConfig({ REMINDER_OFFSETS: v }).reminderOffsetsMs, JSON.stringify(v)).toEqual(def);
    expect(loadConfig({ REMINDER_OFFSETS: 'none' }).reminderOffsetsMs).toEqual([]);
  });

  it('says an offset is too large, and what the maximum is, instead of "not a duration"', () => {
    expect(() => loadConfig({ REMINDER_OFFSETS: '100000d' })).toThrow(
      '- REMINDER_OFFSETS: "100000d" is too large: a reminder can go out at most 365 days before a meeting (365d, 8760h or 525600m)',
    );
    expect(parseOffsets('365d,8760h,525600m')).toEqual([365 * 86_400_000]);
    expect(parseOffsets('8761h')).toMatch(/too large/);
    expect(parseOffsets('99999999999999999999999m')).toMatch(/too large/);
    expect(parseOffsets('90m,1d,25h')).toEqual([25 * 3_600_000, 86_400_000, 90 * 60_000]);
  });

  it('sorts reminder offsets largest first and drops duplicates', () => {
    expect(parseOffsets('1h,7d,1h,30m')).toEqual([7 * 86_400_000, 3_600_000, 1_800_000]);
    expect(parseOffsets('0h')).toMatch(/more than zero/);
    expect(parseOffsets('1w')).toMatch(/not a duration/);
  });

  it('reads the hardening settings of issue 11, with their defaults, and names a bad value', () => {
    const d = loadConfig({});
    expect(d.inboundUserRate).toEqual({ count: 20, windowMs: 60_000 });
    expect(d.inboundChatRate).toEqual({ count: 60, windowMs: 60_000 });
    expect(d.maxOpenSuggestions).toBe(10);
    expect([d.suggestionsRetentionDays, d.auditRetentionDays, d.deliveryLogRetentionDays]).toEqual([365, 730, 90]);
    expect(d.publicAnswers).toBe(true);
    expect(d.leaveUnknownGroups).toBe(false);
    const c = loadConfig({ INBOUND_USER_RATE: '5/s', INBOUND_CHAT_RATE: 'off', PUBLIC_ANSWERS: 'off', LEAVE_UNKNOWN_GROUPS: 'on', AUDIT_RETENTION_DAYS: '30' });
    expect(c.inboundUserRate).toEqual({ count: 5, windowMs: 1000 });
    expect(c.inboundChatRate).toBeNull();
    expect([c.publicAnswers, c.leaveUnknownGroups, c.auditRetentionDays]).toEqual([false, true, 30]);
    expect(() => loadConfig({ INBOUND_USER_RATE: 'lots' })).toThrow(/INBOUND_USER_RATE: "lots" is not a rate/);
    expect(() => loadConfig({ PUBLIC_ANSWERS: 'maybe' })).toThrow(/PUBLIC_ANSWERS: "maybe" is not on or off/);
  });
});
