/**
 * Adamax (Kingma & Ba, the infinity-norm variant of Adam) as torch.optim.Adamax:
 *   m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − lr/(1−β₁ᵗ) · m/u
 * Defaults lr 2e-3, betas (0.9, 0.999), eps 1e-8. State: step, expAvg, expInf.
 */
import * as A from '../autograd/index.js';
import type { Parameter } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, ParamState, ParamsInput, checkRange, BETAS, LR, NONNEG } from './optimizer.js';
import { assign, nextStep, stateTensor, withDecay } from './update-utils.js';

export type AdamaxOptions = { lr: number; betas: number[]; eps: number; weightDecay: number; maximize: boolean };

/** Every option Adamax takes (checked by the Optimizer base). */
export const ADAMAX_SPEC = { lr: LR, betas: BETAS, eps: NONNEG, weightDecay: NONNEG, maximize: 'boolean' } as const;

export function checkBetas(name: string, betas: number[]): void {
  if (betas.length !== 2) throw new RangeError(`${name}: betas must have two values, got ${betas.length}`);
  betas.forEach((b, i) => {
    if (!(b >= 0 && b < 1)) throw new RangeError(`${name}: invalid beta parameter at index ${i}: ${b} (expected 0 ≤ beta < 1)`);
  });
}

export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: ParamsInput<AdamaxOptions>, opts: Partial<AdamaxOptions> = {}) {
    super(params, { maximize: false, lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, ...opts }, ADAMAX_SPEC);
  }

  protected validate(o: AdamaxOptions): void {
    checkRange('Adamax', 'learning rate', o.lr, 0);
    checkRange('Adamax', 'epsilon value', o.eps, 0);
    checkBetas('Adamax', o.betas);
    checkRange('Adamax', 'weight_decay value', o.weightDecay, 0);
  }

  protected update(p: Parameter, grad: Tensor, o: AdamaxOptions, s: ParamState): void {
    A.noGrad(() => {
      const step = nextStep(s);
      const [b1, b2] = o.betas;
      const g = withDecay(grad, p, o.weightDecay);
      const m = A.add(A.mul(stateTensor(s, 'expAvg', p), b1), A.mul(g, 1 - b1));
      const u = A.maximum(A.mul(stateTensor(s, 'expInf', p), b2), A.add(A.abs(g), o.eps));
      s.expAvg = m;
      s.expInf = u;
      const clr = o.lr / (1 - Math.pow(b1, step));
      assign(p, A.sub(p, A.mul(A.div(m, u), clr)));
    });
  }
}
