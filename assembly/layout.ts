/**
 * Strided gather copy (permute and sliceCopy): out, contiguous with a rank-4 shape (coalesced
 * by the JS side), is filled from x read with per-dim element strides from a base offset.
 * Rows [from, to) of the innermost dimension; a row with source stride 1 is one memory.copy.
 */
import { pi } from './params';


/** Ints: x, out, shape[4] (2..5), strides[4] (6..9), base (10). */
export function gatherRows(from: i32, to: i32, tid: i32, params: usize): void {
  const x = <usize>pi(params, 0) + (<usize>pi(params, 10) << 2);
  const out = <usize>pi(params, 1);
  const d1 = pi(params, 3), d2 = pi(params, 4), n = pi(params, 5);
  const s0 = pi(params, 6), s1 = pi(params, 7), s2 = pi(params, 8), s3 = pi(params, 9);
  for (let r = from; r < to; r++) {
    const i2 = r % d2;
    const q = r / d2;
    const i1 = q % d1;
    const i0 = q / d1;
    const src = x + (<usize>(i0 * s0 + i1 * s1 + i2 * s2) << 2);
    const dst = out + (<usize>r * <usize>n << 2);
    if (s3 == 1) {
      memory.copy(dst, src, <usize>n << 2);
    } else {
      const st = <usize>s3 << 2;
      let p = src;
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        let v = f32x4.splat(load<f32>(p));
        v = f32x4.replace_lane(v, 1, load<f32>(p + st));
        v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * st));
        v = f32x4.replace_lane(v, 3, load<f32>(p + 3 * st));
        v128.store(dst + (<usize>j << 2), v);
        p += 4 * st;
      }
      for (; j < n; j++) {
        store<f32>(dst + (<usize>j << 2), load<f32>(p));
        p += st;
      }
    }
  }
}
