/// <reference types="@webgpu/types" />
/**
 * WGSL layer normalisation over rows of x [rows, n], forward and backward (FusedKernels in
 * backend.ts; reference backend/js/fused.ts). The forward and the dx pass run one workgroup of 64
 * per row, or one invocation per row for short rows (wgsl.ts rowPolicy), with a two-pass mean and
 * variance as the reference; dWeight / dBias are column sums over the rows, one 16×16 workgroup per
 * 16 columns with a fixed reduction order (deterministic).
 */
import type { GpuRun } from '../run.js';
import { dispatchRowsL, f, rowKernel, rowLanes, storage, u, uniform } from './wgsl.js';
import { groups1d } from '../run.js';

function layerNormShader(w: boolean, b: boolean, lanes: 1 | 64): string {
  let k = 1;
  const decl = storage(0, 'x') + (w ? storage(k++, 'weight') : '') + (b ? storage(k++, 'bias') : '');
  const outs = storage(k, 'out', true) + storage(k + 1, 'mean', true) + storage(k + 2, 'rstd', true);
  return `${decl}${outs}${uniform(k + 3, [['rows', 'u32'], ['n', 'u32'], ['eps', 'f32']])}
${rowKernel(lanes, 'P.rows', `
  let n = P.n;
  let base = row * n;
  var s = 0.0;
  for (var j = lid; j < n; j = j + LANES) { s = s + x[base + j]; }
  let mu = reduceSum(lid, s) / f32(n);
  var v = 0.0;
  for (var j = lid; j < n; j = j + LANES) { let d = x[base + j] - mu; v = v + d * d; }
  let rs = 1.0 / sqrt(reduceSum(lid, v) / f32(n) + P.eps);
  if (lid == 0u) { mean[row] = mu; rstd[row] = rs; }
  for (var j = lid; j < n; j = j + LANES) {
    var y = (x[base + j] - mu) * rs;
    ${w ? 'y = y * weight[j];' : ''}
    ${b ? 'y = y + bias[j];' : ''}
    out[base + j] = y;
  }
`)}`;
}

/**
 * Layer normalisation of each row of x [rows, n]: out = (x − mean)·rstd·weight + bias, and the
 * row statistics mean [rows], rstd [rows] (weight / bias null: 1 / 0).
 */
export function layerNorm(run: GpuRun, x: GPUBuffer, rows: number, n: number, weight: GPUBuffer | null, bias: GPUBuffer | null, eps: number,
  out: GPUBuffer, mean: GPUBuffer, rstd: GPUBuffer): void {
  if (n <= 0) return;
  const bufs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : []), out, mean, rstd];
  const lanes = rowLanes(run, n);
  dispatchRowsL(run, lanes, layerNormShader(weight !== null, bias !== null, lanes), bufs, [u(rows), u(n), f(eps)], rows);
}

function dxShader(w: boolean, lanes: 1 | 64): string {
  const k = w ? 1 : 0;
  return `${storage(0, 'g')}${storage(1, 'x')}${w ? storage(2, 'weight') : ''}${storage(2 + k, 'mean')}${storage(3 + k, 'rstd')}${storage(4 + k, 'dx', true)}${uniform(5 + k, [['rows', 'u32'], ['n', 'u32']])}
${rowKernel(lanes, 'P.rows', `
  let n = P.n;
  let base = row * n;
  let mu = mean[row];
  let rs = rstd[row];
  var acc = vec2<f32>(0.0, 0.0);
  for (var j = lid; j < n; j = j + LANES) {
    let xh = (x[base + j] - mu) * rs;
    let h = g[base + j]${w ? ' * weight[j]' : ''};
    acc = acc + vec2<f32>(h, h * xh);
  }
  let sums = reduceSum2(lid, acc) / f32(n);
  for (var j = lid; j < n; j = j + LANES) {
    let xh = (x[base + j] - mu) * rs;
    let h = g[base + j]${w ? ' * weight[j]' : ''};
    dx[base + j] = rs * (h - sums.x - xh * sums.y);
  }
`)}`;
}

function columnShader(dw: boolean, db: boolean): string {
  let k = 4;
  const outs = (dw ? storage(k++, 'dW', true) : '') + (db ? storage(k++, 'dB', true) : '');
  return `${storage(0, 'g')}${storage(1, 'x')}${storage(2, 'mean')}${storage(3, 'rstd')}${outs}${uniform(k, [['rows', 'u32'], ['n', 'u32']])}
var<workgroup> part: array<vec2<f32>, 256>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let col = (wid.x + wid.y * 65535u) * 16u + lid.x;
  var acc = vec2<f32>(0.0, 0.0);
  if (col < P.n) {
    for (var r = lid.y; r < P.rows; r = r + 16u) {
      let gv = g[r * P.n + col];
      acc = acc + vec2<f32>(gv * (x[r * P.n + col] - mean[r]) * rstd[r], gv);
    }
  }
  part[lid.y * 16u + lid.x] = acc;
  workgroupBarrier();
  for (var s = 8u; s > 0u; s = s >> 1u) {
    if (lid.y < s) { part[lid.y * 16u + lid.x] = part[lid.y * 16u + lid.x] + part[(lid.y + s) * 16u + lid.x]; }
    workgroupBarrier();
  }
  if (lid.y == 0u && col < P.n) {
    let t = part[lid.x];
    ${dw ? 'dW[col] = t.x;' : ''}
    ${db ? 'dB[col] = t.y;' : ''}
  }
}
`;
}

/**
 * Backward of layerNorm: dx [rows, n] and, unless null, dWeight [n] = Σ_r g·x̂ and dBias [n] = Σ_r g
 * (all overwritten).
 */
export function layerNormBackward(run: GpuRun, g: GPUBuffer, x: GPUBuffer, rows: number, n: number, weight: GPUBuffer | null,
  mean: GPUBuffer, rstd: GPUBuffer, dx: GPUBuffer, dWeight: GPUBuffer | null, dBias: GPUBuffer | null): void {
  if (n <= 0) return;
  const bufs = [g, x, ...(weight ? [weight] : []), mean, rstd, dx];
  const lanes = rowLanes(run, n);
  dispatchRowsL(run, lanes, dxShader(weight !== null, lanes), bufs, [u(rows), u(n)], rows);
  if (dWeight || dBias) {
    const outs = [...(dWeight ? [dWeight] : []), ...(dBias ? [dBias] : [])];
    run.dispatch(columnShader(dWeight !== null, dBias !== null), [g, x, mean, rstd, ...outs], [u(rows), u(n)], groups1d(n, 16));
  }
}
