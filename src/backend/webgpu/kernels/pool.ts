/// <reference types="@webgpu/types" />
/**
 * WGSL max and average pooling over [N, C, ...spatial] with 1-d or 2-d windows (FusedKernels in
 * backend.ts; reference backend/js/pooling.ts). The forwards run one invocation per output and
 * scan the window in the reference's order (so ties and NaN resolve as there: the first maximum
 * wins, NaN wins and stays, the last NaN's index is kept). The backwards run one invocation per
 * input element and gather the outputs whose window holds it, in increasing output order,
 * starting from gx's value: no atomics, the js accumulation order, deterministic.
 */
import type { WindowSpec } from '../../backend.js';
import { windowGeometry } from '../../js/nn.js';
import type { GpuRun } from '../run.js';
import { SCALAR, dispatch1d, elementwiseMain, storage, u, uniform, uploadF32 } from './wgsl.js';
import type { ParamWord } from '../run.js';

const FIELDS = [['total', 'u32'], ['ih', 'u32'], ['iw', 'u32'], ['oh', 'u32'], ['ow', 'u32'], ['kh', 'u32'], ['kw', 'u32'],
  ['sh', 'u32'], ['sw', 'u32'], ['ph', 'u32'], ['pw', 'u32'], ['dh', 'u32'], ['dw', 'u32'], ['negInf', 'u32']] as const;

function words(total: number, spec: WindowSpec): ParamWord[] {
  const { ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw } = windowGeometry(spec);
  return [total, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, 0xff800000].map(u);
}

/** Output i → plane, oy, ox; the window loop visits valid (iy, ix) in the reference's order. */
const OUTPUT_WINDOW = `
  let L = P.oh * P.ow;
  let plane = i / L;
  let p = i - plane * L;
  let oy = p / P.ow;
  let ox = p - oy * P.ow;
  let base = plane * P.ih * P.iw;
`;
const FOR_WINDOW = (body: string): string => `
  for (var ki = 0u; ki < P.kh; ki = ki + 1u) {
    let iy = i32(oy * P.sh + ki * P.dh) - i32(P.ph);
    if (iy < 0 || iy >= i32(P.ih)) { continue; }
    for (var kj = 0u; kj < P.kw; kj = kj + 1u) {
      let ix = i32(ox * P.sw + kj * P.dw) - i32(P.pw);
      if (ix < 0 || ix >= i32(P.iw)) { continue; }
      let at = u32(iy) * P.iw + u32(ix);
${body}
    }
  }
`;

/**
 * Input i → the outputs whose window holds it, in increasing output order (kernel offsets
 * descending): (oy, ox) with oy·sh − ph + ki·dh = iy.
 */
const INPUT_GATHER = (body: string): string => `
  let plane = i / (P.ih * P.iw);
  let at = i - plane * P.ih * P.iw;
  let iy = at / P.iw;
  let ix = at - iy * P.iw;
  let L = P.oh * P.ow;
  var acc = gx[i];
  for (var a = 0u; a < P.kh; a = a + 1u) {
    let ki = P.kh - 1u - a;
    let ty = i32(iy + P.ph) - i32(ki * P.dh);
    if (ty < 0 || u32(ty) % P.sh != 0u || u32(ty) / P.sh >= P.oh) { continue; }
    let oy = u32(ty) / P.sh;
    for (var b = 0u; b < P.kw; b = b + 1u) {
      let kj = P.kw - 1u - b;
      let tx = i32(ix + P.pw) - i32(kj * P.dw);
      if (tx < 0 || u32(tx) % P.sw != 0u || u32(tx) / P.sw >= P.ow) { continue; }
      let o = plane * L + oy * P.ow + u32(tx) / P.sw;
${body}
    }
  }
  gx[i] = acc;
`;

const MAX_POOL = `${storage(0, 'x')}${storage(1, 'out', true)}${storage(2, 'argmax', true, 'i32')}${uniform(3, FIELDS)}${SCALAR}
${elementwiseMain('P.total', `${OUTPUT_WINDOW}
  var best = bitcast<f32>(P.negInf);
  var arg = -1;
  ${FOR_WINDOW(`      let v = x[base + at];
      if (arg < 0 || v > best || isNan(v)) { best = v; arg = i32(at); }`)}
  out[i] = best;
  argmax[i] = arg;
`)}`;

/** Max over each window of x [N, C, ...in] → out [N, C, ...out], argmax the winner's index in its plane (−1: only padding). */
export function maxPool(run: GpuRun, x: GPUBuffer, n: number, c: number, spec: WindowSpec, out: GPUBuffer, argmax: GPUBuffer): void {
  const total = n * c * spec.outSize.reduce((a, b) => a * b, 1);
  dispatch1d(run, MAX_POOL, [x, out, argmax], words(total, spec), total);
}

const MAX_POOL_BACKWARD = `${storage(0, 'g')}${storage(1, 'argmax', false, 'i32')}${storage(2, 'gx', true)}${uniform(3, FIELDS)}
${elementwiseMain('P.total', INPUT_GATHER(`      if (argmax[o] == i32(at)) { acc = acc + g[o]; }`))}`;

/** Adjoint of maxPool: gx[plane, argmax[i]] += g[i] (gx [N, C, ...in], zeroed by the caller). */
export function maxPoolBackward(run: GpuRun, g: GPUBuffer, n: number, c: number, spec: WindowSpec, argmax: GPUBuffer, gx: GPUBuffer): void {
  const total = n * c * spec.inSize.reduce((a, b) => a * b, 1);
  dispatch1d(run, MAX_POOL_BACKWARD, [g, argmax, gx], words(total, spec), total);
}

const AVG_POOL = `${storage(0, 'x')}${storage(1, 'scale')}${storage(2, 'out', true)}${uniform(3, FIELDS)}
${elementwiseMain('P.total', `${OUTPUT_WINDOW}
  var s = 0.0;
  ${FOR_WINDOW('      s = s + x[base + at];')}
  out[i] = s * scale[p];
`)}`;

/** Sum of each window (zero padding) times scale[l] per output position l: average pooling. */
export function avgPool(run: GpuRun, x: GPUBuffer, n: number, c: number, spec: WindowSpec, scale: Float64Array, out: GPUBuffer): void {
  const total = n * c * spec.outSize.reduce((a, b) => a * b, 1);
  if (total <= 0) return;
  dispatch1d(run, AVG_POOL, [x, uploadF32(run, scale), out], words(total, spec), total);
}

const AVG_POOL_BACKWARD = `${storage(0, 'g')}${storage(1, 'scale')}${storage(2, 'gx', true)}${uniform(3, FIELDS)}
${elementwiseMain('P.total', INPUT_GATHER('      acc = acc + g[o] * scale[o - plane * L];'))}`;

/** Adjoint of avgPool: every input of window l gets g·scale[l] (gx zeroed by the caller). */
export function avgPoolBackward(run: GpuRun, g: GPUBuffer, n: number, c: number, spec: WindowSpec, scale: Float64Array, gx: GPUBuffer): void {
  const total = n * c * spec.inSize.reduce((a, b) => a * b, 1);
  if (total <= 0) return;
  dispatch1d(run, AVG_POOL_BACKWARD, [g, uploadF32(run, scale), gx], words(total, spec), total);
}
