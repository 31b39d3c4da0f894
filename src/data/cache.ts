/**
 * A cache of preprocessed data as compact binary files, keyed by a content hash of the sources.
 *
 * Why: parsing a 307 MB JSON of word vectors or decoding 6,046 e-mails takes seconds; reading back a
 * flat binary of typed arrays takes a fraction of that. The key is a SHA-256 of the source files'
 * bytes plus the preprocessing parameters, so a changed source or option never serves stale data.
 * Hashing a large source is itself a full read, so the digest of each file is remembered beside
 * its size and modification time (like git's index) and recomputed only when either changes.
 *
 * File layout (little-endian): "GLCACHE1" | u32 header length | JSON header | padding to 8 |
 * arrays, each starting at an offset that is a multiple of 8. Read back, the arrays are views
 * into one buffer (no second copy). Writes go to a temporary file renamed into place.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type CachedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type CachedArrays = Record<string, CachedArray>;
/** JSON-serialisable metadata stored with the arrays. */
export type CacheMeta = Record<string, string | number | boolean | null | string[] | number[]>;

export interface CacheEntry {
  arrays: CachedArrays;
  meta: CacheMeta;
}

const MAGIC = 'GLCACHE1';

/** The cache folder: $GRADLAB_CACHE, else $XDG_CACHE_HOME/gradlab, else ~/.cache/gradlab. */
export function cacheDir(): string {
  if (process.env.GRADLAB_CACHE) return resolve(process.env.GRADLAB_CACHE);
  const base = process.env.XDG_CACHE_HOME ? resolve(process.env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'gradlab');
}

interface HashMemo {
  [path: string]: { size: number; mtimeMs: number; sha256: string };
}

function memoPath(): string {
  return join(cacheDir(), 'file-hashes.json');
}

function readMemo(): HashMemo {
  try {
    return JSON.parse(readFileSync(memoPath(), 'utf8')) as HashMemo;
  } catch {
    return {};
  }
}

function sha256File(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 22);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(n === buf.length ? buf : buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

function writeMemo(m: HashMemo): void {
  try {
    mkdirSync(cacheDir(), { recursive: true });
    const tmp = `${memoPath()}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(m));
    renameSync(tmp, memoPath());
  } catch {
    // NOTE: an unwritable cache folder only costs a re-hash next time.
  }
}

/**
 * SHA-256 of each file's bytes. With `memo` (default true) a digest remembered for the same path,
 * size and mtime is reused instead of reading the file again; the memo is read and written once.
 */
export function fileHashes(paths: readonly string[], memo = true): string[] {
  const m = memo ? readMemo() : {};
  let changed = false;
  const out = paths.map((path) => {
    const abs = resolve(path);
    const st = statSync(abs);
    const hit = m[abs];
    if (memo && hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.sha256;
    const sha256 = sha256File(abs);
    m[abs] = { size: st.size, mtimeMs: st.mtimeMs, sha256 };
    changed = true;
    return sha256;
  });
  if (memo && changed) {
    // Forget files that no longer exist (temporary folders), so the memo does not grow forever.
    for (const k of Object.keys(m)) if (!existsSync(k)) delete m[k];
    writeMemo(m);
  }
  return out;
}

/** SHA-256 of one file's bytes (see fileHashes). */
export function fileHash(path: string, memo = true): string {
  return fileHashes([path], memo)[0];
}

/** One digest for several source files and the parameters of the preprocessing. */
export function contentKey(sources: readonly string[], params: unknown = null, memo = true): string {
  const h = createHash('sha256');
  for (const d of fileHashes(sources, memo)) h.update(d).update('\0');
  h.update(JSON.stringify(params ?? null));
  return h.digest('hex');
}

function dtypeName(a: CachedArray): string {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'uint8';
}

function view(buf: Buffer, dtype: string, offset: number, length: number, file: string): CachedArray {
  const ab = buf.buffer;
  const at = buf.byteOffset + offset;
  switch (dtype) {
    case 'float32': return new Float32Array(ab, at, length);
    case 'float64': return new Float64Array(ab, at, length);
    case 'int32': return new Int32Array(ab, at, length);
    case 'uint8': return new Uint8Array(ab, at, length);
    default: throw new Error(`cache: ${file}: unknown dtype '${dtype}' in header`);
  }
}

/** Writes arrays and metadata to `file` atomically (temporary file, then rename). */
export function writeCacheFile(file: string, arrays: CachedArrays, meta: CacheMeta = {}): void {
  const entries: { name: string; dtype: string; length: number; offset: number }[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    entries.push({ name, dtype: dtypeName(a), length: a.length, offset });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const header = Buffer.from(JSON.stringify({ meta, arrays: entries }), 'utf8');
  const start = Math.ceil((MAGIC.length + 4 + header.length) / 8) * 8;
  const head = Buffer.alloc(start);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(header.length, MAGIC.length);
  header.copy(head, MAGIC.length + 4);
  mkdirSync(resolve(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, head);
    const pad = Buffer.alloc(8);
    for (const a of Object.values(arrays)) {
      writeSync(fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      const rem = (8 - (a.byteLength % 8)) % 8;
      if (rem) writeSync(fd, pad, 0, rem);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Reads a file written by writeCacheFile; arrays are views into one buffer. */
export function readCacheFile(file: string): CacheEntry {
  const fd = openSync(file, 'r');
  let buf: Buffer;
  try {
    const size = fstatSync(fd).size;
    // NOTE: a fresh ArrayBuffer (not Node's pooled one) so that typed views are 8-byte aligned.
    buf = Buffer.from(new ArrayBuffer(size));
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got !== size) throw new Error(`cache: ${file}: read ${got} of ${size} bytes`);
  } finally {
    closeSync(fd);
  }
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new Error(`cache: ${file}: not a gradlab cache file (magic '${buf.toString('latin1', 0, MAGIC.length)}' ≠ '${MAGIC}')`);
  }
  const hlen = buf.readUInt32LE(MAGIC.length);
  const header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + hlen)) as {
    meta: CacheMeta;
    arrays: { name: string; dtype: string; length: number; offset: number }[];
  };
  const start = Math.ceil((MAGIC.length + 4 + hlen) / 8) * 8;
  const arrays: CachedArrays = {};
  for (const e of header.arrays) {
    const bytes = e.length * (e.dtype === 'float64' ? 8 : e.dtype === 'uint8' ? 1 : 4);
    if (start + e.offset + bytes > buf.length) {
      throw new Error(`cache: ${file}: truncated (array '${e.name}' needs bytes up to ${start + e.offset + bytes}, file has ${buf.length})`);
    }
    arrays[e.name] = view(buf, e.dtype, start + e.offset, e.length, file);
  }
  return { arrays, meta: header.meta };
}

export interface CachedOptions {
  /** A short name for the cache file, e.g. 'wink-100d'. */
  name: string;
  /** Files whose bytes the result depends on. */
  sources: readonly string[];
  /** Preprocessing parameters that change the result. */
  params?: unknown;
  /** Cache folder (default cacheDir()). */
  dir?: string;
  /** false: always rebuild and do not write (default true). */
  enabled?: boolean;
}

/**
 * Returns the cached arrays for (sources, params) when present, otherwise calls `build`, stores its
 * result and returns it. `hit` says which happened.
 */
export function cached(opts: CachedOptions, build: () => CacheEntry): CacheEntry & { hit: boolean; file: string | null } {
  if (opts.enabled === false) return { ...build(), hit: false, file: null };
  const key = contentKey(opts.sources, opts.params ?? null);
  const file = join(opts.dir ?? cacheDir(), `${opts.name}-${key.slice(0, 16)}.bin`);
  if (existsSync(file)) {
    try {
      return { ...readCacheFile(file), hit: true, file };
    } catch {
      // NOTE: a damaged cache file is rebuilt, never trusted.
    }
  }
  const entry = build();
  try {
    writeCacheFile(file, entry.arrays, entry.meta);
  } catch {
    return { ...entry, hit: false, file: null };
  }
  return { ...entry, hit: false, file };
}

/** Encodes strings as one byte block: u32 count, u32 byte length of each, then their UTF-8 bytes. */
export function packStrings(strings: readonly string[]): Uint8Array {
  const parts = strings.map((s) => Buffer.from(s, 'utf8'));
  const head = Buffer.alloc(4 + 4 * parts.length);
  head.writeUInt32LE(parts.length, 0);
  parts.forEach((p, i) => head.writeUInt32LE(p.length, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([head, ...parts]));
}

export function unpackStrings(bytes: Uint8Array): string[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = b.readUInt32LE(0);
  const out = new Array<string>(n);
  let at = 4 + 4 * n;
  for (let i = 0; i < n; i++) {
    const len = b.readUInt32LE(4 + 4 * i);
    out[i] = b.toString('utf8', at, at + len);
    at += len;
  }
  return out;
}
