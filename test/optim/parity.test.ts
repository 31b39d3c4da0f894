/**
 * PyTorch parity of the optimizers, schedules and gradient clipping: 20 steps of parameter
 * values on a least-squares problem for each optimizer configuration (including parameter
 * groups), the learning rate (and momentum / β₁) after each of 20 schedule steps, and the
 * clipped gradients and total norms, from scripts/make_torch_fixtures.py (PyTorch 1.13).
 * Tolerance: max error ≤ 1e-5 relative to the values' scale.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { Parameter } from '../../src/nn/module.js';
import { mseLoss } from '../../src/nn/functional.js';
import * as O from '../../src/optim/index.js';
import type { Hyper, Optimizer } from '../../src/optim/optimizer.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Arr, compare, loadFixture, toTensor } from '../nn/parity-helpers.js';

interface OptCase { name: string; kind: string; args: Record<string, number | boolean | number[]>; groups: Record<string, number>[] | null; trajectory: number[][] }
interface OptFixture { torch: string; X: Arr; Y: Arr; W0: Arr; b0: Arr; cases: OptCase[] }
interface SchedCase { name: string; kind: string; args: Record<string, unknown>; lrs: number[]; momentum: number[]; metrics: number[] | null }
interface ClipCase { normType?: number | 'inf'; maxNorm?: number; clipValue?: number; grads: Arr[]; total?: number; clipped: Arr[] }
interface SchedFixture { torch: string; cases: SchedCase[]; clip: ClipCase[] }

type AnyOpt = Optimizer<Hyper>;

function makeOptimizer(kind: string, params: Parameter[] | { params: Parameter[]; lr?: number }[], args: Record<string, unknown>): AnyOpt {
  const ctors: Record<string, new (p: never, o: never) => unknown> = {
    SGD: O.SGD, Adam: O.Adam, AdamW: O.AdamW, Adamax: O.Adamax, NAdam: O.NAdam, RAdam: O.RAdam,
    RMSprop: O.RMSprop, Adagrad: O.Adagrad, Adadelta: O.Adadelta,
  };
  const C = ctors[kind];
  assert.ok(C, `no optimizer ${kind}`);
  return new C(params as never, args as never) as AnyOpt;
}

const opt = loadFixture<OptFixture>('optim.json');

test(`PyTorch ${opt.torch} parity: optimizers, 20 steps each`, async (t) => {
  const X = toTensor(opt.X);
  const Y = toTensor(opt.Y);
  const errs: [string, number][] = [];
  for (const c of opt.cases) {
    await t.test(c.name, () => {
      const W = new Parameter(toTensor(opt.W0));
      const b = new Parameter(toTensor(opt.b0));
      const params = c.groups ? [{ params: [W], ...c.groups[0] }, { params: [b], ...c.groups[1] }] : [W, b];
      const o = makeOptimizer(c.kind, params, c.args);
      let worst = 0;
      c.trajectory.forEach((expected, step) => {
        o.zeroGrad();
        A.backward(mseLoss(A.add(A.matmul(X, A.transpose(W, 0, 1)), b), Y));
        o.step();
        worst = Math.max(worst, compare(`${c.name} step ${step + 1}`, [...W.data, ...b.data], expected));
      });
      errs.push([c.name, worst]);
    });
  }
  errs.sort((x, y) => y[1] - x[1]);
  t.diagnostic(`largest relative errors: ${errs.slice(0, 3).map(([n, e]) => `${n} ${e.toExponential(2)}`).join(', ')}`);
});

const sched = loadFixture<SchedFixture>('schedules.json');

function makeScheduler(c: SchedCase, o: AnyOpt): { step: (i: number) => void } {
  const a = c.args as Record<string, never>;
  switch (c.kind) {
    case 'StepLR': { const s = new O.StepLR(o, a.stepSize, a.gamma); return { step: () => s.step() }; }
    case 'MultiStepLR': { const s = new O.MultiStepLR(o, a.milestones, a.gamma); return { step: () => s.step() }; }
    case 'ExponentialLR': { const s = new O.ExponentialLR(o, a.gamma); return { step: () => s.step() }; }
    case 'InverseTimeLR': { const s = new O.InverseTimeLR(o, a.decay); return { step: () => s.step() }; }
    case 'CosineAnnealingLR': { const s = new O.CosineAnnealingLR(o, a.tMax, a.etaMin); return { step: () => s.step() }; }
    case 'LinearLR': { const s = new O.LinearLR(o, a.startFactor, a.endFactor, a.totalIters); return { step: () => s.step() }; }
    case 'LinearWarmup': { const s = new O.LinearWarmup(o, a.warmupSteps); return { step: () => s.step() }; }
    case 'OneCycleLR': { const s = new O.OneCycleLR(o, a as unknown as O.OneCycleOptions); return { step: () => s.step() }; }
    case 'ReduceLROnPlateau': { const s = new O.ReduceLROnPlateau(o, a as unknown as O.PlateauOptions); return { step: (i) => s.step((c.metrics as number[])[i]) }; }
    default: throw new Error(`no scheduler ${c.kind}`);
  }
}

test(`PyTorch ${sched.torch} parity: learning-rate schedules (and cycled momentum), 20 steps`, async (t) => {
  for (const c of sched.cases) {
    await t.test(c.name, () => {
      const p = new Parameter(new Tensor(new Float32Array(2), [2]));
      const o = (c.name.includes('adam') ? new O.Adam([p], { lr: 0.1 }) : new O.SGD([p], { lr: 0.1, momentum: 0.9 })) as unknown as AnyOpt;
      const s = makeScheduler(c, o);
      const g = o.paramGroups[0].options;
      const mom = (): number => (Array.isArray(g.betas) ? g.betas[0] : Number(g.momentum));
      const lrs = [Number(g.lr)];
      const moms = [mom()];
      for (let i = 0; i < 20; i++) {
        p.grad = new Tensor(new Float32Array(2), [2]);
        o.step();
        s.step(i);
        lrs.push(Number(g.lr));
        moms.push(mom());
      }
      compare(`${c.name} learning rates`, lrs, c.lrs);
      compare(`${c.name} momentum`, moms, c.momentum);
    });
  }
});

test(`PyTorch ${sched.torch} parity: gradient clipping by norm (2, ∞, 1, 3) and by value`, () => {
  for (const c of sched.clip) {
    const ps = c.grads.map((g) => {
      const p = new Parameter(toTensor(g));
      p.grad = toTensor(g);
      return p;
    });
    if (c.clipValue !== undefined) O.clipGradValue(ps, c.clipValue);
    else {
      const total = O.clipGradNorm(ps, c.maxNorm as number, c.normType === 'inf' ? Infinity : (c.normType as number));
      compare(`clip norm ${c.normType}: total`, [total], [c.total as number]);
    }
    ps.forEach((p, i) => compare(`clip ${c.normType ?? 'value'}: grad ${i}`, p.grad as Tensor, c.clipped[i]));
  }
});
