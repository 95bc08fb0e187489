// `practice-bot` with SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET + SLACK_API_URL (the fake), run in this
// process (src/cli.ts main), serving HTTP mode on PORT: signed slash commands and mentions are
// answered, unsigned ones refused, the token never logged, and a stop (as SIGINT or SIGTERM does) is
// clean. The real bin stopped with SIGINT (Ctrl-C): test/telegram-crash.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blocksText, startFakeSlack } from './helpers/fake-slack.ts';
import { startMain } from './helpers/cli-command.ts';
import { eventCallback, postSigned, slashCommand } from './helpers/slack-sign.ts';

const TOKEN = 'xoxb-9999-8888-clitokenvalue';
const SECRET = 'cli-signing-secret';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('npx practice-bot with SLACK_BOT_TOKEN (HTTP mode)', () => {
  it('verifies the token, serves /slack/events on PORT, answers signed requests, refuses unsigned ones, stops cleanly', async () => {
    const fake = await startFakeSlack({ botToken: TOKEN });
    cleanups.push(() => fake.close());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-slcli-'));
    const bot = startMain([], {
      DATABASE_PATH: path.join(dir, 'data', 'bot.db'),
      PORT: '0',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.url,
      ALLOWED_CHATS: 'slack:C100',
      SECRETARIAT: 'slack:USEC',
    });
    cleanups.push(async () => {
      await bot.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const port = Number((await bot.waitForOutput(/"port":(\d+)[^\n]*http server listening/, 'the http server'))[1]);
    await bot.waitForOutput(/adapter started/, 'the adapter');
    expect(fake.callsTo('auth.test')).toHaveLength(1);
    const url = `http://127.0.0.1:${port}/slack/events`;

    const responseUrl = fake.responseUrl();
    const r = await postSigned(url, SECRET, slashCommand({ text: 'subscribe', user_id: 'USEC', channel_id: 'C100', response_url: responseUrl }));
    expect(r.status).toBe(200);
    const sub = await fake.waitFor(() => fake.messagesIn('C100')[0], 'the /practice subscribe answer');
    expect(blocksText(sub.blocks)).toMatch(/subscribed/);

    const ev = eventCallback({ type: 'app_mention', user: 'U1', text: '<@UBOT> encryption', ts: '1766400000.000001', channel: 'C100', event_ts: '1766400000.000001' });
    expect((await postSigned(url, SECRET, ev)).status).toBe(200);
    const answer = await fake.waitFor(() => fake.messagesIn('C100').find((m) => m.thread_ts === '1766400000.000001'), 'the threaded answer');
    expect(blocksText(answer.blocks)).toMatch(/encrypt/i);

    const calls = fake.calls.length;
    expect((await postSigned(url, 'wrong-secret', slashCommand({ text: 'help', user_id: 'U1', channel_id: 'C100', response_url: responseUrl }))).status).toBe(401);
    expect(fake.calls.length).toBe(calls);

    // stopped as a signal does (SIGINT on the real bin: test/telegram-crash.test.ts; SIGTERM: test/telegram-cli.test.ts)
    expect(await bot.stop()).toBe(0);
    expect(bot.out()).not.toContain(TOKEN);
    expect(bot.out()).not.toContain(SECRET);
  }, 120_000); // a start of the bot: generous on a loaded machine (liveness, not timing)
});
