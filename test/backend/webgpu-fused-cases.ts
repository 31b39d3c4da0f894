/// <reference types="@webgpu/types" />
/**
 * The cases of the WGSL fused-kernel tests, runnable wherever a GPUDevice is: in Node
 * (webgpu-fused.test.ts, Dawn) and in Chromium (the same module loaded by a page, navigator.gpu).
 * Each case runs kernels of backend/webgpu/kernels/fused.ts and the js reference on the same
 * Float32Array inputs and throws on the first value out of tolerance.
 *
 * Float32 tolerances, |gpu − js| ≤ atol + rtol·|js|:
 * - elementwise kernels (cross-entropy backward, recurrent cells, SGD, Adam, avg pooling): 1e-6 / 1e-5;
 * - row reductions (softmax, cross-entropy, layer norm): 2e-6 / 2e-5 (log-softmax: 2e-5 absolute);
 * - layer-norm backward: dx 1.5e-5·max(rstd) absolute (cancellation), dWeight / dBias 3e-6 / 1e-6 per row summed;
 * - GEMM and convolution entries: 1e-6·Σ|a·b| + 1e-7 (the float32 rounding scale of that sum);
 * - dropout and max pooling (forward and backward): bit-exact (masks, values, argmax).
 * Nothing here imports a Node module.
 */
import type { AdamStep, SgdStep, WindowSpec } from '../../src/backend/backend.js';
import { jsBackend as js } from '../../src/backend/js/index.js';
import { dropoutHash } from '../../src/backend/js/nn.js';
import { GpuRun } from '../../src/backend/webgpu/run.js';
import * as K from '../../src/backend/webgpu/kernels/fused.js';
import { gemmTile } from '../../src/backend/webgpu/kernels/gemm-tile.js';
import { rowPolicy } from '../../src/backend/webgpu/kernels/wgsl.js';
import { randF32, rng } from './seeded.js';

let device: GPUDevice | null = null;
let run: GpuRun;
/** Validation / shader errors reported by the device (each fails the read that follows). */
const gpuErrors: string[] = [];

/** Runs the cases on `d` from now on. */
export function useDevice(d: GPUDevice): void {
  device = d;
  run = new GpuRun(d);
  worst.clear();
  // Rows of ≤ 64 elements one invocation each, longer ones a workgroup each, whatever the device
  // would pick: the shapes (1, 3, 17, 63 | 65, 257, 1000) then cover both row layouts.
  rowPolicy.smallRow = 64;
  d.addEventListener('uncapturederror', (e) => { gpuErrors.push((e as GPUUncapturedErrorEvent).error.message); });
}

/** A named case: throws (an Error naming the kernel, shape and index) when the GPU disagrees. */
export interface FusedCase {
  name: string;
  fn: () => Promise<void>;
}
export const fusedCases: FusedCase[] = [];
function fusedCase(name: string, fn: () => Promise<void>): void {
  fusedCases.push({ name, fn });
}

/** node:assert's three calls used below, without Node. */
const assert = {
  fail(message: string): never { throw new Error(message); },
  ok(cond: boolean, message: string): void { if (!cond) throw new Error(message); },
  equal(a: unknown, b: unknown, message: string): void { if (a !== b) throw new Error(`${message}: ${String(a)} ≠ ${String(b)}`); },
};

/** One line per kernel: its worst error and how much of its tolerance that is. */
export function worstReport(): string {
  const lines = [...worst].map(([k, w]) => `  ${k.padEnd(22)} worst |gpu − js| ${w.err.toExponential(2)}  (${(w.ratio * 100).toFixed(1)}% of tolerance)`);
  return lines.join('\n');
}

// ---------------------------------------------------------------- data and buffers

function up(data: Float32Array | Int32Array): GPUBuffer {
  const buf = device!.createBuffer({ size: Math.max(16, Math.ceil(data.byteLength / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  if (data.byteLength > 0) device!.queue.writeBuffer(buf, 0, data as Float32Array<ArrayBuffer>);
  return buf;
}

/** A buffer of n f32 filled with a marker value (so unwritten entries show). */
function outBuf(n: number, fill = NaN): GPUBuffer {
  return up(new Float32Array(n).fill(fill));
}

async function readBytes(buf: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
  run.flush();
  const size = Math.max(16, Math.ceil(bytes / 4) * 4);
  const staging = device!.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device!.createCommandEncoder();
  enc.copyBufferToBuffer(buf, 0, staging, 0, size);
  device!.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0, bytes);
  staging.unmap();
  staging.destroy();
  if (gpuErrors.length) assert.fail(`device error: ${gpuErrors.splice(0).join('\n')}`);
  return copy;
}
const down = async (buf: GPUBuffer, n: number): Promise<Float32Array> => new Float32Array(await readBytes(buf, n * 4));
const downI = async (buf: GPUBuffer, n: number): Promise<Int32Array> => new Int32Array(await readBytes(buf, n * 4));

// ---------------------------------------------------------------- comparison

/** The worst error seen per kernel (cleared by useDevice). */
export const worst = new Map<string, { err: number; ratio: number }>();

/** |a − e| ≤ atol(i) + rtol·|e| elementwise; NaN matches NaN; records the worst error of `kernel`. */
function close(kernel: string, actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, atol: number | ((i: number) => number), rtol: number): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const w = worst.get(kernel) ?? { err: 0, ratio: 0 };
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      assert.ok(Number.isNaN(a) && Number.isNaN(e), `${what}[${i}]: got ${a}, expected ${e}`);
      continue;
    }
    if (a === e) continue;
    const tol = (typeof atol === 'number' ? atol : atol(i)) + rtol * Math.abs(e);
    const err = Math.abs(a - e);
    if (err > w.err) w.err = err;
    if (err / tol > w.ratio) w.ratio = err / tol;
    if (!(err <= tol)) assert.fail(`${what}[${i}]: got ${a}, expected ${e} (tolerance ${tol.toExponential(2)})`);
  }
  worst.set(kernel, w);
}

function exact(kernel: string, actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (Object.is(actual[i], expected[i]) || (actual[i] === expected[i])) continue;
    assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (bit-exact)`);
  }
  if (!worst.has(kernel)) worst.set(kernel, { err: 0, ratio: 0 });
}


// ---------------------------------------------------------------- softmax, cross-entropy

fusedCase('softmax / log-softmax over [outer, n, inner] match js', async () => {
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 17, 1], [2, 63, 3], [1, 65, 1], [5, 257, 1], [2, 3, 17], [17, 1, 2], [1, 1000, 1]];
  let seed = 1;
  for (const [outer, n, inner] of shapes) {
    for (const log of [false, true]) {
      const len = outer * n * inner;
      const x = randF32(len, seed++, -8, 8);
      if (len > 4) x[2] = 60; // a large logit: the max subtraction must hold
      const ref = new Float32Array(len);
      js.softmax(x, outer, n, inner, log, ref);
      const out = outBuf(len);
      K.softmax(run, up(x), outer, n, inner, log, out);
      const got = await down(out, len);
      close(log ? 'logSoftmax' : 'softmax', got, ref, `${log ? 'log' : ''}softmax [${outer},${n},${inner}]`, log ? 2e-5 : 2e-6, 2e-5);
    }
  }
});

fusedCase('crossEntropy / crossEntropyBackward match js (weights, ignoreIndex, out-of-range targets)', async () => {
  let seed = 100;
  for (const [rows, classes] of [[1, 1], [3, 17], [4, 63], [2, 65], [6, 257], [17, 3], [65, 10]] as [number, number][]) {
    for (const weighted of [false, true]) {
      const x = randF32(rows * classes, seed++, -6, 6);
      const r = rng(seed++);
      const ignoreIndex = classes > 2 ? 1 : -100;
      const target = Int32Array.from({ length: rows }, (_, i) => i === 1 ? ignoreIndex : i === 2 ? -5 : Math.floor(r() * classes));
      const weight = weighted ? randF32(classes, seed++, 0.2, 2) : null;
      const loss = new Float32Array(rows);
      const probs = new Float32Array(rows * classes);
      js.crossEntropy(x, target, weight, rows, classes, ignoreIndex, loss, probs);
      const bx = up(x);
      const bt = up(target);
      const bw = weight ? up(weight) : null;
      const gl = outBuf(rows);
      const gp = outBuf(rows * classes);
      K.crossEntropy(run, bx, bt, bw, rows, classes, ignoreIndex, gl, gp);
      const what = `rows=${rows} classes=${classes} weighted=${weighted}`;
      close('crossEntropy', await down(gl, rows), loss, `loss ${what}`, 2e-6, 2e-5);
      close('crossEntropy', await down(gp, rows * classes), probs, `probs ${what}`, 2e-6, 2e-5);
      const gLoss = randF32(rows, seed++, -2, 2);
      const dx = new Float32Array(rows * classes);
      js.crossEntropyBackward(probs, target, weight, gLoss, rows, classes, ignoreIndex, dx);
      const gdx = outBuf(rows * classes);
      K.crossEntropyBackward(run, up(probs), bt, bw, up(gLoss), rows, classes, ignoreIndex, gdx);
      close('crossEntropyBackward', await down(gdx, rows * classes), dx, `dLogits ${what}`, 1e-6, 1e-5);
    }
  }
});

// ---------------------------------------------------------------- layer norm

fusedCase('layerNorm / layerNormBackward match js (null weight / bias / dWeight / dBias)', async () => {
  let seed = 200;
  for (const [rows, n] of [[1, 1], [3, 17], [2, 63], [4, 65], [3, 257], [17, 3], [65, 8], [1, 1000]] as [number, number][]) {
    for (const [hasW, hasB] of [[true, true], [false, false], [true, false], [false, true]]) {
      const x = randF32(rows * n, seed++, -3, 5);
      const weight = hasW ? randF32(n, seed++, 0.5, 1.5) : null;
      const bias = hasB ? randF32(n, seed++) : null;
      const out = new Float32Array(rows * n);
      const mean = new Float32Array(rows);
      const rstd = new Float32Array(rows);
      js.layerNorm(x, rows, n, weight, bias, 1e-5, out, mean, rstd);
      const bx = up(x);
      const bw = weight ? up(weight) : null;
      const go = outBuf(rows * n);
      const gm = outBuf(rows);
      const gr = outBuf(rows);
      K.layerNorm(run, bx, rows, n, bw, bias ? up(bias) : null, 1e-5, go, gm, gr);
      const what = `rows=${rows} n=${n} w=${hasW} b=${hasB}`;
      close('layerNorm', await down(go, rows * n), out, `out ${what}`, 2e-6, 2e-5);
      close('layerNorm', await down(gm, rows), mean, `mean ${what}`, 2e-6, 2e-5);
      close('layerNorm', await down(gr, rows), rstd, `rstd ${what}`, 2e-6, 2e-5);
      const g = randF32(rows * n, seed++);
      const dx = new Float32Array(rows * n);
      const dW = hasW ? new Float32Array(n) : null;
      const dB = hasB ? new Float32Array(n) : null;
      js.layerNormBackward(g, x, rows, n, weight, mean, rstd, dx, dW, dB);
      const gdx = outBuf(rows * n);
      const gdW = hasW ? outBuf(n) : null;
      const gdB = hasB ? outBuf(n) : null;
      K.layerNormBackward(run, up(g), bx, rows, n, bw, up(mean), up(rstd), gdx, gdW, gdB);
      // dx = rstd·(h − mean(h) − x̂·mean(h·x̂)): cancellation, so atol scales with rstd·max|h|.
      close('layerNormBackward', await down(gdx, rows * n), dx, `dx ${what}`, 1e-5 * Math.max(...rstd) * 1.5, 2e-5);
      // Column sums over `rows` terms of |g·x̂| ≤ ~3: atol 1e-6 per term.
      if (gdW && dW) close('layerNormBackward', await down(gdW, n), dW, `dWeight ${what}`, 1e-6 * rows * 3, 2e-5);
      if (gdB && dB) close('layerNormBackward', await down(gdB, n), dB, `dBias ${what}`, 1e-6 * rows, 2e-5);
    }
  }
});

// ---------------------------------------------------------------- optimizers

fusedCase('sgdStep / sgdSteps match js (momentum, dampening, Nesterov, weight decay, first step)', async () => {
  let seed = 300;
  const configs: SgdStep[] = [
    { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true },
    { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 1e-2, nesterov: false, firstStep: true },
    { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0, nesterov: false, firstStep: false },
    { lr: 0.01, momentum: 0.8, dampening: 0, weightDecay: 5e-4, nesterov: true, firstStep: false },
  ];
  for (const o of configs) {
    const sizes = [1, 3, 17, 65, 257];
    const ps = sizes.map((n) => randF32(n, seed++));
    const gs = sizes.map((n) => randF32(n, seed++));
    const bufs = sizes.map((n) => randF32(n, seed++));
    const gpu = sizes.map((n, k) => ({ param: up(ps[k]), grad: up(gs[k]), momentumBuf: k === 1 ? null : up(bufs[k]), n }));
    // Entry 0 through the single-tensor kernel, the rest through the multi-tensor one.
    K.sgdStep(run, gpu[0].param, gpu[0].grad, gpu[0].momentumBuf, o, sizes[0]);
    K.sgdSteps(run, gpu.slice(1), o);
    js.sgdSteps(sizes.map((_, k) => ({ param: ps[k], grad: gs[k], momentumBuf: k === 1 ? null : bufs[k] })), o);
    for (let k = 0; k < sizes.length; k++) {
      const what = `sgd ${JSON.stringify(o)} n=${sizes[k]}`;
      close('sgdStep(s)', await down(gpu[k].param, sizes[k]), ps[k], `param ${what}`, 1e-6, 1e-5);
      if (gpu[k].momentumBuf) close('sgdStep(s)', await down(gpu[k].momentumBuf!, sizes[k]), bufs[k], `momentum ${what}`, 1e-6, 1e-5);
    }
  }
});

fusedCase('adamStep / adamSteps match js (Adam, AdamW, AMSGrad, several steps)', async () => {
  let seed = 400;
  const base = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  const configs: [Omit<AdamStep, 'step'>, boolean][] = [
    [{ ...base, weightDecay: 0, decoupled: false }, false],
    [{ ...base, weightDecay: 1e-2, decoupled: false }, true],
    [{ ...base, weightDecay: 1e-2, decoupled: true }, false],
    [{ ...base, lr: 3e-4, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: true }, true],
  ];
  for (const [cfg, ams] of configs) {
    const sizes = [1, 3, 17, 65, 257];
    const cpu = sizes.map((n) => ({ param: randF32(n, seed++), grad: randF32(n, seed++), expAvg: new Float32Array(n), expAvgSq: new Float32Array(n), maxExpAvgSq: ams ? new Float32Array(n) : null }));
    const gpu = sizes.map((n, k) => ({ param: up(cpu[k].param), grad: up(cpu[k].grad), expAvg: up(cpu[k].expAvg), expAvgSq: up(cpu[k].expAvgSq), maxExpAvgSq: ams ? up(cpu[k].maxExpAvgSq!) : null, n }));
    for (let step = 1; step <= 3; step++) {
      const o: AdamStep = { ...cfg, step };
      const r = rng(seed++);
      for (let k = 0; k < sizes.length; k++) {
        cpu[k].grad = Float32Array.from(cpu[k].grad, () => r() * 2 - 1);
        device!.queue.writeBuffer(gpu[k].grad, 0, cpu[k].grad as Float32Array<ArrayBuffer>);
      }
      K.adamStep(run, gpu[0].param, gpu[0].grad, gpu[0].expAvg, gpu[0].expAvgSq, o, gpu[0].maxExpAvgSq, sizes[0]);
      K.adamSteps(run, gpu.slice(1), o);
      run.flush();
      js.adamSteps(cpu, o);
    }
    for (let k = 0; k < sizes.length; k++) {
      const what = `adam ${JSON.stringify(cfg)} ams=${ams} n=${sizes[k]}`;
      // Adam's update is ~lr·sign(m): relative error of m/√v ~1e-6, so atol 1e-6 on params of size ~1.
      close('adamStep(s)', await down(gpu[k].param, sizes[k]), cpu[k].param, `param ${what}`, 1e-6, 1e-5);
      close('adamStep(s)', await down(gpu[k].expAvg, sizes[k]), cpu[k].expAvg, `expAvg ${what}`, 1e-7, 1e-5);
      close('adamStep(s)', await down(gpu[k].expAvgSq, sizes[k]), cpu[k].expAvgSq, `expAvgSq ${what}`, 1e-9, 1e-5);
      if (ams) close('adamStep(s)', await down(gpu[k].maxExpAvgSq!, sizes[k]), cpu[k].maxExpAvgSq!, `maxExpAvgSq ${what}`, 1e-9, 1e-5);
    }
  }
});

// ---------------------------------------------------------------- dropout

fusedCase('dropout draws the bit-identical mask and values of js (in place and not)', async () => {
  let seed = 500;
  for (const n of [1, 3, 17, 63, 65, 257, 100_000]) {
    for (const [keep, key0, key1] of [[0.5, 0x12345678, 0x9abcdef0], [0.9, 0xffffffff, 0], [1, 7, 11], [0.1, 0x80000000, 0x7fffffff], [1 / 3, 42, 4242]]) {
      const x = randF32(n, seed++, -2, 2);
      const spec = { keep, scale: 1 / keep, key0, key1 };
      const ref = new Float32Array(n);
      js.dropout(x, spec, ref);
      const bx = up(x);
      const out = outBuf(n);
      K.dropout(run, bx, spec, out, n);
      K.dropout(run, bx, spec, bx, n); // in place
      const what = `dropout n=${n} keep=${keep}`;
      exact('dropout', await down(out, n), ref, what);
      exact('dropout', await down(bx, n), ref, `${what} (in place)`);
    }
  }
  // The threshold itself: keep = (h + 1)/2³² keeps the entry whose hash is h, keep = h/2³² drops it.
  for (const [key0, key1] of [[3, 5], [0xdeadbeef, 0x01234567], [0, 0]]) {
    const n = 64;
    const x = randF32(n, seed++, 1, 2);
    for (let i = 0; i < n; i += 13) {
      const h = dropoutHash(i, key0 | 0, key1 | 0);
      for (const keep of [(h + 1) / 4294967296, h / 4294967296]) {
        if (keep <= 0 || keep > 1) continue;
        const spec = { keep, scale: 1 / keep, key0, key1 };
        const ref = new Float32Array(n);
        js.dropout(x, spec, ref);
        const out = outBuf(n);
        K.dropout(run, up(x), spec, out, n);
        exact('dropout', await down(out, n), ref, `dropout at its threshold i=${i} keep=${keep}`);
      }
    }
  }
});

// ---------------------------------------------------------------- GEMM and convolution

/** Σ_k |A(m, k)|·|B(k, n)| per output: the scale of a GEMM entry's float32 rounding error. */
function absScale(fn: (a: Float32Array, b: Float32Array, out: Float32Array) => void, a: Float32Array, b: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n);
  fn(a.map(Math.abs), b.map(Math.abs), out);
  return out;
}

fusedCase('gemmTile (the GEMM helper) matches js matmul in its transpose layouts, batched, split-K', async () => {
  let seed = 600;
  const cases: [number, number, number, number][] = [[1, 1, 1, 1], [1, 3, 17, 5], [2, 63, 65, 33], [3, 17, 1, 65], [1, 5, 3000, 7], [1, 65, 257, 63], [2, 1, 40, 1]];
  for (const [batch, m, k, n] of cases) {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const shareB = batch > 1 && transA;
      const spec = { batch, m, k, n, transA, transB, strideA: m * k, strideB: shareB ? 0 : k * n };
      const a = randF32(batch * m * k, seed++);
      const b = randF32((shareB ? 1 : batch) * k * n, seed++);
      const ref = new Float32Array(batch * m * n);
      js.matmul(a, b, ref, spec);
      const scale = absScale((x, y, o) => js.matmul(x, y, o, spec), a, b, batch * m * n);
      const out = outBuf(batch * m * n);
      gemmTile(run, up(a), up(b), out, spec);
      close('gemmTile', await down(out, batch * m * n), ref, `gemm ${JSON.stringify(spec)}`, (i) => 1e-6 * scale[i] + 1e-7, 0);
    }
  }
});

interface ConvCase { n: number; c: number; cout: number; inSize: number[]; kernel: number[]; stride: number[]; padding: number[]; dilation: number[] }

function outSize(s: ConvCase): number[] {
  return s.inSize.map((v, d) => Math.floor((v + 2 * s.padding[d] - s.dilation[d] * (s.kernel[d] - 1) - 1) / s.stride[d]) + 1);
}

const CONV_CASES: ConvCase[] = [
  { n: 1, c: 1, cout: 1, inSize: [1, 1], kernel: [1, 1], stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
  { n: 2, c: 3, cout: 5, inSize: [7, 6], kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
  { n: 3, c: 2, cout: 4, inSize: [9, 8], kernel: [3, 2], stride: [2, 3], padding: [1, 0], dilation: [2, 1] },
  { n: 1, c: 4, cout: 3, inSize: [17], kernel: [5], stride: [2], padding: [2], dilation: [1] },
  { n: 2, c: 1, cout: 2, inSize: [65], kernel: [3], stride: [1], padding: [0], dilation: [3] },
  { n: 4, c: 3, cout: 17, inSize: [12, 12], kernel: [5, 5], stride: [1, 1], padding: [2, 2], dilation: [1, 1] },
  { n: 2, c: 16, cout: 8, inSize: [16, 16], kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1] },
  { n: 8, c: 2, cout: 3, inSize: [5, 5], kernel: [5, 5], stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
];

fusedCase('convForward / convBackwardWeight / convBackwardInput match js (padding, stride, dilation, 1-d and 2-d)', async () => {
  let seed = 700;
  for (const cc of CONV_CASES) {
    const spec = { inSize: cc.inSize, outSize: outSize(cc), kernel: cc.kernel, stride: cc.stride, padding: cc.padding, dilation: cc.dilation };
    const { n, c, cout } = cc;
    const plane = cc.inSize.reduce((a, b) => a * b, 1);
    const l = spec.outSize.reduce((a, b) => a * b, 1);
    const ck = c * cc.kernel.reduce((a, b) => a * b, 1);
    const x = randF32(n * c * plane, seed++);
    const w = randF32(cout * ck, seed++);
    const g = randF32(n * cout * l, seed++);
    const what = JSON.stringify(cc);
    const bx = up(x);
    const bw = up(w);
    const bg = up(g);

    const out = new Float32Array(n * cout * l);
    js.convForward(x, n, c, spec, w, cout, out);
    const outScale = new Float32Array(out.length);
    js.convForward(x.map(Math.abs), n, c, spec, w.map(Math.abs), cout, outScale);
    const gout = outBuf(n * cout * l);
    K.convForward(run, bx, n, c, spec, bw, cout, gout);
    close('convForward', await down(gout, out.length), out, `forward ${what}`, (i) => 1e-6 * outScale[i] + 1e-7, 0);

    const gw = new Float32Array(cout * ck);
    js.convBackwardWeight(x, n, c, spec, g, cout, gw);
    const gwScale = new Float32Array(gw.length);
    js.convBackwardWeight(x.map(Math.abs), n, c, spec, g.map(Math.abs), cout, gwScale);
    const ggw = outBuf(cout * ck);
    K.convBackwardWeight(run, bx, n, c, spec, bg, cout, ggw);
    close('convBackwardWeight', await down(ggw, gw.length), gw, `backward weight ${what}`, (i) => 1e-6 * gwScale[i] + 1e-7, 0);

    // gx += …: start from non-zero values to check that the kernel accumulates.
    const gx0 = randF32(n * c * plane, seed++);
    const gx = gx0.slice();
    js.convBackwardInput(w, g, n, c, spec, cout, gx);
    const gxScale = gx0.map(Math.abs);
    js.convBackwardInput(w.map(Math.abs), g.map(Math.abs), n, c, spec, cout, gxScale);
    const ggx = up(gx0);
    K.convBackwardInput(run, bw, bg, n, c, spec, cout, ggx);
    close('convBackwardInput', await down(ggx, gx.length), gx, `backward input ${what}`, (i) => 1e-6 * gxScale[i] + 1e-7, 0);
  }
});

fusedCase('convBackwardWeight splits a long reduction (N·L = 2·64·64) and still matches js', async () => {
  const cc: ConvCase = { n: 2, c: 2, cout: 3, inSize: [64, 64], kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] };
  const spec = { inSize: cc.inSize, outSize: outSize(cc), kernel: cc.kernel, stride: cc.stride, padding: cc.padding, dilation: cc.dilation };
  const x = randF32(2 * 2 * 64 * 64, 801);
  const g = randF32(2 * 3 * 64 * 64, 802);
  const gw = new Float32Array(3 * 18);
  js.convBackwardWeight(x, 2, 2, spec, g, 3, gw);
  const scale = new Float32Array(gw.length);
  js.convBackwardWeight(x.map(Math.abs), 2, 2, spec, g.map(Math.abs), 3, scale);
  const ggw = outBuf(gw.length);
  K.convBackwardWeight(run, up(x), 2, 2, spec, up(g), 3, ggw);
  close('convBackwardWeight', await down(ggw, gw.length), gw, 'split-K backward weight', (i) => 1e-6 * scale[i] + 1e-7, 0);
});

// ---------------------------------------------------------------- pooling

const POOL_CASES: Omit<ConvCase, 'cout'>[] = [
  { n: 1, c: 1, inSize: [1, 1], kernel: [1, 1], stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
  { n: 2, c: 3, inSize: [7, 6], kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] },
  { n: 1, c: 2, inSize: [9, 8], kernel: [3, 3], stride: [2, 1], padding: [1, 1], dilation: [2, 1] },
  { n: 3, c: 2, inSize: [17], kernel: [3], stride: [1], padding: [1], dilation: [1] },
  { n: 1, c: 5, inSize: [65], kernel: [4], stride: [3], padding: [2], dilation: [2] },
  { n: 2, c: 4, inSize: [16, 17], kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
  { n: 1, c: 1, inSize: [3, 3], kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [2, 2] },
];

/** A pooling case's window spec, and its input plane and output sizes. */
function poolGeometry(pc: Omit<ConvCase, 'cout'>): { spec: WindowSpec; n: number; c: number; plane: number; l: number } {
  const spec = { inSize: pc.inSize, outSize: outSize({ ...pc, cout: 1 }), kernel: pc.kernel, stride: pc.stride, padding: pc.padding, dilation: pc.dilation };
  return { spec, n: pc.n, c: pc.c, plane: pc.inSize.reduce((a, b) => a * b, 1), l: spec.outSize.reduce((a, b) => a * b, 1) };
}

fusedCase('maxPool / maxPoolBackward match js exactly (ties, NaN, padding-only windows, dilation)', async () => {
  let seed = 900;
  for (const pc of POOL_CASES) {
    const { spec, n, c, plane, l } = poolGeometry(pc);
    // Values on a coarse grid so ties happen; NaN in a few places (NaN wins and propagates).
    const r = rng(seed++);
    const x = Float32Array.from({ length: n * c * plane }, () => Math.round(r() * 6) - 3);
    if (x.length > 5) { x[3] = NaN; x[x.length - 2] = NaN; }
    if (x.length > 9) x[9] = -Infinity;
    const what = JSON.stringify(pc);
    const out = new Float32Array(n * c * l);
    const arg = new Int32Array(n * c * l);
    js.maxPool(x, n, c, spec, out, arg);
    const gout = outBuf(out.length);
    const garg = up(new Int32Array(arg.length).fill(-7));
    K.maxPool(run, up(x), n, c, spec, gout, garg);
    exact('maxPool', await down(gout, out.length), out, `maxPool out ${what}`);
    exact('maxPool', await downI(garg, arg.length), arg, `maxPool argmax ${what}`);
    const g = randF32(out.length, seed++);
    const gx0 = randF32(n * c * plane, seed++); // gx += …: non-zero start
    const gx = gx0.slice();
    js.maxPoolBackward(g, n, c, spec, arg, gx);
    const ggx = up(gx0);
    K.maxPoolBackward(run, up(g), n, c, spec, garg, ggx);
    exact('maxPoolBackward', await down(ggx, gx.length), gx, `maxPoolBackward ${what}`);
  }
});

fusedCase('avgPool / avgPoolBackward match js (per-position scale, padding, stride, dilation)', async () => {
  let seed = 1000;
  for (const pc of POOL_CASES) {
    const { spec, n, c, plane, l } = poolGeometry(pc);
    const kk = pc.kernel.reduce((a, b) => a * b, 1);
    // count_include_pad = false style: 1 / (valid count) per position, varying with l.
    const scale = Float64Array.from({ length: l }, (_, i) => 1 / (kk - (i % 3 === 0 ? 1 : 0) || 1));
    const x = randF32(n * c * plane, seed++);
    const what = JSON.stringify(pc);
    const out = new Float32Array(n * c * l);
    js.avgPool(x, n, c, spec, scale, out);
    const gout = outBuf(out.length);
    K.avgPool(run, up(x), n, c, spec, scale, gout);
    close('avgPool', await down(gout, out.length), out, `avgPool ${what}`, 1e-6, 1e-5);
    const g = randF32(out.length, seed++);
    const gx0 = randF32(n * c * plane, seed++); // gx += …: non-zero start
    const gx = gx0.slice();
    js.avgPoolBackward(g, n, c, spec, scale, gx);
    const ggx = up(gx0);
    K.avgPoolBackward(run, up(g), n, c, spec, scale, ggx);
    close('avgPoolBackward', await down(ggx, gx.length), gx, `avgPoolBackward ${what}`, 1e-6, 1e-5);
  }
});

// ---------------------------------------------------------------- recurrent cells

fusedCase('lstmCell / gruCell and their backwards match js (null dh / dc / dCprev / dHprev, saturation)', async () => {
  let seed = 1100;
  for (const [B, H] of [[1, 1], [3, 17], [2, 63], [1, 65], [4, 257], [17, 3]] as [number, number][]) {
    const n = B * H;
    const gates = randF32(4 * n, seed++, -4, 4);
    if (n > 2) { gates[0] = 40; gates[1] = -40; gates[2 * n] = 30; } // saturated σ and tanh
    const cPrev = randF32(n, seed++, -1.5, 1.5);
    const c = new Float32Array(n);
    const h = new Float32Array(n);
    const act = new Float32Array(5 * n);
    js.lstmCell(gates, cPrev, B, H, c, h, act);
    const gc = outBuf(n);
    const gh = outBuf(n);
    const gact = outBuf(5 * n);
    const bcPrev = up(cPrev);
    K.lstmCell(run, up(gates), bcPrev, B, H, gc, gh, gact);
    const what = `B=${B} H=${H}`;
    close('lstmCell', await down(gc, n), c, `lstm c ${what}`, 1e-6, 1e-5);
    close('lstmCell', await down(gh, n), h, `lstm h ${what}`, 1e-6, 1e-5);
    close('lstmCell', await down(gact, 5 * n), act, `lstm act ${what}`, 1e-6, 1e-5);
    const bact = up(act);
    for (const [useDh, useDc, useDcPrev] of [[true, true, true], [true, false, false], [false, true, true]]) {
      const dh = useDh ? randF32(n, seed++) : null;
      const dc = useDc ? randF32(n, seed++) : null;
      const dGates = new Float32Array(4 * n);
      const dCprev = new Float32Array(n);
      js.lstmCellBackward(act, cPrev, dh, dc, B, H, dGates, useDcPrev ? dCprev : null);
      const gdG = outBuf(4 * n);
      const gdC = useDcPrev ? outBuf(n) : null;
      K.lstmCellBackward(run, bact, bcPrev, dh ? up(dh) : null, dc ? up(dc) : null, B, H, gdG, gdC);
      const w2 = `${what} dh=${useDh} dc=${useDc}`;
      close('lstmCellBackward', await down(gdG, 4 * n), dGates, `lstm dGates ${w2}`, 1e-6, 1e-5);
      if (gdC) close('lstmCellBackward', await down(gdC, n), dCprev, `lstm dCprev ${w2}`, 1e-6, 1e-5);
    }

    const xp = randF32(3 * n, seed++, -4, 4);
    const hp = randF32(3 * n, seed++, -4, 4);
    if (n > 2) { xp[0] = 40; xp[2 * H] = -30; }
    const hPrev = randF32(n, seed++);
    const hg = new Float32Array(n);
    const actg = new Float32Array(3 * n);
    js.gruCell(xp, hp, hPrev, B, H, hg, actg);
    const ghg = outBuf(n);
    const gactg = outBuf(3 * n);
    const bhp = up(hp);
    const bhPrev = up(hPrev);
    K.gruCell(run, up(xp), bhp, bhPrev, B, H, ghg, gactg);
    close('gruCell', await down(ghg, n), hg, `gru h ${what}`, 1e-6, 1e-5);
    close('gruCell', await down(gactg, 3 * n), actg, `gru act ${what}`, 1e-6, 1e-5);
    for (const withDhPrev of [true, false]) {
      const dh = randF32(n, seed++);
      const dXp = new Float32Array(3 * n);
      const dHp = new Float32Array(3 * n);
      const dHprev = new Float32Array(n);
      js.gruCellBackward(actg, hp, hPrev, dh, B, H, dXp, dHp, withDhPrev ? dHprev : null);
      const gdXp = outBuf(3 * n);
      const gdHp = outBuf(3 * n);
      const gdHprev = withDhPrev ? outBuf(n) : null;
      K.gruCellBackward(run, up(actg), bhp, bhPrev, up(dh), B, H, gdXp, gdHp, gdHprev);
      close('gruCellBackward', await down(gdXp, 3 * n), dXp, `gru dXp ${what}`, 1e-6, 1e-5);
      close('gruCellBackward', await down(gdHp, 3 * n), dHp, `gru dHp ${what}`, 1e-6, 1e-5);
      if (gdHprev) close('gruCellBackward', await down(gdHprev, n), dHprev, `gru dHprev ${what}`, 1e-6, 1e-5);
    }
  }
});

// ---------------------------------------------------------------- empty shapes

fusedCase('empty shapes record nothing invalid (rows = 0, n = 0, batch = 0); layerNormBackward with rows = 0 zeroes dWeight / dBias', async () => {
  const e = outBuf(4);
  const ei = up(new Int32Array(4));
  const spec2 = { inSize: [3, 3], outSize: [3, 3], kernel: [1, 1], stride: [1, 1], padding: [0, 0], dilation: [1, 1] };
  K.softmax(run, e, 0, 5, 1, false, e);
  K.softmax(run, e, 3, 0, 1, true, e);
  K.crossEntropy(run, e, ei, null, 0, 4, -100, e, e);
  K.crossEntropyBackward(run, e, ei, null, e, 0, 4, -100, e);
  K.layerNorm(run, e, 0, 4, null, null, 1e-5, e, e, e);
  K.sgdStep(run, e, e, null, { lr: 1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true }, 0);
  K.adamSteps(run, [], { lr: 1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 });
  K.dropout(run, e, { keep: 0.5, scale: 2, key0: 1, key1: 2 }, e, 0);
  K.convForward(run, e, 0, 1, spec2, e, 1, e);
  K.convBackwardWeight(run, e, 0, 1, spec2, e, 1, outBuf(4));
  K.maxPool(run, e, 0, 1, spec2, e, ei);
  K.avgPool(run, e, 0, 1, spec2, new Float64Array(9), e);
  K.lstmCell(run, e, e, 0, 3, e, e, e);
  K.gruCellBackward(run, e, e, e, e, 0, 3, e, e, null);
  exact('empty', await down(e, 4), [NaN, NaN, NaN, NaN], 'untouched buffer');
  const dW = outBuf(5);
  const dB = outBuf(5);
  K.layerNormBackward(run, e, e, 0, 5, null, e, e, e, dW, dB);
  exact('empty', await down(dW, 5), new Float32Array(5), 'dWeight over 0 rows');
  exact('empty', await down(dB, 5), new Float32Array(5), 'dBias over 0 rows');
  // convBackwardWeight over an empty batch: gw = 0 (a K = 0 GEMM still writes its zeros).
  const gw = outBuf(3);
  K.convBackwardWeight(run, e, 0, 3, { ...spec2, kernel: [1, 1] }, e, 1, gw);
  exact('empty', await down(gw, 3), new Float32Array(3), 'gw over an empty batch');
});
