import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as g from '../../src/index.js';
import { Parameter } from '../../src/nn/index.js';
import { Adam, AdamW, SGD } from '../../src/optim/index.js';
import type { AdamOptions } from '../../src/optim/adam.js';
import type { Hyper, Optimizer } from '../../src/optim/optimizer.js';
import type { SGDOptions } from '../../src/optim/sgd.js';
import { assertClose } from '../helpers.js';

function quadratic(p: Parameter): void {
  // L = Σ p², ∇ = 2p
  p.grad = null;
  p.square().sum().backward();
}

test('SGD with momentum, dampening, Nesterov and weight decay follows torch.optim.SGD', () => {
  const run = (o: ConstructorParameters<typeof SGD>[1]): number[] => {
    const p = new Parameter(g.tensor([1, -2], { dtype: 'float64' }));
    const opt = new SGD([p], o);
    const out: number[] = [];
    for (let i = 0; i < 3; i++) {
      quadratic(p);
      opt.step();
      out.push(p.data[0]);
    }
    return out;
  };
  // Plain: p ← p − lr·2p = 0.8p
  assertClose(run({ lr: 0.1 }), [0.8, 0.64, 0.512], 1e-12);
  // Momentum 0.9: b1 = g1; b_t = 0.9 b + g
  const m = run({ lr: 0.1, momentum: 0.9 });
  let p = 1;
  let b = 0;
  const ref: number[] = [];
  for (let i = 0; i < 3; i++) {
    const gr = 2 * p;
    b = i === 0 ? gr : 0.9 * b + gr;
    p -= 0.1 * b;
    ref.push(p);
  }
  assertClose(m, ref, 1e-12);
  // Nesterov
  p = 1; b = 0; ref.length = 0;
  for (let i = 0; i < 3; i++) {
    const gr = 2 * p + 0.01 * p;
    b = i === 0 ? gr : 0.9 * b + gr;
    p -= 0.1 * (gr + 0.9 * b);
    ref.push(p);
  }
  assertClose(run({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }), ref, 1e-12);
});

test('Adam and AdamW follow the bias-corrected update', () => {
  const ref = (decoupled: boolean, wd: number): number[] => {
    let p = 1, m = 0, v = 0;
    const out: number[] = [];
    for (let t = 1; t <= 5; t++) {
      let gr = 2 * p;
      if (decoupled) p *= 1 - 0.01 * wd;
      else gr += wd * p;
      m = 0.9 * m + 0.1 * gr;
      v = 0.999 * v + 0.001 * gr * gr;
      p -= (0.01 * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
      out.push(p);
    }
    return out;
  };
  for (const [Cls, decoupled] of [[Adam, false], [AdamW, true]] as const) {
    const p = new Parameter(g.tensor([1], { dtype: 'float64' }));
    const opt = new Cls([p], { lr: 0.01, weightDecay: 0.1 });
    const got: number[] = [];
    for (let i = 0; i < 5; i++) {
      quadratic(p);
      opt.step();
      got.push(p.data[0]);
    }
    assertClose(got, ref(decoupled, 0.1), 1e-12, 1e-10, Cls.name);
    assert.equal(opt.state.get(p)!.step, 5);
  }
});

test('parameter groups, validation and state dict round trip', () => {
  const a = new Parameter(g.ones([2]));
  const b = new Parameter(g.ones([3]));
  const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.1 }], { lr: 0.01 });
  assert.deepEqual(opt.lrs, [0.01, 0.1]);
  assert.throws(() => new Adam([{ params: [a] }, { params: [a] }]), /appears in more than one group/);
  assert.throws(() => new Adam([a], { betas: [1.2, 0.999] }), /invalid beta parameter at index 0: 1.2/);
  assert.throws(() => new SGD([a], { lr: -1 }), /SGD: invalid learning rate -1/);
  quadratic(a);
  b.grad = g.ones([3]);
  opt.step();
  const sd = JSON.parse(JSON.stringify(opt.stateDict()));
  const opt2 = new Adam([{ params: [a] }, { params: [b], lr: 0.1 }], { lr: 0.01 });
  opt2.loadStateDict(sd);
  assert.deepEqual((opt2.state.get(b)!.expAvg as g.Tensor).toFlatArray(), (opt.state.get(b)!.expAvg as g.Tensor).toFlatArray());
  assert.equal(opt2.state.get(a)!.step, 1);
});

/** The same optimizers, forced onto the per-tensor path (one sgdStep / adamStep per parameter). */
class PerTensorSGD extends SGD {
  protected override updateGroup(params: readonly Parameter[], o: SGDOptions): void {
    for (const p of params) this.update(p, p.grad as g.Tensor, o, this.stateOf(p));
  }
}
class PerTensorAdam extends Adam {
  protected override updateGroup(params: readonly Parameter[], o: AdamOptions): void {
    for (const p of params) this.update(p, p.grad as g.Tensor, o, this.stateOf(p));
  }
}
class PerTensorAdamW extends AdamW {
  protected override updateGroup(params: readonly Parameter[], o: AdamOptions): void {
    for (const p of params) this.update(p, p.grad as g.Tensor, o, this.stateOf(p));
  }
}

test('SGD, Adam and AdamW update a float32 group in one multi-tensor call, bit for bit as per tensor', () => {
  const shapes = [[40, 30], [30], [1], [3, 17], [257], [0], [65, 5]];
  const gen = new g.Generator(3);
  const init = shapes.map((s) => g.randn(s, { generator: gen }));
  const grads = Array.from({ length: 5 }, () => shapes.map((s) => g.randn(s, { generator: gen })));
  type Make = (ps: Parameter[]) => Optimizer<Hyper>;
  const cases: [string, Make, Make][] = [
    ['SGD nesterov', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }) as unknown as Optimizer<Hyper>,
      (ps) => new PerTensorSGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }) as unknown as Optimizer<Hyper>],
    ['SGD plain', (ps) => new SGD(ps, { lr: 0.1 }) as unknown as Optimizer<Hyper>, (ps) => new PerTensorSGD(ps, { lr: 0.1 }) as unknown as Optimizer<Hyper>],
    ['Adam amsgrad', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1 }) as unknown as Optimizer<Hyper>,
      (ps) => new PerTensorAdam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1 }) as unknown as Optimizer<Hyper>],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 }) as unknown as Optimizer<Hyper>, (ps) => new PerTensorAdamW(ps, { lr: 0.01 }) as unknown as Optimizer<Hyper>],
  ];
  for (const [name, fused, single] of cases) {
    const a = init.map((t) => new Parameter(t.clone()));
    const b = init.map((t) => new Parameter(t.clone()));
    const oa = fused(a);
    const ob = single(b);
    grads.forEach((gs, step) => {
      for (const [ps, o] of [[a, oa], [b, ob]] as const) {
        o.zeroGrad();
        // Parameter 3 skips every other step: its momentum buffer / step count falls behind the others'.
        ps.forEach((p, i) => { if (i !== 3 || step % 2 === 0) p.grad = gs[i].clone(); });
        o.step();
      }
      a.forEach((p, i) => assert.deepEqual(p.data, b[i].data, `${name} step ${step + 1} parameter ${i}`));
    });
    assert.deepEqual(oa.stateDict(), ob.stateDict(), `${name} state`);
  }
});
