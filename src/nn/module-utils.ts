/**
 * Helpers over whole modules: casting every parameter and buffer to float64 (for gradient
 * checks) or float32, and translating PyTorch state-dict keys (snake_case, e.g.
 * `layers.0.self_attn.in_proj_weight`) to gradlab's camelCase (`layers.0.selfAttn.inProjWeight`).
 */
import type { DType } from '../backend/backend.js';
import { Tensor, allocData } from '../tensor/tensor.js';
import { Module, Parameter, StateDict } from './module.js';
import { torchKeyToGradlab } from './state-names.js';

function converted(t: Tensor, dtype: DType): Tensor {
  const d = allocData(dtype, t.size);
  for (let i = 0; i < d.length; i++) d[i] = t.data[i];
  return new Tensor(d, t.shape);
}

/**
 * Replaces every float parameter and buffer of the module tree by a copy in `dtype` (int
 * buffers such as numBatchesTracked stay int32). Returns the same module. Optimizers built
 * before the cast keep the old tensors, so cast first.
 */
export function castModule<M extends Module>(module: M, dtype: 'float32' | 'float64'): M {
  const buffers = new Set(module.namedBuffers().map(([, b]) => b));
  for (const [, m] of module.namedModules()) {
    const fields = m as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(m)) {
      if (!(v instanceof Tensor) || v.dtype === 'int32' || v.dtype === dtype) continue;
      if (v instanceof Parameter) {
        const p = new Parameter(converted(v, dtype));
        p.requiresGrad = v.requiresGrad;
        p.name = v.name;
        fields[k] = p;
      } else if (buffers.has(v)) fields[k] = converted(v, dtype);
    }
  }
  return module;
}

/** Casts the module's parameters and buffers to float64 (the gradient checker's dtype). */
export function toDouble<M extends Module>(module: M): M {
  return castModule(module, 'float64');
}

export function toFloat<M extends Module>(module: M): M {
  return castModule(module, 'float32');
}

export { torchKeyToGradlab, gradlabKeyToTorch } from './state-names.js';

/** A PyTorch-named state dict with its keys translated by torchKeyToGradlab. */
export function fromTorchStateDict(sd: StateDict): StateDict {
  const out: StateDict = {};
  for (const [k, v] of Object.entries(sd)) out[torchKeyToGradlab(k)] = v;
  return out;
}
