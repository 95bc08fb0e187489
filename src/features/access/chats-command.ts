// /chats [allow|revoke <chat id>] (secretariat): the allow-list at run time. ALLOWED_CHATS is the
// floor (listed, never revoked in chat); chats allowed in chat are stored (./repo.ts) and take
// effect at once. A revoked chat loses its subscription (the reminders feature, through the
// AccessSubscriptions port). Every change is audited.
import type { CommandSpec } from '../../commands/types.ts';
import type { OutboundRouter } from '../../core/outbound.ts';
import type { Outbound } from '../../core/ports.ts';
import type { Block, Inline, Reply } from '../../core/reply.ts';
import { code, para, refusal } from '../../core/reply-helpers.ts';
import type { Clock } from '../../core/ports.ts';
import type { Store } from '../../store/store.ts';
import type { CommunityAccess } from './access.ts';
import type { Audit } from './audit.ts';
import { chatIdProblem } from './chat-ids.ts';
import type { AccessSubscriptions } from './ports.ts';

export const CHATS_USAGE = '/chats [allow|revoke <chat id>]';
const usageBlock = (): Block =>
  para('Write ', code('/chats'), ' to list them, or ', code('/chats allow|revoke <chat id>'), ', e.g. ', code('/chats allow telegram:-1001234567890'), '.');

export interface ChatsCommandDeps {
  store: Store;
  access: CommunityAccess;
  audit: Audit;
  clock: Clock;
  subscriptions: () => AccessSubscriptions | undefined;
  outbound?: OutboundRouter | undefined;
}

export function createChatsCommand(deps: ChatsCommandDeps): CommandSpec {
  const { store, access, audit } = deps;
  const write = <T>(fn: () => T): T => {
    try {
      return store.immediate(fn);
    } finally {
      access.invalidate();
    }
  };
  const name = (chatId: string): Inline[] => {
    const title = access.chatTitle(chatId);
    return title ? [`${title} (`, code(chatId), ')'] : [code(chatId)];
  };
  const subs = () => deps.subscriptions()?.list() ?? [];

  function listReply(): Reply {
    const subscribed = new Map(subs().map((s) => [s.chatId, s]));
    const blocks: Block[] = [{ type: 'heading', text: 'Allowed chats' }];
    if (access.open) {
      blocks.push(
        para(
          'Every chat gets community features: ALLOWED_CHATS is empty and no chat has been allowed in chat (development mode). ',
          'The first ',
          code('/chats allow <chat id>'),
          ' starts an allow-list: from then on only the chats listed here get community features.',
        ),
      );
    }
    const items: Inline[][] = [];
    for (const id of access.floor) items.push([...name(id), ': from ALLOWED_CHATS (cannot be revoked in chat)', subscribed.has(id) ? '; subscribed' : '']);
    for (const c of access.storedChats()) {
      if (access.floor.includes(c.chatId)) continue;
      items.push([...name(c.chatId), `: allowed in chat by ${c.allowedBy} on ${c.allowedAt.toISOString().slice(0, 10)}`, subscribed.has(c.chatId) ? '; subscribed' : '']);
    }
    if (items.length) blocks.push({ type: 'list', items });
    else if (!access.open) blocks.push(para('No chat is allowed. Private chats of people with a role still are.'));
    blocks.push({ type: 'heading', text: 'Subscribed chats' });
    const subItems = [...subscribed.values()].map((s): Inline[] => [
      ...name(s.chatId),
      s.chatType === 'private' ? `: private chat, subscribed by ${s.subscribedBy}` : `: ${s.chatType}, subscribed by ${s.subscribedBy}`,
      s.threadId ? ` (thread ${s.threadId})` : '',
    ]);
    blocks.push(subItems.length ? { type: 'list', items: subItems } : para('No chat is subscribed to announcements and reminders.'));
    blocks.push(usageBlock());
    return { blocks };
  }

  /** False when the platform says the bot cannot post there (Slack: not in the channel). */
  async function botIsIn(chatId: string): Promise<boolean | 'not-connected'> {
    let port: Outbound | undefined;
    try {
      port = deps.outbound?.for(chatId);
    } catch {
      return 'not-connected';
    }
    return port?.canPost ? port.canPost(chatId) : true;
  }

  return {
    name: 'chats',
    usage: CHATS_USAGE,
    description: 'List the allowed chats and subscriptions; allow or revoke a chat (secretariat)',
    access: 'secretariat',
    group: 'Administration',
    subcommands: [
      { usage: '/chats allow <chat id>', description: 'Give a chat community features, at once', access: 'secretariat' },
      { usage: '/chats revoke <chat id>', description: 'Take them away and drop its subscription', access: 'secretariat' },
    ],
    async run(ctx) {
      const [verbRaw, chatId, ...extra] = ctx.args.split(/\s+/).filter(Boolean);
      const verb = (verbRaw ?? '').toLowerCase();
      if (!verb || verb === 'list') return listReply();
      if (verb !== 'allow' && verb !== 'revoke') return refusal(para(`I don't know "/chats ${verb.slice(0, 40)}".`), usageBlock());
      if (!chatId) return refusal(para('The chat id is missing. Each chat tells its id: send /whoami there.'), usageBlock());
      if (extra.length) return refusal(para('Give exactly one chat id.'), usageBlock());
      const problem = chatIdProblem(chatId);
      if (problem) return refusal(para(problem), usageBlock());
      const now = deps.clock.now();

      if (verb === 'allow') {
        if (access.floor.includes(chatId)) return { blocks: [para(...name(chatId), ' is already allowed through ALLOWED_CHATS.')] };
        if (access.storedChats().some((c) => c.chatId === chatId)) return { blocks: [para(...name(chatId), ' is already allowed.')] };
        const isIn = await botIsIn(chatId);
        if (isIn === false) {
          return refusal(para('I am not in ', ...name(chatId), ', so I could not serve it. Add me to that chat first (in Slack: invite the app to the channel), then allow it.'));
        }
        const wasOpen = access.open;
        const done = write(() => {
          if (!access.allowChat(chatId, ctx.actor.id, now)) return false;
          audit(ctx.actor.id, 'chats.allow', chatId, access.chatTitle(chatId) ? { title: access.chatTitle(chatId) } : undefined);
          return true;
        });
        if (!done) return { blocks: [para(...name(chatId), ' is already allowed.')] };
        const blocks: Block[] = [
          para(...name(chatId), ' is now allowed: meetings, agenda, polls and reminders work there at once. To get announcements and reminders there, send ', code('/subscribe'), ' in it. This is recorded in the audit log.'),
        ];
        if (isIn === 'not-connected') blocks.push(para('Note: I am not connected to that platform right now, so I cannot check that I am in the chat.'));
        if (wasOpen) {
          const others = subs().filter((s) => s.chatType !== 'private' && s.chatId !== chatId).map((s) => s.chatId);
          blocks.push(
            para(
              'Until now every chat got community features (ALLOWED_CHATS is empty). From now on only allowed chats do',
              others.length ? `; these subscribed chats get nothing until you allow them: ${others.join(', ')}.` : '.',
            ),
          );
        }
        return { blocks };
      }

      if (access.floor.includes(chatId)) {
        return refusal(
          para(...name(chatId), ' is named in ALLOWED_CHATS, the configured floor, so it cannot be revoked in chat. To remove it, change ALLOWED_CHATS and restart the bot.'),
        );
      }
      const result = write(() => {
        if (!access.revokeChat(chatId, ctx.actor.id, now)) return undefined;
        audit(ctx.actor.id, 'chats.revoke', chatId);
        return { unsubscribed: deps.subscriptions()?.drop(chatId, ctx.actor.id, 'chat revoked') ?? false };
      });
      if (!result) {
        return refusal(
          para(...name(chatId), access.open ? ' was never allowed in chat: every chat is allowed because ALLOWED_CHATS is empty.' : ' is not an allowed chat, so there is nothing to revoke.'),
          para('See the list with ', code('/chats'), '.'),
        );
      }
      return {
        blocks: [
          para(
            ...name(chatId),
            ' is no longer allowed: community commands there get the chat-id refusal from now on',
            result.unsubscribed ? ', and its subscription to announcements and reminders is cancelled' : '',
            '. This is recorded in the audit log.',
          ),
        ],
      };
    },
  };
}
