import assert from 'node:assert/strict';
import { test } from 'node:test';
import { broadcastStrides, normAxis, sizeOf, stridesOf, tryBroadcastShapes } from '../../src/backend/shape.js';

test('broadcasting follows NumPy: align right, size-1 repeats', () => {
  assert.deepEqual(tryBroadcastShapes([300, 100], [100]), [300, 100]);
  assert.deepEqual(tryBroadcastShapes([2, 1, 4], [3, 1]), [2, 3, 4]);
  assert.deepEqual(tryBroadcastShapes([], [5]), [5]);
  assert.deepEqual(tryBroadcastShapes([0, 3], [1, 3]), [0, 3]);
  assert.equal(tryBroadcastShapes([2, 3], [4]), null);
});

test('strides and broadcast strides', () => {
  assert.deepEqual(stridesOf([2, 3, 4]), [12, 4, 1]);
  assert.deepEqual(broadcastStrides([3, 1], [2, 3, 4]), [0, 1, 0]);
  assert.equal(sizeOf([]), 1);
  assert.equal(sizeOf([3, 0]), 0);
});

test('normAxis accepts negatives and names the problem', () => {
  assert.equal(normAxis(-1, 3, 'sum'), 2);
  assert.throws(() => normAxis(3, 3, 'sum'), /sum: dimension 3 is out of range for a tensor of rank 3/);
});
