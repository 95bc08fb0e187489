// /remindme [off]: reminders for one person, in their private chat with the bot. For members of an
// allowed community chat (seen there by the bot: any command or mention in that group) and people
// with a role. In a group it says to use it in a private chat. The subscription is the chat's row
// in `subscriptions` (./repo.ts), made by that person; deliveries to it go on while the person
// still counts as a member (ReminderAccess.isMember), so revoking their group stops them at once.
import type { CommandSpec } from '../../commands/types.ts';
import { code, para, refusal } from '../../core/reply-helpers.ts';
import type { Store } from '../../store/store.ts';
import { offsetsText } from './commands.ts';
import type { ReminderAccess, ReminderAudit } from './ports.ts';
import type { RemindersRepo } from './repo.ts';

const usage = () => para('Write ', code('/remindme'), ' to get reminders here, or ', code('/remindme off'), ' to stop them.');

export function createRemindmeCommand(deps: { store: Store; repo: RemindersRepo; audit: ReminderAudit; access: ReminderAccess; offsetsMs: number[] }): CommandSpec {
  const { store, repo, audit, access } = deps;
  return {
    name: 'remindme',
    usage: '/remindme [off]',
    description: 'Meeting announcements and reminders in your private chat with me (members)',
    // Checked here: the private chat of a member is not itself an allowed chat.
    access: 'public',
    group: 'Meetings',
    run(ctx) {
      const args = ctx.args.toLowerCase().split(/\s+/).filter(Boolean);
      const off = args[0] === 'off' || args[0] === 'stop';
      if (args.length > 1 || (args[0] !== undefined && !off && args[0] !== 'on')) {
        return refusal(para(`I don't know "/remindme ${ctx.args.slice(0, 40)}".`), usage());
      }
      const chat = ctx.msg.chat;
      const user = ctx.actor.id;
      if (chat.type !== 'private') {
        return refusal(
          para(
            'Personal reminders come in your private chat with me: open it and send ',
            code(off ? '/remindme off' : '/remindme'),
            ' there. To get reminders in this chat, the secretariat or a co-chair sends ',
            code('/subscribe'),
            '.',
          ),
        );
      }
      if (off) {
        const was = store.immediate(() => {
          const was = repo.unsubscribe(chat.id, ctx.now);
          if (was) audit(user, 'remindme.off', chat.id);
          return was;
        });
        return { blocks: [para(was ? 'Done: no more meeting announcements or reminders here. ' : 'You were not getting reminders here. ', 'To start: ', code('/remindme'), '.')] };
      }
      const via = access.communityChatOf(user);
      if (!via && !ctx.chatAllowed) {
        return refusal(
          para(
            'Personal reminders are for members of an approved community chat, and I have not seen you in one yet. ',
            'Send ',
            code('/whoami'),
            " in your community's group, then ",
            code('/remindme'),
            ' here again.',
          ),
        );
      }
      const isNew = store.immediate(() => {
        const before = repo.getSubscription(chat.id);
        if (before) return false;
        repo.subscribe({ id: chat.id, type: 'private' }, undefined, user, ctx.now);
        if (via) access.recordMember(user, via, ctx.now);
        audit(user, 'remindme', chat.id, via ? { member_of: via } : undefined);
        return true;
      });
      return {
        blocks: [
          para(
            isNew ? 'You will get meeting announcements here' : 'You already get meeting announcements here',
            deps.offsetsMs.length ? `, and reminders ${offsetsText(deps.offsetsMs)} before each meeting. ` : ' (no reminder times are configured). ',
            'To stop: ',
            code('/remindme off'),
            '.',
          ),
        ],
      };
    },
  };
}
