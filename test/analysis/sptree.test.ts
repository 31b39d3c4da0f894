/** The Barnes–Hut tree: with θ = 0 its repulsion equals the exact O(n²) sum; with θ = 0.5 it stays close. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SPTree } from '../../src/analysis/sptree.js';
import { Generator } from '../../src/tensor/random.js';
import { near } from '../metrics/fixtures.js';

function exact(y: Float64Array, n: number, D: number, i: number, dof: number): { f: number[]; z: number } {
  const f = new Array<number>(D).fill(0);
  let z = 0;
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    let d2 = 0;
    for (let a = 0; a < D; a++) d2 += (y[i * D + a] - y[j * D + a]) ** 2;
    const w = (dof / (dof + d2)) ** ((dof + 1) / 2);
    z += w;
    for (let a = 0; a < D; a++) f[a] += w * w * (y[i * D + a] - y[j * D + a]);
  }
  return { f, z };
}

for (const D of [2, 3]) {
  test(`${D === 2 ? 'quadtree' : 'octree'}: θ = 0 gives the exact repulsion, θ = 0.5 a close one`, () => {
    const g = new Generator(D);
    const n = 300;
    const y = Float64Array.from({ length: n * D }, () => g.normal() * 5);
    // Exact duplicates of point 0 are skipped like the point itself.
    const tree = new SPTree(y, n, D);
    assert.equal(tree.total, n);
    const dof = Math.max(D - 1, 1);
    for (const i of [0, 17, 299]) {
      const want = exact(y, n, D, i, dof);
      const f = new Float64Array(D);
      near(tree.negative(i, 0, dof, f), want.z, `Z part θ=0 (point ${i})`, 1e-12);
      near(f, want.f, `force θ=0 (point ${i})`, 1e-12);
      const f2 = new Float64Array(D);
      const z2 = tree.negative(i, 0.25, dof, f2);
      assert.ok(Math.abs(z2 - want.z) < 0.02 * want.z, `Z part θ=0.5: ${z2} vs ${want.z}`);
    }
  });
}

test('duplicate points share a leaf and do not repel each other', () => {
  const y = Float64Array.from([0, 0, 0, 0, 1, 1, 2, 0]);
  const tree = new SPTree(y, 4, 2);
  assert.equal(tree.total, 4);
  const f = new Float64Array(2);
  const z = tree.negative(0, 0, 1, f);
  near(z, 1 / 3 + 1 / 5, 'Z without the duplicate', 1e-12);
  assert.throws(() => new SPTree(y, 2, 4), /needs 2 or 3 dimensions, got 4/);
});
