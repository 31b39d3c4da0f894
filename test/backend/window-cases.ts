/**
 * The sliding-window kernels of a backend (im2col / col2im, convolution forward and backward,
 * max and average pooling forward and backward) against the js reference on one spec; shared by
 * the native and webgpu kernel tests.
 */
import assert from 'node:assert/strict';
import type { Kernels, WindowSpec } from '../../src/backend/backend.js';
import { jsBackend as js } from '../../src/backend/js/index.js';
import { sizeOf } from '../../src/backend/shape.js';
import { close, randF32 } from './wasm/util.js';

export interface WindowCheckOptions {
  /** Prefix of every assertion message (e.g. the ISA). */
  label: string;
  /** Absolute tolerance of average pooling forward. */
  avgAtol: number;
  /** Also max pooling over ties, NaN and −∞ windows (the same argmax as js). */
  ties: boolean;
}

export function checkWindowKernels(be: Kernels, spec: WindowSpec, o: WindowCheckOptions): void {
  const what = (k: string): string => (o.label ? `${o.label} ${k}` : k);
  const n = 3, c = 5, cout = 7;
  const P = sizeOf(spec.inSize), L = sizeOf(spec.outSize), K = sizeOf(spec.kernel);
  const x = randF32(n * c * P, 16, -3, -0.5);
  const w = randF32(cout * c * K, 17);
  const g = randF32(n * cout * L, 18);
  for (const bi of [false, true]) {
    const [u1, u2] = [new Float32Array(n * c * K * L), new Float32Array(n * c * K * L)];
    js.im2col(x, n, c, spec, u1, bi); be.im2col(x, n, c, spec, u2, bi); close(u2, u1, what('im2col'), 0, 0);
    const [f1, f2] = [new Float32Array(x.length), new Float32Array(x.length)];
    js.col2im(u1, n, c, spec, f1, bi); be.col2im(u1, n, c, spec, f2, bi); close(f2, f1, what('col2im'), 1e-6, 1e-6);
  }
  const [y1, y2] = [new Float32Array(n * cout * L), new Float32Array(n * cout * L)];
  js.convForward(x, n, c, spec, w, cout, y1); be.convForward(x, n, c, spec, w, cout, y2); close(y2, y1, what('conv'), 1e-5, 1e-5);
  const [gw1, gw2] = [new Float32Array(w.length), new Float32Array(w.length)];
  js.convBackwardWeight(x, n, c, spec, g, cout, gw1); be.convBackwardWeight(x, n, c, spec, g, cout, gw2);
  close(gw2, gw1, what('conv dW'), 1e-5, 1e-5);
  const [gx1, gx2] = [new Float32Array(x.length), new Float32Array(x.length)];
  js.convBackwardInput(w, g, n, c, spec, cout, gx1); be.convBackwardInput(w, g, n, c, spec, cout, gx2);
  close(gx2, gx1, what('conv dX'), 1e-5, 1e-5);
  const [o1, o2] = [new Float32Array(n * c * L), new Float32Array(n * c * L)];
  const [a1, a2] = [new Int32Array(n * c * L), new Int32Array(n * c * L)];
  js.maxPool(x, n, c, spec, o1, a1); be.maxPool(x, n, c, spec, o2, a2);
  close(o2, o1, what('maxPool'), 0, 0); assert.deepEqual([...a2], [...a1]);
  if (o.ties) {
    // Ties (the first maximum wins), NaN (wins) and -Infinity windows: the same argmax as js.
    const xt = x.map((v, i) => (i % 7 === 0 ? NaN : i % 3 === 0 ? -Infinity : Math.round(v)));
    js.maxPool(xt, n, c, spec, o1, a1); be.maxPool(xt, n, c, spec, o2, a2);
    close(o2, o1, what('maxPool ties/NaN'), 0, 0); assert.deepEqual([...a2], [...a1], what('maxPool ties/NaN argmax'));
  }
  const gp = randF32(n * c * L, 19);
  const [b1, b2] = [new Float32Array(x.length), new Float32Array(x.length)];
  js.maxPoolBackward(gp, n, c, spec, a1, b1); be.maxPoolBackward(gp, n, c, spec, a1, b2); close(b2, b1, what('maxPool back'), 1e-7, 1e-6);
  const scale = Float64Array.from({ length: L }, (_, i) => 1 / (1 + (i % 4)));
  js.avgPool(x, n, c, spec, scale, o1); be.avgPool(x, n, c, spec, scale, o2); close(o2, o1, what('avgPool'), o.avgAtol, 1e-6);
  b1.fill(0); b2.fill(0);
  js.avgPoolBackward(gp, n, c, spec, scale, b1); be.avgPoolBackward(gp, n, c, spec, scale, b2); close(b2, b1, what('avgPool back'), 1e-6, 1e-6);
}
