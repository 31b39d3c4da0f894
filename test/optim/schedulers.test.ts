/** Schedules: closed forms, one-cycle limits, plateau reduction, state dicts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parameter } from '../../src/nn/module.js';
import * as O from '../../src/optim/index.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose } from '../helpers.js';

const sgd = (lr = 1): O.SGD => new O.SGD([new Parameter(tensor([0]))], { lr, momentum: 0.9 });

test('inverse-time decay: lr/(1 + decay·t), as S2 uses it', () => {
  const o = sgd(0.1);
  const s = new O.InverseTimeLR(o, 0.009);
  for (let i = 0; i < 100; i++) s.step();
  assertClose(s.getLastLr(), [0.1 / 1.9], 1e-12);
  assert.equal(o.lrs[0], s.getLastLr()[0]);
});

test('warm-up, step and cosine values', () => {
  const w = new O.LinearWarmup(sgd(), 4);
  const seen = [w.getLastLr()[0]];
  for (let i = 0; i < 5; i++) { w.step(); seen.push(w.getLastLr()[0]); }
  assertClose(seen, [0.25, 0.4375, 0.625, 0.8125, 1, 1], 1e-12);
  const c = new O.CosineAnnealingLR(sgd(), 4);
  c.step(); c.step();
  assertClose(c.getLastLr(), [0.5], 1e-12);
  const st = new O.StepLR(sgd(), 2, 0.5);
  st.step(); st.step(); st.step();
  assertClose(st.getLastLr(), [0.5]);
});

test('one-cycle refuses to step past totalSteps and needs momentum or betas', () => {
  const s = new O.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 3 });
  s.step(); s.step(); s.step();
  assert.throws(() => s.step(), /OneCycleLR: tried to step 4 times; the specified number of total steps is 3/);
  const ada = new O.Adagrad([new Parameter(tensor([0]))]);
  assert.throws(() => new O.OneCycleLR(ada, { maxLr: 1, totalSteps: 3 }), /neither momentum nor betas/);
  assert.throws(() => new O.OneCycleLR(sgd(), { maxLr: 1 }), /give totalSteps, or epochs and stepsPerEpoch/);
});

test('plateau: reduces after patience, respects minLr', () => {
  const o = sgd(1);
  const s = new O.ReduceLROnPlateau(o, { patience: 1, factor: 0.5, minLr: 0.3 });
  for (const m of [1, 1, 1, 1, 1, 1]) s.step(m);
  assertClose(s.getLastLr(), [0.3]);
});

test('scheduler state dicts restore the position', () => {
  const a = new O.ExponentialLR(sgd(), 0.5);
  a.step(); a.step();
  const b = new O.ExponentialLR(sgd(), 0.5);
  b.loadStateDict(a.stateDict());
  assertClose(b.getLastLr(), a.getLastLr());
  a.step(); b.step();
  assertClose(b.getLastLr(), [0.125]);
});
