/**
 * The fused recurrent ops lstmCell / gruCell: gradients against finite differences in float64
 * (single steps, only h or only c used, chains where a state feeds several later ops), values
 * against the composed step in float32, shape errors, no-grad mode.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as A from '../../src/autograd/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

const SHAPES: [number, number][] = [[1, 1], [2, 3], [3, 2], [1, 5]];

test('lstmCell: gradients of h and c (together and alone) against finite differences', () => {
  for (const [B, H] of SHAPES) {
    const gates = rnd([B, 4 * H], B + H, -2, 2);
    const c0 = rnd([B, H], 7);
    checkGrad((g, c) => {
      const s = A.lstmCell(g, c);
      return A.cat([s.h, s.c], 1);
    }, [gates, c0]);
    checkGrad((g, c) => A.lstmCell(g, c).h, [gates, c0]);
    checkGrad((g, c) => A.lstmCell(g, c).c, [gates, c0]);
  }
});

test('lstmCell: gradients through a 3-step chain whose states feed several ops', () => {
  const B = 2, H = 3;
  const xs = [rnd([B, 4 * H], 1, -1, 1), rnd([B, 4 * H], 2, -1, 1), rnd([B, 4 * H], 3, -1, 1)];
  const w = rnd([4 * H, H], 4, -0.8, 0.8);
  const c0 = rnd([B, H], 5);
  checkGrad((x0, x1, x2, W, c) => {
    let s = A.lstmCell(x0, c);
    const first = s.h;
    for (const x of [x1, x2]) s = A.lstmCell(A.add(x, A.linear(s.h, W)), s.c);
    // h of step 1 is used twice (next step and the output), c of the last step once.
    return A.cat([s.h, A.mul(s.c, 2), first], 1);
  }, [...xs, w, c0]);
});

test('lstmCell: float32 values equal the step composed from separate ops', () => {
  const B = 4, H = 5;
  const gates = A.cast(rnd([B, 4 * H], 9, -3, 3), 'float32');
  const c0 = A.cast(rnd([B, H], 10), 'float32');
  const s = A.lstmCell(gates, c0);
  const [i, f, g, o] = A.split(gates, H, 1);
  const c = A.add(A.mul(A.sigmoid(f), c0), A.mul(A.sigmoid(i), A.tanh(g)));
  assert.equal(s.c.dtype, 'float32');
  assert.deepEqual(s.h.shape, [B, H]);
  assertClose(s.c, c, 1e-6, 1e-5, 'c');
  assertClose(s.h, A.mul(A.sigmoid(o), A.tanh(c)), 1e-6, 1e-5, 'h');
});

test('lstmCell / gruCell: shape errors name both shapes', () => {
  const t = (shape: number[]): Tensor => rnd(shape);
  assert.throws(() => A.lstmCell(t([2, 12]), t([2, 4])), /lstmCell: expected gates \[B, 4H\] and cPrev \[B, H\], got gates \[2,12\] and cPrev \[2,4\]/);
  assert.throws(() => A.lstmCell(t([3, 16]), t([2, 4])), /got gates \[3,16\] and cPrev \[2,4\]/);
  assert.throws(() => A.lstmCell(t([16]), t([4])), /got gates \[16\] and cPrev \[4\]/);
  assert.throws(() => A.gruCell(t([2, 9]), t([2, 6]), t([2, 3])), /gruCell: expected xp \[B, 3H\], hp \[B, 3H\] and hPrev \[B, H\], got xp \[2,9\], hp \[2,6\] and hPrev \[2,3\]/);
  assert.throws(() => A.gruCell(t([2, 9]), t([2, 9]), t([1, 3])), /got xp \[2,9\], hp \[2,9\] and hPrev \[1,3\]/);
});

test('lstmCell / gruCell: an empty batch gives empty outputs and gradients', () => {
  const g = rnd([0, 8]).requiresGrad_(true);
  const c = rnd([0, 2]).requiresGrad_(true);
  const s = A.lstmCell(g, c);
  assert.deepEqual(s.h.shape, [0, 2]);
  A.backward(A.sum(A.add(A.sum(s.h), A.sum(s.c))));
  assert.deepEqual(g.grad?.shape, [0, 8]);
  const h = A.gruCell(rnd([0, 6]), rnd([0, 6]), rnd([0, 2]));
  assert.deepEqual(h.shape, [0, 2]);
});

test('lstmCell / gruCell under noGrad record nothing', () => {
  const g = rnd([2, 8]).requiresGrad_(true);
  const c = rnd([2, 2]).requiresGrad_(true);
  A.noGrad(() => {
    const s = A.lstmCell(g, c);
    assert.equal(s.h.gradFn, null);
    assert.equal(s.c.requiresGrad, false);
    assert.equal(A.gruCell(rnd([2, 6]).requiresGrad_(true), rnd([2, 6]), rnd([2, 2])).gradFn, null);
  });
});

test('gruCell: gradients of all three inputs against finite differences, single step and chain', () => {
  for (const [B, H] of SHAPES) {
    checkGrad((x, p, h) => A.gruCell(x, p, h), [rnd([B, 3 * H], B, -2, 2), rnd([B, 3 * H], H + 10, -2, 2), rnd([B, H], 3)]);
  }
  const B = 2, H = 3;
  checkGrad((x0, x1, W, b, h0) => {
    let h = h0;
    for (const x of [x0, x1, x0]) h = A.gruCell(x, A.linear(h, W, b), h);
    return h;
  }, [rnd([B, 3 * H], 1), rnd([B, 3 * H], 2), rnd([3 * H, H], 3, -0.8, 0.8), rnd([3 * H], 4), rnd([B, H], 5)]);
});

test('gruCell: float32 values equal the step composed from separate ops', () => {
  const B = 3, H = 4;
  const xp = A.cast(rnd([B, 3 * H], 21, -3, 3), 'float32');
  const hp = A.cast(rnd([B, 3 * H], 22, -3, 3), 'float32');
  const h0 = A.cast(rnd([B, H], 23), 'float32');
  const [xr, xz, xn] = A.split(xp, H, 1);
  const [hr, hz, hn] = A.split(hp, H, 1);
  const r = A.sigmoid(A.add(xr, hr));
  const z = A.sigmoid(A.add(xz, hz));
  const n = A.tanh(A.add(xn, A.mul(r, hn)));
  assertClose(A.gruCell(xp, hp, h0), A.add(n, A.mul(z, A.sub(h0, n))), 1e-6, 1e-5, 'h');
});

/** T steps of lstmCell / gruCell written out, as the layers ran them before the sequence ops. */
function lstmSteps(xp: Tensor, whh: Tensor, h0: Tensor, c0: Tensor, reverse: boolean): A.RecurrentSequence {
  const T = xp.shape[0];
  const hs: Tensor[] = new Array<Tensor>(T);
  let s = { h: h0, c: c0 };
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    s = A.lstmCell(A.add(A.select(xp, 0, t), A.linear(s.h, whh)), s.c);
    hs[t] = s.h;
  }
  return { output: A.stack(hs, 0), h: s.h, c: s.c };
}
function gruSteps(xp: Tensor, whh: Tensor, bhh: Tensor | null, h0: Tensor, reverse: boolean): A.RecurrentSequence {
  const T = xp.shape[0];
  const hs: Tensor[] = new Array<Tensor>(T);
  let h = h0;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    h = A.gruCell(A.select(xp, 0, t), A.linear(h, whh, bhh), h);
    hs[t] = h;
  }
  return { output: A.stack(hs, 0), h, c: null };
}
/** Everything a sequence returns, flattened into one vector. */
function flat(r: A.RecurrentSequence): Tensor {
  return A.cat([A.reshape(r.output, [-1]), A.reshape(r.h, [-1]), ...(r.c ? [A.reshape(r.c, [-1])] : [])], 0);
}
/** Values and input gradients (under a fixed random projection) of fn at fresh float64 copies. */
function run(fn: (...xs: Tensor[]) => A.RecurrentSequence, inputs: Tensor[], needGrad: boolean[]): { value: Tensor; grads: (Tensor | null)[] } {
  const xs = inputs.map((x, i) => new Tensor(Float64Array.from(x.data), x.shape).requiresGrad_(needGrad[i]));
  const value = flat(fn(...xs));
  const proj = rnd(value.shape as number[], 99);
  A.backward(A.sum(A.mul(value, proj)));
  return { value, grads: xs.map((x) => x.grad) };
}

const SEQ_SHAPES: [number, number, number][] = [[1, 1, 1], [3, 2, 2], [4, 1, 3], [2, 3, 1], [3, 0, 2]];

test('lstmSequence: values and gradients equal the step-by-step cells, both directions', () => {
  for (const [T, B, H] of SEQ_SHAPES) {
    for (const reverse of [false, true]) {
      for (const need of [[true, true, true, true], [true, false, false, false], [false, true, false, true]]) {
        const inputs = [rnd([T, B, 4 * H], T + B, -2, 2), rnd([4 * H, H], H, -0.9, 0.9), rnd([B, H], 5), rnd([B, H], 6)];
        const want = run((x, w, h, c) => lstmSteps(x, w, h, c, reverse), inputs, need);
        const got = run((x, w, h, c) => A.lstmSequence(x, w, h, c, reverse), inputs, need);
        const what = `T=${T} B=${B} H=${H} reverse=${reverse} grads=${need.join(',')}`;
        assertClose(got.value, want.value, 1e-13, 1e-12, `value ${what}`);
        got.grads.forEach((g, i) => {
          assert.equal(g === null, want.grads[i] === null, `grad ${i} presence ${what}`);
          if (g && want.grads[i]) assertClose(g, want.grads[i] as Tensor, 1e-13, 1e-12, `grad ${i} ${what}`);
        });
      }
    }
  }
});

test('lstmSequence: gradients against finite differences, and float32 values', () => {
  for (const reverse of [false, true]) {
    checkGrad((x, w, h, c) => flat(A.lstmSequence(x, w, h, c, reverse)),
      [rnd([3, 2, 8], 1, -2, 2), rnd([8, 2], 2, -0.9, 0.9), rnd([2, 2], 3), rnd([2, 2], 4)]);
    const f32 = (t: Tensor): Tensor => A.cast(t, 'float32');
    const inputs = [rnd([5, 3, 12], 7, -2, 2), rnd([12, 3], 8, -0.9, 0.9), rnd([3, 3], 9), rnd([3, 3], 10)].map(f32);
    const got = A.lstmSequence(inputs[0], inputs[1], inputs[2], inputs[3], reverse);
    assert.equal(got.output.dtype, 'float32');
    assertClose(flat(got), flat(lstmSteps(inputs[0], inputs[1], inputs[2], inputs[3], reverse)), 1e-6, 1e-5, `float32 reverse=${reverse}`);
  }
});

test('gruSequence: values and gradients equal the step-by-step cells, with and without b_hh', () => {
  for (const [T, B, H] of SEQ_SHAPES) {
    for (const reverse of [false, true]) {
      for (const bias of [true, false]) {
        const inputs = [rnd([T, B, 3 * H], T + B, -2, 2), rnd([3 * H, H], H, -0.9, 0.9), rnd([B, H], 5), rnd([3 * H], 6)];
        const need = [true, true, B !== 2, true];
        const what = `T=${T} B=${B} H=${H} reverse=${reverse} bias=${bias}`;
        const want = run((x, w, h, b) => gruSteps(x, w, bias ? b : null, h, reverse), inputs, need);
        const got = run((x, w, h, b) => A.gruSequence(x, w, bias ? b : null, h, reverse), inputs, need);
        assertClose(got.value, want.value, 1e-13, 1e-12, `value ${what}`);
        got.grads.forEach((g, i) => {
          assert.equal(g === null, want.grads[i] === null, `grad ${i} presence ${what}`);
          if (g && want.grads[i]) assertClose(g, want.grads[i] as Tensor, 1e-13, 1e-12, `grad ${i} ${what}`);
        });
      }
    }
  }
});

test('gruSequence: gradients against finite differences', () => {
  for (const reverse of [false, true]) {
    checkGrad((x, w, h, b) => flat(A.gruSequence(x, w, b, h, reverse)),
      [rnd([3, 2, 6], 1, -2, 2), rnd([6, 2], 2, -0.9, 0.9), rnd([2, 2], 3), rnd([6], 4)]);
  }
});

test('lstmSequence / gruSequence: shape errors name the shapes', () => {
  const t = (shape: number[]): Tensor => rnd(shape);
  assert.throws(() => A.lstmSequence(t([0, 2, 8]), t([8, 2]), t([2, 2]), t([2, 2])), /lstmSequence: expected xp \[T ≥ 1, B, 4H\], whh \[4H, H\] and h0 \[B, H\], got xp \[0,2,8\], whh \[8,2\] and h0 \[2,2\]/);
  assert.throws(() => A.lstmSequence(t([3, 2, 8]), t([8, 3]), t([2, 2]), t([2, 2])), /got xp \[3,2,8\], whh \[8,3\] and h0 \[2,2\]/);
  assert.throws(() => A.lstmSequence(t([3, 2, 8]), t([8, 2]), t([2, 2]), t([1, 2])), /lstmSequence: c0 must have the shape of h0 \[2,2\], got \[1,2\]/);
  assert.throws(() => A.gruSequence(t([3, 2, 8]), t([6, 2]), null, t([2, 2])), /gruSequence: expected xp \[T ≥ 1, B, 3H\]/);
  assert.throws(() => A.gruSequence(t([3, 2, 6]), t([6, 2]), t([4]), t([2, 2])), /gruSequence: bhh must be \[3H\] = \[6\], got \[4\]/);
});
