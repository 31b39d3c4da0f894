/**
 * Adagrad (Duchi et al.) as torch.optim.Adagrad:
 *   lr_t = lr / (1 + (t−1)·lrDecay);  G ← G + g²;  θ ← θ − lr_t·g/(√G + ε)
 * Defaults lr 1e-2, lrDecay 0, initialAccumulatorValue 0, eps 1e-10. State: step, sum.
 */
import * as A from '../autograd/index.js';
import type { Parameter } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, ParamState, ParamsInput, checkRange, LR, NONNEG } from './optimizer.js';
import { assign, nextStep, stateTensor, withDecay } from './update-utils.js';

export type AdagradOptions = { lr: number; lrDecay: number; weightDecay: number; initialAccumulatorValue: number; eps: number; maximize: boolean };

/** Every option Adagrad takes (checked by the Optimizer base). */
export const ADAGRAD_SPEC = { lr: LR, lrDecay: NONNEG, weightDecay: NONNEG, initialAccumulatorValue: NONNEG, eps: NONNEG, maximize: 'boolean' } as const;

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    super(params, { maximize: false, lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, ...opts }, ADAGRAD_SPEC);
  }

  protected validate(o: AdagradOptions): void {
    checkRange('Adagrad', 'learning rate', o.lr, 0);
    checkRange('Adagrad', 'lr_decay value', o.lrDecay, 0);
    checkRange('Adagrad', 'weight_decay value', o.weightDecay, 0);
    checkRange('Adagrad', 'initial_accumulator_value', o.initialAccumulatorValue, 0);
    checkRange('Adagrad', 'epsilon value', o.eps, 0);
  }

  protected update(p: Parameter, grad: Tensor, o: AdagradOptions, s: ParamState): void {
    A.noGrad(() => {
      const step = nextStep(s);
      const g = withDecay(grad, p, o.weightDecay);
      const clr = o.lr / (1 + (step - 1) * o.lrDecay);
      const sum = A.add(stateTensor(s, 'sum', p, o.initialAccumulatorValue), A.square(g));
      s.sum = sum;
      assign(p, A.sub(p, A.mul(A.div(g, A.add(A.sqrt(sum), o.eps)), clr)));
    });
  }
}
