/**
 * Penalties added to a loss: L1 (λ·Σ|θ|) and L2 (λ·Σθ²) over chosen parameters, and the
 * attention-entropy penalty of study S3: α · mean over texts of H(p) = −Σ_i p_i·log p_i.
 *
 * NOTE: l2Penalty(params, λ) has gradient 2λθ, so it equals an optimizer's weightDecay of 2λ
 * (PyTorch's weight_decay = λ' adds λ'θ to the gradient, i.e. a penalty of λ'/2·Σθ²).
 */
import * as A from '../autograd/index.js';
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../backend/shape.js';

function total(params: Iterable<Tensor>, f: (p: Tensor) => Tensor, op: string): Tensor {
  let acc: Tensor | null = null;
  for (const p of params) {
    const s = A.sum(f(p));
    acc = acc ? A.add(acc, s) : s;
  }
  if (!acc) throw new RangeError(`${op}: no parameters given`);
  return acc;
}

export function l1Penalty(params: Iterable<Tensor>, lambda: number): Tensor {
  return A.mul(total(params, A.abs, 'l1Penalty'), lambda);
}

export function l2Penalty(params: Iterable<Tensor>, lambda: number): Tensor {
  return A.mul(total(params, A.square, 'l2Penalty'), lambda);
}

/**
 * Entropy of each row of attention weights [..., T] (0·log 0 = 0), shape [...]. Padded
 * positions have weight 0 and add nothing.
 */
export function attentionEntropy(weights: Tensor): Tensor {
  if (weights.ndim < 1) throw new RangeError(`attentionEntropy: expected weights [..., T], got ${shapeStr(weights.shape)}`);
  const plogp = A.mul(weights, A.log(A.clamp(weights, 1e-30)));
  return A.neg(A.sum(plogp, -1));
}

/** α · mean attention entropy: the S3 regulariser L = CE + α·mean H(p). */
export function attentionEntropyPenalty(weights: Tensor, alpha: number): Tensor {
  return A.mul(A.mean(attentionEntropy(weights)), alpha);
}
