/**
 * Max pooling that also returns where each maximum came from (torch's return_indices): the
 * index of the winner inside its (n, c) plane, flattened over the spatial dims, as PyTorch. One
 * forward kernel (backend maxPool, which already finds the winners) and its adjoint.
 */
import type { WindowSpec } from '../../backend/backend.js';
import { backend } from '../../backend/index.js';
import { shapeStr } from '../../backend/shape.js';
import { Tensor, allocStorage } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { castRaw } from './elementwise.js';
import { empty, floatDtype } from './util.js';

export interface PoolWithIndices {
  output: Tensor;
  /** int32, same shape as output: flat index of the winner in its input plane. */
  indices: Tensor;
}

export function maxPoolWithIndices(x: Tensor, spec: WindowSpec): PoolWithIndices {
  const nsp = spec.inSize.length;
  if (x.ndim !== nsp + 2 || x.shape.slice(2).some((s, i) => s !== spec.inSize[i])) {
    throw new RangeError(`maxPoolWithIndices: expected an input [N, C, ${spec.inSize.join(', ')}], got ${shapeStr(x.shape)}`);
  }
  const [n, c] = x.shape;
  const xf = castRaw(x, floatDtype(x.dtype));
  const out = empty([n, c, ...spec.outSize], xf.dtype);
  const argmax = allocStorage('int32', out.size) as unknown as Int32Array;
  backend().maxPool(xf.storage as Float32Array, n, c, spec, out.storage as Float32Array, argmax);
  const output = record('maxPool', [x], out, (g) => {
    const gx = empty(x.shape, g.dtype);
    backend().maxPoolBackward(g.storage as Float32Array, n, c, spec, argmax, gx.storage as Float32Array);
    return [gx];
  });
  return { output, indices: new Tensor(argmax, out.shape) };
}
