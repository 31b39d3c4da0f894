/**
 * Adam (Kingma & Ba) as torch.optim.Adam, and AdamW (decoupled weight decay, Loshchilov & Hutter):
 *   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − lr·(m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
 * Adam adds λθ to g; AdamW multiplies θ by (1 − lr·λ) first. amsgrad keeps max(v) instead.
 * State keys: step, expAvg, expAvgSq (and maxExpAvgSq).
 */
import { backend } from '../backend/index.js';
import type { AdamTensors, FloatData } from '../backend/backend.js';
import type { Parameter } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, ParamState, ParamsInput, allFloat32, checkRange, BETAS, LR, NONNEG } from './optimizer.js';

export type AdamOptions = {
  lr: number;
  betas: number[];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  /** Ascend the objective instead (the step uses −grad), as PyTorch's maximize. */
  maximize: boolean;
};

/** Every option Adam takes (checked by the Optimizer base). */
export const ADAM_SPEC = { lr: LR, betas: BETAS, eps: NONNEG, weightDecay: NONNEG, amsgrad: 'boolean', maximize: 'boolean' } as const;

export class Adam extends Optimizer<AdamOptions> {
  protected readonly decoupled: boolean = false;

  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { maximize: false, lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, ...opts }, ADAM_SPEC);
  }

  protected validate(o: AdamOptions): void {
    const name = this.constructor.name;
    checkRange(name, 'learning rate', o.lr, 0);
    checkRange(name, 'epsilon value', o.eps, 0);
    if (o.betas.length !== 2) throw new RangeError(`${name}: betas must have two values, got ${o.betas.length}`);
    o.betas.forEach((b, i) => {
      if (!(b >= 0 && b < 1)) throw new RangeError(`${name}: invalid beta parameter at index ${i}: ${b} (expected 0 ≤ beta < 1)`);
    });
    checkRange(name, 'weight_decay value', o.weightDecay, 0);
  }

  protected update(p: Parameter, grad: Tensor, o: AdamOptions, s: ParamState): void {
    const step = (typeof s.step === 'number' ? s.step : 0) + 1;
    s.step = step;
    const m = this.buffer(s, 'expAvg', p);
    const v = this.buffer(s, 'expAvgSq', p);
    const vmax = o.amsgrad ? this.buffer(s, 'maxExpAvgSq', p) : null;
    backend().adamStep(p.storage as FloatData, grad.storage as FloatData, m.storage as FloatData, v.storage as FloatData, {
      lr: o.lr, beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay, decoupled: this.decoupled, step,
    }, vmax ? (vmax.storage as FloatData) : null);
  }

  /** A float32 group in one multi-tensor call per step count (normally one: they all share it). */
  protected override updateGroup(params: readonly Parameter[], o: AdamOptions): void {
    if (!allFloat32(params)) {
      super.updateGroup(params, o);
      return;
    }
    const byStep = new Map<number, AdamTensors[]>();
    for (const p of params) {
      const s = this.stateOf(p);
      const step = (typeof s.step === 'number' ? s.step : 0) + 1;
      s.step = step;
      const m = this.buffer(s, 'expAvg', p);
      const v = this.buffer(s, 'expAvgSq', p);
      const vmax = o.amsgrad ? this.buffer(s, 'maxExpAvgSq', p) : null;
      let list = byStep.get(step);
      if (!list) byStep.set(step, (list = []));
      list.push({
        param: p.storage as FloatData, grad: (p.grad as Tensor).storage as FloatData, expAvg: m.storage as FloatData, expAvgSq: v.storage as FloatData,
        maxExpAvgSq: vmax ? (vmax.storage as FloatData) : null,
      });
    }
    for (const [step, list] of byStep) {
      backend().adamSteps(list, {
        lr: o.lr, beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay, decoupled: this.decoupled, step,
      });
    }
  }
}

export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...opts });
  }
}
