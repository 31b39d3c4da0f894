/**
 * GloVe's text format from a file the user names: one word per line followed by its d values,
 * separated by spaces (`the 0.418 0.24968 ...`), plain or gzipped. The dimension is taken from the
 * first line (or given); a line with another count is an error naming the file and line number.
 * Lines are read in chunks and the matrix grows by doubling, so the text is never held whole;
 * a word2vec-style "count dim" first line is skipped. The result can be cached as binary (cache.ts) so the second load skips parsing.
 */
import { cached, packStrings, unpackStrings } from '../cache.js';
import { isGzip, readMaybeCompressed, requireFile } from '../readers/files.js';
import { readLinesSync } from '../readers/stream.js';
import { WordVectors } from './vectors.js';
import { closeSync, openSync, readSync } from 'node:fs';

export interface GloveOptions {
  /** Expected dimension (default: the first line's). */
  dim?: number;
  /** Read at most this many words. */
  limit?: number;
  /** Cache the parsed vectors as binary (default false: user files may be one-off). */
  cache?: boolean;
  /** Where the one-line warning about duplicate words goes (default console.warn). */
  onWarning?: (message: string) => void;
}

function* linesOf(path: string): IterableIterator<string> {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(2);
  readSync(fd, head, 0, 2, 0);
  closeSync(fd);
  if (!isGzip(head)) {
    yield* readLinesSync(path);
    return;
  }
  // NOTE: gzipped files are inflated whole into bytes (not a JS string), then split by line.
  const data = readMaybeCompressed(path, 'GloVe file');
  let start = 0;
  for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, start)) {
    yield data.toString('utf8', start, i > start && data[i - 1] === 13 ? i - 1 : i);
    start = i + 1;
  }
  if (start < data.length) yield data.toString('utf8', start);
}

/** Parses a GloVe text file into WordVectors. */
export function parseGloveFile(path: string, opts: GloveOptions = {}): WordVectors {
  requireFile(path, 'GloVe file');
  let dim = opts.dim ?? 0;
  const limit = opts.limit ?? Infinity;
  const words: string[] = [];
  let data = new Float32Array(0);
  let lineNo = 0;
  // A word seen twice keeps its first vector; the later lines are skipped and named in one warning.
  const firstLine = new Map<string, number>();
  const duplicates: { word: string; first: number; line: number }[] = [];
  for (const raw of linesOf(path)) {
    lineNo++;
    if (words.length >= limit) break;
    const line = raw.trimEnd();
    if (!line) continue;
    const parts = line.split(' ');
    // word2vec's text variant starts with a "count dim" header line.
    if (lineNo === 1 && parts.length === 2 && /^\d+$/.test(parts[0]) && /^\d+$/.test(parts[1])) {
      if (!opts.dim) dim = Number(parts[1]);
      continue;
    }
    if (dim === 0) {
      dim = parts.length - 1;
      if (dim < 1) throw new Error(`GloVe ${path}:${lineNo}: a line needs a word and at least one value, got '${line.slice(0, 60)}'`);
    }
    if (parts.length - 1 !== dim) throw new Error(`GloVe ${path}:${lineNo}: expected ${dim} values after the word, got ${parts.length - 1}`);
    const word = parts[0];
    const seen = firstLine.get(word);
    if (seen !== undefined) {
      duplicates.push({ word, first: seen, line: lineNo });
      continue;
    }
    const row = words.length;
    if ((row + 1) * dim > data.length) {
      const grown = new Float32Array(Math.max(1024 * dim, data.length * 2));
      grown.set(data);
      data = grown;
    }
    for (let k = 0; k < dim; k++) {
      const v = Number(parts[k + 1]);
      if (!Number.isFinite(v)) throw new Error(`GloVe ${path}:${lineNo}: value ${k + 1} '${parts[k + 1]}' is not a number`);
      data[row * dim + k] = v;
    }
    words.push(word);
    firstLine.set(word, lineNo);
  }
  if (words.length === 0) throw new Error(`GloVe ${path}: no vectors (empty file)`);
  if (duplicates.length) {
    const shown = duplicates.slice(0, 5).map((d) => `'${d.word}' (line ${d.line}, first on line ${d.first})`).join(', ');
    (opts.onWarning ?? ((m: string) => console.warn(m)))(
      `GloVe ${path}: ${duplicates.length} duplicate word${duplicates.length > 1 ? 's' : ''} skipped, the first vector kept: ${shown}${duplicates.length > 5 ? `, and ${duplicates.length - 5} more` : ''}`,
    );
  }
  return new WordVectors(words, data.slice(0, words.length * dim), dim);
}

/** Loads GloVe vectors, from the binary cache when `cache` is set and the file is unchanged. */
export function loadGlove(path: string, opts: GloveOptions = {}): WordVectors {
  requireFile(path, 'GloVe file');
  if (!opts.cache) return parseGloveFile(path, opts);
  const e = cached({ name: 'glove', sources: [path], params: { dim: opts.dim ?? null, limit: opts.limit ?? null } }, () => {
    const v = parseGloveFile(path, opts);
    return { arrays: { words: packStrings(v.words), vectors: v.vectors }, meta: { dim: v.dim } };
  });
  return new WordVectors(unpackStrings(e.arrays.words as Uint8Array), e.arrays.vectors as Float32Array, Number(e.meta.dim));
}
