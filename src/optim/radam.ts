/**
 * RAdam (Liu et al., rectified Adam) as torch.optim.RAdam: while the variance estimate is not
 * tractable (ρ_t ≤ 5) the step is plain momentum, θ ← θ − lr·m̂; afterwards
 *   θ ← θ − lr·m̂·r_t·√(1−β₂ᵗ)/(√v + ε),  r_t = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t))
 * with ρ∞ = 2/(1−β₂) − 1 and ρ_t = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ). Defaults lr 1e-3, betas (0.9, 0.999),
 * eps 1e-8. State: step, expAvg, expAvgSq.
 */
import * as A from '../autograd/index.js';
import type { Parameter } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBetas } from './adamax.js';
import { Optimizer, ParamState, ParamsInput, checkRange, BETAS, LR, NONNEG, NO_MAXIMIZE } from './optimizer.js';
import { notImplemented } from '../tensor/option-rules.js';
import { assign, nextStep, stateTensor, withDecay } from './update-utils.js';

export type RAdamOptions = { lr: number; betas: number[]; eps: number; weightDecay: number };

/** Every option RAdam takes (checked by the Optimizer base). */
export const RADAM_SPEC = { lr: LR, betas: BETAS, eps: NONNEG, weightDecay: NONNEG, decoupledWeightDecay: notImplemented(false, 'use AdamW'), maximize: NO_MAXIMIZE } as const;

export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: ParamsInput<RAdamOptions>, opts: Partial<RAdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, ...opts }, RADAM_SPEC);
  }

  protected validate(o: RAdamOptions): void {
    checkRange('RAdam', 'learning rate', o.lr, 0);
    checkRange('RAdam', 'epsilon value', o.eps, 0);
    checkBetas('RAdam', o.betas);
    checkRange('RAdam', 'weight_decay value', o.weightDecay, 0);
  }

  protected update(p: Parameter, grad: Tensor, o: RAdamOptions, s: ParamState): void {
    A.noGrad(() => {
      const step = nextStep(s);
      const [b1, b2] = o.betas;
      const g = withDecay(grad, p, o.weightDecay);
      const m = A.add(A.mul(stateTensor(s, 'expAvg', p), b1), A.mul(g, 1 - b1));
      const v = A.add(A.mul(stateTensor(s, 'expAvgSq', p), b2), A.mul(A.square(g), 1 - b2));
      s.expAvg = m;
      s.expAvgSq = v;
      const bc1 = 1 - Math.pow(b1, step);
      const bc2 = 1 - Math.pow(b2, step);
      const mHat = A.div(m, bc1);
      const rhoInf = 2 / (1 - b2) - 1;
      const rhoT = rhoInf - (2 * step * Math.pow(b2, step)) / bc2;
      if (rhoT > 5) {
        const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        const adaptive = A.div(Math.sqrt(bc2), A.add(A.sqrt(v), o.eps));
        assign(p, A.sub(p, A.mul(A.mul(mHat, adaptive), o.lr * rect)));
      } else assign(p, A.sub(p, A.mul(mHat, o.lr)));
    });
  }
}
