/** Shared test helpers: closeness assertions and one-line op checks (value and gradient). */
import assert from 'node:assert/strict';
import { gradcheck } from '../src/autograd/gradcheck.js';
import { Generator } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import '../src/autograd/methods.js';

/** Max |a − b| ≤ atol + rtol·|b| elementwise, with a message naming the first bad index. */
export function assertClose(actual: Tensor | ArrayLike<number> | number, expected: Tensor | ArrayLike<number> | number, atol = 1e-5, rtol = 1e-5, what = 'value'): void {
  const a = typeof actual === 'number' ? [actual] : actual instanceof Tensor ? actual.data : actual;
  const e = typeof expected === 'number' ? [expected] : expected instanceof Tensor ? expected.data : expected;
  assert.equal(a.length, e.length, `${what}: length ${a.length} ≠ expected ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]) || (Number.isNaN(a[i]) && Number.isNaN(e[i])) || a[i] === e[i];
    if (!ok) assert.fail(`${what}[${i}]: got ${a[i]}, expected ${e[i]} (atol ${atol}, rtol ${rtol})`);
  }
}

/** A float64 tensor of the given shape, uniform in [lo, hi), from a fixed seed. */
export function rnd(shape: number[], seed = 1, lo = -1, hi = 1): Tensor {
  const g = new Generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float64Array.from({ length: n }, () => g.uniform(lo, hi)), shape);
}

/** Gradient check of fn at float64 inputs; fails the test with the first mismatch. */
export function checkGrad(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], tol = 1e-6): void {
  const r = gradcheck(fn, inputs, { atol: tol, rtol: 1e-4 });
  assert.ok(r.ok, `gradient check failed: ${r.message}`);
}
