/** noGrad / enableGrad scopes, including async functions across awaits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { tensor } from '../../src/tensor/creation.js';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 1));

test('noGrad(sync) records nothing and restores the mode, also when fn throws', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  assert.equal(A.noGrad(() => A.mul(x, 2)).requiresGrad, false);
  assert.equal(A.isGradEnabled(), true);
  assert.throws(() => A.noGrad(() => { throw new Error('boom'); }), /boom/);
  assert.equal(A.isGradEnabled(), true);
});

test('noGrad(async) keeps recording off across awaits, then restores it', async () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const seen: boolean[] = [];
  const y = await A.noGrad(async () => {
    seen.push(A.mul(x, 2).requiresGrad);
    await tick();
    seen.push(A.mul(x, 3).requiresGrad);
    await tick();
    return A.mul(x, 4);
  });
  assert.deepEqual(seen, [false, false]);
  assert.equal(y.requiresGrad, false);
  assert.equal(A.isGradEnabled(), true);
  assert.equal(A.mul(x, 2).requiresGrad, true);
});

test('overlapping async noGrad scopes restore the mode when the last settles; a rejection restores it too', async () => {
  const a = A.noGrad(async () => { await tick(); await tick(); });
  const b = A.noGrad(async () => { await tick(); });
  await b;
  assert.equal(A.isGradEnabled(), false, 'a is still pending');
  await a;
  assert.equal(A.isGradEnabled(), true);
  await assert.rejects(A.noGrad(async () => { await tick(); throw new Error('late'); }), /late/);
  assert.equal(A.isGradEnabled(), true);
});

test('enableGrad with an async function is a named error', () => {
  assert.throws(() => A.enableGrad(async () => 1), /enableGrad: fn returned a promise/);
  assert.equal(A.isGradEnabled(), true);
});
