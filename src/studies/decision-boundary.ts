/**
 * The S5 decision-boundary figure (used by s5-nonlinear and by the lab page, which draws it in the
 * browser): the model's P(class 1) over a grid of the plane as a Vega-Lite spec. Imports only
 * browser-safe modules.
 */
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Module } from '../nn/module.js';
import type { ArtiSet } from '../data/synthetic.js';
import type { JsonValue } from '../track/types.js';

/** P(class 1) for each row of x [n, 2] (eval mode, no graph). */
export function probabilities(model: Module, x: Float32Array, n: number): Float32Array {
  model.eval();
  const out = noGrad(() => model.forward(new Tensor(x, [n, 2])));
  model.train();
  return Float32Array.from(out.data);
}

/**
 * A Vega-Lite decision-boundary figure: cells of a `grid`×`grid` lattice over the points' range,
 * coloured by predicted class (shaded by confidence), with the points coloured by true class.
 */
export function decisionBoundarySpec(model: Module, points: ArtiSet, opts: { grid?: number; title?: string; size?: number; maxPoints?: number } = {}): { [key: string]: JsonValue } {
  const g = opts.grid ?? 50;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < points.n; i++) {
    x0 = Math.min(x0, points.x[2 * i]); x1 = Math.max(x1, points.x[2 * i]);
    y0 = Math.min(y0, points.x[2 * i + 1]); y1 = Math.max(y1, points.x[2 * i + 1]);
  }
  const mx = 0.1 * (x1 - x0 || 1);
  const my = 0.1 * (y1 - y0 || 1);
  x0 -= mx; x1 += mx; y0 -= my; y1 += my;
  const dx = (x1 - x0) / g;
  const dy = (y1 - y0) / g;
  const centres = new Float32Array(2 * g * g);
  for (let r = 0; r < g; r++) for (let c = 0; c < g; c++) {
    centres[2 * (r * g + c)] = x0 + (c + 0.5) * dx;
    centres[2 * (r * g + c) + 1] = y0 + (r + 0.5) * dy;
  }
  const p = probabilities(model, centres, g * g);
  const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;
  const cells: JsonValue[] = [];
  for (let k = 0; k < g * g; k++) {
    const cx = centres[2 * k], cy = centres[2 * k + 1];
    cells.push({ x: r4(cx - dx / 2), x2: r4(cx + dx / 2), y: r4(cy - dy / 2), y2: r4(cy + dy / 2), class: p[k] > 0.5 ? '1' : '0', p: r4(p[k]) });
  }
  const pts: JsonValue[] = [];
  const every = Math.max(1, Math.ceil(points.n / (opts.maxPoints ?? points.n)));
  for (let i = 0; i < points.n; i += every) pts.push({ x: r4(points.x[2 * i]), y: r4(points.x[2 * i + 1]), class: String(points.y[i]) });
  const color = { field: 'class', type: 'nominal', scale: { domain: ['0', '1'], range: ['#4c78a8', '#e45756'] }, title: 'class' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: opts.title ?? 'decision boundary',
    width: opts.size ?? 360,
    height: opts.size ?? 360,
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', opacity: 0.35 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: { domain: [r4(x0), r4(x1)], nice: false }, title: 'x1' },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', scale: { domain: [r4(y0), r4(y1)], nice: false }, title: 'x2' },
          y2: { field: 'y2' },
          color,
          tooltip: [{ field: 'p', type: 'quantitative', title: 'P(class 1)' }],
        },
      },
      {
        data: { values: pts },
        mark: { type: 'circle', size: 14, opacity: 0.9, stroke: 'white', strokeWidth: 0.3 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color },
      },
    ],
  };
}


/** Accuracy of thresholding P(class 1) at 0.5 on a 2-D set. */
export function binaryAccuracyOf(model: Module, set: ArtiSet): number {
  const p = probabilities(model, set.x, set.n);
  let hits = 0;
  for (let i = 0; i < set.n; i++) if ((p[i] > 0.5 ? 1 : 0) === set.y[i]) hits++;
  return hits / set.n;
}
