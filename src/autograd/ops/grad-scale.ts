/**
 * scaleGrad(x, s): the values of x (same storage), with the gradient on the way back multiplied
 * by s (broadcast to x). Embedding's scaleGradByFreq divides each looked-up row's gradient by
 * how often its index occurs in the batch with it.
 */
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { mul } from './elementwise.js';
import { sumTo } from './reduce.js';

export function scaleGrad(x: Tensor, s: Tensor | number): Tensor {
  const out = new Tensor(x.storage, x.shape);
  return record('scaleGrad', [x], out, (g) => [sumTo(mul(g, s), x.shape)]);
}
