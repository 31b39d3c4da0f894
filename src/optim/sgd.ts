/**
 * SGD with momentum, dampening, Nesterov and weight decay, exactly as torch.optim.SGD:
 *   g ← ∇ + λ·θ;  b ← g (first step) or μ·b + (1 − τ)·g;  g ← g + μ·b (Nesterov) or b;  θ ← θ − lr·g
 */
import { backend } from '../backend/index.js';
import type { FloatData, SgdTensors } from '../backend/backend.js';
import type { Parameter } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, ParamState, ParamsInput, allFloat32, checkRange, LR, NONNEG } from './optimizer.js';
import { num } from '../tensor/options.js';

export type SGDOptions = {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** Ascend the objective instead (the step uses −grad), as PyTorch's maximize. */
  maximize: boolean;
};

/** Every option SGD takes (checked by the Optimizer base). */
export const SGD_SPEC = { lr: LR, momentum: NONNEG, dampening: num({ min: -Infinity }), weightDecay: NONNEG, nesterov: 'boolean', maximize: 'boolean' } as const;

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    super(params, { maximize: false, lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...opts }, SGD_SPEC);
  }

  protected validate(o: SGDOptions): void {
    checkRange('SGD', 'learning rate', o.lr, 0);
    checkRange('SGD', 'momentum value', o.momentum, 0);
    checkRange('SGD', 'weight_decay value', o.weightDecay, 0);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new RangeError(`SGD: Nesterov momentum requires a momentum > 0 and zero dampening (got momentum ${o.momentum}, dampening ${o.dampening})`);
    }
  }

  protected update(p: Parameter, grad: Tensor, o: SGDOptions, s: ParamState): void {
    const first = !('momentumBuffer' in s);
    const buf = o.momentum !== 0 ? this.buffer(s, 'momentumBuffer', p) : null;
    backend().sgdStep(p.storage as FloatData, grad.storage as FloatData, buf ? (buf.storage as FloatData) : null, {
      lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weightDecay, nesterov: o.nesterov, firstStep: first,
    });
  }

  /** A float32 group in one multi-tensor call per kind of step (first or later momentum step). */
  protected override updateGroup(params: readonly Parameter[], o: SGDOptions): void {
    if (!allFloat32(params)) {
      super.updateGroup(params, o);
      return;
    }
    const first: SgdTensors[] = [];
    const later: SgdTensors[] = [];
    for (const p of params) {
      const s = this.stateOf(p);
      const isFirst = !('momentumBuffer' in s);
      const buf = o.momentum !== 0 ? this.buffer(s, 'momentumBuffer', p) : null;
      (isFirst ? first : later).push({ param: p.storage as FloatData, grad: (p.grad as Tensor).storage as FloatData, momentumBuf: buf ? (buf.storage as FloatData) : null });
    }
    for (const [list, firstStep] of [[first, true], [later, false]] as const) {
      if (list.length === 0) continue;
      backend().sgdSteps(list, {
        lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weightDecay, nesterov: o.nesterov, firstStep,
      });
    }
  }
}
