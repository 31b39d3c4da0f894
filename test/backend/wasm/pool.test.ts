/**
 * The thread pool: thread count from GRADLAB_THREADS, results identical on 1 and 2 threads for
 * work split into many chunks, and a process using the pool exits by itself (workers are unref'd).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';
import { randF32 } from './util.js';

const indexJs = fileURLToPath(new URL('../../../src/backend/wasm/index.js', import.meta.url));

/** Runs a small script in a fresh Node with the given environment; returns its stdout. */
function runChild(code: string, env: Record<string, string>): string {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20000,
  });
  assert.equal(r.status, 0, `child exited with ${r.status} (signal ${r.signal}): ${r.stderr}`);
  return r.stdout.trim();
}

test('GRADLAB_THREADS picks the thread count, and a process using the pool exits on its own', () => {
  const code = `
    import { wasmBackend } from ${JSON.stringify(indexJs)};
    const n = 256, a = new Float32Array(n * n).fill(1), out = new Float32Array(n * n);
    wasmBackend.matmul(a, a, out, { batch: 1, m: n, k: n, n, transA: false, transB: false, strideA: 0, strideB: 0 });
    console.log(wasmBackend.threads(), out[0], out[n * n - 1]);`;
  assert.equal(runChild(code, { GRADLAB_THREADS: '1' }), '1 256 256');
  assert.equal(runChild(code, { GRADLAB_THREADS: '2' }), '2 256 256');
  assert.equal(runChild(code, { GRADLAB_THREADS: '3' }), '3 256 256');
});

test('GRADLAB_THREADS that is not an integer 1…256 is a ThreadsError naming the value', () => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e',
    `import { wasmBackend } from ${JSON.stringify(indexJs)}; wasmBackend.threads();`],
  { env: { ...process.env, GRADLAB_THREADS: 'two' }, encoding: 'utf8', timeout: 20000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /ThreadsError: GRADLAB_THREADS must be an integer from 1 to 256, got 'two'/);
});

test('many small and large jobs in a row give the same results on 1 and 2 threads', () => {
  const one = createWasmBackend({ threads: 1 }, 'wasm-pool-1');
  const two = createWasmBackend({ threads: 2 }, 'wasm-pool-2');
  assert.equal(two.threads(), 2);
  for (let i = 0; i < 200; i++) {
    const m = 8 + ((i * 37) % 120);
    const k = 16 + ((i * 53) % 200);
    const n = 8 + ((i * 29) % 90);
    const a = randF32(m * k, i);
    const b = randF32(k * n, i + 1000);
    const spec = { batch: 1, m, k, n, transA: i % 2 === 1, transB: i % 3 === 1, strideA: 0, strideB: 0 };
    const o1 = new Float32Array(m * n);
    const o2 = new Float32Array(m * n);
    one.matmul(a, b, o1, spec);
    two.matmul(a, b, o2, spec);
    // Same chunks of the same kernel: bit-identical, whichever thread ran them.
    assert.deepEqual(o2, o1, `matmul ${m}x${k}x${n} job ${i}`);
    const x = randF32(70000 + i, i);
    const u1 = new Float32Array(x.length);
    const u2 = new Float32Array(x.length);
    one.unary('tanh', x, u1);
    two.unary('tanh', x, u2);
    assert.deepEqual(u2, u1, `tanh job ${i}`);
  }
});
