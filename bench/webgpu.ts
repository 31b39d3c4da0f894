/**
 * `node dist/bench/webgpu.js`: the webgpu backend on W1–W5 of issue 5 (bench/gradlab.ts, the same
 * models and data as `npm run bench`), plus an sgemm of n×n×n on device-resident operands, beside
 * the native CPU backend and PyTorch when they are here (PyTorch on CUDA when it has a GPU, else on
 * its CPU threads). Each unit is timed to the device's completion (a round trip after it); the
 * median of --reps runs after one warm-up is printed. Benchmarks are not tests: nothing asserts.
 *
 * Options: --only sgemm,W2,W3,W4,W5 (default)   --sgemm 4096 (n)   --reps 3   --no-native   --no-torch
 * Vulkan driver: whatever Dawn finds (on a GPU machine its driver; here chromium's SwiftShader through
 * VK_ICD_FILENAMES, where W4 / W5 take minutes per step: pass --only).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { backend, registerBackend, setBackend } from '../src/backend/index.js';
import { createNativeBackend, loadNativeAddon } from '../src/backend/native/index.js';
import { type WebGpuBackend, createWebGpuBackend } from '../src/backend/webgpu/index.js';
import { GRADLAB } from './gradlab.js';
import { uniform } from './data.js';
import { benchArgs } from './args.js';

const { arg, flag } = benchArgs('bench/webgpu', ['only', 'reps', 'sgemm'], ['no-native', 'no-torch']);

const only = arg('only', 'sgemm,W2,W3,W4,W5').split(',').map((s) => s.trim()).filter(Boolean);
const n = Number(arg('sgemm', '4096'));
const reps = Number(arg('reps', '3'));
const known = new Set(['sgemm', ...Object.keys(GRADLAB)]);
for (const w of only) if (!known.has(w)) throw new Error(`bench/webgpu: unknown workload '${w}' (known: ${[...known].join(', ')})`);

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function timeUnits(unit: () => void, done: () => Promise<void>): Promise<number> {
  unit();
  await done();
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    unit();
    await done();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/** One unit of workload w on the active backend (sgemm: one n³ product on operands already there). */
function makeUnit(w: string): () => void {
  if (w !== 'sgemm') return GRADLAB[w]();
  const be = backend();
  const host = (seed: number): Float32Array => uniform(n * n, seed);
  const put = (d: Float32Array): Float32Array => (be.device ? (be.device.upload(d) as unknown as Float32Array) : d);
  const a = put(host(7));
  const b = put(host(8));
  const out = be.device ? (be.device.alloc('float32', n * n) as unknown as Float32Array) : new Float32Array(n * n);
  const spec = { batch: 1, m: n, k: n, n, transA: false, transB: false, strideA: 0, strideB: 0 };
  return () => be.matmul(a, b, out, spec);
}

const label = (w: string): string => (w === 'sgemm' ? `sgemm ${n}³` : w);

async function torchTimes(): Promise<Map<string, number | string>> {
  const out = new Map<string, number | string>();
  const py = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const script = fileURLToPath(new URL('../../bench/torch_bench.py', import.meta.url));
  const probe = await new Promise<string>((resolve) => {
    const p = spawn(py, ['-c', 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")']);
    let s = '';
    p.stdout.on('data', (d) => { s += String(d); });
    p.on('error', () => resolve('none'));
    p.on('close', (code) => resolve(code === 0 ? s.trim() : 'none'));
  });
  if (probe === 'none') return out;
  const names = only.map((w) => (w === 'sgemm' ? `W1-${n}` : w));
  const child = spawn(py, [script, '2'], { env: { ...process.env, TORCH_DEVICE: probe } });
  const lines = createInterface({ input: child.stdout });
  const it = lines[Symbol.asyncIterator]();
  const next = async (): Promise<string> => String((await it.next()).value ?? 'failed');
  child.on('error', () => undefined);
  if ((await next()) !== 'ready') return out;
  out.set('device', probe);
  for (const [i, name] of names.entries()) {
    const t: number[] = [];
    for (let r = 0; r <= reps; r++) {
      child.stdin.write(`${name}\n`);
      const v = await next();
      if (!Number.isFinite(Number(v))) { out.set(only[i], v); break; }
      if (r > 0) t.push(Number(v));
    }
    if (t.length) out.set(only[i], median(t));
  }
  child.stdin.end();
  return out;
}

let gpu: WebGpuBackend;
try {
  gpu = await createWebGpuBackend();
} catch (e) {
  console.log(`bench/webgpu: no webgpu device here: ${(e as Error).message}`);
  process.exit(1);
}
registerBackend(gpu);
console.log(`webgpu adapter: ${gpu.adapter}`);
const rows: { w: string; gpu: number | string; native: number | string; torch: number | string }[] = [];
const loaded = flag('no-native') ? { error: 'skipped' } : loadNativeAddon();
if (!('error' in loaded)) registerBackend(createNativeBackend(loaded.addon, {}));
for (const w of only) {
  setBackend('webgpu');
  let g: number | string;
  try {
    g = await timeUnits(makeUnit(w), async () => { await gpu.client.liveBuffers(); });
  } catch (e) {
    g = `failed: ${(e as Error).message.split('\n')[0]}`;
  }
  let c: number | string = 'error' in loaded ? `native: ${loaded.error}` : '';
  if (!('error' in loaded)) {
    setBackend('native');
    c = await timeUnits(makeUnit(w), async () => undefined);
  }
  rows.push({ w, gpu: g, native: c, torch: '' });
  console.log(`${label(w)}: webgpu ${typeof g === 'number' ? `${g.toFixed(1)} ms` : g}, native ${typeof c === 'number' ? `${c.toFixed(1)} ms` : c}`);
}
const torch = flag('no-torch') ? new Map<string, number | string>() : await torchTimes();
for (const r of rows) r.torch = torch.get(r.w) ?? 'absent';
const fmt = (v: number | string): string => (typeof v === 'number' ? v.toFixed(1) : v);
const flops = (ms: number | string): string => (typeof ms === 'number' ? ` (${((2 * n ** 3) / (ms / 1000) / 1e12).toFixed(2)} TFLOPS)` : '');
console.log(`\n| workload | webgpu ms | native CPU ms | PyTorch (${torch.get('device') ?? 'absent'}) ms | native / webgpu |`);
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const ratio = typeof r.gpu === 'number' && typeof r.native === 'number' ? `${(r.native / r.gpu).toFixed(1)}×` : '';
  console.log(`| ${label(r.w)} | ${fmt(r.gpu)}${r.w === 'sgemm' ? flops(r.gpu) : ''} | ${fmt(r.native)} | ${fmt(r.torch)}${r.w === 'sgemm' ? flops(r.torch) : ''} | ${ratio} |`);
}
process.exit(0);
