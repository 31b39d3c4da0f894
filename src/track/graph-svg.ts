/**
 * A computation graph drawn as SVG with our own layered layout (no Graphviz): every node a box
 * with its name, value and gradient, every edge an arrow from an input up to the operation that
 * used it, labelled with its local gradient (∂ output / ∂ input). The S6 study logs it as an SVG
 * figure, which the report and the dashboard show as an image.
 *
 * Layout: the outputs (nodes nothing consumes) are the top layer; every other node sits one layer
 * below the lowest of its consumers, so inputs are always below what they feed. Inside a layer,
 * nodes are ordered by the mean position of their neighbours (barycentre sweeps, down and up), which
 * keeps edges from crossing on small graphs, then spaced evenly and centred.
 */

export interface GraphNode {
  id: string;
  /** First line, e.g. 'a = z + b'. */
  title: string;
  /** The operation ('mul', 'relu'...), or absent for a leaf. */
  op?: string;
  value: number | string;
  /** The gradient of the output with respect to this node (null: not computed). */
  grad: number | string | null;
}

export interface GraphEdge {
  /** The input node. */
  from: string;
  /** The node computed from it. */
  to: string;
  /** Shown on the edge, e.g. '∂a/∂z = 1'. */
  label?: string;
}

export interface GraphSvgOptions {
  title?: string;
  /** Horizontal gap between boxes (px). */
  gapX?: number;
  /** Vertical gap between layers (px). */
  gapY?: number;
}

const FONT = 12;
const CHAR = 7.0; // average glyph width of 12 px sans-serif, for box sizes
const LINE = 16;
const PAD = 8;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function show(v: number | string | null): string {
  if (v === null) return '–';
  if (typeof v === 'string') return v;
  if (Object.is(v, -0)) return '0';
  return Number.isInteger(v) ? String(v) : String(+v.toPrecision(6));
}

interface Placed {
  node: GraphNode;
  layer: number;
  order: number;
  w: number;
  h: number;
  x: number;
  y: number;
  lines: string[];
}

/** Layers of a DAG (0 = outputs). Throws on a cycle or an edge naming an unknown node. */
export function layerNodes(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Map<string, number> {
  const ids = new Set(nodes.map((n) => n.id));
  for (const e of edges) {
    if (!ids.has(e.from) || !ids.has(e.to)) throw new RangeError(`graphSvg: edge ${e.from} → ${e.to} names a node that is not in the graph`);
  }
  const consumers = new Map<string, string[]>();
  for (const e of edges) (consumers.get(e.from) ?? consumers.set(e.from, []).get(e.from)!).push(e.to);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw new RangeError(`graphSvg: the graph has a cycle through '${id}'`);
    visiting.add(id);
    const cs = consumers.get(id) ?? [];
    const d = cs.length ? Math.max(...cs.map(depth)) + 1 : 0;
    visiting.delete(id);
    layer.set(id, d);
    return d;
  };
  for (const n of nodes) depth(n.id);
  return layer;
}

export function graphSvg(nodes: readonly GraphNode[], edges: readonly GraphEdge[], opts: GraphSvgOptions = {}): string {
  const gapX = opts.gapX ?? 56;
  const gapY = opts.gapY ?? 70;
  const layerOf = layerNodes(nodes, edges);
  const placed = new Map<string, Placed>();
  const layers: Placed[][] = [];
  nodes.forEach((node, i) => {
    const lines = [node.title + (node.op ? `   [${node.op}]` : ''), `value ${show(node.value)}`, `grad ${show(node.grad)}`];
    const w = Math.max(...lines.map((l) => l.length)) * CHAR + 2 * PAD;
    const p: Placed = { node, layer: layerOf.get(node.id)!, order: i, w, h: lines.length * LINE + PAD, x: 0, y: 0, lines };
    placed.set(node.id, p);
    (layers[p.layer] ??= []).push(p);
  });
  for (let l = 0; l < layers.length; l++) layers[l] ??= [];
  // Barycentre ordering: down from the outputs (by consumers), then up (by inputs), twice.
  const neighbours = (id: string, dir: 'up' | 'down'): Placed[] =>
    edges.filter((e) => (dir === 'up' ? e.from === id : e.to === id)).map((e) => placed.get(dir === 'up' ? e.to : e.from)!);
  const sortLayer = (ps: Placed[], dir: 'up' | 'down'): void => {
    const key = new Map(ps.map((p) => {
      const ns = neighbours(p.node.id, dir);
      return [p, ns.length ? ns.reduce((s, n) => s + n.order, 0) / ns.length : p.order] as const;
    }));
    ps.sort((a, b) => key.get(a)! - key.get(b)! || a.order - b.order);
    ps.forEach((p, i) => { p.order = i; });
  };
  layers.forEach((ps) => ps.forEach((p, i) => { p.order = i; }));
  for (let pass = 0; pass < 2; pass++) {
    for (let l = 1; l < layers.length; l++) sortLayer(layers[l], 'up');
    for (let l = layers.length - 2; l >= 0; l--) sortLayer(layers[l], 'down');
  }
  // Coordinates: each layer centred; layer 0 on top.
  const widths = layers.map((ps) => ps.reduce((s, p) => s + p.w, 0) + gapX * Math.max(0, ps.length - 1));
  const width = Math.max(...widths, 200, opts.title ? opts.title.length * 8 : 0) + 2 * gapX;
  const titleH = opts.title ? 28 : 8;
  let y = titleH;
  for (let l = 0; l < layers.length; l++) {
    const ps = layers[l];
    let x = (width - widths[l]) / 2;
    const h = Math.max(0, ...ps.map((p) => p.h));
    for (const p of ps) {
      p.x = x;
      p.y = y;
      x += p.w + gapX;
    }
    y += h + gapY;
  }
  const height = y - gapY + 12;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT}">`);
  out.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#52606d"/></marker></defs>');
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  if (opts.title) out.push(`<text x="${(width / 2).toFixed(1)}" y="18" text-anchor="middle" font-size="14" font-weight="bold" fill="#1f2933">${esc(opts.title)}</text>`);
  // Edges first (under the boxes): from the input's top to the consumer's bottom.
  const labels: string[] = [];
  for (const e of edges) {
    const a = placed.get(e.from)!;
    const b = placed.get(e.to)!;
    const x1 = a.x + a.w / 2, y1 = a.y;
    const x2 = b.x + b.w / 2, y2 = b.y + b.h;
    const my = (y1 + y2) / 2;
    out.push(`<path d="M ${x1.toFixed(1)} ${y1.toFixed(1)} C ${x1.toFixed(1)} ${my.toFixed(1)}, ${x2.toFixed(1)} ${my.toFixed(1)}, ${x2.toFixed(1)} ${(y2 + 1).toFixed(1)}" fill="none" stroke="#52606d" stroke-width="1.3" marker-end="url(#arrow)"/>`);
    if (e.label) {
      // Nearer the input than the consumer: edges that meet at one box keep their labels apart.
      const lx = x1 + (x2 - x1) * 0.2, ly = y1 - (y1 - y2) * 0.4;
      const lw = e.label.length * CHAR * 0.92 + 8;
      labels.push(`<rect x="${(lx - lw / 2).toFixed(1)}" y="${(ly - 9).toFixed(1)}" width="${lw.toFixed(1)}" height="16" rx="3" fill="#fff8e1" stroke="#e0c068" stroke-width="0.8"/>` +
        `<text x="${lx.toFixed(1)}" y="${(ly + 3).toFixed(1)}" text-anchor="middle" font-size="11" fill="#7c5e10">${esc(e.label)}</text>`);
    }
  }
  for (const p of placed.values()) {
    const leaf = !p.node.op;
    const fill = p.layer === 0 ? '#fde7c8' : leaf ? '#dbeafe' : '#ffffff';
    out.push(`<g><rect x="${p.x.toFixed(1)}" y="${p.y.toFixed(1)}" width="${p.w.toFixed(1)}" height="${p.h}" rx="5" fill="${fill}" stroke="#334e68" stroke-width="1.2"/>`);
    p.lines.forEach((l, i) => {
      const weight = i === 0 ? ' font-weight="bold"' : '';
      const color = i === 2 ? '#b42318' : '#1f2933';
      out.push(`<text x="${(p.x + PAD).toFixed(1)}" y="${(p.y + PAD / 2 + (i + 1) * LINE - 4).toFixed(1)}"${weight} fill="${color}">${esc(l)}</text>`);
    });
    out.push('</g>');
  }
  out.push(...labels);
  out.push('</svg>');
  return out.join('\n');
}
