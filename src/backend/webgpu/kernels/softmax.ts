/// <reference types="@webgpu/types" />
/**
 * WGSL softmax and fused softmax cross-entropy (forward and backward): a max reduction, a sum of
 * exp(x − max), then the writes, in float32; one workgroup of 64 per row, or one invocation per
 * row for short rows (wgsl.ts rowKernel, rowPolicy). The semantics
 * are those of FusedKernels in backend.ts (reference: backend/js/nn.ts and js/fused.ts).
 */
import type { GpuRun } from '../run.js';
import { dispatch1d, dispatchRowsL, elementwiseMain, i32, rowKernel, rowLanes, storage, u, uniform } from './wgsl.js';

/** Row max over the row's invocations (every invocation starts from the row's first value), −∞ rows → 0. */
const ROW_MAX = `
  var mx = X(0u);
  for (var j = lid; j < n; j = j + LANES) { mx = max(mx, X(j)); }
  mx = reduceMax(lid, mx);
  if (mx < -0x1.fffffep+127f) { mx = 0.0; }
  var s = 0.0;
  for (var j = lid; j < n; j = j + LANES) { s = s + exp(X(j) - mx); }
  let sum = reduceSum(lid, s);
`;

function softmaxShader(log: boolean, lanes: 1 | 64): string {
  return `${storage(0, 'x')}${storage(1, 'out', true)}${uniform(2, [['rows', 'u32'], ['n', 'u32'], ['inner', 'u32']])}
${rowKernel(lanes, 'P.rows', `
  let n = P.n;
  let inner = P.inner;
  let base = (row / inner) * n * inner + row % inner;
  ${ROW_MAX.replaceAll('X(0u)', 'x[base]').replace(/X\(j\)/g, 'x[base + j * inner]')}
  ${log
    ? `let lse = mx + log(sum);
  for (var j = lid; j < n; j = j + LANES) { out[base + j * inner] = x[base + j * inner] - lse; }`
    : `for (var j = lid; j < n; j = j + LANES) { out[base + j * inner] = exp(x[base + j * inner] - mx) / sum; }`}
`)}`;
}

/** Softmax (or log-softmax) over the middle axis of x viewed as [outer, n, inner]; out may not be x. */
export function softmax(run: GpuRun, x: GPUBuffer, outer: number, n: number, inner: number, log: boolean, out: GPUBuffer): void {
  if (n <= 0) return;
  const lanes = rowLanes(run, n);
  dispatchRowsL(run, lanes, softmaxShader(log, lanes), [x, out], [u(outer * inner), u(n), u(inner)], outer * inner);
}

function crossEntropyShader(weighted: boolean, lanes: 1 | 64): string {
  return `${storage(0, 'x')}${storage(1, 'tgt', false, 'i32')}${weighted ? storage(2, 'weight') : ''}${storage(weighted ? 3 : 2, 'loss', true)}${storage(weighted ? 4 : 3, 'probs', true)}${uniform(weighted ? 5 : 4, [['rows', 'u32'], ['n', 'u32'], ['ignore', 'i32']])}
${rowKernel(lanes, 'P.rows', `
  let n = P.n;
  let base = row * n;
  ${ROW_MAX.replaceAll('X(0u)', 'x[base]').replace(/X\(j\)/g, 'x[base + j]')}
  for (var j = lid; j < n; j = j + LANES) { probs[base + j] = exp(x[base + j] - mx) / sum; }
  if (lid == 0u) {
    let t = tgt[row];
    if (t == P.ignore || t < 0 || t >= i32(n)) {
      loss[row] = 0.0;
    } else {
      loss[row] = ${weighted ? 'weight[t] * ' : ''}(mx + log(sum) - x[base + u32(t)]);
    }
  }
`)}`;
}

/**
 * Fused softmax cross-entropy over logits [rows, classes]: loss [rows] and probs [rows, classes]
 * (weight null: all ones; a row whose target is ignoreIndex or outside [0, classes) gets loss 0).
 */
export function crossEntropy(run: GpuRun, logits: GPUBuffer, target: GPUBuffer, weight: GPUBuffer | null, rows: number, classes: number,
  ignoreIndex: number, loss: GPUBuffer, probs: GPUBuffer): void {
  if (classes <= 0) return;
  const bufs = weight ? [logits, target, weight, loss, probs] : [logits, target, loss, probs];
  const lanes = rowLanes(run, classes);
  dispatchRowsL(run, lanes, crossEntropyShader(weight !== null, lanes), bufs, [u(rows), u(classes), i32(ignoreIndex)], rows);
}

function crossEntropyBackwardShader(weighted: boolean): string {
  const b = weighted ? 1 : 0;
  return `${storage(0, 'probs')}${storage(1, 'tgt', false, 'i32')}${weighted ? storage(2, 'weight') : ''}${storage(2 + b, 'gLoss')}${storage(3 + b, 'dx', true)}${uniform(4 + b, [['total', 'u32'], ['n', 'u32'], ['ignore', 'i32']])}
${elementwiseMain('P.total', `
  let r = i / P.n;
  let j = i - r * P.n;
  let t = tgt[r];
  if (t == P.ignore || t < 0 || t >= i32(P.n)) { dx[i] = 0.0; return; }
  let s = gLoss[r]${weighted ? ' * weight[t]' : ''};
  var v = s * probs[i];
  if (j == u32(t)) { v = v - s; }
  dx[i] = v;
`)}`;
}

/** Backward of crossEntropy: dLogits[r] = gLoss[r]·w[t]·(probs[r] − onehot(t)), zero on ignored rows. */
export function crossEntropyBackward(run: GpuRun, probs: GPUBuffer, target: GPUBuffer, weight: GPUBuffer | null, gLoss: GPUBuffer,
  rows: number, classes: number, ignoreIndex: number, dLogits: GPUBuffer): void {
  const bufs = weight ? [probs, target, weight, gLoss, dLogits] : [probs, target, gLoss, dLogits];
  dispatch1d(run, crossEntropyBackwardShader(weight !== null), bufs, [u(rows * classes), u(classes), i32(ignoreIndex)], rows * classes);
}
