/**
 * File helpers shared by the dataset readers: read a file that may be gzip- or bzip2-compressed
 * (recognised by its leading bytes, not its name), and check that a folder exists and is not empty,
 * with errors that name the path and what was wrong.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import Bunzip from 'seek-bzip';

/** True when the bytes start like a gzip stream (1f 8b). */
export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** True when the bytes start like a bzip2 stream ("BZh" then a block size digit). */
export function isBzip2(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68 && b[3] >= 0x31 && b[3] <= 0x39;
}

/** Throws a clear error when `path` is missing or is a folder. */
export function requireFile(path: string, what = 'file'): void {
  if (!existsSync(path)) throw new Error(`${what} not found: ${path}`);
  if (statSync(path).isDirectory()) throw new Error(`${what}: expected a file but ${path} is a folder`);
}

/** Throws a clear error when `path` is missing, is not a folder, or is empty. */
export function requireDir(path: string, what = 'folder'): string[] {
  if (!existsSync(path)) throw new Error(`${what} not found: ${path}`);
  if (!statSync(path).isDirectory()) throw new Error(`${what}: expected a folder but ${path} is a file`);
  const names = readdirSync(path);
  if (names.length === 0) throw new Error(`${what} is empty: ${path}`);
  return names;
}

/** Reads a file, inflating gzip or bzip2 content; errors name the file. */
export function readMaybeCompressed(path: string, what = 'file'): Buffer {
  requireFile(path, what);
  const raw = readFileSync(path);
  if (isGzip(raw)) {
    try {
      return gunzipSync(raw);
    } catch (e) {
      throw new Error(`${what}: ${path}: corrupt or truncated gzip data (${(e as Error).message})`);
    }
  }
  if (isBzip2(raw)) {
    try {
      return Bunzip.decode(raw);
    } catch (e) {
      throw new Error(`${what}: ${path}: corrupt or truncated bzip2 data (${(e as Error).message ?? String(e)})`);
    }
  }
  return raw;
}

/** `base` if it exists, else `base.gz`, else null. */
export function findWithGz(base: string): string | null {
  if (existsSync(base)) return base;
  if (existsSync(`${base}.gz`)) return `${base}.gz`;
  return null;
}
