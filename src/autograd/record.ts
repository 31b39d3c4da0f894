/**
 * How an op joins the graph: after computing its output through backend kernels, it calls
 * `record(name, inputs, out, backward)`. When recording is on and any input requires a gradient,
 * the output gets a GradNode whose backward closure holds what the rule needs (and nothing once
 * the graph is freed).
 */
import type { SliceGrad, Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';

export type BackwardRule = (grad: Tensor) => (Tensor | SliceGrad | null)[];

export function needsGrad(...inputs: Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

export function record(op: string, inputs: Tensor[], out: Tensor, backward: BackwardRule): Tensor {
  if (needsGrad(...inputs)) {
    out.requiresGrad = true;
    out.gradFn = { op, inputs, backward };
  }
  return out;
}

/**
 * `record` as exported to users: the same, with the node marked external (GradNode.external), so
 * that the engine never pools the arrays such a rule receives or returns.
 */
export function recordExternal(op: string, inputs: Tensor[], out: Tensor, backward: BackwardRule): Tensor {
  if (needsGrad(...inputs)) {
    out.requiresGrad = true;
    out.gradFn = { op, inputs, backward, external: true };
  }
  return out;
}
