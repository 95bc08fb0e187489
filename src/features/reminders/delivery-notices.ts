// Telling the secretariat about deliveries that failed for good (issue 11, item 8 "long waits are
// visible"): a reminder or announcement that could not be delivered, or whose retry would come
// too late (after the meeting's start), is reported in one short notice per scheduler run to the
// chats where the secretariat gets notices. Which chats (the first rule that finds any):
//   1. private chats subscribed by a secretariat member (their own DM with the bot: known to work);
//   2. other subscribed chats whose subscription a secretariat member made;
//   3. the private chat of the first Telegram secretariat member (SECRETARIAT first, then granted
//      roles): on Telegram a user id is also their private chat id. (Slack needs conversations.open
//      for a DM, so a Slack member is reached through rules 1 and 2 only.)
// The chats whose delivery failed are never targets, nor chats on a platform with no adapter
// running. At most MAX_TARGETS chats, each told once (no retry: the failures are also logged).
import type { Logger } from 'pino';
import type { OutboundRouter } from '../../core/outbound.ts';
import { errorFields } from '../../core/logger.ts';
import { platformOf } from '../../core/ports.ts';
import type { Block, Reply } from '../../core/reply.ts';
import { humanDuration } from '../../shared/text.ts';
import type { ReminderAccess } from './ports.ts';
import type { Subscription } from './repo.ts';

export const MAX_TARGETS = 5;
/** Lines in one notice; the rest are counted. */
const MAX_LINES = 10;

export interface DeliveryProblem {
  /** What could not be delivered, e.g. "The 1-day reminder for 7th COLEP meeting (m1)". */
  what: string;
  chatId: string;
  /** Why, without any message text: "the platform asked to wait 1 hour (rate limit), ...". */
  reason: string;
}

export interface SecretariatNoticesDeps {
  subscriptions: { all(): Subscription[] };
  access: ReminderAccess;
  outbound: OutboundRouter;
  log: Logger;
  /** SECRETARIAT from the configuration, in its order. */
  secretariatIds: readonly string[];
}

export interface NoticeTarget {
  chatId: string;
  threadId?: string;
}

/** "1-day reminder", "1-hour reminder"; "reminder 1 hour 30 minutes before" for mixed units. */
export function reminderLabel(offsetMs: number): string {
  const d = humanDuration(offsetMs);
  const m = /^(\d+) (day|hour|minute)s?$/.exec(d);
  return m ? `${m[1]}-${m[2]} reminder` : `reminder ${d} before`;
}

export function noticeText(p: DeliveryProblem): string {
  return `${p.what} could not be delivered to ${p.chatId}: ${p.reason.replace(/[.\s]+$/, '')}.`;
}

export function createSecretariatNotices(deps: SecretariatNoticesDeps) {
  const { subscriptions, access, outbound } = deps;
  const log = deps.log;
  const isSecretariat = (userId: string) => access.rolesOf(userId).has('secretariat');
  const reachable = (chatId: string) => outbound.capabilitiesOf(chatId) !== undefined;

  function targets(exclude: ReadonlySet<string>): NoticeTarget[] {
    const subs = subscriptions
      .all()
      .filter(
        (s) =>
          !exclude.has(s.chatId) &&
          reachable(s.chatId) &&
          isSecretariat(s.subscribedBy) &&
          access.isChatAllowed({ id: s.chatId, type: s.chatType }, s.subscribedBy),
      );
    const asTarget = (s: (typeof subs)[number]): NoticeTarget => ({ chatId: s.chatId, ...(s.threadId ? { threadId: s.threadId } : {}) });
    const own = subs.filter((s) => s.chatType === 'private');
    if (own.length) return own.slice(0, MAX_TARGETS).map(asTarget);
    if (subs.length) return subs.slice(0, MAX_TARGETS).map(asTarget);
    const members = [...deps.secretariatIds, ...access.granted().filter((g) => g.role === 'secretariat').map((g) => g.userId)];
    const first = members.find((u) => platformOf(u) === 'telegram' && !exclude.has(u) && reachable(u) && isSecretariat(u));
    return first ? [{ chatId: first }] : [];
  }

  function replyFor(problems: DeliveryProblem[]): Reply {
    const lines = problems.slice(0, MAX_LINES).map(noticeText);
    const blocks: Block[] =
      lines.length === 1
        ? [{ type: 'notice', level: 'warning', text: lines[0]! }]
        : [
            { type: 'notice', level: 'warning', text: `${problems.length} deliveries failed.` },
            { type: 'list', items: lines.map((l) => [l]) },
          ];
    if (problems.length > MAX_LINES) {
      blocks.push({ type: 'paragraph', parts: [`…and ${problems.length - MAX_LINES} more (see the log).`] });
    }
    return { blocks };
  }

  return {
    targets,
    /** Posts one notice about `problems` to each target chat. Never throws. Returns the chats told. */
    async tell(problems: DeliveryProblem[]): Promise<string[]> {
      if (problems.length === 0) return [];
      let to: NoticeTarget[];
      try {
        to = targets(new Set(problems.map((p) => p.chatId)));
      } catch (err) {
        log.error({ err: errorFields(err), deliveries: problems.length }, 'could not find the chats to tell the secretariat about failed deliveries');
        return [];
      }
      if (to.length === 0) {
        log.warn({ deliveries: problems.length }, 'no chat to tell the secretariat about failed deliveries (see the errors above)');
        return [];
      }
      const reply = replyFor(problems);
      const told: string[] = [];
      for (const t of to) {
        try {
          await outbound.for(t.chatId).send(t.chatId, reply, t.threadId ? { threadId: t.threadId } : undefined);
          told.push(t.chatId);
        } catch (err) {
          log.warn({ chat: t.chatId, err: errorFields(err) }, 'could not tell the secretariat about failed deliveries');
        }
      }
      if (told.length) log.debug({ chats: told, deliveries: problems.length }, 'secretariat told about failed deliveries');
      return told;
    },
  };
}
