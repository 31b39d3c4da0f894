/**
 * The op table: generated constants on disk are what the table renders, codes are the row
 * indices, every row's reference is what the js backend computes, and hardswish (the row added
 * through the table) has its value and gradient.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ASSEMBLY_PATH, NATIVE_PATH, renderAssembly, renderNative } from '../../scripts/gen-ops.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { BINARY_CODE, BINARY_TABLE, SLOTS, UNARY_CODE, UNARY_TABLE, slotFloats, slotInts } from '../../src/backend/optable.js';
import * as g from '../../src/index.js';
import { assertClose } from '../helpers.js';

const root = new URL('../../../', import.meta.url);

test('the generated AssemblyScript and C++ constants are up to date with the table (npm run gen:ops)', () => {
  assert.equal(readFileSync(new URL(ASSEMBLY_PATH, root), 'utf8'), renderAssembly(), `${ASSEMBLY_PATH} is stale: run npm run gen:ops`);
  assert.equal(readFileSync(new URL(NATIVE_PATH, root), 'utf8'), renderNative(), `${NATIVE_PATH} is stale: run npm run gen:ops`);
  assert.match(renderAssembly(), /export const U_HARDSWISH: i32 = 23;/);
  assert.match(renderNative(), /constexpr int B_POW = 12;/);
});

test('codes are row indices and names are unique', () => {
  UNARY_TABLE.forEach((r, i) => assert.equal(UNARY_CODE[r.name], i));
  BINARY_TABLE.forEach((r, i) => assert.equal(BINARY_CODE[r.name], i));
  assert.equal(new Set(UNARY_TABLE.map((r) => r.name)).size, UNARY_TABLE.length);
  assert.equal(new Set(BINARY_TABLE.map((r) => r.name)).size, BINARY_TABLE.length);
});

test('parameter slots are filled in table order', () => {
  assert.deepEqual(slotInts('unaryRange', { out: 30, op: 1, x: 20 }), [1, 20, 30]);
  assert.deepEqual(slotFloats('clampRange', { hi: 2, lo: -1 }), [-1, 2]);
  assert.equal(SLOTS.binaryRows.ints.length, 16);
});

test('the js backend computes each row\'s reference', () => {
  const x = Float64Array.from([-4, -3, -1.5, 0, 0.25, 2, 3, 7]);
  for (const row of UNARY_TABLE) {
    const out = new Float64Array(x.length);
    jsBackend.unary(row.name, x, out);
    x.forEach((v, i) => assert.ok(Object.is(out[i], row.ref(v)) || out[i] === row.ref(v), `${row.name}(${v})`));
  }
  for (const row of BINARY_TABLE) {
    const out = new Float64Array(x.length);
    jsBackend.binary(row.name, x, [x.length], Float64Array.of(1.5), [], out, [x.length]);
    x.forEach((v, i) => assert.equal(out[i], row.ref(v, 1.5), `${row.name}(${v}, 1.5)`));
  }
});

test('hardswish: values as torch.nn.functional.hardswish and its gradient', () => {
  assertClose(g.hardswish(g.tensor([-4, -3, -1, 0, 1, 3, 5])), [0, 0, -1 / 3, 0, 2 / 3, 3, 5], 1e-6);
  const x = g.tensor([-4, -2.5, -1, 0.5, 2.9, 4], { dtype: 'float64', requiresGrad: true });
  const r = g.gradcheck((t) => g.hardswish(t), [x]);
  assert.ok(r.ok, r.message);
  // PyTorch's backward at the kinks: −0.5 at −3 and 1.5 at 3.
  const k = g.tensor([-3, 3], { dtype: 'float64', requiresGrad: true });
  g.hardswish(k).sum().backward();
  assertClose(k.grad as g.Tensor, [-0.5, 1.5]);
});
