/**
 * The lab's S6 backprop-by-hand: o = (max(0, x·m + b) − y*)² built from float64 scalar tensors,
 * backward() by autograd, then the graph read back from autograd itself (topoOrder and each
 * node's inputs): every node with its op, value and gradient, laid out in layers from the leaves,
 * and the closed forms of the study (r = 2(y − y*), s = [a > 0]) to compare. Imports only the
 * core: the page computes it in the tab.
 */
import { scalar } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { topoOrder } from '../autograd/engine.js';
import '../autograd/methods.js';

export interface GraphNode {
  id: number;
  name: string;
  op: string;
  value: number;
  grad: number | null;
  /** The study's closed form of do/d(node), where it names one. */
  expected: number | null;
  /** Longest path from a leaf: 0 for the leaves. */
  layer: number;
}

export interface Graph {
  nodes: GraphNode[];
  edges: { from: number; to: number }[];
}

export function backpropGraph(c: { x: number; m: number; b: number; yStar: number }): Graph {
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
  z.name = 'z';
  const a = z.add(b).retainGrad();
  a.name = 'a';
  const y = a.relu().retainGrad();
  y.name = 'y';
  const d = y.sub(yStar).retainGrad();
  d.name = 'y − y*';
  const o = d.square().retainGrad();
  o.name = 'o';
  o.backward();
  const r = 2 * (y.item() - c.yStar);
  const s = a.item() > 0 ? 1 : 0;
  const expected = new Map<Tensor, number>([[o, 1], [d, r], [y, r], [yStar, -r], [a, r * s], [b, r * s], [z, r * s], [x, r * s * c.m], [m, r * s * c.x]]);
  const order = topoOrder(o);
  const layer = new Map<Tensor, number>();
  // topoOrder lists inputs before their users, so one pass gives the longest path from a leaf.
  for (const t of order) layer.set(t, Math.max(-1, ...(t.gradFn?.inputs ?? []).filter((i) => layer.has(i)).map((i) => layer.get(i)!)) + 1);
  // A leaf sits one column before its first user (y* next to the subtraction, not among x and m).
  for (const t of order) {
    if (t.gradFn) continue;
    const users = order.filter((u) => u.gradFn?.inputs.includes(t));
    if (users.length) layer.set(t, Math.min(...users.map((u) => layer.get(u)!)) - 1);
  }
  const nodes = order.map((t) => ({
    id: t.id, name: t.name ?? '', op: t.gradFn ? t.gradFn.op : 'leaf', value: t.item(), grad: t.grad ? t.grad.item() : null,
    expected: expected.get(t) ?? null, layer: layer.get(t)!,
  }));
  const edges: Graph['edges'] = [];
  for (const t of order) for (const i of t.gradFn?.inputs ?? []) if (layer.has(i)) edges.push({ from: i.id, to: t.id });
  return { nodes, edges };
}
