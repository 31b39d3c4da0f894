/** Schedules: values, composition as PyTorch (parity fixtures), one-cycle limits, plateau reduction, state dicts, checked options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parameter } from '../../src/nn/module.js';
import * as O from '../../src/optim/index.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose } from '../helpers.js';
import { loadFixture } from '../nn/parity-helpers.js';
import type { Hyper, Optimizer } from '../../src/optim/optimizer.js';

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

// ---- Composition as PyTorch (chainable form), the newer schedulers, parity with PyTorch 1.13 ----

interface SchedSpec { kind: string; args: unknown[] }
interface ComposedCase {
  name: string; groups: number[]; optimizer: 'sgd' | 'adam'; schedulers: SchedSpec[]; wrap: 'sequential' | 'chained' | null;
  milestones: number[] | null; lrs: number[][]; momentum: number[][];
}
const LAMBDAS: Record<string, (t: number) => number> = { pow09: (t) => 0.9 ** t, inv: (t) => 1 / (1 + t), c095: () => 0.95, c08: () => 0.8 };
const lam = (v: unknown): unknown => (typeof v === 'string' && v in LAMBDAS ? LAMBDAS[v] : Array.isArray(v) && typeof v[0] === 'string' ? v.map((n: string) => LAMBDAS[n]) : v);

function build(spec: SchedSpec, o: Optimizer<Hyper>): O.LRScheduler {
  const C = (O as unknown as Record<string, new (...a: unknown[]) => O.LRScheduler>)[spec.kind];
  assert.ok(C, `no scheduler ${spec.kind}`);
  return new C(o, ...spec.args.map(lam));
}

const composed = loadFixture<{ torch: string; cases: ComposedCase[] }>('schedules-composed.json');

test(`PyTorch ${composed.torch} parity: schedulers that compose, SequentialLR, ChainedScheduler, warm restarts, cyclic, polynomial, constant, multiplicative, per-group lambdas`, async (t) => {
  let worstAll = 0;
  for (const c of composed.cases) {
    await t.test(c.name, () => {
      const groups = c.groups.map((lr) => ({ params: [new Parameter(tensor([0, 0]))], lr }));
      const o = (c.optimizer === 'sgd' ? new O.SGD(groups, { lr: c.groups[0], momentum: 0.9 }) : new O.Adam(groups, { lr: c.groups[0] })) as unknown as Optimizer<Hyper>;
      const made = c.schedulers.map((s) => build(s, o));
      const steppers: O.LRScheduler[] = c.wrap === 'sequential' ? [new O.SequentialLR(o, made, c.milestones as number[])]
        : c.wrap === 'chained' ? [new O.ChainedScheduler(made)] : made;
      const lrs = [o.lrs];
      const moms = [o.paramGroups.map((g) => (Array.isArray(g.options.betas) ? g.options.betas[0] : Number(g.options.momentum)))];
      for (let i = 0; i < c.lrs.length - 1; i++) {
        for (const s of steppers) s.step();
        lrs.push(o.lrs);
        moms.push(o.paramGroups.map((g) => (Array.isArray(g.options.betas) ? g.options.betas[0] : Number(g.options.momentum))));
      }
      let worst = 0;
      c.lrs.forEach((row, i) => row.forEach((e, j) => {
        const rel = Math.abs(lrs[i][j] - e) / Math.max(Math.abs(e), 1e-12);
        worst = Math.max(worst, rel);
        assert.ok(rel < 1e-9, `${c.name}: step ${i} group ${j}: lr ${lrs[i][j]}, PyTorch ${e}`);
      }));
      c.momentum.forEach((row, i) => row.forEach((e, j) => assert.ok(Math.abs(moms[i][j] - e) < 1e-12, `${c.name}: step ${i} group ${j}: momentum ${moms[i][j]}, PyTorch ${e}`)));
      assert.deepEqual(steppers.at(-1)?.getLastLr().length, c.groups.length);
      worstAll = Math.max(worstAll, worst);
      t.diagnostic(`${c.name}: max relative error ${worst.toExponential(2)}`);
    });
  }
  console.log(`schedulers vs PyTorch ${composed.torch}: ${composed.cases.length} cases, max relative error of the rates ${worstAll.toExponential(2)}`);
});

test('two schedulers on one optimizer multiply: ExponentialLR(0.9) with StepLR(3, 0.5) from 0.05', () => {
  const o = new O.SGD([new Parameter(tensor([0]))], { lr: 0.05 });
  const a = new O.ExponentialLR(o, 0.9);
  const b = new O.StepLR(o, 3, 0.5);
  const seen: number[] = [];
  for (let i = 0; i < 3; i++) { a.step(); b.step(); seen.push(o.lrs[0]); }
  assertClose(seen, [0.045, 0.0405, 0.05 * 0.9 ** 3 * 0.5], 1e-12);
  assert.equal(b.baseLrs[0], 0.05, 'the second scheduler takes the initial rate as its base (PyTorch initial_lr)');
});

test('LambdaLR takes one function per group and says when the count is wrong; scheduler options are checked', () => {
  const o = new O.SGD([{ params: [new Parameter(tensor([0]))], lr: 1 }, { params: [new Parameter(tensor([0]))], lr: 2 }]);
  const s = new O.LambdaLR(o, [(t) => 0.5 ** t, (t) => 1 / (t + 1)]);
  s.step(); s.step();
  assertClose(o.lrs, [0.25, 2 / 3], 1e-12);
  assert.throws(() => new O.LambdaLR(o, [(t) => t]), /LambdaLR: expected 2 lrLambda functions \(one per parameter group\), got 1/);
  assert.throws(() => new O.StepLR(o, 3, 0.5, { last_epoch: 4 } as never), /StepLR: unknown option 'last_epoch' \(did you mean 'lastEpoch'\?\)/);
  assert.throws(() => new O.StepLR(o, 3, 0.5, { lastEpoch: 4 }), /StepLR: option 'lastEpoch' is not implemented in gradlab/);
  assert.throws(() => new O.StepLR(o, 2.5), /StepLR: stepSize must be an integer, got 2.5/);
  assert.throws(() => new O.CyclicLR(o, 0.1, 1, { mode: 'triangle' as never }), /CyclicLR: option 'mode' must be one of 'triangular', 'triangular2', 'exp_range', got 'triangle'/);
  assert.throws(() => new O.SequentialLR(o, [new O.ExponentialLR(o, 0.9)], [3]), /SequentialLR: 1 schedulers need 0 milestones, got 1/);
});

test('step(epoch) jumps with the closed form; warm restarts take fractional epochs', () => {
  const o = new O.SGD([new Parameter(tensor([0]))], { lr: 1 });
  const s = new O.StepLR(o, 2, 0.5);
  s.step(5);
  assertClose(o.lrs, [0.25], 1e-12);
  const o2 = new O.SGD([new Parameter(tensor([0]))], { lr: 1 });
  const w = new O.CosineAnnealingWarmRestarts(o2, 4);
  w.step(2);
  assertClose(o2.lrs, [0.5], 1e-12);
  w.step(5.5);
  assertClose(o2.lrs, [(1 + Math.cos((Math.PI * 1.5) / 4)) / 2], 1e-12);
});
