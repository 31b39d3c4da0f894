/// <reference types="@webgpu/types" />
/**
 * WGSL optimizer steps, in place (FusedKernels in backend.ts; reference backend/js/nn.ts): SGD
 * with momentum / dampening / Nesterov / weight decay and Adam / AdamW / AMSGrad. Bias
 * corrections are computed once on the CPU in float64 and passed as f32 words. The multi-tensor
 * forms record one dispatch per entry with the same hyper-parameters (one submit at the caller's
 * flush); a GPUBuffer's size may be rounded up, so every entry carries its element count `n`.
 */
import type { AdamStep, SgdStep } from '../../backend.js';
import type { GpuRun } from '../run.js';
import { dispatch1d, elementwiseMain, f, storage, u, uniform } from './wgsl.js';

/** One parameter of a multi-tensor SGD update on the GPU. */
export interface GpuSgdTensors {
  param: GPUBuffer;
  grad: GPUBuffer;
  momentumBuf: GPUBuffer | null;
  /** Element count of param (and of grad, momentumBuf). */
  n: number;
}

/** One parameter of a multi-tensor Adam update on the GPU. */
export interface GpuAdamTensors {
  param: GPUBuffer;
  grad: GPUBuffer;
  expAvg: GPUBuffer;
  expAvgSq: GPUBuffer;
  maxExpAvgSq: GPUBuffer | null;
  /** Element count of param (and of the other arrays). */
  n: number;
}

function sgdShader(withBuf: boolean, nesterov: boolean, firstStep: boolean): string {
  const update = !withBuf ? '' : `
  ${firstStep ? 'buf[i] = d;' : 'buf[i] = P.momentum * buf[i] + (1.0 - P.dampening) * d;'}
  ${nesterov ? 'd = d + P.momentum * buf[i];' : 'd = buf[i];'}`;
  return `${storage(0, 'p', true)}${storage(1, 'g')}${withBuf ? storage(2, 'buf', true) : ''}${uniform(withBuf ? 3 : 2,
    [['n', 'u32'], ['lr', 'f32'], ['momentum', 'f32'], ['dampening', 'f32'], ['wd', 'f32']])}
${elementwiseMain('P.n', `
  var d = g[i];
  if (P.wd != 0.0) { d = d + P.wd * p[i]; }${update}
  p[i] = p[i] - P.lr * d;
`)}`;
}

/** In-place SGD over one parameter of n elements (momentumBuf null or momentum 0: plain SGD). */
export function sgdStep(run: GpuRun, param: GPUBuffer, grad: GPUBuffer, momentumBuf: GPUBuffer | null, o: SgdStep, n: number): void {
  const withBuf = momentumBuf !== null && o.momentum !== 0;
  const bufs = withBuf && momentumBuf ? [param, grad, momentumBuf] : [param, grad];
  dispatch1d(run, sgdShader(withBuf, o.nesterov, o.firstStep), bufs,
    [u(n), f(o.lr), f(o.momentum), f(o.dampening), f(o.weightDecay)], n);
}

function adamShader(amsgrad: boolean, decoupled: boolean): string {
  return `${storage(0, 'p', true)}${storage(1, 'g')}${storage(2, 'm', true)}${storage(3, 'v', true)}${amsgrad ? storage(4, 'vmax', true) : ''}${uniform(amsgrad ? 5 : 4,
    [['n', 'u32'], ['lr', 'f32'], ['beta1', 'f32'], ['beta2', 'f32'], ['eps', 'f32'], ['wd', 'f32'], ['stepSize', 'f32'], ['sqrtBc2', 'f32'],
      ['oneMinusBeta1', 'f32'], ['oneMinusBeta2', 'f32'], ['decay', 'f32']])}
${elementwiseMain('P.n', `
  var d = g[i];
  var pv = p[i];
  if (P.wd != 0.0) {
    ${decoupled ? 'pv = pv * P.decay;' : 'd = d + P.wd * pv;'}
  }
  let mv = P.beta1 * m[i] + P.oneMinusBeta1 * d;
  let vv = P.beta2 * v[i] + P.oneMinusBeta2 * d * d;
  m[i] = mv;
  v[i] = vv;
  var vh = vv;
  ${amsgrad ? 'if (vv > vmax[i]) { vmax[i] = vv; } vh = vmax[i];' : ''}
  p[i] = pv - (P.stepSize * mv) / (sqrt(vh) / P.sqrtBc2 + P.eps);
`)}`;
}

function adamWords(o: AdamStep, n: number): ReturnType<typeof u>[] {
  const bc1 = 1 - Math.pow(o.beta1, o.step);
  const bc2 = 1 - Math.pow(o.beta2, o.step);
  return [u(n), f(o.lr), f(o.beta1), f(o.beta2), f(o.eps), f(o.weightDecay), f(o.lr / bc1), f(Math.sqrt(bc2)),
    f(1 - o.beta1), f(1 - o.beta2), f(1 - o.lr * o.weightDecay)];
}

/** In-place Adam / AdamW (decoupled) / AMSGrad (maxExpAvgSq given) over one parameter of n elements. */
export function adamStep(run: GpuRun, param: GPUBuffer, grad: GPUBuffer, expAvg: GPUBuffer, expAvgSq: GPUBuffer, o: AdamStep,
  maxExpAvgSq: GPUBuffer | null, n: number): void {
  const bufs = [param, grad, expAvg, expAvgSq, ...(maxExpAvgSq ? [maxExpAvgSq] : [])];
  dispatch1d(run, adamShader(maxExpAvgSq !== null, o.decoupled), bufs, adamWords(o, n), n);
}

/** sgdStep on every entry of the list, same hyper-parameters. */
export function sgdSteps(run: GpuRun, list: readonly GpuSgdTensors[], o: SgdStep): void {
  for (const t of list) sgdStep(run, t.param, t.grad, t.momentumBuf, o, t.n);
}

/** adamStep on every entry of the list, same hyper-parameters. */
export function adamSteps(run: GpuRun, list: readonly GpuAdamTensors[], o: AdamStep): void {
  for (const t of list) adamStep(run, t.param, t.grad, t.expAvg, t.expAvgSq, o, t.maxExpAvgSq, t.n);
}
