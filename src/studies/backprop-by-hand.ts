/**
 * backprop-by-hand (S6): o = (max(0, x·m + b) − y*)², built from tensors with autograd, every
 * node's value and gradient printed, and checked against the closed forms with r = 2(y − y*)
 * and s = [a > 0]: do/dy = r, do/dy* = −r, do/da = do/db = do/dz = r·s, do/dx = r·s·m,
 * do/dm = r·s·x. (A sum passes the gradient unchanged to both terms: da/dz = da/db = 1.)
 * The graph is also written as Graphviz DOT.
 */
import { scalar } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';
import { toDot } from '../autograd/dot.js';
import '../autograd/methods.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult } from './study.js';

export interface HandCase {
  x: number;
  m: number;
  b: number;
  yStar: number;
}

export interface NodeReport {
  name: string;
  value: number;
  grad: number;
  expectedGrad: number;
}

/** Runs one case through autograd; returns each node with its autograd and closed-form gradient. */
export function backpropByHand(c: HandCase): { nodes: NodeReport[]; dot: string } {
  const leaf = (v: number, name: string): Tensor => {
    const t = scalar(v, 'float64').requiresGrad_();
    t.name = name;
    return t;
  };
  const x = leaf(c.x, 'x');
  const m = leaf(c.m, 'm');
  const b = leaf(c.b, 'b');
  const yStar = leaf(c.yStar, 'y*');
  const z = x.mul(m).retainGrad();
  z.name = 'z = x·m';
  const a = z.add(b).retainGrad();
  a.name = 'a = z + b';
  const y = a.relu().retainGrad();
  y.name = 'y = max(0, a)';
  const o = y.sub(yStar).square().retainGrad();
  o.name = 'o = (y − y*)²';
  o.backward();
  const r = 2 * (y.item() - c.yStar);
  const s = a.item() > 0 ? 1 : 0;
  const expected: Record<string, number> = {
    [o.name]: 1, [y.name]: r, 'y*': -r, [a.name]: r * s, b: r * s, [z.name]: r * s, x: r * s * c.m, m: r * s * c.x,
  };
  const nodes = [o, y, yStar, a, b, z, x, m].map((t) => ({
    name: t.name!, value: t.item(), grad: t.grad!.item(), expectedGrad: expected[t.name!],
  }));
  return { nodes, dot: toDot(o) };
}

export const backpropByHandStudy: Study = {
  name: 'backprop-by-hand',
  title: 'S6: o = (max(0, x·m + b) − y*)², every node value and gradient against the closed forms',
  defaultEpochs: 0,
  params: [
    { name: 'x', type: 'float', default: 2, help: 'the input x of the first case' },
    { name: 'm', type: 'float', default: 3, help: 'the weight m (z = x·m)' },
    { name: 'b', type: 'float', default: 1, help: 'the bias b (a = z + b)' },
    { name: 'yStar', type: 'float', default: 4, help: 'the target y* (o = (y − y*)²)' },
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const P = studyParams(this, o);
    const cases: HandCase[] = [
      { x: P.num('x'), m: P.num('m'), b: P.num('b'), yStar: P.num('yStar') },
      { x: 2, m: -3, b: 1, yStar: 4 }, // a < 0: the ReLU blocks every gradient below it
    ];
    const results = cases.map((c) => ({ case: c, ...backpropByHand(c) }));
    let worst = 0;
    for (const r of results) {
      o.log(`x=${r.case.x} m=${r.case.m} b=${r.case.b} y*=${r.case.yStar}`);
      o.log(`  ${'node'.padEnd(16)} ${'value'.padStart(10)} ${'autograd'.padStart(10)} ${'closed form'.padStart(12)}`);
      for (const n of r.nodes) {
        worst = Math.max(worst, Math.abs(n.grad - n.expectedGrad));
        o.log(`  ${n.name.padEnd(16)} ${String(+n.value.toPrecision(6)).padStart(10)} ${String(+n.grad.toPrecision(6)).padStart(10)} ${String(+n.expectedGrad.toPrecision(6)).padStart(12)}`);
      }
    }
    o.log(`largest difference from the closed forms: ${worst}`);
    o.log('graph of the first case (Graphviz DOT):');
    o.log(results[0].dot);
    return {
      study: this.name, seed: o.seed, epochs: 0, testAccuracy: worst === 0 ? 1 : 0, testLoss: worst,
      history: [], cases: results.map((r) => ({ ...r.case, nodes: r.nodes })), dot: results[0].dot,
    };
  },
};
