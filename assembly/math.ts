/**
 * Vector (f32x4) transcendental functions for the elementwise, softmax and activation kernels.
 *
 * WebAssembly has no exp/log instructions, so these are the classic Cephes single-precision
 * range reductions and minimax polynomials (about 1 ulp over the float range). Special values
 * follow Math.*: exp(-inf) = 0, exp(+inf) = inf, log(0) = -inf, log(<0) = NaN, NaN → NaN.
 */

/** exp(x): x = n·ln2 + r with |r| ≤ ln2/2, exp(r) by a degree-6 polynomial, 2^n built in the exponent. */
// @inline keeps the polynomial in the calling loop.
@inline export function exp4(x: v128): v128 {
  // NOTE: min/max (not pmin/pmax) propagate NaN, so NaN inputs come out NaN.
  x = f32x4.max(f32x4.min(x, f32x4.splat(89.0)), f32x4.splat(-104.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  // NOTE: 2^n as 2^(n>>1) · 2^(n - n>>1): each factor stays a normal float for n in [-150, 129],
  // so results underflow gracefully to denormals/0 and overflow to +inf.
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** log(x): x = m·2^e with m in [√½, √2), log(m) by a degree-9 polynomial in m − 1. */
export function log4(x0: v128): v128 {
  // Denormals: scale by 2^25 and correct the exponent.
  const tiny = f32x4.lt(x0, f32x4.splat(1.17549435e-38));
  const x = v128.bitselect(f32x4.mul(x0, f32x4.splat(33554432.0)), x0, tiny);
  const bits = x;
  let e = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126));
  e = i32x4.sub(e, v128.and(tiny, i32x4.splat(25)));
  let m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // [0.5, 1)
  const small = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  // if m < √½: e -= 1, m = 2m − 1; else m = m − 1
  e = i32x4.add(e, small); // mask is −1 where true
  m = f32x4.sub(f32x4.add(m, v128.and(small, m)), f32x4.splat(1.0));
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  let y = f32x4.splat(7.0376836292e-2);
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.1514610310e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(1.1676998740e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(1.4249322787e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(2.0000714765e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = f32x4.add(y, f32x4.mul(ef, f32x4.splat(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  let r = f32x4.add(f32x4.add(m, y), f32x4.mul(ef, f32x4.splat(0.693359375)));
  // Special values.
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x0, f32x4.splat(0)));
  r = v128.bitselect(f32x4.splat(Infinity), r, f32x4.eq(x0, f32x4.splat(Infinity)));
  r = v128.bitselect(f32x4.splat(NaN), r, v128.not(f32x4.ge(x0, f32x4.splat(0))));
  return r;
}

/** tanh: odd polynomial for |x| < 0.625, else 1 − 2/(e^{2|x|} + 1) with the sign put back. */
export function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = exp4(f32x4.add(ax, ax));
  let big = f32x4.sub(f32x4.splat(1.0), f32x4.div(f32x4.splat(2.0), f32x4.add(e, f32x4.splat(1.0))));
  big = v128.or(big, v128.and(x, i32x4.splat(0x80000000))); // copysign
  return v128.bitselect(small, big, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** sigmoid = 1 / (1 + e^{−x}); e^{−x} → inf gives 0, never NaN. */
export function sigmoid4(x: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), exp4(f32x4.neg(x))));
}

/** exp of one value through the vector polynomial (the same rounding as exp4). */
@inline export function expS(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

/** log of one value through the vector polynomial. */
@inline export function logS(x: f32): f32 {
  return f32x4.extract_lane(log4(f32x4.splat(x)), 0);
}

/** max that is NaN when either input is NaN. */
@inline export function maxS(a: f32, b: f32): f32 {
  return isNaN(a) || isNaN(b) ? NaN : max(a, b);
}
