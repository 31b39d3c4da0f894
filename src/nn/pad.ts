/**
 * torch.nn.functional.pad: `pad` lists (left, right) pairs starting from the last dim, as
 * PyTorch. Modes: 'constant' (value; negative amounts crop), 'reflect' (mirror without the edge,
 * amount < size), 'replicate' (repeat the edge), 'circular' (wrap around, amount ≤ size). The
 * non-constant modes pick source positions with one indexSelect per padded dim, so the gradient
 * sums back into the positions read (as PyTorch's backward does).
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { Tensor } from '../tensor/tensor.js';
import { full } from '../tensor/creation.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
export const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/** Source index of each output position of a padded dim of size n. */
function sourceIndex(mode: Exclude<PadMode, 'constant'>, n: number, left: number, right: number): Int32Array {
  const out = new Int32Array(n + left + right);
  for (let j = 0; j < out.length; j++) {
    let i = j - left;
    if (mode === 'replicate') i = Math.min(Math.max(i, 0), n - 1);
    else if (mode === 'circular') i = ((i % n) + n) % n;
    else {
      // reflect: ... 2 1 | 0 1 2 ... n-1 | n-2 n-3 ...
      const period = 2 * (n - 1);
      if (period === 0) i = 0;
      else {
        i = ((i % period) + period) % period;
        if (i >= n) i = period - i;
      }
    }
    out[j] = i;
  }
  return out;
}

export function pad(x: Tensor, amounts: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  if (!PAD_MODES.includes(mode)) throw new RangeError(`pad: unknown mode '${mode}' (valid: ${PAD_MODES.join(', ')})`);
  if (amounts.length % 2 !== 0 || amounts.length / 2 > x.ndim) {
    throw new RangeError(`pad: expected an even number of pad amounts, at most 2 per dim of input ${shapeStr(x.shape)}, got [${amounts.join(', ')}]`);
  }
  if (amounts.some((p) => !Number.isInteger(p))) throw new RangeError(`pad: amounts must be integers, got [${amounts.join(', ')}]`);
  if (mode !== 'constant' && value !== 0) throw new RangeError(`pad: a fill value (${value}) only applies to mode 'constant', got mode '${mode}'`);
  let y = x;
  for (let k = 0; k < amounts.length / 2; k++) {
    const d = x.ndim - 1 - k;
    const left = amounts[2 * k];
    const right = amounts[2 * k + 1];
    if (left === 0 && right === 0) continue;
    const n = y.shape[d];
    if (mode === 'constant') {
      // Negative amounts crop first, then positive ones add constant blocks.
      const cl = Math.max(0, -left);
      const cr = Math.max(0, -right);
      if (cl + cr > n) throw new RangeError(`pad: cropping ${cl + cr} from dim ${d} of size ${n} (input ${shapeStr(x.shape)})`);
      if (cl || cr) y = A.narrow(y, d, cl, n - cl - cr);
      const parts: Tensor[] = [];
      const block = (len: number): Tensor => {
        const s = [...y.shape];
        s[d] = len;
        return full(s, value, { dtype: y.dtype });
      };
      if (left > 0) parts.push(block(left));
      parts.push(y);
      if (right > 0) parts.push(block(right));
      if (parts.length > 1) y = A.cat(parts, d);
      continue;
    }
    if (left < 0 || right < 0) throw new RangeError(`pad: mode '${mode}' needs amounts ≥ 0, got [${amounts.join(', ')}]`);
    if (mode === 'reflect' && (left >= n || right >= n)) {
      throw new RangeError(`pad: reflect padding (${left}, ${right}) must be less than the size ${n} of dim ${d} of input ${shapeStr(x.shape)}`);
    }
    if (mode === 'circular' && (left > n || right > n)) {
      throw new RangeError(`pad: circular padding (${left}, ${right}) must be at most the size ${n} of dim ${d} of input ${shapeStr(x.shape)}`);
    }
    y = A.indexSelect(y, d, sourceIndex(mode, n, left, right));
  }
  return y;
}
