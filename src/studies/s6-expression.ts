/**
 * S6's expression o = (max(0, x·m + b) − y*)² built from float64 scalar tensors, run backward by
 * autograd, with the closed forms of the report (r = 2(y − y*), s = [a > 0]). Shared by the study
 * (backprop-by-hand.ts) and the lab page (lab/s6.ts); it imports only the core, so the page
 * computes it in the tab.
 */
import { scalar } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import '../autograd/methods.js';

export interface HandCase {
  x: number;
  m: number;
  b: number;
  yStar: number;
}

/** Display names of the inner nodes (the leaves are x, m, b and y*). */
export interface S6Names { z: string; a: string; y: string; d: string; o: string }

export interface S6Tensors {
  x: Tensor; m: Tensor; b: Tensor; yStar: Tensor; z: Tensor; a: Tensor; y: Tensor; d: Tensor; o: Tensor;
  /** r = 2(y − y*) = do/dy. */
  r: number;
  /** s = [a > 0], the ReLU's local gradient. */
  s: number;
  /** Every node with its closed-form do/d(node), outputs first. */
  closedForms: Array<[Tensor, number]>;
}

/** Builds the expression, calls o.backward() (keeping the graph when asked) and returns every node. */
export function s6Expression(c: HandCase, names: S6Names, opts: { retainGraph?: boolean } = {}): S6Tensors {
  const leaf = (v: number, name: string): Tensor => {
    const t = scalar(v, 'float64').requiresGrad_();
    t.name = name;
    return t;
  };
  const inner = (t: Tensor, name: string): Tensor => {
    t.retainGrad();
    t.name = name;
    return t;
  };
  const x = leaf(c.x, 'x');
  const m = leaf(c.m, 'm');
  const b = leaf(c.b, 'b');
  const yStar = leaf(c.yStar, 'y*');
  const z = inner(x.mul(m), names.z);
  const a = inner(z.add(b), names.a);
  const y = inner(a.relu(), names.y);
  const d = inner(y.sub(yStar), names.d);
  const o = inner(d.square(), names.o);
  o.backward(undefined, { retainGraph: opts.retainGraph ?? false });
  const r = 2 * (y.item() - c.yStar);
  const s = a.item() > 0 ? 1 : 0;
  const closedForms: Array<[Tensor, number]> = [[o, 1], [d, r], [y, r], [yStar, -r], [a, r * s], [b, r * s], [z, r * s], [x, r * s * c.m], [m, r * s * c.x]];
  return { x, m, b, yStar, z, a, y, d, o, r, s, closedForms };
}
