// The yaml package, loaded on first use: a start that reads the practice base and the lexicon from
// their snapshots (src/cache/) parses no YAML, and so should not pay for importing the parser
// (about 30 ms of a console start). createRequire loads its CommonJS build without Node's ESM
// export scan. Types come from the package as usual (`import type`).
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let yamlModule: Yaml | undefined;

export function yaml(): Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as Yaml);
}

type ParseDocumentOptions = NonNullable<Parameters<Yaml['parseDocument']>[1]>;

/** Parses YAML text and keeps its line numbers (for problems reported as file:line). */
export function parseYamlWithLines(text: string, options: Omit<ParseDocumentOptions, 'lineCounter'> = {}) {
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  return { doc: parseDocument(text, { ...options, lineCounter: lines }), lines };
}
