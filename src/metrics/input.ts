/**
 * Input adapters for metrics and analysis: every public function takes plain arrays
 * (number[], typed arrays) or gradlab Tensors, and turns them here into float64 vectors,
 * integer label vectors or row-major matrices, checking lengths and finiteness on the way.
 *
 * Errors name the function, the argument and where the bad value is (index, row, column),
 * because "NaN in input" is useless in a 10,000-row validation set. The matrix adapter lives in
 * analysis/matrix.ts (a layer below) and is re-exported here.
 */
import { toMatrix, type DenseMatrix, type MatrixLike } from '../analysis/matrix.js';
import { Tensor } from '../tensor/tensor.js';

export { toMatrix, type DenseMatrix, type MatrixLike };

/** A 1-d sequence of numbers: a plain or typed array, or a Tensor (any shape, read flat). */
export type Vector = ArrayLike<number> | Tensor;

/** The raw numbers of a vector input, without copying when possible. */
export function vectorData(x: Vector): ArrayLike<number> {
  return x instanceof Tensor ? x.data : x;
}

/** A float64 copy of a vector input; every value must be finite unless allowNonFinite. */
export function toFloat64(x: Vector, fn: string, arg: string, allowNonFinite = false): Float64Array {
  const d = vectorData(x);
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!allowNonFinite && !Number.isFinite(v)) throw new RangeError(`${fn}: ${arg}[${i}] is ${v} (values must be finite)`);
    out[i] = v;
  }
  return out;
}

/** An integer label vector; every value must be a finite integer. */
export function toLabels(x: Vector, fn: string, arg: string): Int32Array {
  const d = vectorData(x);
  if (d instanceof Int32Array) return d;
  const out = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!Number.isInteger(v)) throw new RangeError(`${fn}: ${arg}[${i}] is ${v} (labels must be integers)`);
    if (v > 2147483647 || v < -2147483648) throw new RangeError(`${fn}: ${arg}[${i}] = ${v} does not fit an int32 label`);
    out[i] = v;
  }
  return out;
}

/** Throws unless the two lengths agree, naming both arguments. */
export function checkSameLength(fn: string, a: string, na: number, b: string, nb: number): void {
  if (na !== nb) throw new RangeError(`${fn}: ${a} has ${na} entries but ${b} has ${nb} (they must have the same length)`);
}

/**
 * Scores for ranking metrics: a 1-d vector (one score per sample) or an [n, C] matrix.
 * Returns the matrix form with cols = 1 for a vector.
 */
export function toScores(x: Vector | MatrixLike, fn: string, arg: string): DenseMatrix & { float32: boolean } {
  const float32 = (x instanceof Tensor && x.dtype === 'float32') || x instanceof Float32Array;
  if (x instanceof Tensor) {
    if (x.shape.length === 1) return { data: toFloat64(x, fn, arg), rows: x.shape[0], cols: 1, float32 };
    return { ...toMatrix(x, fn, arg), float32 };
  }
  if (Array.isArray(x) && (x.length === 0 || typeof x[0] === 'number')) {
    const d = toFloat64(x as number[], fn, arg);
    return { data: d, rows: d.length, cols: 1, float32 };
  }
  if (!Array.isArray(x) && typeof (x as { rows?: unknown }).rows !== 'number') {
    const d = toFloat64(x as ArrayLike<number>, fn, arg);
    return { data: d, rows: d.length, cols: 1, float32 };
  }
  return { ...toMatrix(x as MatrixLike, fn, arg), float32 };
}

/** Sorted distinct values of one or more integer vectors. */
export function uniqueSorted(...xs: ArrayLike<number>[]): number[] {
  const s = new Set<number>();
  for (const x of xs) for (let i = 0; i < x.length; i++) s.add(x[i]);
  return [...s].sort((a, b) => a - b);
}

/** Index of each label in a sorted list of distinct labels (-1 when absent). */
export function encode(labels: ArrayLike<number>, classes: readonly number[]): Int32Array {
  const pos = new Map<number, number>();
  classes.forEach((c, i) => pos.set(c, i));
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = pos.get(labels[i]) ?? -1;
  return out;
}
