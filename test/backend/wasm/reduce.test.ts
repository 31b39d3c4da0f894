/** wasm reductions against the js reference: last axis, axis 0, middle blocks, split axes, empty. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReduceOp, Shape } from '../../../src/backend/backend.js';
import { jsBackend } from '../../../src/backend/js/index.js';
import { sizeOf } from '../../../src/backend/shape.js';
import { reduceGeometry } from '../../../src/backend/wasm/reduce.js';
import { backends, close, randF32 } from './util.js';

function check(op: ReduceOp, shape: Shape, axes: number[], seed: number, nan = false): void {
  const x = randF32(sizeOf(shape), seed, -2, 2);
  if (nan && x.length > 5) x[5] = NaN;
  const outLen = sizeOf(shape.filter((_, d) => !axes.includes(d)));
  const want = new Float32Array(outLen);
  jsBackend.reduce(op, x, shape, axes, want);
  for (const { label, be } of backends) {
    const got = new Float32Array(outLen).fill(12345);
    be.reduce(op, x, shape, axes, got);
    const n = sizeOf(shape) / Math.max(1, outLen);
    close(got, want, `${label} ${op} ${JSON.stringify(shape)} axes ${JSON.stringify(axes)}`, 1e-6 * Math.sqrt(n + 1), 1e-5);
  }
}

test('reduceGeometry finds [outer, n, inner] or refuses split axes', () => {
  assert.deepEqual(reduceGeometry([300, 100], [1]), { outer: 300, n: 100, inner: 1 });
  assert.deepEqual(reduceGeometry([300, 100], [0]), { outer: 1, n: 300, inner: 100 });
  assert.deepEqual(reduceGeometry([2, 3, 4, 5], [1, 2]), { outer: 2, n: 12, inner: 5 });
  assert.deepEqual(reduceGeometry([2, 1, 4], [0, 2]), { outer: 1, n: 8, inner: 1 });
  assert.deepEqual(reduceGeometry([2, 3, 4], [0, 2]), null);
  assert.deepEqual(reduceGeometry([5, 1, 4], [1]), { outer: 20, n: 1, inner: 1 });
});

test('reduce: sum / max / min / prod over the patterns the spine uses', () => {
  const cases: [Shape, number[]][] = [
    [[300, 100], [1]], [[300, 100], [0]], [[17], [0]], [[63, 65], [0, 1]], [[257, 3], [1]], [[3, 257], [0]],
    [[2, 3, 17, 5], [1, 2]], [[4, 5, 6], [0, 2]], [[1, 1, 33], [2]], [[5, 1, 40], [1]], [[0, 4], [0]], [[4, 0], [1]],
    [[1000, 33], [0]], [[64, 32, 8, 8], [0, 2, 3]], [[64, 32, 8, 8], [2, 3]],
  ];
  let seed = 1;
  for (const op of ['sum', 'max', 'min', 'prod'] as ReduceOp[]) {
    for (const [shape, axes] of cases) check(op, shape, axes, seed++);
  }
});

test('reduce: max and min propagate NaN like js', () => {
  check('max', [40, 30], [1], 7, true);
  check('min', [40, 30], [0], 8, true);
  check('sum', [40, 30], [1], 9, true);
});
