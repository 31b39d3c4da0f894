/**
 * Atomic file writes: the bytes go to a temporary file in the same folder, are flushed to disk,
 * and the temporary file is renamed over the target. A process killed at any moment leaves
 * either the old file or the new one, never a torn mix.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** `.<name>.<pid>.<hex>.tmp`: the temporary file writeFileAtomic writes next to `<name>`. */
const TEMP = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as { code?: string }).code === 'ESRCH';
  }
}

/**
 * Remove the temporary files that writes killed midway left in `dir` (their process is gone),
 * for every target or only `name`; returns the files removed. writeFileAtomic calls it for its
 * target before writing, so a killed save's temp file lives only until the next save.
 */
export function cleanStaleTempFiles(dir: string, name?: string): string[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const f of files) {
    const m = TEMP.exec(f);
    if (!m || (name !== undefined && m[1] !== name)) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || !processGone(pid)) continue; // a live writer's file (or ours)
    rmSync(join(dir, f), { force: true });
    removed.push(join(dir, f));
  }
  return removed;
}

export function writeFileAtomic(path: string, chunks: Uint8Array | readonly Uint8Array[]): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  cleanStaleTempFiles(dir, basename(path));
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const parts = chunks instanceof Uint8Array ? [chunks] : chunks;
  const fd = openSync(tmp, 'w');
  try {
    for (const part of parts) {
      let off = 0;
      while (off < part.length) off += writeSync(fd, part, off, part.length - off);
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  // Make the rename itself durable (not possible on every platform; best effort).
  try {
    const dfd = openSync(dir, 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* directories cannot be opened for fsync on some systems */ }
}
