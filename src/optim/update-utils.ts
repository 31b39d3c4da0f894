/**
 * Small helpers shared by the optimizers written with tensor ops: each runs its update under
 * noGrad, reads and replaces its state tensors, and finally copies the new values into the
 * parameter's own storage (so modules and other references see the update).
 */
import * as A from '../autograd/index.js';
import type { Parameter } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import type { ParamState } from './optimizer.js';

/** Copies `value` into p's storage. */
export function assign(p: Tensor, value: Tensor): void {
  p.data.set(value.data);
}

/** The state tensor under key, zeros (or `fill`) shaped like p on first use. */
export function stateTensor(s: ParamState, key: string, p: Parameter, fill = 0): Tensor {
  const v = s[key];
  if (v instanceof Tensor) return v;
  const t = A.add(A.mul(A.detach(p), 0), fill);
  s[key] = t;
  return t;
}

/** Increments and returns the step counter kept in the state. */
export function nextStep(s: ParamState): number {
  const step = (typeof s.step === 'number' ? s.step : 0) + 1;
  s.step = step;
  return step;
}

/** g + λ·θ (coupled L2 weight decay), or g itself when λ = 0. */
export function withDecay(grad: Tensor, p: Tensor, weightDecay: number): Tensor {
  return weightDecay !== 0 ? A.add(grad, A.mul(A.detach(p), weightDecay)) : grad;
}
