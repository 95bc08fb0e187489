// A value built from files (the practice base from knowledge/*.yaml, later the lexicon), kept as a JSON
// snapshot so an unchanged start skips the parsing. The snapshot is keyed by a SHA-256 of the input
// files' names and contents and of the code that builds the value: any change rebuilds it. A missing,
// truncated, corrupt or unreadable snapshot is ignored and rebuilt; a folder that cannot be written just
// means no caching. Never an error: the cache can only make a start faster.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Bumped when the snapshot layout changes. */
const FORMAT = 1;

export interface CachedLoadOptions<T> {
  /** The cache folder (created when missing); undefined: no caching. */
  dir: string | undefined;
  /** Names the snapshot file (`<name>.json`) and goes into the key. */
  name: string;
  /** The input files (absolute paths): their names, relative to `root`, and contents make the key. */
  files: readonly string[];
  /** Folder the file names in the key are relative to (so a moved checkout keeps its cache). */
  root: string;
  /** Source files of the code that builds the value (their contents go into the key), and any version text. */
  code: readonly string[];
  version?: string;
  build: () => T;
  /** To and from plain JSON (e.g. a Map as pairs); default: the value as it is. */
  encode?: (value: T) => unknown;
  decode?: (json: unknown) => T;
}

export type CacheOutcome =
  /** read from a snapshot */
  | 'hit'
  /** built, and a snapshot written */
  | 'stored'
  /** built; no snapshot could be written (or caching is off) */
  | 'built';

export interface CachedLoadResult<T> {
  value: T;
  outcome: CacheOutcome;
  /** why a snapshot was not used or not written (missing, stale, corrupt, read-only folder...) */
  reason?: string;
}

/** The key of a set of inputs: undefined when one cannot be read (then nothing is cached). */
export function cacheKey(opts: Pick<CachedLoadOptions<unknown>, 'name' | 'files' | 'root' | 'code' | 'version'>): string | undefined {
  const h = crypto.createHash('sha256');
  const field = (s: string | Buffer) => {
    h.update(`${Buffer.byteLength(s)}:`);
    h.update(s);
  };
  field(`practice-bot cache ${FORMAT}`);
  field(opts.name);
  field(opts.version ?? '');
  try {
    for (const f of opts.code) field(fs.readFileSync(f));
    const files = [...opts.files].map((f) => ({ f, rel: path.relative(opts.root, f).split(path.sep).join('/') })).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    field(String(files.length));
    for (const { f, rel } of files) {
      field(rel);
      field(fs.readFileSync(f));
    }
  } catch {
    return undefined;
  }
  return h.digest('hex');
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** Reads the snapshot for `key`: the decoded JSON, or why not. */
export function readSnapshot(file: string, key: string): { json: unknown } | { reason: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no snapshot' : 'snapshot unreadable' };
  }
  const nl = text.indexOf('\n');
  if (nl < 0) return { reason: 'snapshot corrupt' };
  let header: { format?: unknown; key?: unknown; sha256?: unknown };
  try {
    header = JSON.parse(text.slice(0, nl)) as typeof header;
  } catch {
    return { reason: 'snapshot corrupt' };
  }
  if (header === null || typeof header !== 'object' || header.format !== FORMAT) return { reason: 'snapshot of another format' };
  if (header.key !== key) return { reason: 'inputs changed' };
  const body = text.slice(nl + 1);
  if (header.sha256 !== sha256(body)) return { reason: 'snapshot corrupt' };
  try {
    return { json: JSON.parse(body) as unknown };
  } catch {
    return { reason: 'snapshot corrupt' };
  }
}

/** Writes the snapshot atomically (temporary file, then rename); false when the folder is not writable. */
export function writeSnapshot(dir: string, file: string, key: string, json: unknown): boolean {
  const body = JSON.stringify(json);
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, `${JSON.stringify({ format: FORMAT, key, sha256: sha256(body) })}\n${body}`, { mode: 0o644 });
    fs.renameSync(tmp, file);
    return true;
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to clean up
    }
    return false;
  }
}

interface Lookup<T> {
  hit?: { value: T };
  /** where to write a rebuilt value (no key: caching off or inputs unreadable) */
  save?: { file: string; key: string };
  reason?: string;
}

function lookup<T>(opts: CachedLoadOptions<T>): Lookup<T> {
  if (opts.dir === undefined) return { reason: 'caching off' };
  const key = cacheKey(opts);
  if (key === undefined) return { reason: 'inputs unreadable' };
  const file = path.join(opts.dir, `${opts.name}.json`);
  const read = readSnapshot(file, key);
  if ('reason' in read) return { save: { file, key }, reason: read.reason };
  try {
    return { hit: { value: (opts.decode ?? ((j: unknown) => j as T))(read.json) } };
  } catch {
    return { save: { file, key }, reason: 'snapshot corrupt' }; // decodes badly: rebuilt like a corrupt one
  }
}

function finish<T>(opts: CachedLoadOptions<T>, look: Lookup<T>, value: T): CachedLoadResult<T> {
  if (!look.save || opts.dir === undefined) return { value, outcome: 'built', ...(look.reason ? { reason: look.reason } : {}) };
  const json = (opts.encode ?? ((v: T) => v))(value);
  return writeSnapshot(opts.dir, look.save.file, look.save.key, json)
    ? { value, outcome: 'stored', ...(look.reason ? { reason: look.reason } : {}) }
    : { value, outcome: 'built', reason: `${look.reason ?? 'rebuilt'}; cache folder not writable` };
}

/** The value from its snapshot when the inputs are unchanged, else built (and the snapshot rewritten). A build
 *  error (a broken knowledge file) goes to the caller, and nothing is written. */
export function cachedLoad<T>(opts: CachedLoadOptions<T>): CachedLoadResult<T> {
  const look = lookup(opts);
  if (look.hit) return { value: look.hit.value, outcome: 'hit' };
  return finish(opts, look, opts.build());
}

/** cachedLoad with an asynchronous build (e.g. one that imports its parser only when it has to run). */
export async function cachedLoadAsync<T>(opts: Omit<CachedLoadOptions<T>, 'build'> & { build: () => Promise<T> }): Promise<CachedLoadResult<T>> {
  const sync = { ...opts, build: (): T => { throw new Error('unreachable'); } };
  const look = lookup<T>(sync);
  if (look.hit) return { value: look.hit.value, outcome: 'hit' };
  return finish(sync, look, await opts.build());
}

/** Every file under `dir` whose name ends with one of `exts`, sorted (for the key). */
export function filesUnder(dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let list: fs.Dirent[];
    try {
      list = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of list) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** The cache folder that goes with a database file: `<its folder>/cache` (none for an in-memory database). */
export function cacheDirFor(databasePath: string): string | undefined {
  if (databasePath === '' || databasePath === ':memory:' || databasePath.startsWith('file:')) return undefined;
  return path.join(path.dirname(path.resolve(databasePath)), 'cache');
}
