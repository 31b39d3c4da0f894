/**
 * Dense float64 matrices for the analysis tools (PCA, k-means, t-SNE) and the metrics above
 * them: one adapter from Tensors, arrays of rows or flat arrays, checking every value is finite
 * and naming the row and column of the first one that is not; plus the few linear-algebra
 * helpers the tools share (squared distances, symmetric eigen-decomposition).
 */
import { Tensor } from '../tensor/tensor.js';

/** A dense row-major matrix. */
export interface DenseMatrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** A 2-d input: a [rows, cols] Tensor, an array of rows, or a flat array with its shape. */
export type MatrixLike = Tensor | readonly ArrayLike<number>[] | { data: ArrayLike<number>; rows: number; cols: number };

function isFlat(x: MatrixLike): x is { data: ArrayLike<number>; rows: number; cols: number } {
  return !Array.isArray(x) && !(x instanceof Tensor) && typeof (x as { rows?: unknown }).rows === 'number';
}

/** A float64 row-major copy of a matrix input, every value checked finite (row and column named). */
export function toMatrix(x: MatrixLike, fn: string, arg: string): DenseMatrix {
  let rows: number;
  let cols: number;
  let src: ArrayLike<number> | null = null;
  let rowsIn: readonly ArrayLike<number>[] | null = null;
  if (x instanceof Tensor) {
    if (x.shape.length !== 2) throw new RangeError(`${fn}: ${arg} must be 2-d [rows, cols], got shape [${x.shape.join(',')}]`);
    rows = x.shape[0];
    cols = x.shape[1];
    src = x.data;
  } else if (isFlat(x)) {
    rows = x.rows;
    cols = x.cols;
    src = x.data;
    if (src.length !== rows * cols) throw new RangeError(`${fn}: ${arg} has ${src.length} values but rows×cols = ${rows}×${cols} = ${rows * cols}`);
  } else {
    rowsIn = x;
    rows = x.length;
    cols = rows > 0 ? x[0].length : 0;
  }
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = rowsIn ? rowsIn[i] : null;
    if (row && row.length !== cols) throw new RangeError(`${fn}: ${arg} row ${i} has ${row.length} columns but row 0 has ${cols}`);
    for (let j = 0; j < cols; j++) {
      const v = row ? row[j] : (src as ArrayLike<number>)[i * cols + j];
      if (!Number.isFinite(v)) throw new RangeError(`${fn}: ${arg} has ${v} at row ${i}, column ${j} (values must be finite)`);
      data[i * cols + j] = v;
    }
  }
  return { data, rows, cols };
}

/** Squared euclidean distance between row i of a and row j of b (both with d columns). */
export function sqDist(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let s = 0;
  const oi = i * d;
  const oj = j * d;
  for (let k = 0; k < d; k++) {
    const t = a[oi + k] - b[oj + k];
    s += t * t;
  }
  return s;
}

/** Column means of a matrix. */
export function columnMeans(m: DenseMatrix): Float64Array {
  const mean = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) mean[j] += m.data[i * m.cols + j];
  for (let j = 0; j < m.cols; j++) mean[j] /= m.rows;
  return mean;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations (float64).
 * Returns eigenvalues in decreasing order and the matching unit eigenvectors as the columns of
 * an n×n row-major matrix. Jacobi is slow for large n (O(n³) per sweep) but accurate to a few
 * ulps in every eigenvector, which is what the PCA parity tests need.
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  if (a.length !== n * n) throw new RangeError(`symmetricEigen: matrix has ${a.length} values, expected ${n}×${n}`);
  const A = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += A[i] * A[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q] * A[p * n + q];
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        // NOTE: skip rotations that would not change the diagonal at double precision.
        if (sweep > 3 && Math.abs(apq) * 1e18 < Math.abs(app) && Math.abs(apq) * 1e18 < Math.abs(aqq)) {
          A[p * n + q] = A[q * n + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          if (k === p || k === q) continue;
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = A[p * n + k] = c * akp - s * akq;
          A[k * n + q] = A[q * n + k] = s * akp + c * akq;
        }
        A[p * n + p] = app - t * apq;
        A[q * n + q] = aqq + t * apq;
        A[p * n + q] = A[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => A[y * n + y] - A[x * n + x]);
  const values = Float64Array.from(order, (i) => A[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src];
  });
  return { values, vectors };
}
