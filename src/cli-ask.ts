// What `practice-bot ask` prints for a question (with --json: CONTRACT.md), and the --kind names it takes:
// kept apart from src/cli.ts (the composition root) so that file stays readable; re-exported by it.
import { preloadEld } from './engine/interpret/detect.ts';
import { citationFor } from './knowledge/citation.ts';
import { KIND_LABELS, KINDS, type Kind } from './knowledge/kinds.ts';
import type { Engine, SearchOptions } from './engine/types.ts';

/** The streams `ask` reads and writes (src/cli.ts Io). */
export interface AskIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** errorFields (src/core/logger.ts: the message with secrets scrubbed), loaded when an error needs it. */
async function errorMessage(err: unknown): Promise<string> {
  const { errorFields } = await import('./core/logger.ts');
  return errorFields(err).message;
}

const KIND_ALIASES: Record<string, Kind> = {
  challenges: 'challenge',
  practice: 'good-practice',
  practices: 'good-practice',
  'good-practices': 'good-practice',
  goodpractice: 'good-practice',
  opportunities: 'opportunity',
  'next-steps': 'next-step',
  conclusions: 'conclusion',
  facts: 'fact',
};

export function parseKind(k: string): Kind | undefined {
  const s = k.trim().toLowerCase();
  if ((KINDS as readonly string[]).includes(s)) return s as Kind;
  return KIND_ALIASES[s];
}

/** The `ask --json` object for one question (contract: query, results[], suggestions; added: intent,
 *  language, understood, and each result's sources). */
export function askJson(engine: Engine, query: string, opts: SearchOptions) {
  const r = engine.search(query, opts);
  const source = (s: { document: string; section: string; meeting: string }) => ({ document: s.document, section: s.section, meeting: s.meeting });
  return {
    query,
    results: r.hits.map((h) => ({
      id: h.entry.id,
      kind: h.entry.kind,
      title: h.entry.title,
      text: h.entry.text,
      themes: h.entry.themes,
      source: source(h.entry.source),
      sources: h.sources.map(source),
      score: Math.round(h.score * 10_000) / 10_000,
      citation: citationFor(h.entry, engine.base).label,
      ...(h.folded ? { folded: h.folded } : {}),
    })),
    suggestions: r.suggestions,
    ...(r.corrected ? { corrected: r.corrected } : {}),
    intent: r.intent,
    language: r.language,
    understood: r.understood,
    ...(r.note ? { note: r.note } : {}),
    ...(r.remedies.length ? { addressed_by: r.remedies.map((e) => e.id) } : {}),
  };
}

/** `ask`'s questions answered (one, or one a line from stdin with --json) and printed. */
export async function answerAsk(
  engine: Engine,
  { positionals, ...values }: { positionals: string[]; json: boolean; theme: string | undefined },
  opts: SearchOptions,
  io: AskIo,
  output: { closed(): boolean },
): Promise<number> {
  if (values.theme !== undefined) {
    const theme = engine.base.themes.find((t) => t.id === values.theme) ?? engine.themesFor(values.theme)[0];
    if (!theme) {
      io.stderr.write(`Unknown --theme "${values.theme}". Themes: ${engine.base.themes.map((t) => t.id).join(', ')}\n`);
      return 2;
    }
    opts.theme = theme.id;
  }
  const question = positionals.join(' ');
  if (positionals.length > 0 && question.trim() === '') {
    io.stderr.write('The question is empty. Usage: practice-bot ask "<question>" [--kind K] [--theme T] [--limit N] [--json]\n');
    return 2;
  }
  // The language detector is on, as in the bot and the console, so a question gets the same reading
  // everywhere; its data is read only for a question the lexicons cannot settle (an English one never).
  await preloadEld().catch(() => undefined);
  if (values.json) {
    if (question.trim() !== '') {
      io.stdout.write(`${JSON.stringify(askJson(engine, question, opts))}\n`);
      return 0;
    }
    const { default: readline } = await import('node:readline');
    const rl = readline.createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
    for await (const line of rl) {
      if (line.trim() === '') continue;
      let out: string;
      try {
        out = JSON.stringify(askJson(engine, line, opts));
      } catch (err) {
        out = JSON.stringify({ query: line, results: [], suggestions: [], error: await errorMessage(err) });
      }
      if (output.closed()) break;
      if (!io.stdout.write(`${out}\n`)) {
        await new Promise((r) => {
          io.stdout.once('drain', r);
          io.stdout.once('error', r);
          io.stdout.once('close', r);
        });
      }
      if (output.closed()) break;
    }
    return 0;
  }
  if (question.trim() === '') {
    io.stderr.write('Usage: practice-bot ask "<question>" [--kind K] [--theme T] [--limit N] [--json]\n');
    return 2;
  }
  const r = engine.search(question, opts);
  if (r.smallTalk) {
    const { SMALL_TALK_REPLY } = await import('./features/practice-base/index.ts');
    io.stdout.write(`${SMALL_TALK_REPLY}\n`);
    return 0;
  }
  if (r.hits.length === 0) {
    io.stdout.write(`The practice base has nothing close to that.${r.suggestions.length ? ` Try: ${r.suggestions.join(', ')}.` : ''}\n`);
    return 0;
  }
  if (r.understood.length > 0) io.stdout.write(`Understood as: ${r.understood.join(', ')}.\n`);
  if (r.note === 'only-challenge') io.stdout.write(`${(await import('./features/practice-base/index.ts')).ONLY_CHALLENGE_TEXT}\n`);
  const blocks = r.hits.map((h) => ({
    type: 'entry' as const,
    id: h.entry.id,
    kind: h.entry.kind,
    kindLabel: KIND_LABELS[h.entry.kind].one,
    title: h.entry.title,
    text: h.entry.text,
    themes: h.entry.themes,
    citation: { ...citationFor(h.entry, engine.base), label: h.sources.map((s) => citationFor({ source: s }, engine.base).label).join('; ') },
  }));
  const { renderPlain } = await import('../adapters/console/render-plain.ts');
  io.stdout.write(`${renderPlain({ blocks })}\n`);
  if (r.remedies.length > 0) io.stdout.write(`What members do about it: ${r.remedies.map((e) => `${e.title} (${e.id})`).join('; ')}.\n`);
  return 0;
}
