/**
 * f32 fused network blocks: softmax cross-entropy over class rows and layer normalisation over
 * the last n elements, forward and backward. Same semantics as src/backend/js/fused.ts; every
 * range kernel has the (from, to, tid, params) signature so threads can share it.
 */
import { pf, pi } from './params';
import { exp4, expS, log4, logS, maxS } from './math';

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}
@inline function ignored(t: i32, c: i32, ignore: i32): bool {
  return t == ignore || t < 0 || t >= c;
}

/**
 * Cross-entropy forward over rows [from, to) of c classes: probs = softmax(x), loss = w[t]·(lse − x[t]).
 * Ints: x, target, weight, loss, probs, c, hasWeight, ignoreIndex.
 */
export function crossEntropyRows(from: i32, to: i32, tid: i32, params: usize): void {
  const x = <usize>pi(params, 0), target = <usize>pi(params, 1), weight = <usize>pi(params, 2);
  const loss = <usize>pi(params, 3), probs = <usize>pi(params, 4);
  const c = pi(params, 5);
  const hasW = pi(params, 6) != 0;
  const ignore = pi(params, 7);
  for (let r = from; r < to; r++) {
    const xr = x + (<usize>r * <usize>c << 2);
    const pr = probs + (<usize>r * <usize>c << 2);
    let mv = f32x4.splat(-Infinity);
    let j = 0;
    for (; j + 4 <= c; j += 4) mv = f32x4.max(mv, v128.load(xr + (<usize>j << 2)));
    let mx = maxS(maxS(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), maxS(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; j < c; j++) mx = maxS(mx, load<f32>(xr + (<usize>j << 2)));
    if (mx == -Infinity) mx = 0;
    const mxv = f32x4.splat(mx);
    let sv = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= c; j += 4) {
      const e = exp4(f32x4.sub(v128.load(xr + (<usize>j << 2)), mxv));
      v128.store(pr + (<usize>j << 2), e);
      sv = f32x4.add(sv, e);
    }
    let sum = hsum(sv);
    for (; j < c; j++) {
      const e = expS(load<f32>(xr + (<usize>j << 2)) - mx);
      store<f32>(pr + (<usize>j << 2), e);
      sum += e;
    }
    const sumv = f32x4.splat(sum);
    j = 0;
    for (; j + 4 <= c; j += 4) v128.store(pr + (<usize>j << 2), f32x4.div(v128.load(pr + (<usize>j << 2)), sumv));
    for (; j < c; j++) store<f32>(pr + (<usize>j << 2), load<f32>(pr + (<usize>j << 2)) / sum);
    const t = load<i32>(target + (<usize>r << 2));
    let l: f32 = 0;
    if (!ignored(t, c, ignore)) {
      const w: f32 = hasW ? load<f32>(weight + (<usize>t << 2)) : 1;
      l = w * (mx + logS(sum) - load<f32>(xr + (<usize>t << 2)));
    }
    store<f32>(loss + (<usize>r << 2), l);
  }
}

/**
 * Cross-entropy backward over rows [from, to): dx = gLoss[r]·w[t]·(probs − onehot(t)), 0 when ignored.
 * Ints: probs, target, weight, gLoss, dx, c, hasWeight, ignoreIndex.
 */
export function crossEntropyBackRows(from: i32, to: i32, tid: i32, params: usize): void {
  const probs = <usize>pi(params, 0), target = <usize>pi(params, 1), weight = <usize>pi(params, 2);
  const gLoss = <usize>pi(params, 3), dx = <usize>pi(params, 4);
  const c = pi(params, 5);
  const hasW = pi(params, 6) != 0;
  const ignore = pi(params, 7);
  for (let r = from; r < to; r++) {
    const pr = probs + (<usize>r * <usize>c << 2);
    const dr = dx + (<usize>r * <usize>c << 2);
    const t = load<i32>(target + (<usize>r << 2));
    if (ignored(t, c, ignore)) {
      memory.fill(dr, 0, <usize>c << 2);
      continue;
    }
    const s: f32 = load<f32>(gLoss + (<usize>r << 2)) * (hasW ? load<f32>(weight + (<usize>t << 2)) : <f32>1);
    const sv = f32x4.splat(s);
    let j = 0;
    for (; j + 4 <= c; j += 4) v128.store(dr + (<usize>j << 2), f32x4.mul(sv, v128.load(pr + (<usize>j << 2))));
    for (; j < c; j++) store<f32>(dr + (<usize>j << 2), s * load<f32>(pr + (<usize>j << 2)));
    const dt = dr + (<usize>t << 2);
    store<f32>(dt, load<f32>(dt) - s);
  }
}

/**
 * Layer norm forward over rows [from, to) of length n: out = (x − mean)·rstd·w + b, saving mean
 * and rstd per row. Ints: x, out, mean, rstd, weight, bias, n, hasWeight, hasBias; floats: eps.
 */
export function layerNormRows(from: i32, to: i32, tid: i32, params: usize): void {
  const x = <usize>pi(params, 0), out = <usize>pi(params, 1), mean = <usize>pi(params, 2), rstd = <usize>pi(params, 3);
  const weight = <usize>pi(params, 4), bias = <usize>pi(params, 5);
  const n = pi(params, 6);
  const hasW = pi(params, 7) != 0, hasB = pi(params, 8) != 0;
  const eps = pf(params, 0);
  const nf = <f32>n;
  for (let r = from; r < to; r++) {
    const xr = x + (<usize>r * <usize>n << 2);
    const or = out + (<usize>r * <usize>n << 2);
    // Two accumulators per sum so consecutive vector adds do not wait on each other.
    let sv = f32x4.splat(0), sv2 = f32x4.splat(0);
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      sv = f32x4.add(sv, v128.load(xr + (<usize>j << 2)));
      sv2 = f32x4.add(sv2, v128.load(xr + (<usize>j << 2), 16));
    }
    for (; j + 4 <= n; j += 4) sv = f32x4.add(sv, v128.load(xr + (<usize>j << 2)));
    let s = hsum(f32x4.add(sv, sv2));
    for (; j < n; j++) s += load<f32>(xr + (<usize>j << 2));
    const mu = s / nf;
    const muv = f32x4.splat(mu);
    // NOTE: two passes (mean, then squared deviations), as the js kernel.
    let vv = f32x4.splat(0), vv2 = f32x4.splat(0);
    j = 0;
    for (; j + 8 <= n; j += 8) {
      const d = f32x4.sub(v128.load(xr + (<usize>j << 2)), muv);
      const d2 = f32x4.sub(v128.load(xr + (<usize>j << 2), 16), muv);
      vv = f32x4.add(vv, f32x4.mul(d, d));
      vv2 = f32x4.add(vv2, f32x4.mul(d2, d2));
    }
    for (; j + 4 <= n; j += 4) {
      const d = f32x4.sub(v128.load(xr + (<usize>j << 2)), muv);
      vv = f32x4.add(vv, f32x4.mul(d, d));
    }
    let v = hsum(f32x4.add(vv, vv2));
    for (; j < n; j++) {
      const d = load<f32>(xr + (<usize>j << 2)) - mu;
      v += d * d;
    }
    const rs: f32 = <f32>1 / sqrt<f32>(v / nf + eps);
    store<f32>(mean + (<usize>r << 2), mu);
    store<f32>(rstd + (<usize>r << 2), rs);
    const rsv = f32x4.splat(rs);
    j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      let y = f32x4.mul(f32x4.sub(v128.load(xr + o), muv), rsv);
      if (hasW) y = f32x4.mul(y, v128.load(weight + o));
      if (hasB) y = f32x4.add(y, v128.load(bias + o));
      v128.store(or + o, y);
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      let y = (load<f32>(xr + o) - mu) * rs;
      if (hasW) y *= load<f32>(weight + o);
      if (hasB) y += load<f32>(bias + o);
      store<f32>(or + o, y);
    }
  }
}

/**
 * Layer norm backward over rows [from, to): dx per row, and, when asked, this chunk's partial
 * column sums Σ g·x̂ and Σ g at partial + chunk·2·nPad floats (chunk = from / grain; dweight
 * sums first, then dbias sums), reduced afterwards by layerNormParamSum.
 * Ints: g, x, weight, mean, rstd, dx, partial, n, hasWeight, wantParams, grain, nPad.
 */
export function layerNormBackRows(from: i32, to: i32, tid: i32, params: usize): void {
  const g = <usize>pi(params, 0), x = <usize>pi(params, 1), weight = <usize>pi(params, 2);
  const mean = <usize>pi(params, 3), rstd = <usize>pi(params, 4), dx = <usize>pi(params, 5);
  const n = pi(params, 7);
  const hasW = pi(params, 8) != 0, want = pi(params, 9) != 0;
  const grain = pi(params, 10), nPad = pi(params, 11);
  const pw = <usize>pi(params, 6) + (<usize>(from / grain) * <usize>(2 * nPad) << 2);
  const pb = pw + (<usize>nPad << 2);
  if (want) memory.fill(pw, 0, <usize>(2 * nPad) << 2);
  const nf = <f32>n;
  for (let r = from; r < to; r++) {
    const off = <usize>r * <usize>n << 2;
    const gr = g + off, xr = x + off, dr = dx + off;
    const mu = load<f32>(mean + (<usize>r << 2));
    const rs = load<f32>(rstd + (<usize>r << 2));
    const muv = f32x4.splat(mu), rsv = f32x4.splat(rs);
    let shv = f32x4.splat(0), shxv = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const gv = v128.load(gr + o);
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + o), muv), rsv);
      const h = hasW ? f32x4.mul(gv, v128.load(weight + o)) : gv;
      shv = f32x4.add(shv, h);
      shxv = f32x4.add(shxv, f32x4.mul(h, xh));
      if (want) {
        v128.store(pw + o, f32x4.add(v128.load(pw + o), f32x4.mul(gv, xh)));
        v128.store(pb + o, f32x4.add(v128.load(pb + o), gv));
      }
    }
    let sh = hsum(shv), shx = hsum(shxv);
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const gj = load<f32>(gr + o);
      const xh = (load<f32>(xr + o) - mu) * rs;
      const h = hasW ? gj * load<f32>(weight + o) : gj;
      sh += h;
      shx += h * xh;
      if (want) {
        store<f32>(pw + o, load<f32>(pw + o) + gj * xh);
        store<f32>(pb + o, load<f32>(pb + o) + gj);
      }
    }
    const mh = sh / nf, mhx = shx / nf;
    const mhv = f32x4.splat(mh), mhxv = f32x4.splat(mhx);
    j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const gv = v128.load(gr + o);
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + o), muv), rsv);
      const h = hasW ? f32x4.mul(gv, v128.load(weight + o)) : gv;
      v128.store(dr + o, f32x4.mul(rsv, f32x4.sub(f32x4.sub(h, mhv), f32x4.mul(xh, mhxv))));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const gj = load<f32>(gr + o);
      const xh = (load<f32>(xr + o) - mu) * rs;
      const h = hasW ? gj * load<f32>(weight + o) : gj;
      store<f32>(dr + o, rs * (h - mh - xh * mhx));
    }
  }
}

/**
 * Sums the per-chunk partials of layerNormBackRows over columns [from, to) (multiples of 4):
 * dWeight[j] = Σ_k partial[k][j], dBias[j] = Σ_k partial[k][nPad + j].
 * Ints: partial, chunks, nPad, dWeight, dBias.
 */
export function layerNormParamSum(from: i32, to: i32, tid: i32, params: usize): void {
  const partial = <usize>pi(params, 0);
  const chunks = pi(params, 1), nPad = pi(params, 2);
  const dw = <usize>pi(params, 3), db = <usize>pi(params, 4);
  const stride = <usize>(2 * nPad) << 2;
  for (let j = from; j < to; j += 4) {
    const o = <usize>j << 2;
    let sw = f32x4.splat(0), sb = f32x4.splat(0);
    let p = partial + o;
    for (let k = 0; k < chunks; k++) {
      sw = f32x4.add(sw, v128.load(p));
      sb = f32x4.add(sb, v128.load(p + (<usize>nPad << 2)));
      p += stride;
    }
    v128.store(dw + o, sw);
    v128.store(db + o, sb);
  }
}
