/** Dropout: seeded counter-based masks, the same on every backend; gradients reuse the mask. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as A from '../../src/autograd/index.js';
import { backend, setBackend } from '../../src/backend/index.js';
import { dropout } from '../../src/nn/functional.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { checkGrad, rnd } from '../helpers.js';

function ones(n: number): Tensor {
  return new Tensor(new Float32Array(n).fill(1), [n]);
}

test('the same seed gives the same mask on the js and wasm backends; the Generator advances by two words', () => {
  const before = backend().name;
  const x = new Tensor(Float32Array.from({ length: 3 * 5000 }, (_, i) => Math.sin(i)), [3, 5000]);
  const run = (name: string): { y: Float32Array; next: number } => {
    setBackend(name);
    const gen = new Generator(42);
    const y = dropout(x, 0.25, true, gen).data as Float32Array;
    return { y, next: gen.nextU32() };
  };
  try {
    const js = run('js');
    const wasm = run('wasm');
    assert.deepEqual(wasm.y, js.y);
    const g = new Generator(42);
    g.nextU32();
    g.nextU32();
    assert.equal(js.next, g.nextU32(), 'one call draws two words (the key), whatever the size');
    const again = run('wasm');
    assert.deepEqual(again.y, js.y, 'reproducible');
    const other = (() => { setBackend('wasm'); return dropout(x, 0.25, true, new Generator(43)).data; })();
    assert.notDeepEqual(other, js.y, 'another seed, another mask');
  } finally {
    setBackend(before);
  }
});

test('successive calls draw different masks, each keeping about 1 − p', () => {
  const gen = new Generator(7);
  const x = ones(100000);
  const a = dropout(x, 0.4, true, gen).data;
  const b = dropout(x, 0.4, true, gen).data;
  let ka = 0;
  let both = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== 0) {
      ka++;
      assert.equal(a[i], Math.fround(1 / 0.6));
      if (b[i] !== 0) both++;
    }
  }
  assert.ok(Math.abs(ka / a.length - 0.6) < 0.01, `kept ${ka / a.length}`);
  assert.ok(Math.abs(both / a.length - 0.36) < 0.01, `kept twice ${both / a.length}`);
});

test('the gradient is the same mask times 1/(1 − p); float64 passes the gradient check; p = 0, 1 and eval', () => {
  const x = new Tensor(Float32Array.from({ length: 3000 }, (_, i) => 1 + (i % 7)), [3000]);
  x.requiresGrad = true;
  const y = dropout(x, 0.3, true, new Generator(5));
  A.backward(A.sum(y));
  const gx = (x.grad as Tensor).data;
  const s = Math.fround(1 / 0.7);
  for (let i = 0; i < x.size; i++) assert.equal(gx[i], y.data[i] !== 0 ? s : 0, `grad ${i}`);
  // float64: a fixed key makes the op deterministic, so finite differences see the same mask.
  checkGrad((t) => A.keyedDropout(t, { keep: 0.6, scale: 1 / 0.6, key0: 1, key1: 2 }), [rnd([4, 9], 3)]);
  const x64 = rnd([50], 4);
  const y64 = dropout(x64, 0.5, true, new Generator(1));
  assert.equal(y64.dtype, 'float64');
  y64.data.forEach((v, i) => assert.ok(v === 0 || v === x64.data[i] * 2, `float64 entry ${i}`));
  const z = ones(10);
  assert.equal(dropout(z, 0), z);
  assert.equal(dropout(z, 0.5, false), z);
  assert.deepEqual([...dropout(z, 1).data], new Array(10).fill(0));
});
