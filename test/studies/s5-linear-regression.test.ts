import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leastSquares2, s5LinearRegression } from '../../src/studies/s5-linear-regression.js';
import { StudyTracking } from '../../src/studies/tracking.js';

test('SGD on a Linear(2,1) recovers a = 1002, b = 13, c = 4 within the noise', async () => {
  const lines: string[] = [];
  const r = await s5LinearRegression.run({ epochs: 25, seed: 3, log: (l) => lines.push(l), tracking: StudyTracking.off('s5-linear-regression', 3) });
  const k = r.coefficients as { a: number; b: number; c: number };
  assert.ok(Math.abs(k.a - 1002) < 0.3, `a = ${k.a}`);
  assert.ok(Math.abs(k.b - 13) < 0.3, `b = ${k.b}`);
  assert.ok(Math.abs(k.c - 4) < 0.3, `c = ${k.c}`);
  // SGD ends near the exact least-squares fit of the same points.
  const ls = r.leastSquares as { a: number; b: number; c: number };
  assert.ok(Math.abs(k.a - ls.a) < 0.2 && Math.abs(k.b - ls.b) < 0.2 && Math.abs(k.c - ls.c) < 0.2, JSON.stringify({ k, ls }));
  assert.ok(r.testLoss > 0.7 && r.testLoss < 1.5, `test MSE ${r.testLoss} should be near the noise variance 1`);
  assert.equal(r.history.length, 25);
  assert.ok(lines.some((l) => l.startsWith('recovered by SGD:')));
});

test('leastSquares2 solves an exact plane and refuses a degenerate one', () => {
  const x = Float32Array.from([0, 0, 1, 0, 0, 1, 1, 1]);
  const y = Float32Array.from([4, 6, 7, 9]); // 2·x1 + 3·x2 + 4
  const s = leastSquares2(x, y, Int32Array.from([0, 1, 2, 3]));
  assert.ok(Math.abs(s.a - 2) < 1e-9 && Math.abs(s.b - 3) < 1e-9 && Math.abs(s.c - 4) < 1e-9, JSON.stringify(s));
  assert.throws(() => leastSquares2(x, y, Int32Array.from([0, 1])), /do not determine a plane/);
});
