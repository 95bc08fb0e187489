// Ingest bench: time to draft entries from a generated 20-page meeting PDF (pdf.js text extraction
// with font sizes and weights, structure, meeting record, duplicate notes against the real base,
// draft YAML), and for the same summary as DOCX and Markdown. Median of a few runs each.
//
// Run: npm run bench -- ingest
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ingestDocument } from '../src/ingest/ingest.ts';
import { readDocument } from '../src/ingest/read.ts';
import { defaultKnowledgeDir } from '../src/knowledge/load.ts';
import { SUMMARY, longPdf, summaryDocx } from '../test/helpers/meeting-docs.ts';

const RUNS = 5;
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-bench-ingest-'));
  try {
    const md = [`# ${SUMMARY.title}`, '', ...SUMMARY.intro.flatMap((p) => [p, '']), ...SUMMARY.sections.flatMap((s) => [`## ${s.heading}`, '', ...s.points.map((p) => `- ${p}`), ''])].join('\n');
    const files: { label: string; file: string; pages: string }[] = [];
    const write = (name: string, data: Buffer | string) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, data);
      return f;
    };
    files.push({ label: 'PDF, 20 pages', file: write('report-20p.pdf', await longPdf(20)), pages: '20' });
    files.push({ label: 'PDF, 1 page', file: write('summary-1p.pdf', await longPdf(1)), pages: '1' });
    files.push({ label: 'DOCX summary', file: write('summary.docx', await summaryDocx()), pages: '1' });
    files.push({ label: 'Markdown summary', file: write('summary.md', md), pages: '1' });

    console.log(`median of ${RUNS} runs; "read" = text and layout only, "ingest" = read + points + meeting record + duplicates vs the real base + YAML written`);
    console.log('');
    console.log('| document | pages | size (kB) | entries | read (ms) | ingest (ms) |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const f of files) {
      const read = await time(() => readDocument(f.file));
      let entries = 0;
      const ingest = await time(async () => {
        const r = await ingestDocument({ file: f.file, meetingId: 'bench-1', knowledgeDir: defaultKnowledgeDir(), out: path.join(dir, 'draft.yaml'), force: true });
        entries = r.entries.length;
      });
      console.log(`| ${f.label} | ${f.pages} | ${fmt(fs.statSync(f.file).size / 1024)} | ${entries} | ${fmt(read)} | ${fmt(ingest)} |`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
