/** Distributions: validation names the call and the values; contains/describe/JSON round trip. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  categoricalDistribution,
  contains,
  describe,
  distributionFromJson,
  floatDistribution,
  intDistribution,
  singleValue,
  toExternal,
  toInternal,
} from '../../src/tune/distributions.js';

const w = "suggestFloat('lr')";

test('float ranges: low > high, log with low ≤ 0, step with log, step not dividing the range', () => {
  assert.throws(() => floatDistribution(w, 0.5, 0.1), { message: "suggestFloat('lr'): low 0.5 is greater than high 0.1" });
  assert.throws(() => floatDistribution(w, 0, 1, { log: true }), { message: "suggestFloat('lr'): log scale needs low > 0, got low 0 (high 1)" });
  assert.throws(() => floatDistribution(w, -1, 1, { log: true }), /log scale needs low > 0, got low -1/);
  assert.throws(() => floatDistribution(w, 1, 2, { log: true, step: 0.5 }), { message: "suggestFloat('lr'): step 0.5 and log cannot be used together (a log-scaled range has no fixed step)" });
  assert.throws(() => floatDistribution(w, 0, 1, { step: 0.3 }), { message: "suggestFloat('lr'): step 0.3 does not divide the range [0, 1] (length 1); use high 0.9 or another step" });
  assert.throws(() => floatDistribution(w, 0, 1, { step: 0 }), /step must be a positive number, got 0/);
  assert.throws(() => floatDistribution(w, NaN, 1), /low must be a finite number, got NaN/);
  // floating-point noise is not an error: 0.1 divides [0.1, 0.5]
  assert.deepEqual(floatDistribution(w, 0.1, 0.5, { step: 0.1 }), { kind: 'float', low: 0.1, high: 0.5, log: false, step: 0.1 });
  assert.deepEqual(floatDistribution(w, 1e-4, 1e-1, { log: true }), { kind: 'float', low: 1e-4, high: 0.1, log: true, step: null });
});

test('int ranges: integers only, step divides, log needs low ≥ 1 and step 1', () => {
  const wi = "suggestInt('units')";
  assert.throws(() => intDistribution(wi, 1.5, 4), { message: "suggestInt('units'): low must be an integer, got 1.5" });
  assert.throws(() => intDistribution(wi, 8, 4), { message: "suggestInt('units'): low 8 is greater than high 4" });
  assert.throws(() => intDistribution(wi, 0, 10, { step: 3 }), { message: "suggestInt('units'): step 3 does not divide the range [0, 10] (length 10); use high 9 or another step" });
  assert.throws(() => intDistribution(wi, 0, 8, { log: true }), { message: "suggestInt('units'): log scale needs low ≥ 1, got low 0 (high 8)" });
  assert.throws(() => intDistribution(wi, 1, 9, { log: true, step: 2 }), /step 2 and log cannot be used together/);
  assert.throws(() => intDistribution(wi, 1, 9, { step: 0 }), /step must be an integer ≥ 1, got 0/);
  assert.deepEqual(intDistribution(wi, 16, 128, { step: 16 }), { kind: 'int', low: 16, high: 128, log: false, step: 16 });
});

test('categorical: non-empty, JSON scalars only; internal form is the index', () => {
  const wc = "suggestCategorical('act')";
  assert.throws(() => categoricalDistribution(wc, []), { message: "suggestCategorical('act'): choices must be a non-empty array, got []" });
  assert.throws(() => categoricalDistribution(wc, ['relu', {} as unknown as string]), { message: "suggestCategorical('act'): choice 1 must be a string, number, boolean or null, got {} (object)" });
  const d = categoricalDistribution(wc, ['relu', 'tanh', null]);
  assert.equal(toInternal(d, 'tanh', 'act'), 1);
  assert.equal(toExternal(d, 2), null);
  assert.throws(() => toInternal(d, 'gelu', 'act'), { message: `parameter 'act': "gelu" is not one of the choices ["relu","tanh",null]` });
});

test('contains, singleValue, describe and the JSON round trip', () => {
  const f = floatDistribution(w, 0.1, 0.5, { step: 0.1 });
  assert.deepEqual([0.1, 0.3, 0.5, 0.35, 0.6].map((v) => contains(f, v)), [true, true, true, false, false]);
  const i = intDistribution('i', 1, 9, { step: 2 });
  assert.deepEqual([1, 3, 4, 9, 11].map((v) => contains(i, v)), [true, true, false, true, false]);
  assert.equal(singleValue(floatDistribution(w, 2, 2)), 2);
  assert.equal(singleValue(categoricalDistribution('c', ['only'])), 'only');
  assert.equal(singleValue(f), undefined);
  assert.equal(describe(floatDistribution(w, 1e-4, 0.1, { log: true })), 'float[0.0001, 0.1] log');
  assert.equal(describe(i), 'int[1, 9] step 2');
  for (const d of [f, i, categoricalDistribution('c', ['a', 1, true])]) assert.deepEqual(distributionFromJson(JSON.parse(JSON.stringify(d)), 'x'), d);
  assert.throws(() => distributionFromJson({ kind: 'weird' }, 'x'), { message: `stored parameter 'x': not a distribution: {"kind":"weird"}` });
});
