// Reply -> Block Kit: limits, splitting at entry boundaries, escaping, dates, command spelling.
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, slackToPlain, stripBotMention } from '../adapters/slack/mrkdwn.ts';
import { renderHome, renderPoll, renderReply, rewriteCommands } from '../adapters/slack/render-blocks.ts';
import { toCoreText } from '../adapters/slack/listeners/commands.ts';
import { parseVote } from '../adapters/slack/listeners/actions.ts';
import { normaliseApiUrl } from '../adapters/slack/web.ts';
import { replyToPlain, type Block, type Reply } from '../src/core/reply.ts';
import { blocksText, buttonsOf } from './helpers/fake-slack.ts';

const entry = (i: number, text = `Text of entry ${i}.`): Block => ({
  type: 'entry',
  id: `e${i}`,
  kind: 'good-practice',
  kindLabel: 'Good practice',
  title: `Entry ${i}`,
  text,
  citation: { label: `3rd COLEP meeting, 4 May 2023, Good Practices`, document: 'd.txt', section: 'Good Practices', meeting: 'colep-3' },
  themes: [],
});

type AnyBlock = { type: string; text?: { type: string; text: string }; elements?: unknown[] };

describe('Slack rendering', () => {
  it('an entry is a section (bold title + text) followed by a context line with the citation', () => {
    const [m] = renderReply({ blocks: [entry(1)] });
    expect(m!.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*Entry 1*\nText of entry 1.' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Good practice · :page_facing_up: 3rd COLEP meeting, 4 May 2023, Good Practices' }] },
    ]);
    // The notification fallback is the core's one plain-text rendering, kind and citation included.
    expect(m!.text).toBe(replyToPlain({ blocks: [entry(1)] }));
    expect(m!.text).toBe('* Entry 1\n  Text of entry 1.\n  Good practice · (3rd COLEP meeting, 4 May 2023, Good Practices)');
  });

  it('the fallback text of a mixed reply is replyToPlain, escaped for mrkdwn, with /commands as Slack spells them', () => {
    const reply: Reply = {
      blocks: [
        { type: 'heading', text: 'Meetings' },
        { type: 'paragraph', parts: ['Send ', { text: '/meetings', code: true }, ' <or> ask.'] },
        { type: 'notice', level: 'warning', text: 'Outside working hours.' },
      ],
      buttons: [[{ label: 'More', action: 'more:1' }]],
    };
    const [m] = renderReply(reply, { slashCommand: '/practice', commands: new Set(['meetings']) });
    expect(m!.text).toBe('Meetings\nSend /practice meetings &lt;or&gt; ask.\n[warning] Outside working hours.');
  });

  it('a reply over 50 blocks is split into several messages at entry boundaries; buttons on the last', () => {
    const reply: Reply = {
      blocks: [{ type: 'heading', text: 'Many' }, ...Array.from({ length: 40 }, (_, i) => entry(i))],
      buttons: [[{ label: 'More results', action: 'more:x:40' }]],
    };
    const msgs = renderReply(reply);
    expect(msgs.length).toBe(2);
    for (const m of msgs) {
      expect(m.blocks.length).toBeLessThanOrEqual(50);
      // Every entry section is directly followed by its context: no entry is cut between messages.
      m.blocks.forEach((b, i) => {
        if ((b as AnyBlock).type === 'section') expect((m.blocks[i + 1] as AnyBlock | undefined)?.type).toBe('context');
      });
      expect(m.text.length).toBeGreaterThan(0);
    }
    expect(buttonsOf(msgs[0]!.blocks)).toHaveLength(0);
    expect(buttonsOf(msgs[1]!.blocks)).toEqual([{ action_id: 'pb:0:0', value: 'more:x:40', label: 'More results' }]);
    const all = msgs.map((m) => blocksText(m.blocks)).join('\n');
    for (let i = 0; i < 40; i++) expect(all).toContain(`*Entry ${i}*`);
  });

  it('sections stay within 3,000 characters: long text is split at word boundaries, long entries stay in one message', () => {
    const long = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(' ');
    const msgs = renderReply({ blocks: [{ type: 'paragraph', parts: [long] }, entry(1, long)] });
    const sections = msgs.flatMap((m) => m.blocks).filter((b) => (b as AnyBlock).type === 'section') as AnyBlock[];
    expect(sections.length).toBeGreaterThan(4);
    for (const s of sections) expect(s.text!.text.length).toBeLessThanOrEqual(3000);
    const text = sections.map((s) => s.text!.text).join(' ');
    expect(text).toContain('word0 ');
    expect(text).toContain('word1499');
    expect(text).not.toMatch(/wor\s+d/);
    // A single huge "word" (no spaces), with characters that grow when escaped, is cut safely.
    const blob = '<&>'.repeat(4000);
    const [m] = renderReply({ blocks: [{ type: 'paragraph', parts: [blob] }] });
    for (const b of m!.blocks as AnyBlock[]) {
      expect(b.text!.text.length).toBeLessThanOrEqual(3000);
      expect(b.text!.text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
  });

  it('buttons: labels at most 75 characters, ids unique, values longer than 2,000 dropped, 25 a row at most', () => {
    const row = Array.from({ length: 30 }, (_, i) => ({ label: `Button ${i} ${'x'.repeat(100)}`, action: `a:${i}` }));
    const msgs = renderReply({ blocks: [{ type: 'paragraph', parts: ['Pick'] }], buttons: [row, [{ label: 'Huge', action: 'v'.repeat(2001) }]] });
    const buttons = buttonsOf(msgs.flatMap((m) => m.blocks));
    expect(buttons).toHaveLength(30);
    for (const b of buttons) expect(b.label.length).toBeLessThanOrEqual(75);
    expect(new Set(buttons.map((b) => b.action_id)).size).toBe(30);
    const actions = msgs.flatMap((m) => m.blocks).filter((b) => (b as AnyBlock).type === 'actions') as AnyBlock[];
    for (const a of actions) expect(a.elements!.length).toBeLessThanOrEqual(25);
  });

  it('escapes user and data text so it cannot mention, broadcast or link; formatting and code are escaped too', () => {
    const evil = '<!channel> <@U123> <https://evil.example|click> & <#C1>';
    const msgs = renderReply({
      blocks: [
        { type: 'heading', text: evil },
        { type: 'paragraph', parts: [evil, { text: evil, bold: true }, { text: evil, code: true }] },
        { type: 'list', items: [[evil]] },
        { type: 'notice', level: 'warning', text: evil },
        { ...entry(1, evil), title: evil, citation: { label: evil, document: '', section: '', meeting: '' } } as Block,
      ],
      buttons: [[{ label: evil, action: 'x' }]],
    });
    const mrkdwn = msgs.flatMap((m) => (m.blocks as AnyBlock[]).flatMap((b) => [b.text, ...((b.elements ?? []) as AnyBlock['text'][])]));
    for (const t of mrkdwn) if (t && t.type === 'mrkdwn') expect(t.text).not.toMatch(/<[!@#h]/);
    for (const m of msgs) expect(m.text).not.toMatch(/<[!@#h]/);
    expect(blocksText(msgs[0]!.blocks)).toContain('&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; &lt;#C1&gt;');
  });

  it('links from the core keep their target but cannot break out; only http(s)/mailto', () => {
    const [m] = renderReply({ blocks: [{ type: 'paragraph', parts: [{ link: 'https://example.org/a|b>c', text: 'Docs <here>' }, ' ', { link: 'javascript:alert(1)', text: 'x' }] }] });
    const t = (m!.blocks[0] as AnyBlock).text!.text;
    expect(t).toContain('<https://example.org/a%7Cb%3Ec|Docs &lt;here&gt;>');
    expect(t).not.toContain('<javascript');
  });

  it('times become <!date^...> with the written fallback', () => {
    const [m] = renderReply({ blocks: [{ type: 'paragraph', parts: ['At ', { time: '2026-03-10T08:00:00.000Z', fallback: 'Tue 10 Mar 2026, 10:00 Europe/Sofia <UTC+2>' }] }] });
    expect((m!.blocks[0] as AnyBlock).text!.text).toBe(
      'At <!date^1773129600^{date_short_pretty} {time}|Tue 10 Mar 2026, 10:00 Europe/Sofia &lt;UTC+2&gt;>',
    );
  });

  it('command names are written the Slack way; other slashes are left alone', () => {
    const opts = { slashCommand: '/practice', commands: new Set(['help', 'meeting', 'ask']) };
    expect(rewriteCommands('Send /help or `/meeting add` - see https://x.org/help and a/b /unknown', opts)).toBe(
      'Send /practice help or `/practice meeting add` - see https://x.org/help and a/b /unknown',
    );
  });

  it('polls: one Vote button per option (value = poll id and option), live counts; closed polls have no buttons', () => {
    const poll = { id: 7, question: 'Agenda <!channel>?', options: [{ index: 0, text: 'A & B', votes: 2 }, { index: 1, text: 'C', votes: 0 }], anonymous: true, closed: false, note: 'Anonymous poll.', closesAt: '2026-03-01T16:00:00.000Z' };
    const open = renderPoll(poll);
    expect(buttonsOf(open.blocks)).toEqual([
      { action_id: 'pb-vote:0', value: '7:0', label: 'Vote' },
      { action_id: 'pb-vote:1', value: '7:1', label: 'Vote' },
    ]);
    const text = blocksText(open.blocks);
    expect(text).toContain('Agenda &lt;!channel&gt;?');
    expect(text).toMatch(/A &amp; B\n█+ 2 votes/);
    expect(text).toMatch(/C\n0 votes/);
    expect(text).toContain('<!date^1772380800^{date_short_pretty} {time}|2026-03-01 16:00 UTC>');
    const closed = renderPoll({ ...poll, closed: true });
    expect(buttonsOf(closed.blocks)).toHaveLength(0);
    expect(blocksText(closed.blocks)).toMatch(/Closed/);
  });

  it('App Home: at most 100 blocks', () => {
    const view = renderHome({ blocks: Array.from({ length: 80 }, (_, i) => entry(i)) });
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
  });
});

describe('Slack text in', () => {
  it('slash command text becomes the core command; empty is help', () => {
    expect(toCoreText('')).toBe('/help');
    expect(toCoreText('  ')).toBe('/help');
    expect(toCoreText('challenges encryption')).toBe('/challenges encryption');
    expect(toCoreText('/meetings')).toBe('/meetings');
    expect(toCoreText('suggest a &amp; b &lt;x&gt;')).toBe('/suggest a & b <x>');
  });

  it('Slack entities become plain words; the bot mention is removed', () => {
    expect(slackToPlain('<@U1|ann> <#C1|general> <!here> <!subteam^S1|@ops> <https://a.org|A> <https://b.org> <mailto:x@y.org|x@y.org> &lt;b&gt; &amp;lt;')).toBe(
      '@ann #general @here @ops A (https://a.org) https://b.org x@y.org <b> &lt;',
    );
    expect(stripBotMention('<@UBOT> what is <@UBOT|bot> doing', 'UBOT').trim()).toBe('what is doing');
    expect(escapeMrkdwn('a<b>&')).toBe('a&lt;b&gt;&amp;');
  });

  it('vote values and the API URL are parsed strictly', () => {
    expect(parseVote('12:3')).toEqual({ pollId: 12, index: 3 });
    expect(parseVote('12:x')).toBeUndefined();
    expect(parseVote(undefined)).toBeUndefined();
    expect(normaliseApiUrl('http://127.0.0.1:5/')).toBe('http://127.0.0.1:5/api/');
    expect(normaliseApiUrl('http://127.0.0.1:5/api')).toBe('http://127.0.0.1:5/api/');
    expect(normaliseApiUrl('https://slack.com/api/')).toBe('https://slack.com/api/');
    expect(normaliseApiUrl(undefined)).toBe('https://slack.com/api/');
  });
});

describe('Slack app manifest', () => {
  it('declares the slash command, events, scopes, interactivity and App Home the adapter relies on', async () => {
    const fs = await import('node:fs');
    const { parse } = await import('yaml');
    const m = parse(fs.readFileSync(new URL('../adapters/slack/manifest.yaml', import.meta.url), 'utf8')) as {
      features: { app_home: Record<string, boolean>; slash_commands: { command: string }[] };
      oauth_config: { scopes: { bot: string[] } };
      settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
    };
    expect(m.features.slash_commands.map((c) => c.command)).toEqual(['/practice']);
    expect(m.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false });
    expect(m.settings.event_subscriptions.bot_events.sort()).toEqual(['app_home_opened', 'app_mention', 'member_left_channel', 'message.im']);
    expect(m.settings.interactivity.is_enabled).toBe(true);
    expect(m.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['app_mentions:read', 'chat:write', 'chat:write.public', 'commands', 'files:write', 'im:history', 'im:write']),
    );
  });
});
