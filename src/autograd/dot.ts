/**
 * Seeing the graph: toDot(loss) writes Graphviz DOT with one box per tensor (its op, or
 * 'leaf' / its name, its shape, value when small, and gradient when known) and an edge from
 * every input to the op that used it. Render with `dot -Tsvg`.
 */
import { Tensor } from '../tensor/tensor.js';
import { topoOrder } from './engine.js';

function brief(t: Tensor | null): string {
  if (!t) return '–';
  if (t.size > 6) return `[${Array.from(t.data.slice(0, 6), (v) => +v.toPrecision(4)).join(', ')}, …]`;
  const v = Array.from(t.data, (x) => +x.toPrecision(6));
  return t.ndim === 0 ? String(v[0]) : `[${v.join(', ')}]`;
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

export function toDot(root: Tensor): string {
  const order = topoOrder(root);
  const lines = ['digraph autograd {', '  rankdir=BT;', '  node [shape=record, fontname="Helvetica", fontsize=10];'];
  for (const t of order) {
    const kind = t.gradFn ? t.gradFn.op : 'leaf';
    const title = t.name ? `${t.name} (${kind})` : kind;
    const label = `{${esc(title)}|shape [${t.shape.join(',')}]|value ${esc(brief(t))}|grad ${esc(brief(t.grad))}}`;
    const fill = t.gradFn ? 'white' : t.requiresGrad ? 'lightblue' : 'lightgrey';
    lines.push(`  t${t.id} [label="${label}", style=filled, fillcolor=${fill}];`);
  }
  for (const t of order) {
    for (const x of t.gradFn?.inputs ?? []) {
      if (x.requiresGrad) lines.push(`  t${x.id} -> t${t.id};`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}
