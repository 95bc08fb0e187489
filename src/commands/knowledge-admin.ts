// The living practice base in chat (issue 13): `/reload` (secretariat) reloads the knowledge folder on
// demand and says what changed or what is wrong; `/new` (anyone) lists the entries added in the last
// 30 days, grouped by meeting. And the secretariat hears about a change that could not be loaded: in
// the chats where each secretariat member last spoke (remembered in memory), or, failing that, as a
// one-line notice before the reply to their next command.
import type { Logger } from 'pino';
import { errorFields } from '../core/logger.ts';
import type { OutboundRouter } from '../core/outbound.ts';
import type { Clock, Core, Incoming } from '../core/ports.ts';
import type { Block, Inline, Reply } from '../core/reply.ts';
import { formatMeetingDate } from '../knowledge/citation.ts';
import { diffCounts, type EntryRef } from '../knowledge/diff.ts';
import type { FailedReload, LiveKnowledge, ReloadOutcome } from '../knowledge/live.ts';
import type { Entry, PracticeBase } from '../knowledge/schema.ts';
import { KIND_LABELS } from '../knowledge/kinds.ts';
import type { AccessControl, Audit, CommandSpec } from './types.ts';

/** Days /new looks back. */
export const NEW_DAYS = 30;
/** Lines of a list shown in one reply before "and N more". */
const CAP = 10;

export interface KnowledgeAdminDeps {
  live: LiveKnowledge;
  access: AccessControl;
  outbound: OutboundRouter;
  /** The audit trail (community audit): actor, action, subject, details. */
  audit: Audit;
  clock: Clock;
  log: Logger;
}

export interface KnowledgeAdmin {
  /** /reload and /new, for the core's registry. */
  commands: CommandSpec[];
  /** The core, remembering where secretariat members speak and adding the pending notice to their next command. */
  wrapCore(core: Core): Core;
}

const para = (...parts: Inline[]): Block => ({ type: 'paragraph', parts });
const capped = <T>(xs: T[], line: (x: T) => Inline[]): Inline[][] => [
  ...xs.slice(0, CAP).map(line),
  ...(xs.length > CAP ? [[{ text: `and ${xs.length - CAP} more`, italic: true }] as Inline[]] : []),
];
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/** The date an entry was added: its own `added`, else its document's. */
export function addedOf(entry: Entry, base: PracticeBase): string | undefined {
  return entry.added ?? base.documents.find((d) => d.file === entry.source.document)?.added;
}

function failureBlocks(f: FailedReload, max = CAP): Block[] {
  return [
    {
      type: 'notice',
      level: 'warning',
      text: `The practice base change was not loaded: ${plural(f.problems.length, 'problem')}. The previous base (${f.entries} entries) is still answering.`,
    },
    {
      type: 'list',
      items: [
        ...f.problems.slice(0, max).map((p): Inline[] => [{ text: p, code: true }]),
        ...(f.problems.length > max ? [[{ text: `and ${f.problems.length - max} more`, italic: true }] as Inline[]] : []),
      ],
    },
    para('Fix the files and save them (the bot reloads by itself), or send ', { text: '/reload', code: true }, '. ', { text: 'npx practice-bot check', code: true }, ' lists the same problems.'),
  ];
}

export function reloadReply(o: ReloadOutcome): Reply {
  if (o.status === 'failed') return { refusal: true, blocks: failureBlocks(o) };
  if (o.status === 'unchanged') {
    return { blocks: [para(`Nothing changed in the knowledge folder since it was last loaded: ${o.entries} entries are in service.`)] };
  }
  const { diff } = o;
  const blocks: Block[] = [{ type: 'heading', text: `Practice base reloaded: ${o.entries} entries (${diffCounts(diff)})` }];
  const section = (label: string, refs: EntryRef[]) => {
    if (refs.length === 0) return;
    blocks.push(para({ text: label, bold: true }));
    blocks.push({ type: 'list', items: capped(refs, (r) => [{ text: r.id, code: true }, ` ${r.title}`]) });
  };
  section('Added', diff.added);
  section('Changed', diff.changed);
  section('Removed', diff.removed);
  if (diff.lists.length > 0) blocks.push(para(`Also changed: ${diff.lists.join(', ')}.`));
  if (diff.added.length + diff.changed.length + diff.removed.length + diff.lists.length === 0) blocks.push(para('The files changed, but nothing the bot shows did.'));
  blocks.push(para({ text: `Loaded in ${(o.ms.total / 1000).toFixed(1)} s.`, italic: true }));
  return { blocks };
}

/** /new: entries added in the last NEW_DAYS days, grouped by meeting, newest first. */
export function newReply(base: PracticeBase, now: Date): Reply {
  const today = now.toISOString().slice(0, 10);
  const since = new Date(now.getTime() - NEW_DAYS * 86_400_000).toISOString().slice(0, 10);
  const dated = base.entries.map((e) => ({ e, added: addedOf(e, base) })).filter((x): x is { e: Entry; added: string } => x.added !== undefined);
  const recent = dated.filter((x) => x.added >= since && x.added <= today);
  if (recent.length === 0) {
    const latest = dated.map((x) => x.added).filter((d) => d <= today).sort().pop();
    return {
      blocks: [
        para(`Nothing has been added to the practice base in the last ${NEW_DAYS} days.`),
        para(latest ? `The latest addition was on ${latest}; send /sources for the documents and their dates.` : 'The base records no dates added yet; send /sources for its documents.'),
      ],
    };
  }
  const groups = new Map<string, { added: string; items: { e: Entry; added: string }[] }>();
  for (const x of recent) {
    const g = groups.get(x.e.source.meeting) ?? { added: x.added, items: [] };
    g.items.push(x);
    if (x.added > g.added) g.added = x.added;
    groups.set(x.e.source.meeting, g);
  }
  const start = (id: string) => base.meetings.find((m) => m.id === id)?.date.start ?? '';
  const ordered = [...groups.entries()].sort((a, b) => b[1].added.localeCompare(a[1].added) || start(b[0]).localeCompare(start(a[0])) || a[0].localeCompare(b[0]));
  const blocks: Block[] = [
    { type: 'heading', text: `New in the last ${NEW_DAYS} days: ${plural(recent.length, 'entry').replace(/entrys$/, 'entries')} from ${plural(ordered.length, 'meeting')}` },
  ];
  for (const [id, g] of ordered) {
    const m = base.meetings.find((x) => x.id === id);
    blocks.push(para({ text: m ? `${m.title}, ${formatMeetingDate(m)}` : id, bold: true }, ` (added ${g.added}; ${plural(g.items.length, 'entry').replace(/entrys$/, 'entries')})`));
    const items = [...g.items].sort((a, b) => b.added.localeCompare(a.added));
    blocks.push({ type: 'list', items: capped(items, ({ e }) => [`${KIND_LABELS[e.kind].one}: `, { text: e.title, bold: true }]) });
  }
  const example = ordered[0]![1].items[0]!.e.title;
  blocks.push(para('Ask about any of them, e.g. ', { text: `/ask ${example.length <= 60 ? example : example.slice(0, 60).replace(/\s+\S*$/, '')}`, code: true }, '.'));
  return { blocks };
}

export function createKnowledgeAdmin(deps: KnowledgeAdminDeps): KnowledgeAdmin {
  const { live, access, outbound, audit, clock } = deps;
  const log = deps.log.child({ module: 'knowledge-admin' });
  const isSecretariat = (userId: string) => access.rolesOf(userId).has('secretariat');

  /** Where each secretariat member last spoke (memory only; a restart forgets it). */
  const lastChat = new Map<string, { chatId: string; threadId?: string }>();
  /** The refusal the secretariat must hear about, and who has heard (or been sent) it. */
  let pending: { outcome: FailedReload; key: string; told: Set<string>; chats: Set<string> } | undefined;

  const subject = () => live.dir;
  const auditDetails = (o: ReloadOutcome): Record<string, unknown> =>
    o.status === 'reloaded'
      ? { status: o.status, entries: o.entries, added: o.diff.added.length, changed: o.diff.changed.length, removed: o.diff.removed.length, ms: o.ms.total }
      : o.status === 'failed'
        ? { status: o.status, problems: o.problems.length, ms: o.ms.total }
        : { status: o.status };

  async function send(chats: Map<string, { threadId?: string }>, reply: Reply): Promise<string[]> {
    const sent: string[] = [];
    for (const [chatId, where] of chats) {
      try {
        await outbound.for(chatId).send(chatId, reply, where.threadId ? { threadId: where.threadId } : undefined);
        sent.push(chatId);
      } catch (err) {
        log.warn({ chat: chatId, err: errorFields(err) }, 'could not tell the secretariat about the practice base');
      }
    }
    return sent;
  }

  /** Tell the secretariat, in the chats where its members last spoke, that a change was refused. */
  async function announce(p: NonNullable<typeof pending>): Promise<void> {
    const chats = new Map<string, { threadId?: string }>();
    const members = new Map<string, string[]>();
    for (const [userId, where] of lastChat) {
      if (!isSecretariat(userId) || p.told.has(userId)) continue;
      chats.set(where.chatId, where.threadId ? { threadId: where.threadId } : {});
      members.set(where.chatId, [...(members.get(where.chatId) ?? []), userId]);
    }
    if (chats.size === 0) return; // told on their next command instead
    const sent = await send(chats, { blocks: failureBlocks(p.outcome, 5) });
    for (const chatId of sent) {
      p.chats.add(chatId);
      for (const u of members.get(chatId) ?? []) p.told.add(u);
    }
    log.info({ chats: sent.length }, 'secretariat told that a practice base change was not loaded');
  }

  live.onReload((o) => {
    if (o.trigger === 'watch' && o.status !== 'unchanged') audit('system', 'knowledge.reload', subject(), auditDetails(o));
    if (o.status === 'failed') {
      const key = o.problems.join('\n');
      if (pending?.key === key) return; // the same problems: already told
      pending = { outcome: o, key, told: new Set(), chats: new Set() };
      // a /reload's own reply says it to whoever sent it; the others hear on their next command
      if (o.trigger !== 'watch') return;
      announce(pending).then(
        () => undefined,
        (err: unknown) => log.error({ err: errorFields(err) }, 'secretariat notice failed'),
      );
      return;
    }
    if (pending && (o.status === 'reloaded' || !live.failure())) {
      // fixed (or the files put back as they were): the chats that heard about the problem hear that it is over
      const chats = new Map([...pending.chats].map((c) => [c, {}]));
      pending = undefined;
      const text =
        o.status === 'reloaded'
          ? `The practice base loads again: ${o.entries} entries (${diffCounts(o.diff)}).`
          : `The practice base files are back as they were last loaded: ${o.entries} entries in service.`;
      if (chats.size > 0)
        send(chats, { blocks: [para(text)] }).then(
          () => undefined,
          (err: unknown) => log.error({ err: errorFields(err) }, 'secretariat notice failed'),
        );
    }
  });

  const commands: CommandSpec[] = [
    {
      name: 'reload',
      usage: '/reload',
      description: 'Reload the practice base from its folder now and show what changed',
      access: 'secretariat',
      group: 'Administration',
      run: async (ctx) => {
        const o = await live.reload('command');
        audit(ctx.actor.id, 'knowledge.reload', subject(), auditDetails(o));
        if (o.status === 'failed' && pending?.key === o.problems.join('\n')) pending.told.add(ctx.actor.id);
        return reloadReply(o);
      },
    },
    {
      name: 'new',
      usage: '/new',
      description: `Entries added to the practice base in the last ${NEW_DAYS} days`,
      access: 'public',
      group: 'Practice base',
      run: () => newReply(live.engine.base, clock.now()),
    },
  ];

  const remember = (m: { user: Incoming['user']; chat: Incoming['chat']; threadId?: string }) => {
    if (!isSecretariat(m.user.id)) return false;
    lastChat.set(m.user.id, { chatId: m.chat.id, ...(m.threadId ? { threadId: m.threadId } : {}) });
    return true;
  };

  function wrapCore(core: Core): Core {
    return {
      ...core,
      handleMessage: async (msg) => {
        const secretariat = remember(msg);
        const replies = await core.handleMessage(msg);
        const p = pending;
        if (!secretariat || !p || p.told.has(msg.user.id) || !(msg.text ?? '').trimStart().startsWith('/')) return replies;
        p.told.add(msg.user.id);
        const line: Block = {
          type: 'notice',
          level: 'warning',
          text: `The practice base change of ${p.outcome.at.toISOString().slice(0, 16).replace('T', ' ')} UTC was not loaded (${plural(p.outcome.problems.length, 'problem')}); the previous base is still answering. Send /reload to see what is wrong.`,
        };
        const [first, ...rest] = replies;
        return first ? [{ ...first, blocks: [line, ...first.blocks] }, ...rest] : [{ blocks: [line] }];
      },
      handleAction: async (input) => {
        remember(input);
        return core.handleAction(input);
      },
    };
  }

  return { commands, wrapCore };
}
