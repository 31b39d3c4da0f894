/** wasm lstmCell, lstmCellBackward and gruCell against the js reference kernels. */
import { test } from 'node:test';
import { jsBackend } from '../../../src/backend/js/index.js';
import { backends, close, randF32 } from './util.js';

// B×H: vector tails (H mod 4 ≠ 0), one unit, one row, empty batch, the W5 step, thread splits.
// Inputs up to ±12: f32 sums such as xp_n + r⊙hp_n lose ~1e-6 absolute to cancellation.
const SIZES: [number, number][] = [[1, 1], [1, 3], [7, 1], [3, 5], [2, 17], [5, 4], [0, 8], [64, 100], [33, 63], [200, 37]];

test('lstmCell matches js: c, h and the saved activations', () => {
  let seed = 1;
  for (const [B, H] of SIZES) {
    const n = B * H;
    const gates = randF32(4 * n, seed++, -12, 12);
    if (n > 3) gates.set([40, -40, 100, -100], 0);
    const cPrev = randF32(n, seed++, -3, 3);
    const want = { c: new Float32Array(n), h: new Float32Array(n), act: new Float32Array(5 * n) };
    jsBackend.lstmCell(gates, cPrev, B, H, want.c, want.h, want.act);
    for (const { label, be } of backends) {
      const got = { c: new Float32Array(n).fill(9), h: new Float32Array(n).fill(9), act: new Float32Array(5 * n).fill(9) };
      be.lstmCell(gates, cPrev, B, H, got.c, got.h, got.act);
      for (const k of ['c', 'h', 'act'] as const) close(got[k], want[k], `${label} lstmCell ${k} B=${B} H=${H}`, 1e-6, 2e-6);
    }
  }
});

test('lstmCell writes into views of a larger buffer (h and c halves of one state)', () => {
  const B = 3, H = 21, n = B * H;
  const gates = randF32(4 * n, 77, -4, 4);
  const cPrev = randF32(n, 78);
  const want = new Float32Array(2 * n);
  const wantAct = new Float32Array(5 * n);
  jsBackend.lstmCell(gates, cPrev, B, H, want.subarray(n), want.subarray(0, n), wantAct);
  for (const { label, be } of backends) {
    const state = new Float32Array(2 * n);
    be.lstmCell(gates, cPrev, B, H, state.subarray(n), state.subarray(0, n), new Float32Array(5 * n));
    close(state, want, `${label} state`, 2e-7, 2e-6);
  }
});

test('gruCell matches js: h and the saved activations', () => {
  let seed = 100;
  for (const [B, H] of SIZES) {
    const n = B * H;
    const xp = randF32(3 * n, seed++, -12, 12);
    const hp = randF32(3 * n, seed++, -6, 6);
    if (n > 3) xp.set([40, -40, 100, -100], 0);
    const hPrev = randF32(n, seed++);
    const want = { h: new Float32Array(n), act: new Float32Array(3 * n) };
    jsBackend.gruCell(xp, hp, hPrev, B, H, want.h, want.act);
    for (const { label, be } of backends) {
      const got = { h: new Float32Array(n).fill(9), act: new Float32Array(3 * n).fill(9) };
      be.gruCell(xp, hp, hPrev, B, H, got.h, got.act);
      for (const k of ['h', 'act'] as const) close(got[k], want[k], `${label} gruCell ${k} B=${B} H=${H}`, 2e-6, 2e-6);
    }
  }
});

test('float64 cells take the js path unchanged', () => {
  const B = 4, H = 9, n = B * H;
  const gates = Float64Array.from(randF32(4 * n, 5, -3, 3));
  const cPrev = Float64Array.from(randF32(n, 6));
  const want = [new Float64Array(n), new Float64Array(n), new Float64Array(5 * n)];
  jsBackend.lstmCell(gates, cPrev, B, H, want[0], want[1], want[2]);
  for (const { label, be } of backends) {
    const got = [new Float64Array(n), new Float64Array(n), new Float64Array(5 * n)];
    be.lstmCell(gates, cPrev, B, H, got[0], got[1], got[2]);
    got.forEach((g, i) => close(g, want[i], `${label} float64 lstmCell output ${i}`, 0, 0));
  }
});

test('lstmCellBackward matches js, with dh or dc absent and without dCprev', () => {
  let seed = 300;
  for (const [B, H] of SIZES) {
    const n = B * H;
    const gates = randF32(4 * n, seed++, -6, 6);
    const cPrev = randF32(n, seed++, -2, 2);
    const act = new Float32Array(5 * n);
    jsBackend.lstmCell(gates, cPrev, B, H, new Float32Array(n), new Float32Array(n), act);
    const dh = randF32(n, seed++);
    const dc = randF32(n, seed++);
    for (const [gh, gc, withDc] of [[dh, dc, true], [dh, null, true], [null, dc, false], [dh, dc, false]] as const) {
      const want = { dGates: new Float32Array(4 * n), dCprev: new Float32Array(n) };
      jsBackend.lstmCellBackward(act, cPrev, gh, gc, B, H, want.dGates, withDc ? want.dCprev : null);
      for (const { label, be } of backends) {
        const got = { dGates: new Float32Array(4 * n).fill(9), dCprev: new Float32Array(n).fill(9) };
        be.lstmCellBackward(act, cPrev, gh, gc, B, H, got.dGates, withDc ? got.dCprev : null);
        const what = `${label} lstmCellBackward B=${B} H=${H} dh=${gh !== null} dc=${gc !== null}`;
        close(got.dGates, want.dGates, `${what} dGates`, 1e-6, 1e-5);
        if (withDc) close(got.dCprev, want.dCprev, `${what} dCprev`, 1e-6, 1e-5);
        else close(got.dCprev, new Float32Array(n).fill(9), `${what} dCprev untouched`, 0, 0);
      }
    }
  }
});
