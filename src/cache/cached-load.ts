// A value built from files (the practice base from knowledge/*.yaml, later the lexicon), kept as a JSON
// snapshot so an unchanged start skips the parsing. The snapshot is keyed by a SHA-256 of the input
// files' names and contents and of the code that builds the value: any change rebuilds it. A missing,
// truncated, corrupt or unreadable snapshot is ignored and rebuilt; a folder that cannot be written just
// means no caching. Never an error: the cache can only make a start faster. A value whose bulk is
// numbers (the engine's index) may keep a binary body instead of JSON (`raw`), with the same header.
//
// Hashing every input at every start cost more than reading the snapshots (issue 16), so a snapshot's
// header also records each input's size, times and inode as they were when its key was hashed: while
// they are all the same, the recorded key is the key and no input is read. Any write to a file changes
// its change time (ctime, which no program can set back), so an edit that keeps the size and the
// modification time is still seen. A file changed less than RACY_MS before it was hashed could change
// again within the same tick of the file system's clock: such a record is not written (the next start
// hashes, and records then), as git does for its "racily clean" index entries.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Bumped when the snapshot layout changes. */
const FORMAT = 1;
/** How long (ms) after its last change an input's stat is trusted to show the next change: well above the
 *  tick of any local file system's clock (Linux stamps files from a clock of a few ms; FAT to 2 s). */
const RACY_MS = 2000;

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
  /** To and from plain JSON (e.g. a Map as pairs); default: the value as it is. With `raw`, to and
   *  from the body's bytes (a Buffer) instead. */
  encode?: (value: T) => unknown;
  decode?: (json: unknown) => T;
  /** The body is the Buffer `encode` gives, handed to `decode` as read (no JSON). */
  raw?: boolean;
  /** The time now (ms since the epoch; default Date.now), against which an input's last change is judged (RACY_MS). */
  now?: () => number;
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

const sha256 = (s: string | Buffer) => crypto.createHash('sha256').update(s).digest('hex');

/** One input as it was when a key was hashed: path, size, mtimeMs, ctimeMs, ino, dev. */
type InputStat = [string, number, number, number, number, number];

/** What a snapshot's header records of its inputs (see the top of this file). */
export interface InputsRecord {
  name: string;
  version: string;
  stats: InputStat[];
}

/** The inputs of a key (code, then files) as they are now; undefined when one cannot be stat'ed. */
function statInputs(opts: Pick<CachedLoadOptions<unknown>, 'files' | 'code'>): InputStat[] | undefined {
  const out: InputStat[] = [];
  try {
    for (const f of [...opts.code, ...opts.files]) {
      const st = fs.statSync(f);
      out.push([f, st.size, st.mtimeMs, st.ctimeMs, st.ino, st.dev]);
    }
  } catch {
    return undefined;
  }
  return out;
}

/** The record to keep with a key hashed from inputs stat'ed at `at`: none when one of them changed too recently. */
function recordOf(opts: Pick<CachedLoadOptions<unknown>, 'name' | 'version'>, stats: InputStat[] | undefined, at: number): InputsRecord | undefined {
  if (stats === undefined || stats.some((s) => Math.max(s[2], s[3]) > at - RACY_MS)) return undefined;
  return { name: opts.name, version: opts.version ?? '', stats };
}

/** Whether a header's record is of these very inputs, unchanged. */
function sameInputs(recorded: unknown, opts: Pick<CachedLoadOptions<unknown>, 'name' | 'version'>, stats: InputStat[] | undefined): boolean {
  if (stats === undefined || recorded === null || typeof recorded !== 'object') return false;
  const r = recorded as Partial<InputsRecord>;
  if (r.name !== opts.name || r.version !== (opts.version ?? '') || !Array.isArray(r.stats) || r.stats.length !== stats.length) return false;
  return stats.every((s, i) => {
    const t = r.stats![i];
    return Array.isArray(t) && t.length === s.length && s.every((v, k) => t[k] === v);
  });
}

type SnapshotFile = { header: { key: string; inputs?: unknown }; body: Buffer } | { reason: string };

/** A snapshot file's header and body (its checksum checked), or why not. */
function readSnapshotFile(file: string): SnapshotFile {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    return { reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no snapshot' : 'snapshot unreadable' };
  }
  const nl = buf.indexOf(0x0a);
  if (nl < 0) return { reason: 'snapshot corrupt' };
  let header: { format?: unknown; key?: unknown; sha256?: unknown; inputs?: unknown };
  try {
    header = JSON.parse(buf.toString('utf8', 0, nl)) as typeof header;
  } catch {
    return { reason: 'snapshot corrupt' };
  }
  if (header === null || typeof header !== 'object' || header.format !== FORMAT) return { reason: 'snapshot of another format' };
  if (typeof header.key !== 'string') return { reason: 'snapshot corrupt' };
  // the checksum is of the body's bytes (the UTF-8 of the JSON text written)
  const body = buf.subarray(nl + 1);
  if (header.sha256 !== sha256(body)) return { reason: 'snapshot corrupt' };
  return { header: { key: header.key, inputs: header.inputs }, body };
}

/** A checked body's JSON, or undefined when it does not parse. */
function parseBody(body: Buffer): { json: unknown } | undefined {
  try {
    return { json: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return undefined;
  }
}

/** Reads the snapshot for `key`: the decoded JSON, or why not. */
export function readSnapshot(file: string, key: string): { json: unknown } | { reason: string } {
  const snap = readSnapshotFile(file);
  if ('reason' in snap) return snap;
  if (snap.header.key !== key) return { reason: 'inputs changed' };
  return parseBody(snap.body) ?? { reason: 'snapshot corrupt' };
}

/** Writes a snapshot file atomically (temporary file, then rename); false when the folder is not writable. */
function writeSnapshotFile(dir: string, file: string, head: string, body: string | Buffer): boolean {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${head}\n`), typeof body === 'string' ? Buffer.from(body) : body]), { mode: 0o644 });
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

const headerOf = (key: string, body: string | Buffer, inputs: InputsRecord | undefined) =>
  JSON.stringify({ format: FORMAT, key, sha256: sha256(body), ...(inputs ? { inputs } : {}) });

/** Writes the snapshot atomically (temporary file, then rename); false when the folder is not writable.
 *  `inputs`: the stats of the inputs the key was hashed from (see the top of this file). */
export function writeSnapshot(dir: string, file: string, key: string, json: unknown, inputs?: InputsRecord): boolean {
  const body = JSON.stringify(json);
  return writeSnapshotFile(dir, file, headerOf(key, body, inputs), body);
}

interface Lookup<T> {
  hit?: { value: T };
  /** where to write a rebuilt value (no key: caching off or inputs unreadable), and the inputs' record to keep */
  save?: { file: string; key: string; inputs: InputsRecord | undefined };
  reason?: string;
}

function lookup<T>(opts: CachedLoadOptions<T>): Lookup<T> {
  if (opts.dir === undefined) return { reason: 'caching off' };
  const file = path.join(opts.dir, `${opts.name}.json`);
  // stat'ed before hashing: a change after the stat shows in the next start's stat
  const at = (opts.now ?? Date.now)();
  const stats = statInputs(opts);
  const snap = readSnapshotFile(file);
  const known = 'header' in snap && sameInputs(snap.header.inputs, opts, stats);
  const key = known ? snap.header.key : cacheKey(opts);
  if (key === undefined) return { reason: 'inputs unreadable' };
  const save = { file, key, inputs: known ? (snap.header.inputs as InputsRecord) : recordOf(opts, stats, at) };
  if ('reason' in snap) return { save, reason: snap.reason };
  if (snap.header.key !== key) return { save, reason: 'inputs changed' };
  const parsed = opts.raw ? { json: snap.body as unknown } : parseBody(snap.body);
  if (!parsed) return { save, reason: 'snapshot corrupt' };
  let value: T;
  try {
    value = (opts.decode ?? ((j: unknown) => j as T))(parsed.json);
  } catch {
    return { save, reason: 'snapshot corrupt' }; // decodes badly: rebuilt like a corrupt one
  }
  // hashed, and the inputs can be recorded now: the header gets the record, so the next start reads none of them
  if (!known && save.inputs) writeSnapshotFile(opts.dir, file, headerOf(key, snap.body, save.inputs), snap.body);
  return { hit: { value } };
}

function finish<T>(opts: CachedLoadOptions<T>, look: Lookup<T>, value: T): CachedLoadResult<T> {
  if (!look.save || opts.dir === undefined) return { value, outcome: 'built', ...(look.reason ? { reason: look.reason } : {}) };
  const json = (opts.encode ?? ((v: T) => v))(value);
  const written = Buffer.isBuffer(json) && opts.raw
    ? writeSnapshotFile(opts.dir, look.save.file, headerOf(look.save.key, json, look.save.inputs), json)
    : writeSnapshot(opts.dir, look.save.file, look.save.key, json, look.save.inputs);
  return written
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
