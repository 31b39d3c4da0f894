/** wasm permute and sliceCopy against the js reference kernels. */
import { test } from 'node:test';
import type { Shape } from '../../../src/backend/backend.js';
import { jsBackend } from '../../../src/backend/js/index.js';
import { sizeOf } from '../../../src/backend/shape.js';
import { backends, close, randF32 } from './util.js';

test('permute: transposes, attention head splits, rank 5, size-1 and empty dims match js', () => {
  const cases: [Shape, number[]][] = [
    [[300, 100], [1, 0]], [[17, 63], [1, 0]], [[16, 200, 4, 25], [0, 2, 1, 3]], [[16, 4, 200, 25], [0, 1, 3, 2]],
    [[3, 5, 7], [2, 0, 1]], [[2, 3, 4, 5, 6], [4, 3, 2, 1, 0]], [[2, 3, 4, 5, 6], [0, 2, 1, 3, 4]], [[1, 65, 1, 3], [3, 2, 1, 0]],
    [[0, 5, 7], [2, 1, 0]], [[257], [0]],
  ];
  let seed = 1;
  for (const [shape, perm] of cases) {
    const x = randF32(sizeOf(shape), seed++);
    const want = new Float32Array(x.length);
    jsBackend.permute(x, shape, perm, want);
    for (const { label, be } of backends) {
      const got = new Float32Array(x.length).fill(12345);
      be.permute(x, shape, perm, got);
      close(got, want, `${label} permute ${JSON.stringify(shape)} ${JSON.stringify(perm)}`, 0, 0);
    }
  }
});

test('sliceCopy: ranges, steps, one time step of a sequence match js', () => {
  const cases: [Shape, number[], number[], number[]][] = [
    // shape, begin, step, outShape
    [[300, 100], [10, 0], [1, 1], [200, 100]], [[64, 65], [1, 3], [2, 3], [31, 20]], [[200, 64, 40], [7, 0, 0], [1, 1, 1], [1, 64, 40]],
    [[9, 17, 33], [0, 1, 0], [1, 1, 2], [9, 16, 17]], [[2, 3, 4, 5, 6], [1, 0, 1, 0, 2], [1, 2, 1, 2, 1], [1, 2, 3, 3, 4]], [[40, 5], [0, 0], [1, 1], [0, 5]],
  ];
  let seed = 10;
  for (const [shape, begin, step, outShape] of cases) {
    const x = randF32(sizeOf(shape), seed++);
    const want = new Float32Array(sizeOf(outShape));
    jsBackend.sliceCopy(x, shape, begin, step, want, outShape);
    for (const { label, be } of backends) {
      const got = new Float32Array(want.length).fill(12345);
      be.sliceCopy(x, shape, begin, step, got, outShape);
      close(got, want, `${label} sliceCopy ${JSON.stringify(shape)} from ${JSON.stringify(begin)} step ${JSON.stringify(step)}`, 0, 0);
    }
  }
});
