/** wasm unary / binary (broadcasting) / leakyRelu / clamp against the js reference kernels. */
import { test } from 'node:test';
import type { BinaryOp, Shape, UnaryOp } from '../../../src/backend/backend.js';
import { jsBackend } from '../../../src/backend/js/index.js';
import { BINARY_TABLE, UNARY_TABLE } from '../../../src/backend/optable.js';
import { sizeOf, tryBroadcastShapes } from '../../../src/backend/shape.js';
import { coalesce } from '../../../src/backend/wasm/elementwise.js';
import { AWKWARD, backends, close, randF32 } from './util.js';
import assert from 'node:assert/strict';

// Every op of the table, so a new row is tested here without editing a list.
const UNARY: UnaryOp[] = UNARY_TABLE.map((r) => r.name);
const BINARY: BinaryOp[] = BINARY_TABLE.map((r) => r.name);

/** Inputs with the special values and wide ranges the transcendental kernels must get right. */
function unaryInput(n: number, seed: number): Float32Array {
  const x = randF32(n, seed, -30, 30);
  const special = [0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-30, -1e-30, 1e-40, 88.7, 89, -103, -110, 1000, -1000, Infinity, -Infinity, NaN, 0.3, -0.7, 3e38];
  for (let i = 0; i < Math.min(n, special.length); i++) x[(i * 7) % n] = special[i];
  return x;
}

test('unary: every op on awkward lengths and special values matches js', () => {
  for (const op of UNARY) {
    for (const n of [...AWKWARD, 4099]) {
      const x = unaryInput(n, n + 1);
      const want = new Float32Array(n);
      jsBackend.unary(op, x, want);
      for (const { label, be } of backends) {
        const got = new Float32Array(n).fill(12345);
        be.unary(op, x, got);
        // exp/log/tanh/sigmoid are polynomial approximations: a few ulp, and denormal results may flush.
        close(got, want, `${label} ${op} n=${n}`, 1e-37, 4e-7);
      }
    }
  }
});

test('unary: float64 and int32 data take the js path unchanged', () => {
  const x = Float64Array.from(randF32(100, 9, -3, 3));
  const want = new Float64Array(100);
  jsBackend.unary('exp', x, want);
  const xi = Int32Array.from({ length: 70 }, (_, i) => i - 35);
  const wantI = new Int32Array(70);
  jsBackend.unary('abs', xi, wantI);
  for (const { label, be } of backends) {
    const got = new Float64Array(100);
    be.unary('exp', x, got);
    close(got, want, `${label} exp float64`, 0, 0);
    const gotI = new Int32Array(70);
    be.unary('abs', xi, gotI);
    close(gotI, wantI, `${label} abs int32`, 0, 0);
  }
});

test('coalesce merges contiguous and broadcast runs', () => {
  assert.deepEqual(coalesce([2, 3, 4], [[12, 4, 1], [12, 4, 1]]), { shape: [24], strides: [[1], [1]] });
  assert.deepEqual(coalesce([300, 100], [[100, 1], [0, 1]]), { shape: [300, 100], strides: [[100, 1], [0, 1]] });
  assert.deepEqual(coalesce([5, 1, 7], [[7, 0, 1], [0, 0, 0]]), { shape: [35], strides: [[1], [0]] });
});

function checkBinary(op: BinaryOp, aShape: Shape, bShape: Shape, seed: number): void {
  const outShape = tryBroadcastShapes(aShape, bShape);
  assert.ok(outShape, `shapes ${aShape} and ${bShape} broadcast`);
  const a = randF32(sizeOf(aShape), seed, -3, 3);
  const b = randF32(sizeOf(bShape), seed + 1, -3, 3);
  // Equal values and NaNs exercise comparisons and maximum/minimum.
  if (a.length > 2 && b.length > 2) { a[1] = b[1]; a[2] = NaN; }
  if (op === 'pow') for (let i = 0; i < a.length; i++) a[i] = Math.abs(a[i]);
  const n = sizeOf(outShape);
  const want = new Float32Array(n);
  jsBackend.binary(op, a, aShape, b, bShape, want, outShape);
  for (const { label, be } of backends) {
    const got = new Float32Array(n).fill(12345);
    be.binary(op, a, aShape, b, bShape, got, outShape);
    close(got, want, `${label} ${op} ${JSON.stringify(aShape)} ∘ ${JSON.stringify(bShape)}`, 0, 1e-6);
  }
}

test('binary: every op, same shapes and scalars, awkward lengths', () => {
  let seed = 1;
  for (const op of BINARY) {
    for (const n of AWKWARD) {
      checkBinary(op, [n], [n], seed++);
      checkBinary(op, [n], [1], seed++);
      checkBinary(op, [], [n], seed++);
    }
  }
});

test('binary: broadcasting patterns (bias rows, columns, outer products, middle axes, rank 5)', () => {
  const cases: [Shape, Shape][] = [
    [[300, 100], [100]], [[65, 17], [65, 1]], [[17, 1], [1, 63]], [[3, 17, 5], [17, 1]], [[2, 3, 4, 5], [3, 1, 5]],
    [[7, 1, 9], [1, 6, 1]], [[2, 2, 3, 2, 5], [2, 1, 3, 1, 5]], [[257], [1]], [[1], [4, 65]], [[0, 5], [5]], [[4, 0], [1]],
    [[64, 32, 8, 8], [32, 1, 1]],
  ];
  let seed = 100;
  for (const op of BINARY) for (const [a, b] of cases) checkBinary(op, a, b, seed++);
});

test('leakyRelu and clamp match js', () => {
  for (const n of [...AWKWARD, 1000]) {
    const x = unaryInput(n, n + 3);
    const w1 = new Float32Array(n);
    const w2 = new Float32Array(n);
    jsBackend.leakyRelu(x, 0.01, w1);
    jsBackend.clamp(x, -2, 3.5, w2);
    for (const { label, be } of backends) {
      const g1 = new Float32Array(n);
      const g2 = new Float32Array(n);
      be.leakyRelu(x, 0.01, g1);
      be.clamp(x, -2, 3.5, g2);
      close(g1, w1, `${label} leakyRelu n=${n}`, 0, 1e-6);
      close(g2, w2, `${label} clamp n=${n}`, 0, 0);
    }
  }
});

test('threaded maps: memory-bound ops split only above 4M elements, compute-bound ones from 32K; both equal js', () => {
  // Sizes that take the pool on 2 threads (several chunks), so the chunk boundaries are covered.
  const big = 4_200_007; // > 2·MEM_GRAIN: add (broadcast rows), relu and clamp run in chunks
  const rows = big - (big % 7);
  const a = randF32(rows, 1, -3, 3);
  const b = randF32(7, 2, -3, 3);
  for (const { label, be } of backends) {
    const want = new Float32Array(rows);
    jsBackend.binary('add', a, [rows / 7, 7], b, [7], want, [rows / 7, 7]);
    const got = new Float32Array(rows);
    be.binary('add', a, [rows / 7, 7], b, [7], got, [rows / 7, 7]);
    assert.deepEqual(got, want, `${label} add broadcast n=${rows}`);
    jsBackend.unary('relu', a, want);
    be.unary('relu', a, got);
    assert.deepEqual(got, want, `${label} relu n=${rows}`);
  }
  const n = 40_003; // > 2·16384: exp and sigmoid run in chunks
  const x = randF32(n, 3, -20, 20);
  for (const op of ['exp', 'sigmoid'] as const) {
    const want = new Float32Array(n);
    jsBackend.unary(op, x, want);
    for (const { label, be } of backends) {
      const got = new Float32Array(n);
      be.unary(op, x, got);
      close(got, want, `${label} ${op} n=${n}`, 1e-37, 4e-7);
    }
  }
});
