/**
 * RMSprop (Hinton) as torch.optim.RMSprop:
 *   v ← αv + (1−α)g²;  centered: ḡ ← αḡ + (1−α)g, d = √(v − ḡ²) + ε, else d = √v + ε
 *   momentum μ > 0: b ← μb + g/d, θ ← θ − lr·b;  otherwise θ ← θ − lr·g/d
 * Defaults lr 1e-2, alpha 0.99, eps 1e-8. State: step, squareAvg, gradAvg, momentumBuffer.
 */
import * as A from '../autograd/index.js';
import type { Parameter } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, ParamState, ParamsInput, checkRange, LR, NONNEG } from './optimizer.js';
import { assign, nextStep, stateTensor, withDecay } from './update-utils.js';

export type RMSpropOptions = { lr: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean; maximize: boolean };

/** Every option RMSprop takes (checked by the Optimizer base). */
export const RMSPROP_SPEC = { lr: LR, alpha: NONNEG, eps: NONNEG, weightDecay: NONNEG, momentum: NONNEG, centered: 'boolean', maximize: 'boolean' } as const;

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    super(params, { maximize: false, lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, ...opts }, RMSPROP_SPEC);
  }

  protected validate(o: RMSpropOptions): void {
    checkRange('RMSprop', 'learning rate', o.lr, 0);
    checkRange('RMSprop', 'epsilon value', o.eps, 0);
    checkRange('RMSprop', 'momentum value', o.momentum, 0);
    checkRange('RMSprop', 'weight_decay value', o.weightDecay, 0);
    checkRange('RMSprop', 'alpha value', o.alpha, 0);
  }

  protected update(p: Parameter, grad: Tensor, o: RMSpropOptions, s: ParamState): void {
    A.noGrad(() => {
      nextStep(s);
      const g = withDecay(grad, p, o.weightDecay);
      const v = A.add(A.mul(stateTensor(s, 'squareAvg', p), o.alpha), A.mul(A.square(g), 1 - o.alpha));
      s.squareAvg = v;
      let avg: Tensor;
      if (o.centered) {
        const ga = A.add(A.mul(stateTensor(s, 'gradAvg', p), o.alpha), A.mul(g, 1 - o.alpha));
        s.gradAvg = ga;
        avg = A.add(A.sqrt(A.sub(v, A.square(ga))), o.eps);
      } else avg = A.add(A.sqrt(v), o.eps);
      if (o.momentum > 0) {
        const b = A.add(A.mul(stateTensor(s, 'momentumBuffer', p), o.momentum), A.div(g, avg));
        s.momentumBuffer = b;
        assign(p, A.sub(p, A.mul(b, o.lr)));
      } else assign(p, A.sub(p, A.mul(A.div(g, avg), o.lr)));
    });
  }
}
