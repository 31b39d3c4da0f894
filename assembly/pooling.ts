/**
 * Pooling over planes (b, ch) in [from, to): max pooling with the winner's index, its adjoint,
 * and scaled window sums (average pooling) with theirs. Planes are disjoint in input and output,
 * so threads never write the same value. Semantics are those of src/backend/js/pooling.ts.
 *
 * Ints: x (or g), out (or gx), argmax, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, scale (f64
 * per output position, average pooling only).
 */

@inline function pi(params: usize, slot: i32): i32 {
  return load<i32>(params + (<usize>slot << 2));
}

/** mode 0: max forward, 1: max adjoint, 2: average forward, 3: average adjoint. */
function pool(from: i32, to: i32, params: usize, mode: i32): void {
  const x = <usize>pi(params, 0), out = <usize>pi(params, 1), arg = <usize>pi(params, 2);
  const ih = pi(params, 3), iw = pi(params, 4), oh = pi(params, 5), ow = pi(params, 6);
  const kh = pi(params, 7), kw = pi(params, 8), sh = pi(params, 9), sw = pi(params, 10);
  const ph = pi(params, 11), pw = pi(params, 12), dh = pi(params, 13), dw = pi(params, 14);
  const scale = <usize>pi(params, 15);
  const inArea = <usize>ih * <usize>iw, outArea = <usize>oh * <usize>ow;
  for (let plane = from; plane < to; plane++) {
    const xp = x + ((<usize>plane * inArea) << 2);
    const op = out + ((<usize>plane * outArea) << 2);
    const ap = arg + ((<usize>plane * outArea) << 2);
    if (mode == 1) {
      // x holds g [outArea], out holds gx [inArea] of this plane.
      const gp = x + ((<usize>plane * outArea) << 2);
      const gxp = out + ((<usize>plane * inArea) << 2);
      for (let o: usize = 0; o < outArea; o++) {
        const a = load<i32>(ap + (o << 2));
        if (a >= 0) {
          const p = gxp + (<usize>a << 2);
          store<f32>(p, load<f32>(p) + load<f32>(gp + (o << 2)));
        }
      }
      continue;
    }
    let o: usize = 0;
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++, o++) {
        let best: f32 = -Infinity;
        let besti: i32 = -1;
        let sum: f64 = 0;
        const v3: f32 = mode == 3 ? <f32>(<f64>load<f32>(x + ((<usize>plane * outArea + o) << 2)) * load<f64>(scale + (o << 3))) : 0;
        for (let ki = 0; ki < kh; ki++) {
          const iy = y * sh - ph + ki * dh;
          if (iy < 0 || iy >= ih) continue;
          for (let kj = 0; kj < kw; kj++) {
            const ix = xx * sw - pw + kj * dw;
            if (ix < 0 || ix >= iw) continue;
            const idx = iy * iw + ix;
            if (mode == 0) {
              const v = load<f32>(xp + (<usize>idx << 2));
              // NaN wins and stays, as in PyTorch.
              if (besti < 0 || v > best || v != v) {
                best = v;
                besti = idx;
              }
            } else if (mode == 2) {
              sum += <f64>load<f32>(xp + (<usize>idx << 2));
            } else {
              const p = out + ((<usize>plane * inArea + <usize>idx) << 2);
              store<f32>(p, load<f32>(p) + v3);
            }
          }
        }
        if (mode == 0) {
          store<f32>(op + (o << 2), best);
          store<i32>(ap + (o << 2), besti);
        } else if (mode == 2) {
          store<f32>(op + (o << 2), <f32>(sum * load<f64>(scale + (o << 3))));
        }
      }
    }
  }
}

export function maxPoolRange(from: i32, to: i32, tid: i32, params: usize): void {
  pool(from, to, params, 0);
}

export function maxPoolBackRange(from: i32, to: i32, tid: i32, params: usize): void {
  pool(from, to, params, 1);
}

export function avgPoolRange(from: i32, to: i32, tid: i32, params: usize): void {
  pool(from, to, params, 2);
}

export function avgPoolBackRange(from: i32, to: i32, tid: i32, params: usize): void {
  pool(from, to, params, 3);
}
