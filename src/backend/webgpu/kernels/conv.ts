/// <reference types="@webgpu/types" />
/**
 * WGSL convolution (groups = 1) over [N, C, ...spatial] with 1-d or 2-d windows (FusedKernels in
 * backend.ts; reference backend/js/conv.ts), as three implicit GEMMs on the tiled GEMM of
 * gemm-tile.ts: the unfolded input is never stored, the GEMM's loads read it from x on the fly
 * (zero padding, stride, dilation).
 * - forward: out [N, Cout, L] = weight [Cout, C·K] · unfold(x) [C·K, N·L], stored per batch;
 * - weight gradient: gw [Cout, C·K] = g [Cout, N·L] · unfold(x)ᵀ, a K = N·L reduction (split-K
 *   when long, summed in a fixed order);
 * - input gradient: gx [N, C, in] += Σ_{co, ki, kj} weight[co, c, ki, kj] · g[n, co, oy, ox] over the
 *   (ki, kj) whose window position (oy, ox) hits the input pixel: a GEMM with M = C, N = N·∏in,
 *   K = Cout·K whose B load is the transposed-convolution gather (no col2im, no atomics).
 */
import type { WindowSpec } from '../../backend.js';
import { windowGeometry } from '../../js/nn.js';
import type { GpuRun } from '../run.js';
import { type GemmLayout, gemm } from './gemm-tile.js';

/**
 * Addressing words: w0 C, w1 ih, w2 iw, w3 oh, w4 ow, w5 kh, w6 kw, w7 sh, w8 sw, w9 ph, w10 pw,
 * w11 dh, w12 dw, w13 L = oh·ow, w14 K = kh·kw, w15 Cout.
 */
function words(c: number, spec: WindowSpec, cout: number): number[] {
  const { ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw } = windowGeometry(spec);
  return [c, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, oh * ow, kh * kw, cout];
}

/** unfold(x)[k, q] with k = (channel, ki, kj) and q = (batch, oy, ox), reading x from binding B. */
const UNFOLD = `
fn unfold(k: u32, q: u32) -> f32 {
  let ch = k / P.w14;
  let r = k - ch * P.w14;
  let ki = r / P.w6;
  let kj = r - ki * P.w6;
  let bb = q / P.w13;
  let p = q - bb * P.w13;
  let oy = p / P.w4;
  let ox = p - oy * P.w4;
  let iy = i32(oy * P.w7 + ki * P.w11) - i32(P.w9);
  let ix = i32(ox * P.w8 + kj * P.w12) - i32(P.w10);
  if (iy < 0 || ix < 0 || iy >= i32(P.w1) || ix >= i32(P.w2)) { return 0.0; }
  return B[((bb * P.w0 + ch) * P.w1 + u32(iy)) * P.w2 + u32(ix)];
}
`;

const FORWARD: GemmLayout = {
  helpers: UNFOLD,
  loadA: '  return A[m * P.K + k];',
  loadB: '  return unfold(k, n);',
  storeC: '  let bb = n / P.w13;\n  C[(bb * P.w15 + m) * P.w13 + (n - bb * P.w13)] = v;',
  aKFast: true,
  bNFast: true,
};

const BACKWARD_WEIGHT: GemmLayout = {
  helpers: UNFOLD,
  loadA: '  let bb = k / P.w13;\n  return A[(bb * P.w15 + m) * P.w13 + (k - bb * P.w13)];',
  loadB: '  return unfold(n, k);',
  storeC: '  C[m * P.N + n] = v;',
  aKFast: true,
  bNFast: false,
};

const BACKWARD_INPUT: GemmLayout = {
  helpers: `
fn window(t: i32, stride: u32, size: u32) -> i32 {
  if (t < 0) { return -1; }
  let o = u32(t) / stride;
  if (o * stride != u32(t) || o >= size) { return -1; }
  return i32(o);
}
`,
  loadA: '  let co = k / P.w14;\n  return A[(co * P.w0 + m) * P.w14 + (k - co * P.w14)];',
  loadB: `  let co = k / P.w14;
  let r = k - co * P.w14;
  let ki = r / P.w6;
  let kj = r - ki * P.w6;
  let plane = P.w1 * P.w2;
  let bb = n / plane;
  let pix = n - bb * plane;
  let iy = pix / P.w2;
  let ix = pix - iy * P.w2;
  let oy = window(i32(iy + P.w9) - i32(ki * P.w11), P.w7, P.w3);
  let ox = window(i32(ix + P.w10) - i32(kj * P.w12), P.w8, P.w4);
  if (oy < 0 || ox < 0) { return 0.0; }
  return B[(bb * P.w15 + co) * P.w13 + u32(oy) * P.w4 + u32(ox)];`,
  storeC: '  let plane = P.w1 * P.w2;\n  let bb = n / plane;\n  let at = (bb * P.w0 + m) * plane + (n - bb * plane);\n  C[at] = C[at] + v;',
  aKFast: true,
  bNFast: true,
};

const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);

/** out [N, Cout, ...out] = convolution of x [N, C, ...in] with weight [Cout, C, ...kernel] (overwritten). */
export function convForward(run: GpuRun, x: GPUBuffer, n: number, c: number, spec: WindowSpec, weight: GPUBuffer, cout: number, out: GPUBuffer): void {
  const l = prod(spec.outSize);
  gemm(run, FORWARD, weight, x, out, { batch: 1, m: cout, n: n * l, k: c * prod(spec.kernel) }, words(c, spec, cout));
}

/** gw [Cout, C·∏kernel] = Σ_batch g [N, Cout, ∏out] · unfold(x)ᵀ (overwritten). */
export function convBackwardWeight(run: GpuRun, x: GPUBuffer, n: number, c: number, spec: WindowSpec, g: GPUBuffer, cout: number, gw: GPUBuffer): void {
  const l = prod(spec.outSize);
  gemm(run, BACKWARD_WEIGHT, g, x, gw, { batch: 1, m: cout, n: c * prod(spec.kernel), k: n * l }, words(c, spec, cout));
}

/** gx [N, C, ...in] += fold(weightᵀ · g) (gx zeroed by the caller). */
export function convBackwardInput(run: GpuRun, weight: GPUBuffer, g: GPUBuffer, n: number, c: number, spec: WindowSpec, cout: number, gx: GPUBuffer): void {
  gemm(run, BACKWARD_INPUT, weight, g, gx, { batch: 1, m: c, n: n * prod(spec.inSize), k: cout * prod(spec.kernel) }, words(c, spec, cout));
}
