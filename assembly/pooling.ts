/**
 * Pooling over planes (b, ch) in [from, to): max pooling with the winner's index, its adjoint,
 * and scaled window sums (average pooling) with theirs. Planes are disjoint in input and output,
 * so threads never write the same value. Semantics are those of src/backend/js/pooling.ts.
 *
 * Ints: x (or g), out (or gx), argmax, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, scale (f64
 * per output position, average pooling only).
 */
import { pi } from './params';


/** First kernel index whose position start + k·d lies in [0, len), and one past the last. */
@inline function lo(start: i32, d: i32, k: i32): i32 {
  let a = 0;
  while (a < k && start + a * d < 0) a++;
  return a;
}
@inline function hi(start: i32, d: i32, k: i32, len: i32): i32 {
  let b = k;
  while (b > 0 && start + (b - 1) * d >= len) b--;
  return b;
}

/** Max of one window (rows ka..kb of the kernel inside the image), scalar. */
@inline function maxScalar(image: usize, dst: usize, ap: usize, o: usize, y0: i32, ka: i32, kb: i32, x0: i32, dh: i32, dw: i32, kw: i32, iw: i32): void {
  const la = lo(x0, dw, kw), lb = hi(x0, dw, kw, iw);
  let best: f32 = -Infinity;
  let besti: i32 = -1;
  for (let ki = ka; ki < kb; ki++) {
    const row = (y0 + ki * dh) * iw + x0;
    for (let kj = la; kj < lb; kj++) {
      const idx = row + kj * dw;
      const v = load<f32>(image + (<usize>idx << 2));
      // NaN wins and stays, as in PyTorch. Branch-free: random data mispredicts.
      const better = <i32>(besti < 0) | <i32>(v > best) | <i32>(v != v);
      best = select<f32>(v, best, better != 0);
      besti = select<i32>(idx, besti, better != 0);
    }
  }
  store<f32>(dst + (o << 2), best);
  store<i32>(ap + (o << 2), besti);
}

/**
 * Max of four neighbouring windows whose columns are all inside the image (x0 ≥ 0 and the last
 * column < iw), stride 1 or 2, branch-free with SIMD masks. Same winner rule as maxScalar.
 */
@inline function max4(image: usize, dst: usize, ap: usize, o: usize, y0: i32, ka: i32, kb: i32, x0: i32, sw: i32, dh: i32, dw: i32, kw: i32, iw: i32): void {
  let best = f32x4.splat(-Infinity);
  let besti = i32x4.splat(-1);
  const none = i32x4.splat(-1);
  const lanes = i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(sw));
  for (let ki = ka; ki < kb; ki++) {
    const row = (y0 + ki * dh) * iw + x0;
    for (let kj = 0; kj < kw; kj++) {
      const start = row + kj * dw;
      const p = image + (<usize>start << 2);
      let v: v128;
      if (sw == 1) v = v128.load(p);
      else v = i32x4.shuffle(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
      const better = v128.or(v128.or(i32x4.eq(besti, none), f32x4.gt(v, best)), f32x4.ne(v, v));
      best = v128.bitselect(v, best, better);
      besti = v128.bitselect(i32x4.add(i32x4.splat(start), lanes), besti, better);
    }
  }
  v128.store(dst + (o << 2), best);
  v128.store(ap + (o << 2), besti);
}

/** mode 0: max forward, 2: average forward, 3: average adjoint. */
function pool(from: i32, to: i32, params: usize, mode: i32): void {
  const x = <usize>pi(params, 0), out = <usize>pi(params, 1), arg = <usize>pi(params, 2);
  const scale = <usize>pi(params, 15);
  const ih = pi(params, 3), iw = pi(params, 4), oh = pi(params, 5), ow = pi(params, 6);
  const kh = pi(params, 7), kw = pi(params, 8), sh = pi(params, 9), sw = pi(params, 10);
  const ph = pi(params, 11), pw = pi(params, 12), dh = pi(params, 13), dw = pi(params, 14);
  const inArea = <usize>ih * <usize>iw, outArea = <usize>oh * <usize>ow;
  for (let plane = from; plane < to; plane++) {
    // mode 3 reads g [outArea] and writes gx [inArea]; the others read x and write out.
    const src = x + ((<usize>plane * (mode == 3 ? outArea : inArea)) << 2);
    const dst = out + ((<usize>plane * (mode == 3 ? inArea : outArea)) << 2);
    const ap = arg + ((<usize>plane * outArea) << 2);
    const image = mode == 3 ? dst : src;
    let o: usize = 0;
    for (let y = 0; y < oh; y++) {
      const y0 = y * sh - ph;
      const ka = lo(y0, dh, kh), kb = hi(y0, dh, kh, ih);
      let xx = 0;
      if (mode == 0 && (sw == 1 || sw == 2)) {
        // Four outputs at a time where their windows lie inside the row (padding only at the
        // edges): V8 compiles scalar f32 compares to branches, which random data mispredicts.
        while (xx < ow && xx * sw - pw < 0) {
          maxScalar(image, dst, ap, o, y0, ka, kb, xx * sw - pw, dh, dw, kw, iw);
          xx++;
          o++;
        }
        while (xx + 3 < ow && (xx + 3) * sw - pw + (kw - 1) * dw < iw) {
          max4(image, dst, ap, o, y0, ka, kb, xx * sw - pw, sw, dh, dw, kw, iw);
          xx += 4;
          o += 4;
        }
      }
      for (; xx < ow; xx++, o++) {
        const x0 = xx * sw - pw;
        const la = lo(x0, dw, kw), lb = hi(x0, dw, kw, iw);
        if (mode == 0) {
          maxScalar(image, dst, ap, o, y0, ka, kb, x0, dh, dw, kw, iw);
        } else if (mode == 2) {
          let sum: f64 = 0;
          for (let ki = ka; ki < kb; ki++) {
            const row = (y0 + ki * dh) * iw + x0;
            for (let kj = la; kj < lb; kj++) sum += <f64>load<f32>(image + (<usize>(row + kj * dw) << 2));
          }
          store<f32>(dst + (o << 2), <f32>(sum * load<f64>(scale + (o << 3))));
        } else {
          const v = <f32>(<f64>load<f32>(src + (o << 2)) * load<f64>(scale + (o << 3)));
          for (let ki = ka; ki < kb; ki++) {
            const row = (y0 + ki * dh) * iw + x0;
            for (let kj = la; kj < lb; kj++) {
              const p = image + (<usize>(row + kj * dw) << 2);
              store<f32>(p, load<f32>(p) + v);
            }
          }
        }
      }
    }
  }
}

/** Adjoint of max pooling: gx[plane, argmax[o]] += g[o]. */
function maxBack(from: i32, to: i32, params: usize): void {
  const g = <usize>pi(params, 0), gx = <usize>pi(params, 1), arg = <usize>pi(params, 2);
  const inArea = <usize>pi(params, 3) * <usize>pi(params, 4), outArea = <usize>pi(params, 5) * <usize>pi(params, 6);
  for (let plane = from; plane < to; plane++) {
    const gp = g + ((<usize>plane * outArea) << 2);
    const gxp = gx + ((<usize>plane * inArea) << 2);
    const ap = arg + ((<usize>plane * outArea) << 2);
    for (let o: usize = 0; o < outArea; o++) {
      const a = load<i32>(ap + (o << 2));
      if (a >= 0) {
        const p = gxp + (<usize>a << 2);
        store<f32>(p, load<f32>(p) + load<f32>(gp + (o << 2)));
      }
    }
  }
}

export function maxPoolRange(from: i32, to: i32, tid: i32, params: usize): void {
  pool(from, to, params, 0);
}

export function maxPoolBackRange(from: i32, to: i32, tid: i32, params: usize): void {
  maxBack(from, to, params);
}

export function avgPoolRange(from: i32, to: i32, tid: i32, params: usize): void {
  pool(from, to, params, 2);
}

export function avgPoolBackRange(from: i32, to: i32, tid: i32, params: usize): void {
  pool(from, to, params, 3);
}
