/** GroupNorm and InstanceNorm: statistics, gradient checks, running statistics, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { GroupNorm, InstanceNorm1d, InstanceNorm2d, groupNorm } from '../../src/nn/normalization-extra.js';
import { toDouble } from '../../src/nn/module-utils.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

test('group norm: each (sample, group) has mean 0 and variance 1', () => {
  const y = new GroupNorm(2, 4).forward(rnd([3, 4, 5], 2, -3, 5));
  const g = A.reshape(y, [3, 2, 10]);
  assertClose(A.mean(g, 2), new Array(6).fill(0), 1e-5);
  assertClose(A.mean(A.square(g), 2), new Array(6).fill(1), 1e-3);
});

test('gradient checks', () => {
  checkGrad((x, w, b) => groupNorm(x, 3, w, b), [rnd([2, 6, 3], 1), rnd([6], 2), rnd([6], 3)]);
  const inn = toDouble(new InstanceNorm2d(2, { affine: true }));
  checkGrad((x) => inn.forward(x), [rnd([2, 2, 2, 3], 4)]);
  const in1 = toDouble(new InstanceNorm1d(3));
  checkGrad((x) => in1.forward(x), [rnd([3, 4], 5)]);
});

test('instance norm tracks running statistics and uses them in eval', () => {
  const m = new InstanceNorm1d(2, { trackRunningStats: true, momentum: 0.5 });
  const x = rnd([2, 2, 4], 6).float();
  m.forward(x);
  const mu = A.mean(A.mean(x, 2), 0);
  assertClose(m.runningMean, A.mul(mu, 0.5), 1e-6);
  m.eval();
  const y = m.forward(x);
  const expect = A.div(A.sub(x, A.reshape(m.runningMean, [1, 2, 1])), A.sqrt(A.add(A.reshape(m.runningVar, [1, 2, 1]), 1e-5)));
  assertClose(y, expect, 1e-5);
});

test('named errors', () => {
  assert.throws(() => new GroupNorm(4, 6), /GroupNorm: numChannels 6 must be divisible by numGroups 4/);
  assert.throws(() => new GroupNorm(2, 4, { affin: false } as never), /GroupNorm: unknown option 'affin' \(did you mean 'affine'\?\)/);
  assert.throws(() => new InstanceNorm2d(2, { trackRunningStat: true } as never), /InstanceNorm2d: unknown option 'trackRunningStat'/);
  assert.throws(() => new InstanceNorm2d(2, { affine: true }).forward(rnd([1, 3, 2, 2])), /InstanceNorm2d: input \[1,3,2,2\] has 3 channels but the layer expects 2/);
});
