/** Shared helpers for the wasm-vs-js kernel tests: seeded data, the backends under test, closeness. */
import assert from 'node:assert/strict';
import type { Kernels } from '../../../src/backend/backend.js';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';

export { randF32, rng } from '../seeded.js';

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
