/**
 * Adadelta (Zeiler) as torch.optim.Adadelta:
 *   v ← ρv + (1−ρ)g²;  Δ = √(u + ε)/√(v + ε) · g;  u ← ρu + (1−ρ)Δ²;  θ ← θ − lr·Δ
 * Defaults lr 1.0, rho 0.9, eps 1e-6. State: step, squareAvg, accDelta.
 */
import * as A from '../autograd/index.js';
import type { Parameter } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, ParamState, ParamsInput, checkRange, LR, NONNEG } from './optimizer.js';
import { assign, nextStep, stateTensor, withDecay } from './update-utils.js';

export type AdadeltaOptions = { lr: number; rho: number; eps: number; weightDecay: number; maximize: boolean };

/** Every option Adadelta takes (checked by the Optimizer base). */
export const ADADELTA_SPEC = { lr: LR, rho: NONNEG, eps: NONNEG, weightDecay: NONNEG, maximize: 'boolean' } as const;

export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: ParamsInput<AdadeltaOptions>, opts: Partial<AdadeltaOptions> = {}) {
    super(params, { maximize: false, lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, ...opts }, ADADELTA_SPEC);
  }

  protected validate(o: AdadeltaOptions): void {
    checkRange('Adadelta', 'learning rate', o.lr, 0);
    checkRange('Adadelta', 'rho value', o.rho, 0, 1);
    checkRange('Adadelta', 'epsilon value', o.eps, 0);
    checkRange('Adadelta', 'weight_decay value', o.weightDecay, 0);
  }

  protected update(p: Parameter, grad: Tensor, o: AdadeltaOptions, s: ParamState): void {
    A.noGrad(() => {
      nextStep(s);
      const g = withDecay(grad, p, o.weightDecay);
      const v = A.add(A.mul(stateTensor(s, 'squareAvg', p), o.rho), A.mul(A.square(g), 1 - o.rho));
      const u = stateTensor(s, 'accDelta', p);
      const delta = A.mul(A.div(A.sqrt(A.add(u, o.eps)), A.sqrt(A.add(v, o.eps))), g);
      s.squareAvg = v;
      s.accDelta = A.add(A.mul(u, o.rho), A.mul(A.square(delta), 1 - o.rho));
      assign(p, A.sub(p, A.mul(delta, o.lr)));
    });
  }
}
