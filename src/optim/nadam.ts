/**
 * NAdam (Dozat: Adam with Nesterov momentum) as torch.optim.NAdam, with the momentum schedule
 * μ_t = β₁(1 − ½·0.96^(t·ψ)), ψ = momentumDecay (4e-3):
 *   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  d = √(v/(1−β₂ᵗ)) + ε
 *   θ ← θ − lr(1−μ_t)/(1−Πμ_{≤t}) · g/d − lr·μ_{t+1}/(1−Πμ_{≤t}·μ_{t+1}) · m/d
 * (the formula of PyTorch ≥ 2.0 and 1.13's foreach path). Defaults lr 2e-3, betas
 * (0.9, 0.999), eps 1e-8. State: step, muProduct, expAvg, expAvgSq.
 */
import * as A from '../autograd/index.js';
import type { Parameter } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBetas } from './adamax.js';
import { Optimizer, ParamState, ParamsInput, checkRange, BETAS, LR, NONNEG, NO_MAXIMIZE } from './optimizer.js';
import { notImplemented } from '../tensor/option-rules.js';
import { assign, nextStep, stateTensor, withDecay } from './update-utils.js';

export type NAdamOptions = { lr: number; betas: number[]; eps: number; weightDecay: number; momentumDecay: number };

/** Every option NAdam takes (checked by the Optimizer base). */
export const NADAM_SPEC = { lr: LR, betas: BETAS, eps: NONNEG, weightDecay: NONNEG, momentumDecay: NONNEG, decoupledWeightDecay: notImplemented(false, 'use AdamW'), maximize: NO_MAXIMIZE } as const;

export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: ParamsInput<NAdamOptions>, opts: Partial<NAdamOptions> = {}) {
    super(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, ...opts }, NADAM_SPEC);
  }

  protected validate(o: NAdamOptions): void {
    checkRange('NAdam', 'learning rate', o.lr, 0);
    checkRange('NAdam', 'epsilon value', o.eps, 0);
    checkBetas('NAdam', o.betas);
    checkRange('NAdam', 'weight_decay value', o.weightDecay, 0);
    checkRange('NAdam', 'momentum_decay value', o.momentumDecay, 0);
  }

  protected update(p: Parameter, grad: Tensor, o: NAdamOptions, s: ParamState): void {
    A.noGrad(() => {
      const step = nextStep(s);
      const [b1, b2] = o.betas;
      const g = withDecay(grad, p, o.weightDecay);
      const mu = b1 * (1 - 0.5 * Math.pow(0.96, step * o.momentumDecay));
      const muNext = b1 * (1 - 0.5 * Math.pow(0.96, (step + 1) * o.momentumDecay));
      const muProduct = (typeof s.muProduct === 'number' ? s.muProduct : 1) * mu;
      s.muProduct = muProduct;
      const m = A.add(A.mul(stateTensor(s, 'expAvg', p), b1), A.mul(g, 1 - b1));
      const v = A.add(A.mul(stateTensor(s, 'expAvgSq', p), b2), A.mul(A.square(g), 1 - b2));
      s.expAvg = m;
      s.expAvgSq = v;
      const denom = A.add(A.sqrt(A.div(v, 1 - Math.pow(b2, step))), o.eps);
      const a = (o.lr * (1 - mu)) / (1 - muProduct);
      const b = (o.lr * muNext) / (1 - muProduct * muNext);
      assign(p, A.sub(A.sub(p, A.mul(A.div(g, denom), a)), A.mul(A.div(m, denom), b)));
    });
  }
}
