/**
 * backprop-by-hand (S6): o = (max(0, x·m + b) − y*)², built from tensors with autograd, every
 * node's value and gradient printed, and checked against the closed forms with r = 2(y − y*)
 * and s = [a > 0]: do/dy = r, do/dy* = −r, do/da = do/db = do/dz = r·s, do/dx = r·s·m,
 * do/dm = r·s·x. (A sum passes the gradient unchanged to both terms: da/dz = da/db = 1.)
 * The subtraction d = y − y* is a node of its own (do/dd = r). Every edge's local gradient
 * (∂node/∂input, from the op's backward rule) is checked too. The graph is drawn as SVG with
 * gradlab's own layout (track/graph-svg.ts) and recorded as a run, so the report and the
 * dashboard show it; Graphviz DOT is kept as text.
 */
import { Tensor } from '../tensor/tensor.js';
import { toDot } from '../autograd/dot.js';
import { topoOrder } from '../autograd/engine.js';
import { noGrad } from '../autograd/grad-mode.js';
import { onesLike } from '../tensor/creation.js';
import { graphSvg, type GraphEdge, type GraphNode } from '../track/graph-svg.js';
import '../autograd/methods.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult } from './study.js';
import { s6Expression, type HandCase } from './s6-expression.js';

export type { HandCase } from './s6-expression.js';

export interface NodeReport {
  name: string;
  value: number;
  grad: number;
  expectedGrad: number;
}

export interface EdgeReport {
  /** Input node name. */
  from: string;
  /** Node computed from it. */
  to: string;
  /** ∂to/∂from, from the op's backward rule given an upstream gradient of 1. */
  local: number;
  /** The closed form of that local gradient. */
  expected: number;
}

const ONE = 'o = d²';

/**
 * Every node and edge of a scalar graph: values and gradients from autograd, and for each edge
 * the local gradient ∂node/∂input obtained by calling the op's own backward rule with an upstream
 * gradient of 1 (the graph must have been kept with retainGraph).
 */
export function graphOf(root: Tensor): { nodes: GraphNode[]; edges: Array<GraphEdge & { local: number }> } {
  const order = topoOrder(root);
  const id = (t: Tensor): string => `t${t.id}`;
  const nodes: GraphNode[] = order.map((t) => ({
    id: id(t), title: t.name ?? (t.gradFn ? t.gradFn.op : 'leaf'), ...(t.gradFn ? { op: t.gradFn.op } : {}),
    value: t.item(), grad: t.grad ? t.grad.item() : null,
  }));
  const edges: Array<GraphEdge & { local: number }> = [];
  for (const t of order) {
    const fn = t.gradFn;
    if (!fn) continue;
    if (!fn.backward) throw new Error(`graphOf: the graph through '${fn.op}' was freed; call backward with { retainGraph: true }`);
    const back = fn.backward;
    const locals = noGrad(() => back(onesLike(t)));
    fn.inputs.forEach((x, k) => {
      if (!x.requiresGrad) return;
      const g = locals[k];
      // Scalar graphs only: a slice gradient carries its value in src.
      const local = g === null || g === undefined ? 0 : g instanceof Tensor ? g.item() : g.src.item();
      const short = (u: Tensor): string => (u.name ?? u.gradFn?.op ?? '?').split(' = ')[0];
      edges.push({ from: id(x), to: id(t), local, label: `∂${short(t)}/∂${short(x)} = ${+local.toPrecision(6)}` });
    });
  }
  return { nodes, edges };
}

/** Runs one case through autograd; returns each node with its autograd and closed-form gradient. */
export function backpropByHand(c: HandCase): { nodes: NodeReport[]; edges: EdgeReport[]; dot: string; svg: string } {
  const { z, a, y, d, o, s, closedForms } = s6Expression(c, { z: 'z = x·m', a: 'a = z + b', y: 'y = max(0, a)', d: 'd = y − y*', o: ONE }, { retainGraph: true });
  const nodes = closedForms.map(([t, expectedGrad]) => ({ name: t.name!, value: t.item(), grad: t.grad!.item(), expectedGrad }));
  // Local gradients: ∂o/∂d = 2d, ∂d/∂y = 1, ∂d/∂y* = −1, ∂y/∂a = s, ∂a/∂z = ∂a/∂b = 1, ∂z/∂x = m, ∂z/∂m = x.
  const localExpected: Record<string, number> = {
    [`${d.name}→${o.name}`]: 2 * d.item(), [`${y.name}→${d.name}`]: 1, [`y*→${d.name}`]: -1, [`${a.name}→${y.name}`]: s,
    [`${z.name}→${a.name}`]: 1, [`b→${a.name}`]: 1, [`x→${z.name}`]: c.m, [`m→${z.name}`]: c.x,
  };
  const g = graphOf(o);
  const nameOf = new Map(g.nodes.map((n) => [n.id, n.title]));
  const edges = g.edges.map((e) => {
    const from = nameOf.get(e.from)!, to = nameOf.get(e.to)!;
    return { from, to, local: e.local, expected: localExpected[`${from}→${to}`] };
  });
  const svg = graphSvg(g.nodes, g.edges, { title: `o = (max(0, x·m + b) − y*)² at x=${c.x}, m=${c.m}, b=${c.b}, y*=${c.yStar}` });
  return { nodes, edges, dot: toDot(o), svg };
}

export const backpropByHandStudy: Study = {
  name: 'backprop-by-hand',
  title: 'S6: o = (max(0, x·m + b) − y*)², every node value and gradient and every edge\'s local gradient against the closed forms, drawn as SVG',
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
    for (const [i, r] of results.entries()) {
      o.log(`x=${r.case.x} m=${r.case.m} b=${r.case.b} y*=${r.case.yStar}`);
      o.log(`  ${'node'.padEnd(16)} ${'value'.padStart(10)} ${'autograd'.padStart(10)} ${'closed form'.padStart(12)}`);
      for (const n of r.nodes) {
        worst = Math.max(worst, Math.abs(n.grad - n.expectedGrad));
        o.log(`  ${n.name.padEnd(16)} ${String(+n.value.toPrecision(6)).padStart(10)} ${String(+n.grad.toPrecision(6)).padStart(10)} ${String(+n.expectedGrad.toPrecision(6)).padStart(12)}`);
      }
      o.log(`  ${'edge (local gradient)'.padEnd(34)} ${'autograd'.padStart(10)} ${'closed form'.padStart(12)}`);
      for (const e of r.edges) {
        worst = Math.max(worst, Math.abs(e.local - e.expected));
        o.log(`  ${`∂(${e.to})/∂(${e.from})`.padEnd(34)} ${String(+e.local.toPrecision(6)).padStart(10)} ${String(+e.expected.toPrecision(6)).padStart(12)}`);
      }
      const tracker = o.tracking.variant(i === 0 ? 'graph' : 'graph-relu-closed', { ...r.case });
      if (tracker) {
        const run = tracker.run;
        run.logFigure('graph/backprop', { format: 'svg', svg: r.svg, caption: 'every node: value and gradient of o; every edge: the local gradient ∂node/∂input' }, 0);
        run.logScalar('check/max_abs_error', Math.max(...r.nodes.map((n) => Math.abs(n.grad - n.expectedGrad)), ...r.edges.map((e) => Math.abs(e.local - e.expected))), 0);
        const table = [
          'node                value        autograd     closed form',
          ...r.nodes.map((n) => `${n.name.padEnd(18)}  ${String(+n.value.toPrecision(6)).padEnd(11)}  ${String(+n.grad.toPrecision(6)).padEnd(11)}  ${+n.expectedGrad.toPrecision(6)}`),
          '',
          'edge: local gradient ∂node/∂input        autograd     closed form',
          ...r.edges.map((e) => `${`∂(${e.to})/∂(${e.from})`.padEnd(40)}  ${String(+e.local.toPrecision(6)).padEnd(11)}  ${+e.expected.toPrecision(6)}`),
        ].join('\n');
        run.logText('graph/table', table, 0);
        run.logText('graph/dot', r.dot, 0);
      }
    }
    o.log(`largest difference from the closed forms: ${worst}`);
    return {
      study: this.name, seed: o.seed, epochs: 0, testAccuracy: worst === 0 ? 1 : 0, testLoss: worst,
      history: [], cases: results.map((r) => ({ ...r.case, nodes: r.nodes, edges: r.edges })), dot: results[0].dot,
    };
  },
};
