// The whole Slack stack for end-to-end tests: the real app (createApp: store in a temp folder,
// engine, community, core; a fake clock), the real adapter (real Bolt) mounted on the shared HTTP
// server on 127.0.0.1:0, and a fake Slack Web API. Requests are signed like Slack's.
import fs from 'node:fs';
import path from 'node:path';
import { createApp, type App } from '../../src/app.ts';
import { sharedApp } from './shared-engine.ts';
import type { Config } from '../../src/config.ts';
import { startHttpServer, type HttpRoute, type HttpServerHandle } from '../../src/core/http-server.ts';
import { createSlackAdapter, type SlackAdapterHandle, type SlackAdapterOptions } from '../../adapters/slack/index.ts';
import { createFakeClock, createTestLogger, tempDir, type FakeClock, type TestLogger } from './community.ts';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from './fake-slack.ts';
import { blockActions, eventCallback, postSigned, slashCommand, type SendOptions } from './slack-sign.ts';

export const BOT_TOKEN = 'xoxb-1111-2222-testtokenvalue';
export const SIGNING_SECRET = 'test-signing-secret-8f2b';
export const APP_TOKEN = 'xapp-1-A0001-2222-apptokenvalue';
export const SECRETARIAT = 'USEC';
export const CO_CHAIR = 'UCHAIR';
export const OFFICER = 'UOFFICER';
export const CHANNEL = 'C100';
export const CHANNEL_2 = 'C200';
export const OTHER_CHANNEL = 'C999'; // not in ALLOWED_CHATS

export interface SlackHarness {
  fake: FakeSlack;
  app: App;
  adapter: SlackAdapterHandle;
  clock: FakeClock;
  logger: TestLogger;
  config: Config;
  eventsUrl: string;
  /** http://127.0.0.1:<port> of the shared HTTP server. */
  baseUrl: string;
  /** `/practice <text>`; waits until the adapter is idle. */
  command(text: string, o?: { user?: string; channel?: string; channelName?: string; send?: SendOptions }): Promise<{ status: number; responseUrl: string }>;
  /** An app_mention event (text should contain `<@UBOT>`). */
  mention(text: string, o?: { user?: string; channel?: string; ts?: string; threadTs?: string; eventId?: string; send?: SendOptions }): Promise<{ status: number; ts: string; eventId: string }>;
  /** A direct message (message.im). */
  dm(text: string, o?: { user?: string; channel?: string; ts?: string; eventId?: string; extra?: Record<string, unknown>; send?: SendOptions }): Promise<{ status: number; ts: string; eventId: string }>;
  press(p: { user?: string; channel?: string; messageTs?: string; threadTs?: string; actionId: string; value: string; home?: boolean }): Promise<{ status: number; responseUrl: string }>;
  homeOpened(user: string): Promise<{ status: number }>;
  /** Waits for the adapter and the community scheduler to settle. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

let tsSeq = 0;
const userTs = () => `${1_766_000_000 + ++tsSeq}.${String(tsSeq).padStart(6, '0')}`;

export async function startSlackHarness(
  opts: {
    config?: Partial<Config>;
    clock?: FakeClock;
    adapter?: Partial<SlackAdapterOptions>;
    logLevel?: string;
    socketMode?: boolean;
    /** More routes on the shared HTTP server (e.g. a stand-in for the Telegram webhook). */
    extraRoutes?: HttpRoute[];
    /** Options of the fake Slack Web API. */
    fake?: FakeSlackOptions;
  } = {},
): Promise<SlackHarness> {
  const fake = await startFakeSlack({ botToken: BOT_TOKEN, ...opts.fake });
  if (opts.socketMode) fake.enableSocketMode();
  const clock = opts.clock ?? createFakeClock('2026-01-05T08:00:00Z');
  const logger = createTestLogger(opts.logLevel ?? 'info');
  const dir = tempDir('pb-slack-');
  const config: Config = {
    databasePath: path.join(dir, 'bot.db'),
    allowedChats: [`slack:${CHANNEL}`, `slack:${CHANNEL_2}`],
    secretariat: [`slack:${SECRETARIAT}`],
    coChairs: [`slack:${CO_CHAIR}`],
    reminderOffsetsMs: [86_400_000, 3_600_000],
    port: 0,
    logLevel: 'info',
    community: 'colep',
    gapsRetentionDays: 180,
    slack: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl },
    ...opts.config,
  };
  const app = createApp(config, { clock, log: logger.log, ...sharedApp });
  const adapter = createSlackAdapter({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    apiUrl: fake.url, // without /api/: the adapter adds it
    core: app.core,
    log: logger.log,
    minPostIntervalMs: 0,
    ...(opts.socketMode ? { appToken: APP_TOKEN } : {}),
    ...opts.adapter,
  });
  app.router.register(adapter.outbound);
  let http: HttpServerHandle | undefined;
  try {
    http = await startHttpServer({ port: 0, host: '127.0.0.1', routes: [...(adapter.routes ?? []), ...(opts.extraRoutes ?? [])], log: logger.log });
    await adapter.start();
    app.start();
  } catch (err) {
    await http?.close();
    await app.stop();
    await fake.close();
    throw err;
  }
  const server = http;
  const eventsUrl = `http://127.0.0.1:${server.port}/slack/events`;
  const settle = async () => {
    await adapter.idle();
    await (app.community as unknown as { idle?: () => Promise<void> }).idle?.();
    await adapter.idle();
  };

  return {
    fake,
    app,
    adapter,
    clock,
    logger,
    config,
    eventsUrl,
    baseUrl: `http://127.0.0.1:${server.port}`,
    async command(text, o = {}) {
      const responseUrl = fake.responseUrl();
      const r = await postSigned(
        eventsUrl,
        SIGNING_SECRET,
        slashCommand({ text, user_id: o.user ?? OFFICER, channel_id: o.channel ?? CHANNEL, channel_name: o.channelName ?? 'general', response_url: responseUrl }),
        o.send,
      );
      await settle();
      return { status: r.status, responseUrl };
    },
    async mention(text, o = {}) {
      const ts = o.ts ?? userTs();
      const channel = o.channel ?? CHANNEL;
      const ev = eventCallback(
        { type: 'app_mention', user: o.user ?? OFFICER, text, ts, channel, event_ts: ts, ...(o.threadTs ? { thread_ts: o.threadTs } : {}) },
        o.eventId ? { eventId: o.eventId } : {},
      );
      const r = await postSigned(eventsUrl, SIGNING_SECRET, ev, o.send);
      await settle();
      return { status: r.status, ts, eventId: ev.eventId };
    },
    async dm(text, o = {}) {
      const ts = o.ts ?? userTs();
      const user = o.user ?? OFFICER;
      const ev = eventCallback(
        { type: 'message', channel_type: 'im', user, text, ts, channel: o.channel ?? `D${user}`, event_ts: ts, ...o.extra },
        o.eventId ? { eventId: o.eventId } : {},
      );
      const r = await postSigned(eventsUrl, SIGNING_SECRET, ev, o.send);
      await settle();
      return { status: r.status, ts, eventId: ev.eventId };
    },
    async press(p) {
      const responseUrl = fake.responseUrl();
      const r = await postSigned(
        eventsUrl,
        SIGNING_SECRET,
        blockActions({ user: p.user ?? OFFICER, channel: p.channel ?? CHANNEL, ...p, responseUrl }),
      );
      await settle();
      return { status: r.status, responseUrl };
    },
    async homeOpened(user) {
      const ev = eventCallback({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: userTs() });
      const r = await postSigned(eventsUrl, SIGNING_SECRET, ev);
      await settle();
      return { status: r.status };
    },
    settle,
    async stop() {
      await adapter.stop();
      await server.close();
      await app.stop();
      await fake.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
