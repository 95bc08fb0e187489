// What `practice-bot ask` prints for a question with --json (CONTRACT.md), and the --kind names it takes:
// kept apart from src/cli.ts (the composition root) so that file stays readable; re-exported by it.
import { citationFor } from './knowledge/citation.ts';
import { KINDS, type Kind } from './knowledge/kinds.ts';
import type { Engine, SearchOptions } from './engine/types.ts';

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

