/**
 * The native backend as gradlab uses it: chosen by default when the addon loads, memory flat over
 * 10,000 training steps (conv, pooling, layer norm, dropout, Adam: the native scratch paths), the
 * process exits with the pool idle, and the fallback when native is disabled or missing says why,
 * once, in one line, and runs on wasm.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadNativeAddon } from '../../../src/backend/native/index.js';

const loaded = loadNativeAddon();
const skip = 'error' in loaded ? `native addon unavailable: ${loaded.error}` : false;
const dist = new URL('../../../src/', import.meta.url);
// The Node entry registers the native backend; the browser core alone does not (tested below).
const indexJs = new URL('node.js', dist).href;
const coreJs = new URL('index.js', dist).href;

function child(code: string, env: Record<string, string | undefined>): { status: number | null; stdout: string; stderr: string } {
  const e: Record<string, string | undefined> = { ...process.env, GRADLAB_BACKEND: undefined, GRADLAB_NATIVE: undefined, ...env };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: e as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TRAIN = `
import * as g from ${JSON.stringify(indexJs)};
const x = g.randn([64, 32]); const w = g.randn([32, 8], { requiresGrad: true });
for (let i = 0; i < 5; i++) { const l = g.matmul(x, w).relu().sum(); l.backward(); }
console.log(g.backend().name);`;

test('default: native when the addon loads, nothing said; the process exits with the pool idle', { skip }, () => {
  const r = child(TRAIN, {});
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'native');
  assert.equal(r.stderr.trim(), '');
});

test('the browser core alone in Node: wasm, and one line saying native comes with gradlab/node', () => {
  const r = child(TRAIN.replace(JSON.stringify(indexJs), JSON.stringify(coreJs)), {});
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'wasm');
  assert.deepEqual(r.stderr.trim().split('\n'), ["gradlab: using the wasm backend (native: not loaded: it is Node-only and comes with the 'gradlab/node' entry (import 'gradlab/node' once))"]);
});

test('GRADLAB_NATIVE=0: wasm, and one line saying why', () => {
  const r = child(TRAIN, { GRADLAB_NATIVE: '0' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'wasm');
  const lines = r.stderr.trim().split('\n');
  assert.deepEqual(lines, ['gradlab: using the wasm backend (native: disabled by GRADLAB_NATIVE=0)']);
});

test('a missing addon: wasm, and one line naming the path', () => {
  const r = child(TRAIN, { GRADLAB_NATIVE_PATH: '/nonexistent/gradlab_native.node' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'wasm');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^gradlab: using the wasm backend \(native: \/nonexistent\/gradlab_native\.node is missing/);
});

test('GRADLAB_BACKEND=native when native cannot load is a named error, not a silent fallback', () => {
  const r = child(TRAIN, { GRADLAB_BACKEND: 'native', GRADLAB_NATIVE: '0' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /BackendError: setBackend: the native backend cannot be used here: disabled by GRADLAB_NATIVE=0/);
});

test('GRADLAB_NATIVE_ISA that is not a path is a named error', { skip }, () => {
  const r = child(TRAIN, { GRADLAB_NATIVE_ISA: 'avx1024' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /NativeIsaError: GRADLAB_NATIVE_ISA must be one of avx512, avx2, portable \(or unset\), got 'avx1024'/);
});

test('GRADLAB_NATIVE_ISA=portable and GRADLAB_THREADS=1 are honoured', { skip }, () => {
  const r = child(`import * as g from ${JSON.stringify(indexJs)}; g.matmul(g.ones([2, 2]), g.ones([2, 2]));
    const b = g.backend(); console.log(b.name, b.isa(), b.threads());`, { GRADLAB_NATIVE_ISA: 'portable', GRADLAB_THREADS: '1' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'native portable 1');
});

test('10,000 training steps on native keep memory flat', { skip }, async () => {
  await import('../../../src/backend/native/register.js');
  const g = await import('../../../src/index.js');
  const { Conv1d, Dropout, LayerNorm, Linear, MaxPool1d, ReLU, Sequential, F } = await import('../../../src/nn/index.js');
  const { Adam } = await import('../../../src/optim/index.js');
  g.setBackend('native');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  g.manualSeed(1);
  const conv = new Sequential(new Conv1d(2, 4, 3, { padding: 1 }), new ReLU(), new MaxPool1d(2));
  const head = new Sequential(new LayerNorm([32]), new Dropout(0.1), new Linear(32, 5));
  const params = [...conv.parameters(), ...head.parameters()];
  const opt = new Adam(params);
  const x = g.randn([16, 2, 16]);
  const y = g.randint(0, 5, [16]);
  const used = (): number => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const rss = (): number => process.memoryUsage().rss;
  const early: number[] = [];
  const late: number[] = [];
  let rssEarly = 0;
  for (let step = 1; step <= 10000; step++) {
    opt.zeroGrad();
    const h = conv.forward(x).reshape([16, 32]);
    F.crossEntropy(head.forward(h), y).backward();
    opt.step();
    if (step === 1000 || step === 1010 || step === 1020) early.push(used());
    if (step === 1020) rssEarly = rss();
    if (step === 9980 || step === 9990 || step === 10000) late.push(used());
  }
  const growth = Math.min(...late) - Math.min(...early);
  assert.ok(growth < 6 * 1024 * 1024, `JS memory grew by ${(growth / 1048576).toFixed(2)} MiB between step 1000 and 10000`);
  // Native scratch is reused per thread, so the resident set stays put too.
  const rssGrowth = rss() - rssEarly;
  assert.ok(rssGrowth < 32 * 1024 * 1024, `resident memory grew by ${(rssGrowth / 1048576).toFixed(2)} MiB between step 1020 and 10000`);
});
