/**
 * Printing like PyTorch: `tensor([[0.1000, 0.2000], [0.3000, 0.4000]], shape=[2,2])`, with
 * rows aligned and large tensors elided to their first and last 3 entries per dimension.
 */
import { Tensor } from './tensor.js';

const THRESHOLD = 1000;
const EDGE = 3;

function formatter(t: Tensor, values: number[]): (v: number) => string {
  if (t.dtype === 'int32') return (v) => String(v);
  const finite = values.filter((v) => Number.isFinite(v));
  const allInt = finite.every((v) => Number.isInteger(v));
  const absMax = Math.max(0, ...finite.map(Math.abs));
  const nonzero = finite.filter((v) => v !== 0).map(Math.abs);
  const absMin = nonzero.length ? Math.min(...nonzero) : 0;
  const sci = absMax >= 1e8 || (absMin > 0 && absMin < 1e-4) || (absMin > 0 && absMax / absMin > 1e3 && !allInt);
  if (allInt && absMax < 1e8) return (v) => (Number.isFinite(v) ? `${v}.` : String(v));
  if (sci) return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : String(v));
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : String(v));
}

export function formatTensor(t: Tensor): string {
  const shape = t.shape;
  const summarize = t.size > THRESHOLD;
  // Collect the values that will be shown, to pick one format and one width for all.
  const shown: number[] = [];
  const keep = (dim: number): number[] => {
    const n = shape[dim];
    if (!summarize || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
    return [...Array.from({ length: EDGE }, (_, i) => i), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
  };
  const st = t.strides;
  const collect = (dim: number, off: number): void => {
    if (dim === shape.length) {
      shown.push(t.data[off]);
      return;
    }
    for (const i of keep(dim)) if (i >= 0) collect(dim + 1, off + i * st[dim]);
  };
  collect(0, 0);
  const fmt = formatter(t, shown);
  const width = Math.max(1, ...shown.map((v) => fmt(v).length));
  const indent = 'tensor('.length;
  const render = (dim: number, off: number): string => {
    if (dim === shape.length) return fmt(t.data[off]).padStart(width);
    const parts: string[] = [];
    for (const i of keep(dim)) parts.push(i < 0 ? '...' : render(dim + 1, off + i * st[dim]));
    if (dim === shape.length - 1) return `[${parts.join(', ')}]`;
    const sep = ',' + '\n'.repeat(shape.length - dim - 1) + ' '.repeat(indent + dim + 1);
    return `[${parts.join(sep)}]`;
  };
  const body = shape.length === 0 ? fmt(t.data[0]) : render(0, 0);
  const extras: string[] = [];
  if (shape.length !== 1 || summarize) extras.push(`shape=[${shape.join(',')}]`);
  if (t.dtype !== 'float32') extras.push(`dtype=${t.dtype}`);
  if (t.gradFn) extras.push(`gradFn=${t.gradFn.op}`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  return `tensor(${body}${extras.length ? ', ' + extras.join(', ') : ''})`;
}

Tensor.prototype.toString = function (this: Tensor): string {
  return formatTensor(this);
};

/**
 * console.log(tensor) in Node prints the same text (Node's inspect hook, reached by its registry
 * symbol so that this module imports nothing from Node and runs in a browser as it is).
 */
Object.defineProperty(Tensor.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: Tensor): string {
    return formatTensor(this);
  },
  writable: true,
  configurable: true,
});
