/** imageGrid: placement of each image, padding, empty cells and byte input. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageGrid } from '../../src/track/images.js';

test('three 2×2 grey images fill a 2-column grid row by row with 1-pixel padding', () => {
  const imgs = new Float32Array([0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3]);
  const g = imageGrid(imgs, { height: 2, width: 2, cols: 2, background: 0 });
  assert.deepEqual([g.width, g.height, g.channels], [7, 7, 1]);
  const at = (x: number, y: number): number => g.data[y * 7 + x]!;
  assert.deepEqual([at(1, 1), at(2, 2), at(4, 1), at(5, 2), at(1, 4), at(2, 5), at(4, 4), at(0, 0), at(3, 1)].map((v) => Math.round(v * 10) / 10), [0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0, 0, 0]);
});

test('byte images are scaled to [0,1]; a size that is not whole images is refused', () => {
  const g = imageGrid(new Uint8Array([255, 0, 51]), { height: 1, width: 1, channels: 3, pad: 0 });
  assert.deepEqual(Array.from(g.data), [1, 0, 0.2].map(Math.fround));
  assert.throws(() => imageGrid(new Float32Array(5), { height: 2, width: 2 }), /5 values is not a whole number of 2×2×1 images \(4 values each\)/);
});
