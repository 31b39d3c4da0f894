/**
 * The webgpu primitives against the js reference, written to run in a browser page (no Node
 * import): the device is navigator.gpu's, in the page (direct link), so every value is read with
 * `await` (readAsync); a synchronous read must be the named error. Also a small fit() on webgpu
 * in the page (fit reads its losses with `await t.read()`). Loaded by kernels-browser.test.ts.
 */
import type { Data, Kernels, WindowSpec } from '../../../src/backend/backend.js';
import { backend, setBackend, useWebGPU } from '../../../src/backend/index.js';
import { jsBackend as js } from '../../../src/backend/js/index.js';
import { BINARY_TABLE, UNARY_TABLE } from '../../../src/backend/optable.js';
import { Linear, ReLU, Sequential } from '../../../src/nn/index.js';
import { crossEntropy } from '../../../src/nn/functional.js';
import { Adam } from '../../../src/optim/adam.js';
import { manualSeed } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { fit } from '../../../src/train/fit.js';

export interface PageResult { name: string; error: string | null }

function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return a;
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string, atol: number, rtol: number): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length} ≠ ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    const a = got[i], e = want[i];
    if (Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e)) continue;
    throw new Error(`${what}[${i}]: got ${a}, expected ${e}`);
  }
}

type Dev = { upload(d: Data): unknown; alloc(t: 'float32' | 'int32', n: number): unknown };
type Handle = { readAsync(): Promise<Data>; peek(): Data };

/** Runs `call` on device copies of the host inputs and returns the device outputs read back. */
async function onDevice(be: Kernels, inputs: Data[], outs: { type: 'float32' | 'int32'; n: number }[],
  call: (args: Data[]) => void): Promise<Data[]> {
  const dev = be.device as unknown as Dev;
  const ins = inputs.map((d) => dev.upload(d) as Data);
  const os = outs.map((o) => dev.alloc(o.type, o.n) as Data);
  call([...ins, ...os]);
  return Promise.all(os.map((h) => (h as unknown as Handle).readAsync()));
}

export async function runPageCases(): Promise<{ adapter: string; results: PageResult[] }> {
  const be = await useWebGPU();
  const results: PageResult[] = [];
  const run = async (name: string, fn: () => Promise<void>): Promise<void> => {
    try { await fn(); results.push({ name, error: null }); } catch (e) { results.push({ name, error: `${String((e as Error).message ?? e)}\n${String((e as Error).stack ?? "").split("\n").slice(0, 8).join("\n")}` }); }
  };

  await run('unary: every row of the op table', async () => {
    for (const row of UNARY_TABLE) {
      for (const n of [1, 3, 65, 257]) {
        const x = rand(n, n + 7, ...((row as { domain?: readonly [number, number] }).domain ?? [-30, 30]));
        const want = new Float32Array(n);
        js.unary(row.name, x, want);
        const [got] = await onDevice(be, [x], [{ type: 'float32', n }], ([a, o]) => be.unary(row.name, a, o));
        const loose = ['sin', 'cos', 'erf', 'log1p', 'expm1', 'softplus', 'logSigmoid'].includes(row.name);
        close(got, want, `${row.name} n=${n}`, loose ? 1e-5 : 1e-6, loose ? 1e-5 : 2e-6);
      }
    }
  });

  await run('binary: every row, broadcasting', async () => {
    const cases: [number[], number[], number[]][] = [[[65, 17], [17], [65, 17]], [[3, 1, 63], [1, 5, 1], [3, 5, 63]], [[17], [], [17]]];
    for (const row of BINARY_TABLE) {
      for (const [as, bs, os] of cases) {
        const na = as.reduce((p, q) => p * q, 1), nb = bs.reduce((p, q) => p * q, 1), no = os.reduce((p, q) => p * q, 1);
        const a = rand(na, 3, -3, 3), b = rand(nb, 4, -3, 3);
        const want = new Float32Array(no);
        js.binary(row.name, a, as, b, bs, want, os);
        const [got] = await onDevice(be, [a, b], [{ type: 'float32', n: no }], ([x, y, o]) => be.binary(row.name, x, as, y, bs, o, os));
        close(got, want, `${row.name} ${JSON.stringify(as)}·${JSON.stringify(bs)}`, 1e-6, row.name === 'pow' ? 1e-5 : 1.2e-7);
      }
    }
  });

  await run('reduce, argmax, matmul (three layouts, batched)', async () => {
    const shape = [4, 70, 3];
    const x = rand(840, 5);
    for (const axes of [[1], [0, 2], [0, 1, 2]]) {
      const n = shape.filter((_, i) => !axes.includes(i)).reduce((p, q) => p * q, 1);
      const want = new Float32Array(n);
      js.reduce('sum', x, shape, axes, want);
      const [got] = await onDevice(be, [x], [{ type: 'float32', n }], ([a, o]) => be.reduce('sum', a, shape, axes, o));
      close(got, want, `sum ${JSON.stringify(axes)}`, 1e-5, 1e-5);
    }
    const wa = new Int32Array(12);
    js.argReduce('argmax', x, shape, 1, wa);
    const [ga] = await onDevice(be, [x], [{ type: 'int32', n: 12 }], ([a, o]) => be.argReduce('argmax', a, shape, 1, o as Int32Array));
    close(ga, wa, 'argmax', 0, 0);
    for (const [transA, transB] of [[false, false], [true, false], [false, true]]) {
      const batch = 3, m = 33, k = 70, n = 17;
      const a = rand(batch * m * k, 6), b = rand(k * n, 7);
      const spec = { batch, m, k, n, transA, transB, strideA: m * k, strideB: 0 };
      const want = new Float32Array(batch * m * n);
      js.matmul(a, b, want, spec);
      const [got] = await onDevice(be, [a, b], [{ type: 'float32', n: batch * m * n }], ([p, q, o]) => be.matmul(p as Float32Array, q as Float32Array, o as Float32Array, spec));
      close(got, want, `matmul tA=${transA} tB=${transB}`, 1e-5, 1e-4);
    }
  });

  await run('permute, sliceCopy, gather / scatterAdd, indexSelect / indexAdd, im2col / col2im', async () => {
    const shape = [3, 17, 5];
    const x = rand(255, 8);
    const pw = new Float32Array(255);
    js.permute(x, shape, [2, 0, 1], pw);
    const [pg] = await onDevice(be, [x], [{ type: 'float32', n: 255 }], ([a, o]) => be.permute(a, shape, [2, 0, 1], o));
    close(pg, pw, 'permute', 0, 0);
    const sw = new Float32Array(2 * 6 * 3);
    js.sliceCopy(x, shape, [1, 0, 1], [1, 3, 1], sw, [2, 6, 3]);
    const [sg] = await onDevice(be, [x], [{ type: 'float32', n: 36 }], ([a, o]) => be.sliceCopy(a, shape, [1, 0, 1], [1, 3, 1], o, [2, 6, 3]));
    close(sg, sw, 'sliceCopy', 0, 0);
    const index = Int32Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 7) % 17);
    const gw = new Float32Array(60);
    js.gather(x, shape, 1, index, [3, 4, 5], gw);
    const [gg] = await onDevice(be, [x, index], [{ type: 'float32', n: 60 }], ([a, ix, o]) => be.gather(a, shape, 1, ix as Int32Array, [3, 4, 5], o));
    close(gg, gw, 'gather', 0, 0);
    const tw = new Float32Array(255);
    js.scatterAdd(gw, [3, 4, 5], 1, index, tw, shape);
    const [tg] = await onDevice(be, [gw, index], [{ type: 'float32', n: 255 }], ([s, ix, o]) => be.scatterAdd(s, [3, 4, 5], 1, ix as Int32Array, o, shape));
    close(tg, tw, 'scatterAdd', 1e-6, 1e-6);
    const idx = Int32Array.from([3, 0, 3, 16]);
    const iw = new Float32Array(3 * 4 * 5);
    js.indexSelect(x, 3, 17, 5, idx, iw);
    const [ig] = await onDevice(be, [x], [{ type: 'float32', n: 60 }], ([a, o]) => be.indexSelect(a, 3, 17, 5, idx, o));
    close(ig, iw, 'indexSelect', 0, 0);
    const aw = new Float32Array(255);
    js.indexAdd(iw, 3, 17, 5, idx, aw);
    const [ag] = await onDevice(be, [iw], [{ type: 'float32', n: 255 }], ([s, o]) => be.indexAdd(s, 3, 17, 5, idx, o));
    close(ag, aw, 'indexAdd', 1e-6, 1e-6);
    const spec: WindowSpec = { inSize: [5, 6], outSize: [3, 3], kernel: [3, 2], stride: [2, 2], padding: [1, 1], dilation: [1, 1] };
    const img = rand(2 * 3 * 30, 9);
    const cw = new Float32Array(2 * 3 * 6 * 9);
    js.im2col(img, 2, 3, spec, cw);
    const [cg] = await onDevice(be, [img], [{ type: 'float32', n: cw.length }], ([a, o]) => be.im2col(a as Float32Array, 2, 3, spec, o as Float32Array));
    close(cg, cw, 'im2col', 0, 0);
    const fw = new Float32Array(img.length);
    js.col2im(cw, 2, 3, spec, fw);
    const [fg] = await onDevice(be, [cw], [{ type: 'float32', n: img.length }], ([a, o]) => be.col2im(a as Float32Array, 2, 3, spec, o as Float32Array));
    close(fg, fw, 'col2im', 1e-6, 1e-6);
  });

  await run('a synchronous read on the page\'s main thread is the named error', async () => {
    const t = new Tensor(Float32Array.of(1, 2, 3), [3]);
    const y = (await import('../../../src/autograd/index.js')).mul(t, 2);
    let message = '';
    try { void y.data; } catch (e) { message = `${(e as Error).name}: ${(e as Error).message}`; }
    if (!/WebGpuError: .*await tensor\.read\(\)/.test(message)) throw new Error(`expected the named error, got '${message}'`);
    await y.read();
    close(y.data, [2, 4, 6], 'after await read()', 0, 0);
  });

  await run('fit() trains an MLP on webgpu in the page (losses read with await)', async () => {
    const gen = manualSeed(4);
    const model = new Sequential(new Linear(8, 16, { generator: gen }), new ReLU(), new Linear(16, 3, { generator: gen }));
    const x = new Tensor(Float32Array.from({ length: 96 * 8 }, () => gen.uniform(-1, 1)), [96, 8]);
    const y = new Tensor(Int32Array.from({ length: 96 }, (_, i) => i % 3), [96]);
    const r = await fit({ model, optimizer: new Adam(model.parameters(), { lr: 0.05 }), epochs: 15, lossFn: (o, t) => crossEntropy(o, t), train: [[x, y]], log: () => undefined });
    const first = r.history[0].metrics['train/loss'];
    const last = r.history[r.history.length - 1].metrics['train/loss'];
    if (!(last < first * 0.8)) throw new Error(`the loss did not go down: ${first} → ${last}`);
  });

  const adapter = (backend() as Kernels & { adapter?: string }).adapter ?? '';
  setBackend('js');
  return { adapter, results };
}

/**
 * The same backend from a Worker of a cross-origin isolated page: the device gets a Worker of its
 * own and reads are synchronous again (kernels called with host arrays, `item()` in a hand-written
 * training loop, `.data`).
 */
export async function runSyncCases(): Promise<{ adapter: string; results: PageResult[] }> {
  const be = await useWebGPU();
  const results: PageResult[] = [];
  const run = (name: string, fn: () => void): void => {
    try { fn(); results.push({ name, error: null }); } catch (e) { results.push({ name, error: `${String((e as Error).message ?? e)}\n${String((e as Error).stack ?? '')}` }); }
  };
  run('kernels with host arrays (uploaded, read back synchronously)', () => {
    const x = rand(257, 3, -5, 5);
    const [w, g] = [new Float32Array(257), new Float32Array(257)];
    js.unary('tanh', x, w); be.unary('tanh', x, g); close(g, w, 'tanh', 1e-6, 2e-6);
    const a = rand(33 * 17, 4), b = rand(17 * 9, 5);
    const spec = { batch: 1, m: 33, k: 17, n: 9, transA: false, transB: false, strideA: 0, strideB: 0 };
    const [mw, mg] = [new Float32Array(297), new Float32Array(297)];
    js.matmul(a, b, mw, spec); be.matmul(a, b, mg, spec); close(mg, mw, 'matmul', 1e-5, 1e-4);
  });
  run('a training loop reading item() every step', () => {
    const gen = manualSeed(4);
    const model = new Sequential(new Linear(8, 16, { generator: gen }), new ReLU(), new Linear(16, 3, { generator: gen }));
    const opt = new Adam(model.parameters(), { lr: 0.05 });
    const x = new Tensor(Float32Array.from({ length: 96 * 8 }, () => gen.uniform(-1, 1)), [96, 8]);
    const y = new Tensor(Int32Array.from({ length: 96 }, (_, i) => i % 3), [96]);
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      losses.push(loss.item());
      loss.backward();
      opt.step();
    }
    if (!(losses[19] < losses[0] * 0.8)) throw new Error(`the loss did not go down: ${losses[0]} → ${losses[19]}`);
    const w = model.parameters()[0];
    if (w.data.length !== 128 || !w.onDevice) throw new Error('the weights live on the device and read back on .data');
  });
  const adapter = (backend() as Kernels & { adapter?: string }).adapter ?? '';
  setBackend('js');
  return { adapter, results };
}
