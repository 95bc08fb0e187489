// Issue 14, access end to end: the allow-list changes without a restart, over Telegram (fake Bot
// API, real grammY) and Slack (fake Web API, real Bolt over HTTP): a group that is not allowed gets
// the chat-id refusal, the secretariat runs /chats allow, the group now gets /meetings.
import { describe, expect, it } from 'vitest';
import { blocksText } from './helpers/fake-slack.ts';
import { OFFICER as SLACK_OFFICER, SECRETARIAT as SLACK_SEC, startSlackHarness } from './helpers/slack-harness.ts';
import { OFFICER, SEC, startHarness, texts, visible } from './helpers/telegram-harness.ts';
import { privateChat, supergroup } from './helpers/fake-telegram.ts';

describe('allow-list at run time', () => {
  it('Telegram: /chats allow gives a new group /meetings at once, with its name in /chats', async () => {
    const h = await startHarness({ mode: 'polling' });
    const NEW = supergroup(-1009009, 'Coast guard officers');
    const refused = texts(await h.say(NEW, OFFICER, '/meetings')).map(visible).join('\n');
    expect(refused).toContain('give the secretariat its id: telegram:-1009009');
    const who = texts(await h.say(NEW, OFFICER, '/whoami')).map(visible).join('\n');
    expect(who).toContain("This chat's id: telegram:-1009009");
    expect(who).toContain('Chat allowed: no');
    const allowed = texts(await h.say(privateChat(SEC), SEC, '/chats allow telegram:-1009009')).map(visible).join('\n');
    expect(allowed).toContain('Coast guard officers (telegram:-1009009) is now allowed');
    const now = texts(await h.say(NEW, OFFICER, '/meetings')).map(visible).join('\n');
    expect(now).not.toContain('give the secretariat its id');
    expect(now).toMatch(/meeting/i);
    expect(texts(await h.say(privateChat(SEC), SEC, '/chats')).map(visible).join('\n')).toContain('Coast guard officers (telegram:-1009009): allowed in chat');
  });

  it('Slack: /practice chats allow gives a channel /practice meetings at once; /practice whoami is ephemeral', async () => {
    const h = await startSlackHarness();
    try {
      const NEW = 'C777';
      const r1 = await h.command('meetings', { user: SLACK_OFFICER, channel: NEW });
      const refusal = h.fake.responsesTo(r1.responseUrl);
      expect(refusal.map((b) => `${String(b.text)} ${blocksText(b.blocks as Record<string, unknown>[])}`).join('\n')).toContain(
        'give the secretariat its id: slack:C777',
      );
      const w = await h.command('whoami', { user: SLACK_OFFICER, channel: NEW });
      const who = h.fake.responsesTo(w.responseUrl);
      expect(who).toHaveLength(1);
      expect(who[0]!.response_type).toBe('ephemeral');
      expect(`${String(who[0]!.text)} ${blocksText(who[0]!.blocks as Record<string, unknown>[])}`).toContain('slack:C777');
      const since = h.fake.messages.length;
      await h.command('chats allow slack:C777', { user: SLACK_SEC, channel: 'C100' });
      expect(h.fake.messages.slice(since).map((m) => m.text).join('\n')).toContain('is now allowed');
      const before = h.fake.messages.length;
      const r2 = await h.command('meetings', { user: SLACK_OFFICER, channel: NEW });
      expect(h.fake.responsesTo(r2.responseUrl)).toEqual([]);
      const posted = h.fake.messages.slice(before).filter((m) => m.channel === NEW);
      expect(posted.length).toBeGreaterThan(0);
      expect(posted.map((m) => m.text).join('\n')).not.toContain('give the secretariat its id');
    } finally {
      await h.stop();
    }
  });
});
