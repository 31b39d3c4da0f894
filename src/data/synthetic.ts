/**
 * Synthetic sets of S5: `genArti`'s 2-D classification problems (two Gaussian blobs, four blobs in
 * an XOR layout, a checkerboard) and the noisy linear regression y = a·x1 + b·x2 + c.
 *
 * Why here: decision-boundary plots and the "recover a, b, c" check need data whose truth is known.
 * Every draw goes through one seeded Generator, so a seed gives the same points on every run.
 * Labels are 0/1 (Int32Array, ready for cross-entropy); `signedLabels` gives the ±1 of the
 * coursework's perceptron and hinge losses.
 */
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

export type ArtiKind = 'blobs' | 'xor' | 'checkerboard';

export interface ArtiOptions {
  /** 'blobs' (two Gaussians), 'xor' (four), 'checkerboard'; default 'blobs'. */
  kind?: ArtiKind;
  /** Number of points (default 1000); for blobs and xor an even split between the classes. */
  n?: number;
  /** Blob centres at (±centerX, ±centerY) (default 1, 1). */
  centerX?: number;
  centerY?: number;
  /** Standard deviation of each blob (default 0.1). */
  sigma?: number;
  /** Gaussian noise added to every coordinate after drawing (default 0.02). */
  noise?: number;
  /** Checkerboard: squares per side over [-2, 2]² (default 4). */
  squares?: number;
  seed?: number;
  gen?: Generator;
}

export interface ArtiSet {
  /** Points [n, 2] row-major. */
  x: Float32Array;
  /** Classes 0/1. */
  y: Int32Array;
  n: number;
}

/** 2-D two-class data of S5 (the coursework's gen_arti), seeded. */
export function genArti(opts: ArtiOptions = {}): ArtiSet {
  const kind = opts.kind ?? 'blobs';
  const n = opts.n ?? 1000;
  const cx = opts.centerX ?? 1;
  const cy = opts.centerY ?? 1;
  const sigma = opts.sigma ?? 0.1;
  const noise = opts.noise ?? 0.02;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`genArti: n must be a positive integer, got ${n}`);
  if (!(sigma >= 0) || !(noise >= 0)) throw new RangeError(`genArti: sigma and noise must be ≥ 0, got sigma=${sigma}, noise=${noise}`);
  const g = opts.gen ?? new Generator(opts.seed ?? 0);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  if (kind === 'blobs') {
    for (let i = 0; i < n; i++) {
      const c = i < n / 2 ? 1 : 0;
      const s = c === 1 ? 1 : -1;
      x[2 * i] = g.normal(s * cx, sigma);
      x[2 * i + 1] = g.normal(s * cy, sigma);
      y[i] = c;
    }
  } else if (kind === 'xor') {
    // Quadrants (+,+) and (−,−) are class 1, (+,−) and (−,+) class 0.
    const sx = [1, -1, 1, -1];
    const sy = [1, -1, -1, 1];
    for (let i = 0; i < n; i++) {
      const q = Math.min(3, Math.floor((4 * i) / n));
      x[2 * i] = g.normal(sx[q] * cx, sigma);
      x[2 * i + 1] = g.normal(sy[q] * cy, sigma);
      y[i] = q < 2 ? 1 : 0;
    }
  } else if (kind === 'checkerboard') {
    const k = opts.squares ?? 4;
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`genArti: squares must be a positive integer, got ${k}`);
    for (let i = 0; i < n; i++) {
      const a = g.uniform(-2, 2);
      const b = g.uniform(-2, 2);
      x[2 * i] = a;
      x[2 * i + 1] = b;
      const ia = Math.min(k - 1, Math.floor(((a + 2) / 4) * k));
      const ib = Math.min(k - 1, Math.floor(((b + 2) / 4) * k));
      y[i] = (ia + ib) % 2;
    }
  } else {
    throw new RangeError(`genArti: unknown kind '${String(kind)}' (expected blobs, xor or checkerboard)`);
  }
  if (noise > 0) for (let i = 0; i < 2 * n; i++) x[i] += g.normal(0, noise);
  // Shuffle the rows so that mini-batches mix the classes.
  const p = g.permutation(n);
  const xs = new Float32Array(2 * n);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    xs[2 * i] = x[2 * p[i]];
    xs[2 * i + 1] = x[2 * p[i] + 1];
    ys[i] = y[p[i]];
  }
  return { x: xs, y: ys, n };
}

/** Labels 0/1 as −1/+1 (Float32Array), for perceptron and hinge losses. */
export function signedLabels(y: Int32Array): Float32Array {
  return Float32Array.from(y, (v) => (v === 1 ? 1 : -1));
}

export interface LinearRegressionOptions {
  n?: number;
  a?: number;
  b?: number;
  c?: number;
  /** Std of the Gaussian noise on y (default 1). */
  noise?: number;
  /** x1, x2 uniform in [lo, hi) (default [-1, 1)). */
  lo?: number;
  hi?: number;
  seed?: number;
  gen?: Generator;
}

/** y = a·x1 + b·x2 + c + N(0, noise²); defaults a=1002, b=13, c=4 as in S5. x [n,2], y [n]. */
export function linearRegressionData(opts: LinearRegressionOptions = {}): { x: Float32Array; y: Float32Array; n: number; a: number; b: number; c: number } {
  const n = opts.n ?? 1000;
  const a = opts.a ?? 1002;
  const b = opts.b ?? 13;
  const c = opts.c ?? 4;
  const noise = opts.noise ?? 1;
  const lo = opts.lo ?? -1;
  const hi = opts.hi ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`linearRegressionData: n must be a positive integer, got ${n}`);
  const g = opts.gen ?? new Generator(opts.seed ?? 0);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x1 = g.uniform(lo, hi);
    const x2 = g.uniform(lo, hi);
    x[2 * i] = x1;
    x[2 * i + 1] = x2;
    y[i] = a * x1 + b * x2 + c + (noise > 0 ? g.normal(0, noise) : 0);
  }
  return { x, y, n, a, b, c };
}

/** Wraps a set of points as tensors: x [n, 2] float32, y [n] (int32 classes or float32 targets). */
export function pointsTensors(set: { x: Float32Array; y: Int32Array | Float32Array; n: number }): { x: Tensor; y: Tensor } {
  return { x: new Tensor(set.x, [set.n, 2]), y: new Tensor(set.y, [set.n]) };
}
