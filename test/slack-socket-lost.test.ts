// Socket Mode after start: a lost connection is reconnected (health 'down' meanwhile, 'connected'
// again after), and one that cannot be reconnected ends the adapter through onFatal (the process
// then stops gracefully, one line), not as an unhandled rejection.
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterFatalError } from '../src/core/adapter.ts';
import { blocksText } from './helpers/fake-slack.ts';
import { CHANNEL, OFFICER, startSlackHarness, type SlackHarness } from './helpers/slack-harness.ts';

const running: SlackHarness[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.stop();
});

async function harness(reconnectAttempts: number): Promise<SlackHarness> {
  const h = await startSlackHarness({ socketMode: true, adapter: { reconnectAttempts, reconnectDelayMs: 20 } });
  running.push(h);
  await h.fake.socketConnected();
  return h;
}

describe('Slack Socket Mode losing its connection after start', () => {
  it('reports down while the connection is lost and connected once it is back; commands work again', async () => {
    const h = await harness(1000);
    expect(h.adapter.state()).toBe('connected');
    h.fake.fail({ method: 'apps.connections.open', status: 500, times: Infinity });
    h.fake.socketDrop();
    await h.fake.waitFor(() => h.adapter.state() === 'down', 'state down');
    await h.fake.waitFor(() => h.fake.callsTo('apps.connections.open').length >= 3, 'reconnect attempts');
    expect(h.adapter.state()).toBe('down');
    h.fake.clearFaults();
    await h.fake.waitFor(() => h.adapter.state() === 'connected', 'state connected again');
    await h.fake.socketConnected();
    const since = h.fake.messages.length;
    await h.fake.socketSend('slash_commands', {
      command: '/practice',
      text: 'sources',
      user_id: OFFICER,
      user_name: 'officer',
      channel_id: CHANNEL,
      channel_name: 'general',
      team_id: 'T0001',
      response_url: h.fake.responseUrl(),
      trigger_id: 'after-reconnect',
      api_app_id: 'A0001',
    });
    await h.settle();
    expect(blocksText(h.fake.messages.slice(since)[0]?.blocks ?? [])).toMatch(/Sources/);
    expect(h.logger.messages().filter((m) => /Socket Mode reconnect failed; retrying/.test(m)).length).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('when the reconnect attempts run out, fails for good through onFatal with one line (no unhandled rejection)', async () => {
    const h = await harness(3);
    const fatal = new Promise<AdapterFatalError>((resolve) => h.adapter.onFatal(resolve));
    h.fake.fail({ method: 'apps.connections.open', status: 500, times: Infinity });
    h.fake.socketDrop();
    const err = await fatal;
    expect(err.adapter).toBe('slack');
    expect(err.message).toMatch(/^Slack Socket Mode stopped: the connection was lost and 3 attempts to reconnect failed \(last: http_500\)$/);
    expect(h.adapter.state()).toBe('down');
    expect(h.fake.callsTo('apps.connections.open')).toHaveLength(1 + 3);
  }, 30_000);

  it('an app token refused while reconnecting fails at once', async () => {
    const h = await harness(1000);
    const fatal = new Promise<AdapterFatalError>((resolve) => h.adapter.onFatal(resolve));
    h.fake.fail({ method: 'apps.connections.open', error: 'invalid_auth', times: Infinity });
    h.fake.socketDrop();
    expect((await fatal).message).toMatch(/refused SLACK_APP_TOKEN \(invalid_auth\)/);
  }, 30_000);
});
