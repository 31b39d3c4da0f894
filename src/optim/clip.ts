/**
 * Gradient clipping as torch.nn.utils: clipGradNorm rescales all gradients together so that
 * their joint norm (2, any p, or Infinity) is at most maxNorm, by maxNorm/(norm + 1e-6) when
 * larger, and returns the norm before clipping; clipGradValue clamps each entry to ±clipValue.
 */
import * as A from '../autograd/index.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptions } from '../tensor/options.js';
import { notImplemented } from '../tensor/option-rules.js';

function grads(params: Iterable<Tensor>): Tensor[] {
  const out: Tensor[] = [];
  for (const p of params) if (p.grad) out.push(p.grad);
  return out;
}

export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2, o: { errorIfNonfinite?: boolean } = {}): number {
  checkOptions('clipGradNorm', o, { errorIfNonfinite: 'boolean', foreach: notImplemented(undefined) });
  if (!(normType > 0)) throw new RangeError(`clipGradNorm: normType must be > 0 or Infinity, got ${normType}`);
  const gs = grads(params);
  if (gs.length === 0) return 0;
  const total = A.noGrad(() => {
    if (normType === Infinity) return Math.max(...gs.map((g) => (g.size ? A.max(A.abs(g)).item() : 0)));
    const s = gs.reduce((acc, g) => acc + A.sum(A.pow(A.abs(g), normType)).item(), 0);
    return Math.pow(s, 1 / normType);
  });
  if (!Number.isFinite(total) && o.errorIfNonfinite) {
    throw new RangeError(`clipGradNorm: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped`);
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  if (coef < 1) A.noGrad(() => { for (const g of gs) g.data.set(A.mul(g, coef).data); });
  return total;
}

export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new RangeError(`clipGradValue: clipValue must be ≥ 0, got ${clipValue}`);
  A.noGrad(() => { for (const g of grads(params)) g.data.set(A.clamp(g, -clipValue, clipValue).data); });
}
