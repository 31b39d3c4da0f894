/**
 * The 8×8 handwritten digits (1,797 images, UCI optdigits test set) that Debian's python3-sklearn
 * ships as sklearn/datasets/data/digits.csv.gz: one row per image, 64 pixel values 0..16 in row
 * order, then the label 0..9. Study S5 uses them as its small USPS-like digits.
 *
 * Read synchronously with zlib (the file is 58 KB); pixel values stay 0..16 (divide by 16 to
 * scale), images are [n, 64] row-major float32.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const DIGITS_PATH = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';

export interface Digits {
  /** n×64 pixel values 0..16, row-major. */
  images: Float32Array;
  labels: Int32Array;
  n: number;
  dim: number;
}

export function loadDigits(opts: { path?: string } = {}): Digits {
  const path = opts.path ?? DIGITS_PATH;
  if (!existsSync(path)) {
    throw new Error(
      `loadDigits: ${path} not found. The 8x8 digits come with Debian's scikit-learn: ` +
        `install them with \`apt-get install python3-sklearn\`, or pass { path } to a digits.csv(.gz) file`,
    );
  }
  const raw = readFileSync(path);
  const text = (path.endsWith('.gz') || (raw[0] === 0x1f && raw[1] === 0x8b) ? gunzipSync(raw) : raw).toString('utf8');
  const lines = text.split('\n');
  const rows: number[][] = [];
  let dim = -1;
  lines.forEach((line, k) => {
    const s = line.trim();
    if (s === '') return;
    const vals = s.split(',').map(Number);
    if (dim < 0) dim = vals.length - 1;
    if (vals.length - 1 !== dim) throw new Error(`loadDigits: ${path} line ${k + 1} has ${vals.length} fields, expected ${dim + 1}`);
    const bad = vals.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`loadDigits: ${path} line ${k + 1} field ${bad + 1} is not a number: '${s.split(',')[bad]}'`);
    const label = vals[dim];
    if (!Number.isInteger(label) || label < 0) throw new Error(`loadDigits: ${path} line ${k + 1} label '${label}' is not an integer ≥ 0`);
    rows.push(vals);
  });
  if (rows.length === 0) throw new Error(`loadDigits: ${path} has no rows`);
  const n = rows.length;
  const images = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  rows.forEach((r, i) => {
    for (let j = 0; j < dim; j++) images[i * dim + j] = r[j];
    labels[i] = r[dim];
  });
  return { images, labels, n, dim };
}
