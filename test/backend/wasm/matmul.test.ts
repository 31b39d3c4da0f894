/** wasm matmul against the js reference: all four layouts, batches, strides, odd sizes, both thread paths. */
import { test } from 'node:test';
import type { MatmulSpec } from '../../../src/backend/backend.js';
import { jsBackend } from '../../../src/backend/js/index.js';
import { backends, close, randF32 } from './util.js';

function check(spec: MatmulSpec, seed: number): void {
  const { batch, m, k, n, strideA, strideB } = spec;
  const a = randF32(Math.max(1, (batch - 1) * strideA + m * k), seed);
  const b = randF32(Math.max(1, (batch - 1) * strideB + k * n), seed + 1);
  const want = new Float32Array(batch * m * n);
  jsBackend.matmul(a, b, want, spec);
  for (const { label, be } of backends) {
    const got = new Float32Array(batch * m * n).fill(NaN);
    be.matmul(a, b, got, spec);
    close(got, want, `${label} matmul ${JSON.stringify(spec)}`, 1e-4 * Math.sqrt(k + 1), 1e-4);
  }
}

const layouts: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

test('matmul: all four layouts on awkward sizes match js', () => {
  let seed = 1;
  const sizes: [number, number, number][] = [
    [1, 1, 1], [1, 17, 1], [3, 5, 7], [17, 63, 65], [65, 3, 257], [4, 300, 8], [5, 257, 9], [63, 65, 17], [129, 31, 40],
  ];
  for (const [m, k, n] of sizes) {
    for (const [transA, transB] of layouts) check({ batch: 1, m, k, n, transA, transB, strideA: 0, strideB: 0 }, seed++);
  }
});

test('matmul: the MLP shapes and a k larger than one k-block match js', () => {
  check({ batch: 1, m: 300, k: 784, n: 100, transA: false, transB: false, strideA: 0, strideB: 0 }, 50);
  check({ batch: 1, m: 784, k: 300, n: 100, transA: true, transB: false, strideA: 0, strideB: 0 }, 51);
  check({ batch: 1, m: 300, k: 100, n: 784, transA: false, transB: true, strideA: 0, strideB: 0 }, 52);
  check({ batch: 1, m: 200, k: 600, n: 136, transA: true, transB: true, strideA: 0, strideB: 0 }, 53);
});

test('matmul: batched, with a shared (stride 0) operand', () => {
  for (const [transA, transB] of layouts) {
    check({ batch: 3, m: 17, k: 33, n: 19, transA, transB, strideA: 17 * 33, strideB: 33 * 19 }, 60);
    check({ batch: 4, m: 9, k: 65, n: 24, transA, transB, strideA: 9 * 65, strideB: 0 }, 61);
    check({ batch: 2, m: 40, k: 8, n: 70, transA, transB, strideA: 0, strideB: 8 * 70 }, 62);
    // Enough products for the one-job path (a whole product per work item), k over one k block.
    check({ batch: 9, m: 33, k: 300, n: 21, transA, transB, strideA: 33 * 300, strideB: 300 * 21 }, 63);
    check({ batch: 5, m: 3, k: 17, n: 65, transA, transB, strideA: 0, strideB: 17 * 65 }, 64);
    check({ batch: 16, m: 1, k: 63, n: 1, transA, transB, strideA: 63, strideB: 63 }, 65);
  }
});

test('matmul: empty sizes, k = 0 (zeros) and float64 delegate correctly', () => {
  for (const { label, be } of backends) {
    const out = new Float32Array(6).fill(7);
    be.matmul(new Float32Array(0), new Float32Array(0), out, { batch: 1, m: 2, k: 0, n: 3, transA: false, transB: false, strideA: 0, strideB: 0 });
    close(out, new Float32Array(6), `${label} k=0`);
    const none = new Float32Array(0);
    be.matmul(new Float32Array(0), randF32(12, 3), none, { batch: 1, m: 0, k: 4, n: 3, transA: false, transB: false, strideA: 0, strideB: 0 });
    close(none, [], `${label} m=0`);
    const a = Float64Array.from(randF32(64 * 32, 4));
    const b = Float64Array.from(randF32(32 * 48, 5));
    const spec: MatmulSpec = { batch: 1, m: 64, k: 32, n: 48, transA: false, transB: false, strideA: 0, strideB: 0 };
    const got = new Float64Array(64 * 48);
    const want = new Float64Array(64 * 48);
    be.matmul(a, b, got, spec);
    jsBackend.matmul(a, b, want, spec);
    close(got, want, `${label} float64`, 0, 0);
  }
});
