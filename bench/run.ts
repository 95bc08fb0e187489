// `npm run bench [-- <name>...]`: runs bench/engine.ts, bench/interpret.ts, then bench/telegram.ts, bench/slack.ts
// bench/ingest.ts, bench/reload.ts and bench/startup.ts when they exist, in sequence. Each module exports `run(): Promise<void>` and prints its own table.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const MODULES = ['engine', 'interpret', 'telegram', 'slack', 'ingest', 'reload', 'startup'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !MODULES.includes(w));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; choose from ${MODULES.join(', ')}`);
  process.exit(2);
}

for (const name of MODULES) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const url = new URL(`./${name}.ts`, import.meta.url);
  if (!fs.existsSync(fileURLToPath(url))) {
    if (wanted.includes(name)) console.error(`bench/${name}.ts does not exist`);
    continue;
  }
  const mod = (await import(url.href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') {
    console.error(`bench/${name}.ts exports no run()`);
    process.exitCode = 1;
    continue;
  }
  console.log(`\n## bench: ${name}\n`);
  await mod.run();
}
