// Public practice-base commands: /start, /help, /ask, /challenges, /practices, /opportunities, /sources.
import { createLru } from '../../core/lru.ts';
import type { Block, Button, Reply } from '../../core/reply.ts';
import { MAX_ACTION_BYTES } from '../../core/reply.ts';
import { citationFor, formatMeetingDate } from '../../knowledge/citation.ts';
import type { Entry } from '../../knowledge/schema.ts';
import { KIND_LABELS, type Kind } from '../../knowledge/kinds.ts';
import type { Intent, SearchHit, SearchOptions, SearchResult, SourceRef } from '../../engine/types.ts';
import type { Access, CommandContext, CommandSpec } from '../../commands/types.ts';
import type { Engine } from '../../engine/types.ts';
import type { FeedbackPort } from '../feedback/index.ts';

/** What the practice base's commands use: the engine, where unanswered questions go, and the
 *  registered commands (for /help). */
export interface PracticeBaseDeps {
  engine: Engine;
  feedback: Pick<FeedbackPort, 'recordGap'>;
  /** Every registered command (for /help), known once the dispatcher is built. */
  commands: () => readonly CommandSpec[];
}

/** Longest question we analyse; longer input is answered from its beginning, and the reply says so. */
export const MAX_QUESTION_CHARS = 500;
const PAGE = 3;

interface SavedQuery {
  query: string;
  opts: SearchOptions;
}

/** Short tokens for "more results" and feedback buttons, so callback data stays far under 64 bytes. */
export function createQueryMemory(max = 5000) {
  const lru = createLru<string, SavedQuery>(max);
  let n = 0;
  return {
    save(q: SavedQuery): string {
      const token = (++n).toString(36) + Math.floor(Math.random() * 1296).toString(36);
      lru.set(token, q);
      return token;
    },
    get: (token: string) => lru.get(token),
  };
}
export type QueryMemory = ReturnType<typeof createQueryMemory>;

/** Entry blocks are built once per entry: the practice base does not change while the bot runs.
 *  They are frozen, since every reply that shows the entry shares the same block. */
const entryBlocks = new WeakMap<Entry, Block>();

export function entryBlock(entry: Entry, services: PracticeBaseDeps): Block {
  let block = entryBlocks.get(entry);
  if (!block) {
    const citation = Object.freeze(citationFor(entry, services.engine.base));
    block = Object.freeze({
      type: 'entry',
      id: entry.id,
      kind: entry.kind,
      kindLabel: KIND_LABELS[entry.kind].one,
      title: entry.title,
      text: entry.text,
      themes: entry.themes,
      citation,
    } as const);
    entryBlocks.set(entry, block);
  }
  return block;
}

/** The block of an entry whose point has several sources (recorded in several documents, or folded
 *  at answer time): the citation names every source ("3rd COLEP meeting, 4 May 2023, Challenges;
 *  News item"), so every adapter shows them without knowing about folding. */
function entryBlockWithSources(entry: Entry, sources: readonly SourceRef[], services: PracticeBaseDeps): Block {
  const block = entryBlock(entry, services);
  if (sources.length <= 1 || block.type !== 'entry') return block;
  const { base } = services.engine;
  const labels = [...new Set(sources.map((s) => citationFor({ source: s }, base).label))];
  // the same meeting and date need not be repeated: "<meeting>, <date>, A; B"
  const parts = labels.map((l) => l.split(', '));
  const head = parts[0]!.slice(0, -1).join(', ');
  const label = labels
    .map((l, i) => (i > 0 && head !== '' && parts[i]!.slice(0, -1).join(', ') === head ? parts[i]!.at(-1)! : l))
    .join('; ');
  return { ...block, citation: { ...block.citation, label } };
}

export function hitBlock(hit: SearchHit, services: PracticeBaseDeps): Block {
  return entryBlockWithSources(hit.entry, hit.sources, services);
}

/** Button to show one entry by id ("e:<id>"), when its id fits in a button's data. */
export function entryButton(entry: Entry): Button | undefined {
  const action = `e:${entry.id}`;
  if (Buffer.byteLength(action) > MAX_ACTION_BYTES) return undefined;
  const label = entry.title.length > 60 ? `${entry.title.slice(0, 57)}…` : entry.title;
  return { label, action };
}

/** "What members do about it: ..." under an answer about a problem, with a button per entry. */
function remediesBlocks(remedies: readonly Entry[]): { blocks: Block[]; buttons: Button[][] } {
  if (remedies.length === 0) return { blocks: [], buttons: [] };
  const parts: Block = {
    type: 'paragraph',
    parts: [
      { text: 'What members do about it: ', bold: true },
      remedies.map((e) => `${e.title} (${KIND_LABELS[e.kind].one.toLowerCase()})`).join('; '),
      '.',
    ],
  };
  const buttons = remedies.map(entryButton).filter((b): b is Button => b !== undefined).map((b) => [b]);
  return { blocks: [parts], buttons };
}

/** One entry on its own (the "e:<id>" button): the entry with every source, and what addresses it. */
export function entryReply(services: PracticeBaseDeps, id: string): Reply {
  const entry = services.engine.entry(id);
  if (!entry) return { blocks: [{ type: 'paragraph', parts: ['That entry is no longer in the practice base.'] }] };
  const remedies = remediesBlocks(entry.kind === 'challenge' ? services.engine.remediesOf(entry) : []);
  return { blocks: [entryBlockWithSources(entry, services.engine.sourcesOf(entry), services), ...remedies.blocks], buttons: remedies.buttons };
}

/** What a small-talk message gets in a private chat (in a group: nothing). */
export const SMALL_TALK_REPLY = 'Hello! Ask me about practices, challenges or meetings, or type /help.';

/** Said above an answer to "how do others handle X" when the meetings recorded X only as a problem. */
export const ONLY_CHALLENGE_TEXT = 'The meetings recorded this as a challenge; no practice was shared for it yet. The nearest practices follow it.';

function themeLabel(services: PracticeBaseDeps, id: string): string {
  return services.engine.base.themes.find((t) => t.id === id)?.label ?? id;
}

function shorten(q: string): { text: string; cut: boolean } {
  const t = q.replace(/\s+/g, ' ').trim();
  if (t.length <= MAX_QUESTION_CHARS) return { text: t, cut: false };
  return { text: t.slice(0, MAX_QUESTION_CHARS), cut: true };
}

/** Renders one page of a search as a reply, with "more" and feedback buttons. */
export function answerReply(
  services: PracticeBaseDeps,
  memory: QueryMemory,
  query: string,
  opts: SearchOptions,
  result: SearchResult,
  intro?: Block[],
): Reply {
  const blocks: Block[] = [...(intro ?? [])];
  const offset = opts.offset ?? 0;
  if (offset === 0 && result.understood.length > 0) {
    blocks.push({ type: 'notice', level: 'info', text: `Understood as: ${result.understood.join(', ')}.` });
  }
  if (result.corrected && offset === 0) {
    blocks.push({ type: 'notice', level: 'info', text: `Showing results for "${result.corrected}".` });
  }
  if (result.note === 'only-challenge' && offset === 0) blocks.push({ type: 'paragraph', parts: [{ text: ONLY_CHALLENGE_TEXT, italic: true }] });
  for (const hit of result.hits) blocks.push(hitBlock(hit, services));
  const remedies = remediesBlocks(result.remedies);
  blocks.push(...remedies.blocks);
  const buttons: Button[][] = [...remedies.buttons];
  const token = memory.save({ query, opts: { ...opts, offset: 0 } });
  const shown = offset + result.hits.length;
  if (shown < result.total) {
    blocks.push({ type: 'paragraph', parts: [{ text: `${shown} of ${result.total} shown.`, italic: true }] });
    buttons.push([{ label: `More results (${result.total - shown})`, action: `more:${token}:${shown}` }]);
  }
  buttons.push([
    { label: 'Helpful', action: `fb:${token}:1` },
    { label: 'Not helpful', action: `fb:${token}:0` },
  ]);
  return { blocks, buttons };
}

export function nothingClose(what: string, result: SearchResult): Reply {
  const blocks: Block[] = [
    { type: 'paragraph', parts: [`The practice base has nothing close to ${what}.`] },
  ];
  if (result.suggestions.length > 0) {
    blocks.push({ type: 'paragraph', parts: ['You could try: ', { text: result.suggestions.slice(0, 6).join(', '), bold: true }, '.'] });
  }
  blocks.push({ type: 'paragraph', parts: ['Send /challenges or /practices for an overview by theme, or /sources to see what the base holds.'] });
  return { blocks };
}

/** Answers a question. Returns nothing for small talk in a group chat ("thanks!", "👍" after an
 *  answer): the bot stays quiet there; a private chat, or an explicit /ask, gets one friendly line. */
export function ask(services: PracticeBaseDeps, ctx: CommandContext, memory: QueryMemory, question: string): Reply | undefined {
  return answer(services, ctx, memory, question).reply;
}

/** `ask`, and what the question was read as asking for (the core puts the calendar first for
 *  questions about upcoming meetings, in any language the interpreter reads). */
export function answer(services: PracticeBaseDeps, ctx: CommandContext, memory: QueryMemory, question: string): { reply: Reply | undefined; intent?: Intent } {
  const { text: q, cut } = shorten(question);
  if (!/[\p{L}\p{N}]/u.test(q)) {
    if (services.engine.search(q).smallTalk) return { reply: smallTalk(ctx) };
    return { reply: {
      refusal: true,
      blocks: [{ type: 'paragraph', parts: ['Please ask a question in words, e.g. ', { text: '/ask how do others handle encrypted data?', code: true }] }],
    } };
  }
  const opts: SearchOptions = { limit: PAGE };
  const result = services.engine.search(q, opts);
  if (result.smallTalk) return { reply: smallTalk(ctx), intent: result.intent };
  return { reply: answerOrGap(services, ctx, memory, q, cut, opts, result), intent: result.intent };
}

function smallTalk(ctx: CommandContext): Reply | undefined {
  const explicit = ctx.msg.text.trimStart().startsWith('/');
  if (ctx.msg.chat.type !== 'private' && !explicit) return undefined;
  return { blocks: [{ type: 'paragraph', parts: [SMALL_TALK_REPLY] }] };
}

function answerOrGap(services: PracticeBaseDeps, ctx: CommandContext, memory: QueryMemory, q: string, cut: boolean, opts: SearchOptions, result: SearchResult): Reply {
  const intro: Block[] = cut
    ? [{ type: 'notice', level: 'info', text: `Your message was long; I used its first ${MAX_QUESTION_CHARS} characters.` }]
    : [];
  if (result.hits.length === 0) {
    const r = nothingClose('that question', result);
    r.blocks.unshift(...intro);
    // Only allowed chats leave anything in the database; elsewhere nothing is stored.
    if (ctx.chatAllowed) {
      services.feedback.recordGap(q, result.language);
      r.blocks.push({ type: 'paragraph', parts: [{ text: 'The question has been noted (without your name) so the secretariat can fill the gap.', italic: true }] });
    }
    return r;
  }
  return answerReply(services, memory, q, opts, result, intro);
}

const KIND_COMMAND: Record<string, Kind> = {
  challenges: 'challenge',
  practices: 'good-practice',
  opportunities: 'opportunity',
};

/** Overview of one kind grouped by theme with counts, and a theme picker. */
function overview(services: PracticeBaseDeps, kind: Kind, command: string): Reply {
  const entries = services.engine.base.entries.filter((e) => e.kind === kind);
  const counts = new Map<string, number>();
  for (const e of entries) for (const t of e.themes) counts.set(t, (counts.get(t) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const label = KIND_LABELS[kind].many;
  const blocks: Block[] = [
    { type: 'heading', text: `${label}: ${entries.length} in the practice base` },
    { type: 'paragraph', parts: ['By theme (an entry can have several):'] },
    { type: 'list', items: ranked.map(([t, n]) => [{ text: themeLabel(services, t), bold: true }, ` (${n})`]) },
    { type: 'paragraph', parts: ['Pick a theme below or send ', { text: `/${command} <topic>`, code: true }, `, e.g. /${command} ${ranked[0] ? themeLabel(services, ranked[0][0]).toLowerCase() : 'training'}.`] },
  ];
  const buttons: Button[][] = [];
  const top = ranked.slice(0, 8);
  for (let i = 0; i < top.length; i += 2) {
    buttons.push(top.slice(i, i + 2).map(([t, n]) => ({ label: `${themeLabel(services, t)} (${n})`, action: `th:${kind}:${t}` })));
  }
  return { blocks, buttons };
}

export function entriesOfKindInTheme(services: PracticeBaseDeps, kind: Kind, theme: string, offset = 0): Reply {
  const command = Object.entries(KIND_COMMAND).find(([, k]) => k === kind)?.[0] ?? 'challenges';
  if (!services.engine.base.themes.some((t) => t.id === theme)) {
    return { blocks: [{ type: 'paragraph', parts: [`That theme is not in the practice base. Send /${command} for the themes there are.`] }] };
  }
  const all = services.engine.base.entries.filter((e) => e.kind === kind && e.themes.includes(theme));
  const page = all.slice(offset, offset + 5);
  const blocks: Block[] = [{ type: 'heading', text: `${KIND_LABELS[kind].many}: ${themeLabel(services, theme)} (${all.length})` }];
  for (const e of page) blocks.push(entryBlock(e, services));
  const buttons: Button[][] = [];
  if (offset + page.length < all.length) {
    buttons.push([{ label: `More (${all.length - offset - page.length})`, action: `th:${kind}:${theme}:${offset + page.length}` }]);
  }
  return { blocks, buttons };
}

function byKind(services: PracticeBaseDeps, ctx: CommandContext, memory: QueryMemory): Reply {
  const kind = KIND_COMMAND[ctx.command]!;
  const { text: topic } = shorten(ctx.args);
  if (topic === '' || !/[\p{L}\p{N}]/u.test(topic)) return overview(services, kind, ctx.command);
  // Entries of the kind that match the topic; failing that, the theme the topic names.
  const opts: SearchOptions = { kinds: [kind], limit: PAGE };
  const result = services.engine.search(topic, opts);
  if (result.hits.length > 0) {
    return answerReply(services, memory, topic, opts, result, [{ type: 'heading', text: `${KIND_LABELS[kind].many}: ${topic}` }]);
  }
  const theme = services.engine.themesFor(topic)[0];
  const { base } = services.engine;
  /** Does the base hold an entry of kind `k` in this theme? */
  const covers = (themeId: string, k: Kind) => base.entries.some((e) => e.kind === k && e.themes.includes(themeId));
  if (theme && covers(theme.id, kind)) return entriesOfKindInTheme(services, kind, theme.id);
  // Suggest only themes that have entries of this kind: a theme offered here must give a list.
  const labels = new Set(base.themes.filter((t) => covers(t.id, kind)).map((t) => t.label));
  const r = nothingClose(`"${topic}" among the ${KIND_LABELS[kind].many.toLowerCase()}`, {
    ...result,
    suggestions: result.suggestions.filter((l) => labels.has(l)),
  });
  if (theme) {
    // The topic names a theme that has none of this kind: say which commands do have it.
    const others = Object.entries(KIND_COMMAND)
      .filter(([, k]) => k !== kind && covers(theme.id, k))
      .map(([c]) => `/${c} ${theme.label.toLowerCase()}`);
    if (others.length === 0) others.push(`/ask ${theme.label.toLowerCase()}`);
    r.blocks.splice(1, 0, { type: 'paragraph', parts: [`The theme ${theme.label} has no ${KIND_LABELS[kind].many.toLowerCase()}; try `, { text: others.join(' or '), code: true }, '.'] });
  }
  return r;
}

function sources(services: PracticeBaseDeps): Reply {
  const { base } = services.engine;
  const blocks: Block[] = [{ type: 'heading', text: `Sources: ${base.documents.length} documents, ${base.entries.length} entries` }];
  const items = base.documents.map((d) => {
    const m = base.meetings.find((x) => x.id === d.meeting);
    const n = base.entries.filter((e) => e.source.document === d.file).length;
    return [
      { text: d.title, bold: true },
      ` (${d.type}, ${d.publisher}). `,
      m ? `${m.title}, ${formatMeetingDate(m)}. ` : '',
      `${n} entries${d.added ? `, added ${d.added}` : ''}. File: `,
      { text: d.file, code: true },
    ];
  });
  blocks.push({ type: 'list', items });
  blocks.push({ type: 'heading', text: 'Meetings' });
  blocks.push({
    type: 'list',
    items: [...base.meetings]
      .sort((a, b) => b.date.start.localeCompare(a.date.start))
      .map((m) => {
        const place = m.place.virtual ? 'virtual' : [m.place.city, m.place.country].filter(Boolean).join(', ');
        return [{ text: m.title, bold: true }, `: ${formatMeetingDate(m)}, ${place}${m.status === 'announced' ? ' (announced)' : ''}`];
      }),
  });
  return { blocks };
}

/** /help lists the commands the asker may use, with who may use them (`/help all`: every command,
 *  which the secretariat and co-chairs get anyway); the registry is fixed once the core is built, so
 *  each view is built once per core. A short list matters in a group chat: the full one no longer
 *  fits one Telegram message. */
type HelpView = 'member' | 'organiser' | 'all';
const helpReplies = new WeakMap<PracticeBaseDeps, Map<HelpView, Block[]>>();

export function helpReply(services: PracticeBaseDeps, view: HelpView = 'all'): Reply {
  let views = helpReplies.get(services);
  if (!views) helpReplies.set(services, (views = new Map()));
  let blocks = views.get(view);
  if (!blocks) views.set(view, (blocks = buildHelp(services, view)));
  return { blocks: [...blocks] };
}

/** Which /help a person gets: everything for the secretariat, the organisers' commands for
 *  co-chairs, the public and member commands for everyone else; `/help all` shows every command. */
function helpViewOf(args: string, roles: ReadonlySet<string>): HelpView {
  if (/^all$/i.test(args.trim()) || roles.has('secretariat')) return 'all';
  return roles.has('co-chair') ? 'organiser' : 'member';
}

const SHOWN: Record<HelpView, ReadonlySet<Access>> = {
  member: new Set<Access>(['public', 'member']),
  organiser: new Set<Access>(['public', 'member', 'organiser']),
  all: new Set<Access>(['public', 'member', 'organiser', 'secretariat']),
};

function buildHelp(services: PracticeBaseDeps, view: HelpView): Block[] {
  const shown = SHOWN[view];
  let hidden = 0;
  const cmds = services.commands().filter((c) => {
    if (c.listed === false) return false;
    const subs = (c.subcommands ?? []).filter((x) => !shown.has(x.access)).length;
    hidden += subs + (shown.has(c.access) ? 0 : 1);
    return shown.has(c.access) || (c.subcommands ?? []).some((x) => shown.has(x.access));
  });
  const groups = new Map<string, CommandSpec[]>();
  for (const c of cmds) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const blocks: Block[] = [{ type: 'heading', text: 'practice-bot commands' }];
  const who: Record<string, string> = { public: '', member: ' (allowed chats)', organiser: ' (secretariat, co-chairs)', secretariat: ' (secretariat)' };
  for (const [group, list] of groups) {
    blocks.push({ type: 'paragraph', parts: [{ text: group, bold: true }] });
    const line = (usage: string, description: string, access: Access) => [
      { text: usage, code: true },
      // Descriptions that already say who may use them are not repeated.
      ` ${description}${description.includes(who[access]!.trim()) ? '' : who[access]}`,
    ];
    blocks.push({
      type: 'list',
      items: list.flatMap((c) => [
        ...(shown.has(c.access) ? [line(c.usage, c.description, c.access)] : []),
        ...(c.subcommands ?? []).filter((s) => shown.has(s.access)).map((s) => line(s.usage, s.description, s.access)),
      ]),
    });
  }
  blocks.push({ type: 'paragraph', parts: ['In a private chat any message is a question; in a group, mention me or reply to me.'] });
  if (hidden > 0) {
    blocks.push({ type: 'paragraph', parts: [`${hidden} more commands are for the secretariat and co-chairs: `, { text: '/help all', code: true }, ' lists them.'] });
  }
  return blocks.map((b) => Object.freeze(b));
}

export function createPracticeBaseCommands(services: PracticeBaseDeps, memory: QueryMemory): CommandSpec[] {
  const group = 'Practice base';
  return [
    {
      name: 'start',
      usage: '/start',
      description: 'What this bot does',
      access: 'public',
      group: 'Getting started',
      run: (ctx) => ({
        blocks: [
          { type: 'heading', text: 'Welcome to practice-bot' },
          {
            type: 'paragraph',
            parts: [
              `I answer questions from the community's practice base: ${services.engine.base.entries.length} challenges, good practices, opportunities, next steps, conclusions and facts from ${services.engine.base.documents.length} meeting documents, each with its source.`,
            ],
          },
          {
            type: 'list',
            items: [
              [{ text: '/ask how do others handle encrypted data?', code: true }],
              [{ text: '/practices training', code: true }],
              [{ text: '/challenges', code: true }, ' an overview by theme'],
              [{ text: '/meetings', code: true }, ' upcoming meetings'],
            ],
          },
          { type: 'paragraph', parts: ['Send /help for every command.'] },
        ],
      }),
    },
    {
      name: 'help',
      usage: '/help',
      description: 'List the commands you can use (/help all: every command)',
      access: 'public',
      group: 'Getting started',
      run: (ctx) => helpReply(services, helpViewOf(ctx.args, ctx.actor.roles)),
    },
    {
      name: 'ask',
      usage: '/ask <question>',
      description: 'Ask the practice base a question',
      access: 'public',
      group,
      run: (ctx) =>
        ctx.args.trim() === ''
          ? {
              refusal: true,
              blocks: [{ type: 'paragraph', parts: ['Add your question after /ask, e.g. ', { text: '/ask how do others get platforms to take down smuggler ads?', code: true }] }],
            }
          : (ask(services, ctx, memory, ctx.args) ?? []),
    },
    { name: 'challenges', usage: '/challenges [topic]', description: 'Challenges raised at the meetings', access: 'public', group, run: (ctx) => byKind(services, ctx, memory) },
    { name: 'practices', aliases: ['goodpractices', 'good-practices'], usage: '/practices [topic]', description: 'Good practices shared by members', access: 'public', group, run: (ctx) => byKind(services, ctx, memory) },
    { name: 'opportunities', usage: '/opportunities [topic]', description: 'Opportunities for cooperation and capacity', access: 'public', group, run: (ctx) => byKind(services, ctx, memory) },
    { name: 'sources', usage: '/sources', description: 'The documents and meetings the base holds', access: 'public', group, run: () => sources(services) },
  ];
}
