/**
 * Reference convolution kernels: im2col in the batch-inner layout, one GEMM over the whole batch,
 * and a permutation between [Cout, N, L] and [N, Cout, L]; the backward passes are the adjoints
 * of those three steps.
 */
import type { FloatData, WindowSpec } from '../backend.js';
import { permute } from './layout.js';
import { matmul } from './matmul.js';
import { col2im, im2col } from './nn.js';

const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);

function like(x: FloatData, n: number): FloatData {
  return x instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

function sizes(n: number, c: number, spec: WindowSpec): { ck: number; l: number } {
  return { ck: c * prod(spec.kernel), l: prod(spec.outSize) };
}

export function convForward(x: FloatData, n: number, c: number, spec: WindowSpec, weight: FloatData, cout: number, out: FloatData): void {
  const { ck, l } = sizes(n, c, spec);
  const cols = like(x, ck * n * l);
  im2col(x, n, c, spec, cols, true);
  const y = like(x, cout * n * l);
  matmul(weight, cols, y, { batch: 1, m: cout, k: ck, n: n * l, transA: false, transB: false, strideA: 0, strideB: 0 });
  permute(y, [cout, n, l], [1, 0, 2], out);
}

/** g [N, Cout, L] → [Cout, N·L]. */
function gradRows(g: FloatData, n: number, cout: number, l: number): FloatData {
  const gt = like(g, g.length);
  permute(g, [n, cout, l], [1, 0, 2], gt);
  return gt;
}

export function convBackwardWeight(x: FloatData, n: number, c: number, spec: WindowSpec, g: FloatData, cout: number, gw: FloatData): void {
  const { ck, l } = sizes(n, c, spec);
  const cols = like(x, ck * n * l);
  im2col(x, n, c, spec, cols, true);
  matmul(gradRows(g, n, cout, l), cols, gw, { batch: 1, m: cout, k: n * l, n: ck, transA: false, transB: true, strideA: 0, strideB: 0 });
}

export function convBackwardInput(weight: FloatData, g: FloatData, n: number, c: number, spec: WindowSpec, cout: number, gx: FloatData): void {
  const { ck, l } = sizes(n, c, spec);
  const cols = like(g, ck * n * l);
  matmul(weight, gradRows(g, n, cout, l), cols, { batch: 1, m: ck, k: cout, n: n * l, transA: true, transB: false, strideA: 0, strideB: 0 });
  col2im(cols, n, c, spec, gx, true);
}
