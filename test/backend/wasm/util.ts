/** Shared helpers for the wasm-vs-js kernel tests: seeded data, the backends under test, closeness. */
import assert from 'node:assert/strict';
import type { Kernels } from '../../../src/backend/backend.js';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';

/** mulberry32: small seeded generator, so every run sees the same data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randF32(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/** The wasm backends under test: one thread, two threads (pool), and the non-shared fallback. */
export const backends: { label: string; be: Kernels }[] = [
  { label: 'wasm/1 thread', be: createWasmBackend({ threads: 1 }, 'wasm-1') },
  { label: 'wasm/2 threads', be: createWasmBackend({ threads: 2 }, 'wasm-2') },
  { label: 'wasm/no shared memory', be: createWasmBackend({ shared: false }, 'wasm-st') },
];

/** |a − e| ≤ atol + rtol·|e| elementwise (NaN matches NaN, ±inf must match exactly). */
export function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, atol = 1e-6, rtol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} ≠ ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e)) continue;
    assert.fail(`${what}[${i}]: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
  }
}

/** Sizes that hit vector tails, tile edges and the thread split: 0, 1, 3, 17, 63, 65, 257, … */
export const AWKWARD = [0, 1, 3, 17, 63, 65, 257];
