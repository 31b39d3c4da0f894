/**
 * The libsvm text format ("label index:value index:value ...", indices from 1, absent = 0), plain,
 * gzipped or bzip2-compressed, and USPS in that format as people bring it (`usps`, `usps.t`,
 * often `usps.bz2`, `usps.t.bz2`): 16×16 grey images with values in [-1, 1] and labels 1–10 for
 * the digits 0–9. bzip2 is decoded by the pure-JavaScript package seek-bzip.
 */
import { Tensor } from '../../tensor/tensor.js';
import { readMaybeCompressed } from './files.js';

export interface LibsvmSet {
  /** Dense rows [n, dim], float32. */
  x: Float32Array;
  /** Labels as written in the file. */
  y: Float64Array;
  n: number;
  dim: number;
}

/** The largest feature index accepted (16,777,216: beyond it a dense row alone is over 64 MB). */
export const LIBSVM_MAX_INDEX = 1 << 24;
/** The largest dense matrix parseLibsvm builds (2 GiB of float32). */
export const LIBSVM_MAX_BYTES = 2 ** 31;

/**
 * Parses libsvm text. `dim` fixes the number of features (default: the largest index seen); an
 * index above it, a malformed pair or label is an error naming the file and line.
 */
export function parseLibsvm(text: string, opts: { dim?: number; file?: string } = {}): LibsvmSet {
  const file = opts.file ?? '<text>';
  const rows: { label: number; idx: number[]; val: number[] }[] = [];
  let maxIdx = 0;
  let maxLine = 0;
  const lines = text.split('\n');
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li].replace(/#.*$/, '').trim();
    if (!line) continue;
    const parts = line.split(/\s+/);
    const label = Number(parts[0]);
    if (!Number.isFinite(label)) throw new Error(`libsvm ${file}:${li + 1}: label '${parts[0]}' is not a number`);
    const idx: number[] = [];
    const val: number[] = [];
    for (let k = 1; k < parts.length; k++) {
      const m = /^(\d+):(\S+)$/.exec(parts[k]);
      const v = m ? Number(m[2]) : NaN;
      if (!m || !Number.isFinite(v)) throw new Error(`libsvm ${file}:${li + 1}: '${parts[k]}' is not an index:value pair`);
      const i = Number(m[1]);
      if (i < 1) throw new Error(`libsvm ${file}:${li + 1}: index ${i} < 1 (libsvm indices start at 1)`);
      if (opts.dim !== undefined && i > opts.dim) throw new Error(`libsvm ${file}:${li + 1}: index ${i} > ${opts.dim} features`);
      if (i > LIBSVM_MAX_INDEX) {
        throw new Error(`libsvm ${file}:${li + 1}: feature index ${i} is above ${LIBSVM_MAX_INDEX} (every dense row would hold ${i} values, ${(i * 4 / 1e9).toPrecision(3)} GB); a typo, or a sparse set gradlab cannot hold dense`);
      }
      if (i > maxIdx) { maxIdx = i; maxLine = li + 1; }
      idx.push(i - 1);
      val.push(v);
    }
    rows.push({ label, idx, val });
  }
  if (rows.length === 0) throw new Error(`libsvm ${file}: no data lines`);
  const dim = opts.dim ?? maxIdx;
  const bytes = rows.length * dim * 4;
  if (bytes > LIBSVM_MAX_BYTES) {
    throw new Error(`libsvm ${file}: ${rows.length} rows × ${dim} features (largest index on line ${maxLine}) would be ${(bytes / 1e9).toPrecision(3)} GB as dense float32, above the ${LIBSVM_MAX_BYTES / 2 ** 30} GiB limit`);
  }
  const x = new Float32Array(rows.length * dim);
  const y = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    y[i] = r.label;
    for (let k = 0; k < r.idx.length; k++) x[i * dim + r.idx[k]] = r.val[k];
  });
  return { x, y, n: rows.length, dim };
}

/** Reads a libsvm file (plain, .gz or .bz2, recognised by content). */
export function readLibsvm(path: string, opts: { dim?: number } = {}): LibsvmSet {
  const buf = readMaybeCompressed(path, 'libsvm file');
  return parseLibsvm(buf.toString('utf8'), { dim: opts.dim, file: path });
}

export interface UspsSet {
  /** Images [n, 256] row-major 16×16; in [-1, 1], or [0, 1] with rescale. */
  images: Float32Array;
  /** Digits 0–9. */
  labels: Int32Array;
  n: number;
  rows: 16;
  cols: 16;
  dim: 256;
}

/** Reads a USPS libsvm file; labels 1–10 become digits 0–9. `rescale` maps [-1,1] to [0,1]. */
export function readUsps(path: string, opts: { rescale?: boolean } = {}): UspsSet {
  const s = readLibsvm(path, { dim: 256 });
  const labels = new Int32Array(s.n);
  for (let i = 0; i < s.n; i++) {
    const l = s.y[i];
    if (!Number.isInteger(l) || l < 1 || l > 10) throw new Error(`USPS ${path}: row ${i + 1} has label ${l}, expected 1–10 (digit + 1)`);
    labels[i] = l - 1;
  }
  if (opts.rescale) for (let i = 0; i < s.x.length; i++) s.x[i] = (s.x[i] + 1) / 2;
  return { images: s.x, labels, n: s.n, rows: 16, cols: 16, dim: 256 };
}

/** USPS as tensors: x [n, 1, 16, 16] (or [n, 256] with flat), y [n] int32. */
export function uspsTensors(set: UspsSet, opts: { flat?: boolean } = {}): { x: Tensor; y: Tensor } {
  const shape = opts.flat ? [set.n, 256] : [set.n, 1, 16, 16];
  return { x: new Tensor(set.images, shape), y: new Tensor(set.labels, [set.n]) };
}
