/**
 * scatterAddNew(src, dim, index, shape): a zero tensor of `shape` with src[i] added at
 * index[i] along dim (torch.zeros(shape).scatter_add_(dim, index, src)); the gradient of src is
 * the gather of the output gradient at the same indices. One backend kernel each way (the
 * scatterAdd / gather pair that gather itself uses). MaxUnpool is built on it.
 */
import { backend } from '../../backend/index.js';
import { normAxis, shapeStr } from '../../backend/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { empty } from './util.js';

export function scatterAddNew(src: Tensor, dim: number, index: Tensor, shape: readonly number[]): Tensor {
  const d = normAxis(dim, shape.length, 'scatterAddNew');
  if (index.dtype !== 'int32') throw new TypeError(`scatterAddNew: index must be int32, got ${index.dtype}`);
  if (index.ndim !== src.ndim || index.shape.some((s, k) => s !== src.shape[k]) || src.ndim !== shape.length ||
    src.shape.some((s, k) => k !== d && s > shape[k])) {
    throw new RangeError(`scatterAddNew: src ${shapeStr(src.shape)} and index ${shapeStr(index.shape)} must match and fit the output ${shapeStr(shape)} outside dim ${d}`);
  }
  const idx = index.data as Int32Array;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= shape[d]) throw new RangeError(`scatterAddNew: index ${idx[i]} at position ${i} is outside [0, ${shape[d]}) along dim ${d}`);
  }
  const out = empty(shape, src.dtype);
  backend().scatterAdd(src.storage, index.shape, d, idx, out.storage, shape);
  return record('scatterAdd', [src], out, (g) => {
    const gs = empty(src.shape, g.dtype);
    backend().gather(g.storage, shape, d, idx, index.shape, gs.storage);
    return [gs];
  });
}
