/** Small helpers shared by the op files: operand conversion, dtype promotion, output allocation. */
import type { DType, Shape } from '../../backend/backend.js';
import { Tensor, allocData, allocStorage } from '../../tensor/tensor.js';
import { sizeOf } from '../../backend/shape.js';

export type TensorLike = Tensor | number;

/** float64 wins over float32, which wins over int32 (as in PyTorch's type promotion). */
export function promote(a: DType, b: DType): DType {
  if (a === 'float64' || b === 'float64') return 'float64';
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}

/** A number becomes a 0-d tensor; its dtype follows the other operand (float if it is fractional). */
export function asTensor(x: TensorLike, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  const dtype: DType = like.dtype === 'int32' && !Number.isInteger(x) ? 'float32' : like.dtype;
  const d = allocData(dtype, 1);
  d[0] = x;
  return new Tensor(d, []);
}

export function empty(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocStorage(dtype, sizeOf(shape)), shape);
}

export function floatDtype(d: DType): DType {
  return d === 'int32' ? 'float32' : d;
}
