// Bundles the compiled CLI (dist/src/cli.js, what tsc emitted) into a few files in dist/bundle/, which the
// bin runs when it is as new as the build (bin/practice-bot.js). Node 20 loads an ES module graph file by
// file: resolving, reading and compiling ~50 small modules was about 40 ms of a 300 ms `ask`.
// - Code splitting: what the CLI imports with `import()` (the database, the platform adapters, ingest)
//   stays in its own chunks, loaded only when that code runs, as in dist/src/.
// - Packages stay external: node_modules is resolved at run time, as from dist/src/.
// - `import.meta.url` is the module's own place in dist/src/ (through the chunk's URL): the caches key
//   on the code's files next to it (src/cache/), find the knowledge folder and require packages from
//   there, and would find nothing from dist/bundle/.
// - dist/bundle/modules.json lists the modules of dist/ each chunk holds (test/build.test.ts reads it).
// Run by `npm run build` and `prepare`, after tsc. Built beside and renamed into place, so a bin
// starting meanwhile never reads half a bundle. The bundle only makes starts faster: when it cannot be
// made (no esbuild binary for this platform, say), this says so and exits 0, and the bin runs dist/src/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const out = path.join(dist, 'bundle');
const tmp = path.join(dist, `bundle.tmp-${process.pid}`);

/** `import.meta.url` of a module of dist/, seen from a chunk in dist/bundle/: its own file's URL. */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return { contents: source, loader: 'js' };
      const rel = path.relative(out, args.path).split(path.sep).join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

try {
  const esbuild = await import('esbuild');
  fs.rmSync(tmp, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [path.join(dist, 'src', 'cli.js')],
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // names and line breaks as tsc left them: a stack trace in a log still reads
    minify: false,
    keepNames: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    plugins: [ownUrl],
  });
  const modules = {};
  for (const [file, output] of Object.entries(result.metafile.outputs))
    modules[path.basename(file)] = Object.keys(output.inputs).map((p) => path.relative(root, path.resolve(root, p)).split(path.sep).join('/'));
  fs.writeFileSync(path.join(tmp, 'modules.json'), `${JSON.stringify(modules, null, 1)}\n`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.renameSync(tmp, out);
} catch (err) {
  fs.rmSync(tmp, { recursive: true, force: true });
  process.stderr.write(`practice-bot: dist/bundle/ not made (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); the bin runs dist/src/, which starts about 30 ms slower\n`);
}
