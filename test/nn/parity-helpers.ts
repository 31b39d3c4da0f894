/**
 * Shared code of the PyTorch parity tests: reading fixture tensors and comparing with the
 * suite's tolerance, max |a − e| ≤ 1e-5 · scale, where scale = max(1, max |e|) of the compared
 * values (float32 throughout). Fixtures come from scripts/make_torch_fixtures.py.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor } from '../../src/tensor/tensor.js';

export interface Arr {
  shape: number[];
  data: number[];
  dtype?: 'int32';
}

/** The fixture directory in the source tree (tests run from dist/test/...). */
export function fixturePath(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return join(here, '..', '..', '..', 'test', 'fixtures', 'torch', name);
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as T;
}

export function toTensor(a: Arr): Tensor {
  return new Tensor(a.dtype === 'int32' ? Int32Array.from(a.data) : Float32Array.from(a.data), a.shape);
}

export const TOL = 1e-5;

/** Largest error relative to the scale of the expected values; fails the test above TOL. */
export function compare(what: string, actual: Tensor | ArrayLike<number>, expected: Arr | number[], log?: (err: number) => void): number {
  const e = Array.isArray(expected) ? expected : expected.data;
  const a = actual instanceof Tensor ? actual.data : actual;
  if (!Array.isArray(expected) && actual instanceof Tensor) {
    assert.deepEqual([...actual.shape], expected.shape, `${what}: shape ${JSON.stringify(actual.shape)} ≠ PyTorch's ${JSON.stringify(expected.shape)}`);
  }
  assert.equal(a.length, e.length, `${what}: ${a.length} values, PyTorch has ${e.length}`);
  let scale = 1;
  for (const v of e) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < e.length; i++) {
    const err = Math.abs(a[i] - e[i]);
    if (err > worst || Number.isNaN(err)) { worst = Number.isNaN(err) ? Infinity : err; at = i; }
  }
  const rel = worst / scale;
  log?.(rel);
  if (!(rel <= TOL)) assert.fail(`${what}: max error ${worst.toExponential(3)} at ${at} (got ${a[at]}, PyTorch ${e[at]}), scale ${scale.toFixed(3)} → ${rel.toExponential(3)} > ${TOL}`);
  return rel;
}
