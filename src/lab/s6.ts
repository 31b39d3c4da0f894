/**
 * The lab's S6 backprop-by-hand: o = (max(0, x·m + b) − y*)² built from float64 scalar tensors,
 * backward() by autograd, then the graph read back from autograd itself (topoOrder and each
 * node's inputs): every node with its op, value and gradient, laid out in layers from the leaves,
 * and the closed forms of the study (studies/s6-expression.ts, shared with the study) to compare. Imports only the
 * core: the page computes it in the tab.
 */
import type { Tensor } from '../tensor/tensor.js';
import { topoOrder } from '../autograd/engine.js';
import '../autograd/methods.js';
import { s6Expression } from '../studies/s6-expression.js';

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
  const { o, closedForms } = s6Expression(c, { z: 'z', a: 'a', y: 'y', d: 'y − y*', o: 'o' });
  const expected = new Map<Tensor, number>(closedForms);
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
