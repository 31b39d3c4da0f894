/** wasm fused cross-entropy and layer norm (forward and backward) against the js reference kernels. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsBackend } from '../../../src/backend/js/index.js';
import { AWKWARD, backends, close, randF32, rng } from './util.js';

const IGNORE = -100;

/** Targets in [0, classes) with about one row in five set to `ignore`. */
function targets(rows: number, classes: number, seed: number, ignore: number): Int32Array {
  const r = rng(seed);
  const t = new Int32Array(rows);
  for (let i = 0; i < rows; i++) t[i] = r() < 0.2 ? ignore : Math.floor(r() * classes);
  return t;
}

test('crossEntropy and its backward match js (awkward rows and classes, weights, ignored rows)', () => {
  let seed = 1;
  const classesList = [1, 2, 3, 4, 10, 17, 65, 257];
  for (const rows of [...AWKWARD, 3000]) {
    for (const classes of classesList) {
      if (rows * classes > 400000) continue;
      for (const weighted of [false, true]) {
        // ignoreIndex −100 (the default) and 0 (an index inside [0, classes): those rows are skipped too).
        for (const ignore of [IGNORE, 0]) {
          const x = randF32(rows * classes, seed++, -8, 8);
          if (x.length > 8) { x[2] = -Infinity; x[5] = 60; }
          const t = targets(rows, classes, seed++, ignore);
          const w = weighted ? randF32(classes, seed++, 0.1, 2) : null;
          const gl = randF32(rows, seed++, -2, 2);
          const wantLoss = new Float32Array(rows);
          const wantP = new Float32Array(rows * classes);
          jsBackend.crossEntropy(x, t, w, rows, classes, ignore, wantLoss, wantP);
          const wantDx = new Float32Array(rows * classes);
          jsBackend.crossEntropyBackward(wantP, t, w, gl, rows, classes, ignore, wantDx);
          const what = `rows ${rows} classes ${classes} weighted ${weighted} ignore ${ignore}`;
          for (const { label, be } of backends) {
            const loss = new Float32Array(rows).fill(12345);
            const p = new Float32Array(rows * classes).fill(12345);
            be.crossEntropy(x, t, w, rows, classes, ignore, loss, p);
            close(loss, wantLoss, `${label} crossEntropy loss ${what}`, 2e-6, 2e-6);
            close(p, wantP, `${label} crossEntropy probs ${what}`, 1e-7, 2e-6);
            const dx = new Float32Array(rows * classes).fill(12345);
            be.crossEntropyBackward(wantP, t, w, gl, rows, classes, ignore, dx);
            // The target column is s·p − s: float32 cancellation when p ≈ 1, hence the atol.
            close(dx, wantDx, `${label} crossEntropyBackward ${what}`, 1e-6, 1e-6);
          }
        }
      }
    }
  }
});

test('crossEntropy: ignored rows give loss 0 and gradient 0; values follow the formula', () => {
  const x = Float32Array.from({ length: 5 * 40 }, (_, i) => Math.sin(i) * 3);
  const t = Int32Array.from([3, IGNORE, 39, 0, IGNORE]);
  const w = Float32Array.from({ length: 40 }, (_, i) => 0.5 + i / 40);
  for (const { label, be } of backends) {
    const loss = new Float32Array(5);
    const p = new Float32Array(200);
    be.crossEntropy(x, t, w, 5, 40, IGNORE, loss, p);
    for (const r of [0, 2, 3]) {
      let s = 0;
      for (let j = 0; j < 40; j++) s += Math.exp(x[r * 40 + j]);
      close([loss[r]], [w[t[r]] * (Math.log(s) - x[r * 40 + t[r]])], `${label} loss row ${r}`, 1e-5, 1e-5);
    }
    assert.equal(loss[1], 0);
    assert.equal(loss[4], 0);
    const dx = new Float32Array(200).fill(7);
    be.crossEntropyBackward(p, t, w, Float32Array.from([1, 1, 1, 1, 1]), 5, 40, IGNORE, dx);
    for (let j = 0; j < 40; j++) {
      assert.equal(dx[40 + j], 0, `${label} ignored row 1 col ${j}`);
      assert.equal(dx[160 + j], 0, `${label} ignored row 4 col ${j}`);
    }
    // Each kept row of dx sums to w[t]·(Σp − 1) = 0.
    for (const r of [0, 2, 3]) close([dx.subarray(r * 40, r * 40 + 40).reduce((a, b) => a + b, 0)], [0], `${label} row ${r} sum`, 1e-5, 0);
  }
});

/**
 * Row by row closeness with an atol that grows with the row's 1/std: float32 loses about
 * ε·|x|·rstd in x − mean (two nearly equal rows are ill-conditioned), float64 does not.
 */
function closeRows(actual: Float32Array, expected: Float32Array, rstd: Float32Array, n: number, atol: (rs: number) => number, what: string): void {
  for (let r = 0; r < rstd.length; r++) {
    close(actual.subarray(r * n, (r + 1) * n), expected.subarray(r * n, (r + 1) * n), `${what} row ${r}`, atol(rstd[r]), 1e-5);
  }
}

test('layerNorm and its backward match js (awkward rows and widths, with and without affine, several chunks)', () => {
  let seed = 100;
  const shapes: [number, number][] = [];
  for (const rows of AWKWARD) for (const n of [1, 3, 4, 17, 63, 65, 100, 257]) shapes.push([rows, n]);
  shapes.push([3200, 100], [1000, 257], [20000, 3]);
  for (const [rows, n] of shapes) {
    for (const [hasW, hasB] of [[true, true], [true, false], [false, false], [false, true]]) {
      const x = randF32(rows * n, seed++, -3, 5);
      const w = hasW ? randF32(n, seed++, -2, 2) : null;
      const b = hasB ? randF32(n, seed++) : null;
      const eps = n === 1 ? 1e-3 : 1e-5;
      const want = new Float32Array(rows * n);
      const wantMean = new Float32Array(rows);
      const wantRstd = new Float32Array(rows);
      jsBackend.layerNorm(x, rows, n, w, b, eps, want, wantMean, wantRstd);
      const g = randF32(rows * n, seed++);
      const wantDx = new Float32Array(rows * n);
      const wantDw = new Float32Array(n);
      const wantDb = new Float32Array(n);
      jsBackend.layerNormBackward(g, x, rows, n, w, wantMean, wantRstd, wantDx, wantDw, wantDb);
      const what = `[${rows}, ${n}] weight ${hasW} bias ${hasB}`;
      for (const { label, be } of backends) {
        const out = new Float32Array(rows * n).fill(12345);
        const mean = new Float32Array(rows).fill(12345);
        const rstd = new Float32Array(rows).fill(12345);
        be.layerNorm(x, rows, n, w, b, eps, out, mean, rstd);
        closeRows(out, want, wantRstd, n, (rs) => 1e-6 + 4e-6 * rs, `${label} layerNorm ${what}`);
        close(mean, wantMean, `${label} layerNorm mean ${what}`, 1e-6, 1e-5);
        closeRows(rstd, wantRstd, wantRstd, 1, (rs) => 1e-6 * rs * (1 + 5 * rs), `${label} layerNorm rstd ${what}`);
        const dx = new Float32Array(rows * n).fill(12345);
        const dw = new Float32Array(n).fill(12345);
        const db = new Float32Array(n).fill(12345);
        be.layerNormBackward(g, x, rows, n, w, wantMean, wantRstd, dx, dw, db);
        closeRows(dx, wantDx, wantRstd, n, (rs) => 1e-6 + 4e-6 * rs * rs, `${label} layerNormBackward dx ${what}`);
        // Column sums over many rows, accumulated in float32 per chunk of rows.
        const tol = 1e-6 + 1e-7 * (rows + wantRstd.reduce((a, v) => a + v, 0));
        close(dw, wantDw, `${label} layerNormBackward dweight ${what}`, tol, 1e-5);
        close(db, wantDb, `${label} layerNormBackward dbias ${what}`, tol, 1e-5);
        // Without dweight / dbias only dx is written.
        const dx2 = new Float32Array(rows * n).fill(12345);
        be.layerNormBackward(g, x, rows, n, w, wantMean, wantRstd, dx2, null, null);
        closeRows(dx2, wantDx, wantRstd, n, (rs) => 1e-6 + 4e-6 * rs * rs, `${label} layerNormBackward dx only ${what}`);
      }
    }
  }
});

test('layerNorm on a constant row gives the bias, and its backward is finite', () => {
  const rows = 9;
  const n = 33;
  const x = new Float32Array(rows * n).fill(2.5);
  const b = randF32(n, 7);
  for (const { label, be } of backends) {
    const out = new Float32Array(rows * n);
    const mean = new Float32Array(rows);
    const rstd = new Float32Array(rows);
    be.layerNorm(x, rows, n, null, b, 1e-5, out, mean, rstd);
    for (let r = 0; r < rows; r++) close(out.subarray(r * n, (r + 1) * n), b, `${label} row ${r}`, 1e-6, 0);
    close(mean, new Float32Array(rows).fill(2.5), `${label} mean`, 0, 0);
    close(rstd, new Float32Array(rows).fill(1 / Math.sqrt(1e-5)), `${label} rstd`, 0, 1e-5);
    const dx = new Float32Array(rows * n);
    be.layerNormBackward(randF32(rows * n, 8), x, rows, n, null, mean, rstd, dx, null, null);
    assert.ok(dx.every(Number.isFinite), `${label}: dx finite`);
  }
});
