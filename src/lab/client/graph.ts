/**
 * Draws an autograd graph (lab/s6.ts) as SVG: leaves on the left, each op one column further than
 * its deepest input, every node a box with its name and op, value and gradient (and the closed form
 * when it differs), edges as arrows along the forward direction. Text goes in as textContent.
 */
import type { Graph } from '../s6.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 132;
const H = 64;
const GAP_X = 40;
const GAP_Y = 22;

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const fmt = (v: number | null): string => (v === null ? '—' : String(+v.toPrecision(6)));

export function drawGraph(g: Graph): SVGSVGElement {
  const layers = new Map<number, number[]>();
  for (const n of g.nodes) (layers.get(n.layer) ?? layers.set(n.layer, []).get(n.layer)!).push(n.id);
  const rows = Math.max(...[...layers.values()].map((l) => l.length));
  const pos = new Map<number, { x: number; y: number }>();
  for (const [layer, ids] of layers) {
    const off = ((rows - ids.length) * (H + GAP_Y)) / 2;
    ids.forEach((id, i) => pos.set(id, { x: 10 + layer * (W + GAP_X), y: 10 + off + i * (H + GAP_Y) }));
  }
  const width = 20 + layers.size * (W + GAP_X) - GAP_X;
  const height = 20 + rows * (H + GAP_Y) - GAP_Y;
  const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'graph', 'font-family': 'system-ui, sans-serif', 'font-size': 11 });
  const defs = el('defs', {});
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
  marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8a94a3' }));
  defs.append(marker);
  svg.append(defs);
  for (const e of g.edges) {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
    svg.append(el('path', { d: `M${x1},${y1} C${x1 + GAP_X / 2},${y1} ${x2 - GAP_X / 2},${y2} ${x2},${y2}`, fill: 'none', stroke: '#8a94a3', 'stroke-width': 1.3, 'marker-end': 'url(#arrow)' }));
  }
  for (const n of g.nodes) {
    const p = pos.get(n.id)!;
    const grp = el('g', { transform: `translate(${p.x},${p.y})`, 'data-node': n.name || n.op });
    const leaf = n.op === 'leaf';
    grp.append(el('rect', { width: W, height: H, rx: 7, fill: leaf ? '#e8f0fa' : '#fff', stroke: leaf ? '#3b6ea8' : '#c9ced6' }));
    grp.append(el('text', { x: 8, y: 16, 'font-weight': 600, fill: '#1f2933' }, n.name ? `${n.name}  (${n.op})` : n.op));
    grp.append(el('text', { x: 8, y: 34, fill: '#333' }, `value ${fmt(n.value)}`));
    const mismatch = n.expected !== null && n.grad !== null && Math.abs(n.expected - n.grad) > 1e-12;
    grp.append(el('text', { x: 8, y: 52, fill: mismatch ? '#d64545' : '#2f7a4f', class: 'grad' }, `grad ${fmt(n.grad)}${n.expected !== null ? (mismatch ? `  ≠ ${fmt(n.expected)}` : '  ✓') : ''}`));
    svg.append(grp);
  }
  return svg;
}
