/**
 * More initialisers, as torch.nn.init: orthogonal_ (a random orthogonal matrix from the QR
 * decomposition of a seeded normal matrix, signs fixed by diag(R), times a gain; tensors of
 * rank > 2 are flattened to [rows, rest]) and truncNormal_ (normal values redrawn until they
 * fall in [a, b]).
 */
import { shapeStr } from '../backend/shape.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

/** Householder QR of an m×n matrix (m ≥ n) in float64; returns Q's first n columns (m×n) and diag(R). */
function thinQ(a: Float64Array, m: number, n: number): { q: Float64Array; diag: Float64Array } {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k] * r[i * n + k];
    norm = Math.sqrt(norm);
    const alpha = r[k * n + k] > 0 ? -norm : norm;
    const v = new Float64Array(m);
    for (let i = k; i < m; i++) v[i] = r[i * n + k];
    v[k] -= alpha;
    let vn = 0;
    for (let i = k; i < m; i++) vn += v[i] * v[i];
    if (vn > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i] * r[i * n + j];
        const f = (2 * dot) / vn;
        for (let i = k; i < m; i++) r[i * n + j] -= f * v[i];
      }
    }
    diag[k] = r[k * n + k];
    vs.push(vn > 0 ? v.map((x) => x / Math.sqrt(vn)) : v);
  }
  // Q = H_0 · H_1 ⋯ H_{n−1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * q[i * n + j];
      for (let i = k; i < m; i++) q[i * n + j] -= 2 * dot * v[i];
    }
  }
  return { q, diag };
}

/** Fills t (rank ≥ 2) with a (semi-)orthogonal matrix times gain. */
export function orthogonal_(t: Tensor, gain = 1, gen: Generator = defaultGenerator()): Tensor {
  if (t.ndim < 2) throw new RangeError(`orthogonal_: only tensors with 2 or more dimensions are supported, got ${shapeStr(t.shape)}`);
  const rows = t.shape[0];
  const cols = t.size / rows;
  const flat = new Float64Array(rows * cols);
  for (let i = 0; i < flat.length; i++) flat[i] = gen.normal();
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  // Work on the tall orientation: A (m×n) = flat or its transpose.
  const a = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    if (tall) a[i * n + j] = flat[i * cols + j];
    else a[j * n + i] = flat[i * cols + j];
  }
  const { q, diag } = thinQ(a, m, n);
  for (let j = 0; j < n; j++) {
    const s = diag[j] < 0 ? -1 : 1;
    for (let i = 0; i < m; i++) q[i * n + j] *= s;
  }
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    t.data[i * cols + j] = gain * (tall ? q[i * n + j] : q[j * n + i]);
  }
  return t;
}

/** Normal(mean, std) values redrawn until they land in [a, b] (PyTorch's defaults −2, 2). */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, gen: Generator = defaultGenerator()): Tensor {
  if (!(a < b)) throw new RangeError(`truncNormal_: need a < b, got [${a}, ${b}]`);
  if (b < mean - 6 * std || a > mean + 6 * std) throw new RangeError(`truncNormal_: [${a}, ${b}] is too far from mean ${mean} (std ${std}) to sample by rejection`);
  for (let i = 0; i < t.size; i++) {
    let v: number;
    do v = gen.normal(mean, std); while (v < a || v > b);
    t.data[i] = v;
  }
  return t;
}
