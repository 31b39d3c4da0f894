/** Synthetic sets: shapes, class balance, seeding, geometry of each kind, and the regression truth. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { genArti, linearRegressionData, pointsTensors, signedLabels } from '../../src/data/synthetic.js';

test('blobs: two balanced classes centred at ±(1,1)', () => {
  const s = genArti({ kind: 'blobs', n: 400, seed: 3 });
  let m1x = 0, m0x = 0, n1 = 0;
  for (let i = 0; i < s.n; i++) {
    if (s.y[i] === 1) { m1x += s.x[2 * i]; n1++; } else m0x += s.x[2 * i];
  }
  assert.equal(n1, 200);
  assert.ok(Math.abs(m1x / n1 - 1) < 0.05, `class-1 mean x ${m1x / n1}`);
  assert.ok(Math.abs(m0x / (s.n - n1) + 1) < 0.05);
});

test('xor: the label is 1 exactly where x·y > 0 (blobs well separated)', () => {
  const s = genArti({ kind: 'xor', n: 400, sigma: 0.1, noise: 0.01, seed: 1 });
  for (let i = 0; i < s.n; i++) assert.equal(s.y[i], s.x[2 * i] * s.x[2 * i + 1] > 0 ? 1 : 0);
});

test('checkerboard without noise: label is the parity of the square', () => {
  const s = genArti({ kind: 'checkerboard', n: 500, noise: 0, squares: 4, seed: 2 });
  for (let i = 0; i < s.n; i++) {
    const a = Math.floor(s.x[2 * i] + 2), b = Math.floor(s.x[2 * i + 1] + 2);
    assert.equal(s.y[i], (a + b) % 2);
  }
});

test('same seed, same points; another seed, other points', () => {
  const a = genArti({ kind: 'xor', n: 50, seed: 9 });
  const b = genArti({ kind: 'xor', n: 50, seed: 9 });
  const c = genArti({ kind: 'xor', n: 50, seed: 10 });
  assert.deepEqual(a.x, b.x);
  assert.notDeepEqual(a.x, c.x);
  assert.deepEqual([...signedLabels(new Int32Array([0, 1]))], [-1, 1]);
  assert.throws(() => genArti({ kind: 'spiral' as never }), /unknown kind 'spiral'/);
});

test('linear regression: least squares recovers a, b, c', () => {
  const d = linearRegressionData({ n: 2000, noise: 0.5, seed: 4 });
  // Normal equations for [x1, x2, 1].
  const A = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const r = [0, 0, 0];
  for (let i = 0; i < d.n; i++) {
    const f = [d.x[2 * i], d.x[2 * i + 1], 1];
    for (let j = 0; j < 3; j++) { r[j] += f[j] * d.y[i]; for (let k = 0; k < 3; k++) A[j][k] += f[j] * f[k]; }
  }
  for (let j = 0; j < 3; j++) for (let k = j + 1; k < 3; k++) { const m = A[k][j] / A[j][j]; for (let l = 0; l < 3; l++) A[k][l] -= m * A[j][l]; r[k] -= m * r[j]; }
  const w = [0, 0, 0];
  for (let j = 2; j >= 0; j--) { let s = r[j]; for (let k = j + 1; k < 3; k++) s -= A[j][k] * w[k]; w[j] = s / A[j][j]; }
  assert.ok(Math.abs(w[0] - 1002) < 0.1, `a ≈ ${w[0]}`);
  assert.ok(Math.abs(w[1] - 13) < 0.1, `b ≈ ${w[1]}`);
  assert.ok(Math.abs(w[2] - 4) < 0.1, `c ≈ ${w[2]}`);
  const t = pointsTensors(d);
  assert.deepEqual(t.x.shape, [2000, 2]);
});
