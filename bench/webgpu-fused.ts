/// <reference types="@webgpu/types" />
/**
 * Times each WGSL fused kernel (backend/webgpu/kernels/fused.ts) at training sizes on the WebGPU
 * device of this process (Dawn for Node, the `webgpu` package; SwiftShader through
 * VK_ICD_FILENAMES when no driver is configured), beside the js reference on the same sizes.
 * GPU time per call: `reps` calls recorded, one submit, wait for the queue (onSubmittedWorkDone),
 * after a warm-up call that compiles the shaders; median of 3 such rounds. A benchmark, not a
 * test: nothing asserts. `node dist/bench/webgpu-fused.js [--reps 5] [--no-js]`.
 */
import { existsSync } from 'node:fs';
import type { WindowSpec } from '../src/backend/backend.js';
import { jsBackend as js } from '../src/backend/js/index.js';
import { GpuRun } from '../src/backend/webgpu/run.js';
import * as K from '../src/backend/webgpu/kernels/fused.js';
import { isSoftwareDevice } from '../src/backend/webgpu/kernels/wgsl.js';
import { benchArgs } from './args.js';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const { arg, flag } = benchArgs('bench/webgpu-fused', ['reps'], ['no-js']);
const reps = Number(arg('reps', '5')) > 0 ? Number(arg('reps', '5')) : 5;
const withJs = !flag('no-js');

if (!process.env.VK_ICD_FILENAMES && existsSync(ICD)) process.env.VK_ICD_FILENAMES = ICD;
let dawn: { create: (o: string[]) => GPU; globals: object };
try {
  dawn = (await import('webgpu' as string)) as typeof dawn;
} catch {
  console.log('webgpu-fused bench: the `webgpu` package (Dawn for Node) is missing: npm install webgpu');
  process.exit(0);
}
Object.assign(globalThis, dawn.globals);
const root = dawn.create([]);
const adapter = await root.requestAdapter();
if (!adapter) {
  console.log('webgpu-fused bench: no WebGPU adapter (libvulkan1 and a Vulkan driver are needed)');
  process.exit(0);
}
const device = await adapter.requestDevice({
  requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize },
});
device.addEventListener('uncapturederror', (e) => { console.error(`device error: ${(e as GPUUncapturedErrorEvent).error.message}`); });
const run = new GpuRun(device);

function rand(n: number, lo = -1, hi = 1): Float32Array {
  let s = 12345;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return lo + ((s >>> 8) / 16777216) * (hi - lo);
  });
}
function buf(data: Float32Array | Int32Array): GPUBuffer {
  const b = device.createBuffer({ size: Math.max(16, data.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(b, 0, data as Float32Array<ArrayBuffer>);
  return b;
}
const zeros = (n: number): GPUBuffer => buf(new Float32Array(n));
const median = (v: number[]): number => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function gpuTime(call: () => void): Promise<number> {
  call();
  run.flush();
  await device.queue.onSubmittedWorkDone();
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) call();
    run.flush();
    await device.queue.onSubmittedWorkDone();
    times.push((performance.now() - t0) / reps);
  }
  return median(times);
}
function jsTime(call: () => void): number {
  if (!withJs) return NaN;
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    call();
    times.push(performance.now() - t0);
  }
  return median(times);
}

interface Row { kernel: string; size: string; gpu: number; js: number }
const rows: Row[] = [];
async function bench(kernel: string, size: string, gpu: () => void, cpu: () => void): Promise<void> {
  const g = await gpuTime(gpu);
  const c = jsTime(cpu);
  rows.push({ kernel, size, gpu: g, js: c });
  console.log(`${kernel.padEnd(20)} ${size.padEnd(34)} gpu ${g.toFixed(3).padStart(9)} ms   js ${Number.isNaN(c) ? '      -' : c.toFixed(3).padStart(9)} ms`);
}

function win(inSize: number[], kernel: number[], stride: number[], padding: number[]): WindowSpec {
  const outSize = inSize.map((v, d) => Math.floor((v + 2 * padding[d] - (kernel[d] - 1) - 1) / stride[d]) + 1);
  return { inSize, outSize, kernel, stride, padding, dilation: inSize.map(() => 1) };
}

console.log(`webgpu fused kernels on ${[adapter.info.vendor, adapter.info.architecture, adapter.info.device, adapter.info.description].filter((s) => s).join(' ')}, ${reps} calls per submit, median of 3`);

{ // attention-sized softmax: 4 heads × 64 batch rows of a 128-token sequence
  const [outer, n] = [4 * 64 * 128, 128];
  const x = rand(outer * n, -4, 4);
  const bx = buf(x); const bo = zeros(outer * n); const o = new Float32Array(outer * n);
  await bench('softmax', `[${outer}, ${n}]`, () => K.softmax(run, bx, outer, n, 1, false, bo), () => js.softmax(x, outer, n, 1, false, o));
}
for (const [rows_, classes] of [[512, 10], [4096, 1000]]) {
  const x = rand(rows_ * classes, -3, 3);
  const t = Int32Array.from({ length: rows_ }, (_, i) => i % classes);
  const bx = buf(x); const bt = buf(t); const bl = zeros(rows_); const bp = zeros(rows_ * classes); const bd = zeros(rows_ * classes); const bg = buf(rand(rows_));
  const l = new Float32Array(rows_); const p = new Float32Array(rows_ * classes); const d = new Float32Array(rows_ * classes); const gl = rand(rows_);
  await bench('crossEntropy', `[${rows_}, ${classes}]`, () => K.crossEntropy(run, bx, bt, null, rows_, classes, -100, bl, bp), () => js.crossEntropy(x, t, null, rows_, classes, -100, l, p));
  await bench('crossEntropyBackward', `[${rows_}, ${classes}]`, () => K.crossEntropyBackward(run, bp, bt, null, bg, rows_, classes, -100, bd), () => js.crossEntropyBackward(p, t, null, gl, rows_, classes, -100, d));
}
{
  const [r, n] = [64 * 128, 256];
  const x = rand(r * n); const w = rand(n, 0.5, 1.5); const b = rand(n);
  const bx = buf(x); const bw = buf(w); const bb = buf(b); const bo = zeros(r * n); const bm = zeros(r); const bs = zeros(r);
  const o = new Float32Array(r * n); const m = new Float32Array(r); const s = new Float32Array(r);
  await bench('layerNorm', `[${r}, ${n}]`, () => K.layerNorm(run, bx, r, n, bw, bb, 1e-5, bo, bm, bs), () => js.layerNorm(x, r, n, w, b, 1e-5, o, m, s));
  const g = rand(r * n); const bg = buf(g); const bdx = zeros(r * n); const bdw = zeros(n); const bdb = zeros(n);
  const dx = new Float32Array(r * n); const dw = new Float32Array(n); const db = new Float32Array(n);
  await bench('layerNormBackward', `[${r}, ${n}]`, () => K.layerNormBackward(run, bg, bx, r, n, bw, bm, bs, bdx, bdw, bdb), () => js.layerNormBackward(g, x, r, n, w, m, s, dx, dw, db));
}
{ // a 1M-parameter model in 10 tensors
  const sizes = Array.from({ length: 10 }, () => 100_000);
  const gl = sizes.map((n) => ({ param: buf(rand(n)), grad: buf(rand(n)), expAvg: zeros(n), expAvgSq: zeros(n), maxExpAvgSq: null, n }));
  const cl = sizes.map((n) => ({ param: rand(n), grad: rand(n), expAvg: new Float32Array(n), expAvgSq: new Float32Array(n), maxExpAvgSq: null }));
  const o = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, step: 3 };
  await bench('adamSteps', '10 × 100,000', () => K.adamSteps(run, gl, o), () => js.adamSteps(cl, o));
  const sg = sizes.map((n, i) => ({ param: gl[i].param, grad: gl[i].grad, momentumBuf: gl[i].expAvg, n }));
  const sc = sizes.map((n, i) => ({ param: cl[i].param, grad: cl[i].grad, momentumBuf: cl[i].expAvg }));
  const so = { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 5e-4, nesterov: true, firstStep: false };
  await bench('sgdSteps', '10 × 100,000', () => K.sgdSteps(run, sg, so), () => js.sgdSteps(sc, so));
}
{
  const n = 1 << 20;
  const x = rand(n); const bx = buf(x); const bo = zeros(n); const o = new Float32Array(n);
  const spec = { keep: 0.9, scale: 1 / 0.9, key0: 123, key1: 456 };
  await bench('dropout', `${n}`, () => K.dropout(run, bx, spec, bo, n), () => js.dropout(x, spec, o));
}
// W3's two layers (issue 5: 1→32 and 32→64, 5×5, batch 64), then a CIFAR-sized 3×3 layer on a
// hardware GPU only (minutes per call on a software one).
const convSizes: [number, number, number, number, number, number][] = [[64, 1, 32, 28, 5, 0], [64, 32, 64, 12, 5, 0],
  ...(isSoftwareDevice(device) ? [] : [[32, 64, 64, 32, 3, 1] as [number, number, number, number, number, number]])];
for (const [n, c, cout, hw, k, pad] of convSizes) {
  const spec = win([hw, hw], [k, k], [1, 1], [pad, pad]);
  const l = spec.outSize[0] * spec.outSize[1];
  const x = rand(n * c * hw * hw); const w = rand(cout * c * k * k, -0.3, 0.3); const g = rand(n * cout * l);
  const bx = buf(x); const bw = buf(w); const bg = buf(g); const bo = zeros(n * cout * l); const bgw = zeros(cout * c * k * k); const bgx = zeros(n * c * hw * hw);
  const o = new Float32Array(n * cout * l); const gw = new Float32Array(cout * c * k * k); const gx = new Float32Array(n * c * hw * hw);
  const size = `x [${n}, ${c}, ${hw}, ${hw}] → ${cout}, ${k}×${k} pad ${pad}`;
  await bench('convForward', size, () => K.convForward(run, bx, n, c, spec, bw, cout, bo), () => js.convForward(x, n, c, spec, w, cout, o));
  await bench('convBackwardWeight', size, () => K.convBackwardWeight(run, bx, n, c, spec, bg, cout, bgw), () => js.convBackwardWeight(x, n, c, spec, g, cout, gw));
  await bench('convBackwardInput', size, () => K.convBackwardInput(run, bw, bg, n, c, spec, cout, bgx), () => js.convBackwardInput(w, g, n, c, spec, cout, gx));
}
{
  const [n, c, hw] = [64, 32, 24]; // W3's first pooling
  const spec = win([hw, hw], [2, 2], [2, 2], [0, 0]);
  const l = spec.outSize[0] * spec.outSize[1];
  const x = rand(n * c * hw * hw); const bx = buf(x); const bo = zeros(n * c * l); const ba = buf(new Int32Array(n * c * l)); const bgx = zeros(n * c * hw * hw);
  const o = new Float32Array(n * c * l); const a = new Int32Array(n * c * l); const gx = new Float32Array(n * c * hw * hw); const g = rand(n * c * l); const bg = buf(g);
  const scale = new Float64Array(l).fill(0.25);
  const size = `[${n}, ${c}, ${hw}, ${hw}], 2×2 stride 2`;
  await bench('maxPool', size, () => K.maxPool(run, bx, n, c, spec, bo, ba), () => js.maxPool(x, n, c, spec, o, a));
  await bench('maxPoolBackward', size, () => K.maxPoolBackward(run, bg, n, c, spec, ba, bgx), () => js.maxPoolBackward(g, n, c, spec, a, gx));
  await bench('avgPool', size, () => K.avgPool(run, bx, n, c, spec, scale, bo), () => js.avgPool(x, n, c, spec, scale, o));
  await bench('avgPoolBackward', size, () => K.avgPoolBackward(run, bg, n, c, spec, scale, bgx), () => js.avgPoolBackward(g, n, c, spec, scale, gx));
}
{
  const [B, H] = [64, 256];
  const gates = rand(B * 4 * H, -3, 3); const cp = rand(B * H); const bgates = buf(gates); const bcp = buf(cp);
  const bc = zeros(B * H); const bh = zeros(B * H); const bact = zeros(B * 5 * H); const bdg = zeros(B * 4 * H); const bdc = zeros(B * H); const bdh = buf(rand(B * H));
  const c = new Float32Array(B * H); const h = new Float32Array(B * H); const act = new Float32Array(B * 5 * H); const dg = new Float32Array(B * 4 * H); const dcp = new Float32Array(B * H); const dh = rand(B * H);
  await bench('lstmCell', `B ${B}, H ${H}`, () => K.lstmCell(run, bgates, bcp, B, H, bc, bh, bact), () => js.lstmCell(gates, cp, B, H, c, h, act));
  await bench('lstmCellBackward', `B ${B}, H ${H}`, () => K.lstmCellBackward(run, bact, bcp, bdh, bdh, B, H, bdg, bdc), () => js.lstmCellBackward(act, cp, dh, dh, B, H, dg, dcp));
  const xp = rand(B * 3 * H, -2, 2); const hp = rand(B * 3 * H, -2, 2); const bxp = buf(xp); const bhp = buf(hp); const bga = zeros(B * 3 * H); const bdx = zeros(B * 3 * H); const bdhp = zeros(B * 3 * H);
  const ga = new Float32Array(B * 3 * H); const dx = new Float32Array(B * 3 * H); const dhp = new Float32Array(B * 3 * H);
  await bench('gruCell', `B ${B}, H ${H}`, () => K.gruCell(run, bxp, bhp, bcp, B, H, bh, bga), () => js.gruCell(xp, hp, cp, B, H, h, ga));
  await bench('gruCellBackward', `B ${B}, H ${H}`, () => K.gruCellBackward(run, bga, bhp, bcp, bdh, B, H, bdx, bdhp, bdc), () => js.gruCellBackward(ga, hp, cp, dh, B, H, dx, dhp, dcp));
}
device.destroy();
void root;
