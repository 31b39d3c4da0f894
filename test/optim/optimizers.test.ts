/** The added optimizers: behaviour on a quadratic, validation, groups, and state dict round trips. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { Parameter } from '../../src/nn/module.js';
import * as O from '../../src/optim/index.js';
import type { Hyper, Optimizer } from '../../src/optim/optimizer.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose } from '../helpers.js';

type AnyOpt = Optimizer<Hyper>;
const makers: [string, (ps: Parameter[]) => AnyOpt][] = [
  ['Adamax', (ps) => new O.Adamax(ps, { lr: 0.1 }) as unknown as AnyOpt],
  ['NAdam', (ps) => new O.NAdam(ps, { lr: 0.1 }) as unknown as AnyOpt],
  ['RAdam', (ps) => new O.RAdam(ps, { lr: 0.1 }) as unknown as AnyOpt],
  ['RMSprop', (ps) => new O.RMSprop(ps, { lr: 0.05, centered: true, momentum: 0.5 }) as unknown as AnyOpt],
  ['Adagrad', (ps) => new O.Adagrad(ps, { lr: 0.5 }) as unknown as AnyOpt],
  ['Adadelta', (ps) => new O.Adadelta(ps, { lr: 10 }) as unknown as AnyOpt],
];

function quadStep(o: AnyOpt, p: Parameter): number {
  o.zeroGrad();
  const loss = A.sum(A.square(A.sub(p, tensor([1, -2]))));
  A.backward(loss);
  o.step();
  return loss.item();
}

test('each optimizer decreases a quadratic', () => {
  for (const [name, make] of makers) {
    const p = new Parameter(tensor([3, 3]));
    const o = make([p]);
    const first = quadStep(o, p);
    let last = first;
    for (let i = 0; i < 100; i++) last = quadStep(o, p);
    assert.ok(last < first * 0.2, `${name}: loss ${first} → ${last}`);
  }
});

test('state dicts round-trip: a restored optimizer continues identically', () => {
  for (const [name, make] of makers) {
    const p = new Parameter(tensor([3, 3]));
    const o = make([p]);
    for (let i = 0; i < 3; i++) quadStep(o, p);
    const q = new Parameter(tensor(Array.from(p.data)));
    const o2 = make([q]);
    o2.loadStateDict(JSON.parse(JSON.stringify(o.stateDict())));
    quadStep(o, p);
    quadStep(o2, q);
    assertClose(q, p, 0, 0, name);
  }
});

test('hyper-parameters are validated with named values; a parameter cannot be in two groups', () => {
  const p = new Parameter(tensor([1]));
  assert.throws(() => new O.RMSprop([p], { lr: -1 }), /RMSprop: invalid learning rate -1/);
  assert.throws(() => new O.Adamax([p], { betas: [0.9, 1] }), /Adamax: invalid beta parameter at index 1: 1/);
  assert.throws(() => new O.Adadelta([p], { rho: 1.5 }), /Adadelta: invalid rho value 1.5/);
  const q = new Parameter(tensor([2]));
  assert.throws(() => new O.NAdam([{ params: [p, q] }, { params: [q], lr: 0.1 }]), /NAdam: parameter .* appears in more than one group \(already in group 0\)/);
  const o = new O.Adagrad([{ params: [p] }, { params: [q], lr: 0.5 }], { lr: 0.1 });
  assert.deepEqual(o.lrs, [0.1, 0.5]);
});

test('Adagrad follows lr/(1 + (t−1)·lrDecay) and the initial accumulator', () => {
  const p = new Parameter(tensor([0]));
  const o = new O.Adagrad([p], { lr: 1, lrDecay: 1, initialAccumulatorValue: 3 });
  p.grad = tensor([1]);
  o.step();
  assertClose(p, [-1 / (2 + 1e-10)], 1e-7);
  p.grad = tensor([1]);
  o.step();
  assertClose(p, [-0.5 - 0.5 / Math.sqrt(5)], 1e-6);
});

test('frozen parameters (e.g. a frozen pre-trained embedding) are accepted and left unchanged, as PyTorch', async () => {
  const { Embedding } = await import('../../src/nn/embedding.js');
  const { Linear } = await import('../../src/nn/linear.js');
  const { Sequential } = await import('../../src/nn/container.js');
  const emb = Embedding.fromPretrained(tensor([[1, 2], [3, 4]]));
  const lin = new Linear(2, 1);
  const model = new Sequential(emb, lin);
  const o = new O.SGD(model.parameters(), { lr: 0.1 });
  const before = Array.from(lin.weight.data);
  A.backward(A.sum(model.forward(tensor([0, 1], { dtype: 'int32' }))));
  o.step();
  assertClose(emb.weight, [1, 2, 3, 4]);
  assert.notDeepEqual(Array.from(lin.weight.data), before);
});
