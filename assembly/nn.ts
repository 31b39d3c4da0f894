/**
 * f32 network kernels: softmax / log-softmax, im2col / col2im (convolution and pooling) and the
 * fused optimizer updates (SGD with momentum, Adam/AdamW). Same semantics as src/backend/js/nn.ts;
 * every range kernel has the (from, to, tid, params) signature so threads can share it.
 */
import { pf, pi } from './params';
import { exp4, expS, log4, logS, maxS } from './math';


/** Softmax over rows [from, to) of length n. Ints: x, out, n, log (0/1). */
export function softmaxRows(from: i32, to: i32, tid: i32, params: usize): void {
  const x = <usize>pi(params, 0);
  const out = <usize>pi(params, 1);
  const n = pi(params, 2);
  const log = pi(params, 3) != 0;
  for (let r = from; r < to; r++) {
    const xr = x + (<usize>r * <usize>n << 2);
    const or = out + (<usize>r * <usize>n << 2);
    // NOTE: subtract the max so exp never overflows; a row of −inf uses 0 as the js kernel does.
    let mv = f32x4.splat(-Infinity);
    let j = 0;
    for (; j + 4 <= n; j += 4) mv = f32x4.max(mv, v128.load(xr + (<usize>j << 2)));
    let mx = maxS(maxS(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), maxS(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; j < n; j++) mx = maxS(mx, load<f32>(xr + (<usize>j << 2)));
    if (mx == -Infinity) mx = 0;
    const mxv = f32x4.splat(mx);
    let sv = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= n; j += 4) {
      const e = exp4(f32x4.sub(v128.load(xr + (<usize>j << 2)), mxv));
      if (!log) v128.store(or + (<usize>j << 2), e);
      sv = f32x4.add(sv, e);
    }
    let sum = f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1) + f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3);
    for (; j < n; j++) {
      const e = expS(load<f32>(xr + (<usize>j << 2)) - mx);
      if (!log) store<f32>(or + (<usize>j << 2), e);
      sum += e;
    }
    if (log) {
      const lse = mx + logS(sum);
      const lv = f32x4.splat(lse);
      j = 0;
      for (; j + 4 <= n; j += 4) v128.store(or + (<usize>j << 2), f32x4.sub(v128.load(xr + (<usize>j << 2)), lv));
      for (; j < n; j++) store<f32>(or + (<usize>j << 2), load<f32>(xr + (<usize>j << 2)) - lse);
    } else {
      const inv = f32x4.splat(<f32>1 / sum);
      j = 0;
      for (; j + 4 <= n; j += 4) v128.store(or + (<usize>j << 2), f32x4.mul(v128.load(or + (<usize>j << 2)), inv));
      for (; j < n; j++) store<f32>(or + (<usize>j << 2), load<f32>(or + (<usize>j << 2)) / sum);
    }
  }
}

/** Softmax over the middle axis of [outer, n, inner] for columns q = o·inner + i in [from, to). Ints: x, out, n, inner, log. */
export function softmaxCols(from: i32, to: i32, tid: i32, params: usize): void {
  const x = <usize>pi(params, 0);
  const out = <usize>pi(params, 1);
  const n = pi(params, 2);
  const inner = pi(params, 3);
  const log = pi(params, 4) != 0;
  const st = <usize>inner << 2;
  for (let q = from; q < to; q++) {
    const o = q / inner;
    const i = q - o * inner;
    const off = (<usize>o * <usize>n * <usize>inner + <usize>i) << 2;
    const xb = x + off;
    const ob = out + off;
    let mx: f32 = -Infinity;
    for (let j = 0; j < n; j++) mx = maxS(mx, load<f32>(xb + <usize>j * st));
    if (mx == -Infinity) mx = 0;
    let sum: f32 = 0;
    for (let j = 0; j < n; j++) sum += expS(load<f32>(xb + <usize>j * st) - mx);
    if (log) {
      const lse = mx + logS(sum);
      for (let j = 0; j < n; j++) store<f32>(ob + <usize>j * st, load<f32>(xb + <usize>j * st) - lse);
    } else {
      for (let j = 0; j < n; j++) store<f32>(ob + <usize>j * st, expS(load<f32>(xb + <usize>j * st) - mx) / sum);
    }
  }
}

/** Copies n floats; short rows (a convolution's output width) are cheaper in vectors than through memory.copy. */
@inline function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** dst[i] += src[i] for n floats. */
@inline function addF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = dst + (<usize>i << 2);
    v128.store(p, f32x4.add(v128.load(p), v128.load(src + (<usize>i << 2))));
  }
  for (; i < n; i++) {
    const p = dst + (<usize>i << 2);
    store<f32>(p, load<f32>(p) + load<f32>(src + (<usize>i << 2)));
  }
}

/**
 * im2col / col2im over planes (b, ch) in [from, to). Ints: x, cols, ih, iw, oh, ow, kh, kw,
 * sh, sw, ph, pw, dh, dw, adjoint (0: cols = unfold(x); 1: x += fold(cols)), batchInner (cols
 * laid out [C·K, N, L] instead of [N, C·K, L]), n (batch), c (channels).
 */
export function windowRange(from: i32, to: i32, tid: i32, params: usize): void {
  const x = <usize>pi(params, 0);
  const cols = <usize>pi(params, 1);
  const ih = pi(params, 2), iw = pi(params, 3), oh = pi(params, 4), ow = pi(params, 5);
  const kh = pi(params, 6), kw = pi(params, 7), sh = pi(params, 8), sw = pi(params, 9);
  const ph = pi(params, 10), pw = pi(params, 11), dh = pi(params, 12), dw = pi(params, 13);
  const adjoint = pi(params, 14) != 0;
  const batchInner = pi(params, 15) != 0;
  const nb = pi(params, 16), nc = pi(params, 17);
  const l = <usize>oh * <usize>ow;
  const k = <usize>kh * <usize>kw;
  // Distance between the rows of consecutive kernel positions, and the first row of a plane.
  const rowStep = (batchInner ? <usize>nb * l : l) << 2;
  for (let plane = from; plane < to; plane++) {
    const src = x + ((<usize>plane * <usize>ih * <usize>iw) << 2);
    const b = <usize>(plane / nc), ch = <usize>(plane % nc);
    const first = batchInner ? (ch * k * <usize>nb + b) * l : <usize>plane * k * l;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        let col = cols + (first << 2) + <usize>(ki * kw + kj) * rowStep;
        const shift = kj * dw - pw;
        // Output columns whose input column is inside the image: x0 ≤ x < x1.
        let x0 = 0;
        while (x0 < ow && x0 * sw + shift < 0) x0++;
        let x1 = ow;
        while (x1 > x0 && (x1 - 1) * sw + shift >= iw) x1--;
        for (let y = 0; y < oh; y++) {
          const iy = y * sh - ph + ki * dh;
          if (iy < 0 || iy >= ih) {
            if (!adjoint) memory.fill(col, 0, <usize>ow << 2);
          } else {
            const rowp = src + (<usize>(iy * iw) << 2);
            if (adjoint && sw == 1) {
              addF32(rowp + (<usize>(x0 + shift) << 2), col + (<usize>x0 << 2), x1 - x0);
            } else if (adjoint) {
              for (let xx = x0; xx < x1; xx++) {
                const p = rowp + (<usize>(xx * sw + shift) << 2);
                store<f32>(p, load<f32>(p) + load<f32>(col + (<usize>xx << 2)));
              }
            } else {
              if (x0 > 0) memory.fill(col, 0, <usize>x0 << 2);
              if (sw == 1) {
                if (x1 > x0) copyF32(col + (<usize>x0 << 2), rowp + (<usize>(x0 + shift) << 2), x1 - x0);
              } else {
                for (let xx = x0; xx < x1; xx++) store<f32>(col + (<usize>xx << 2), load<f32>(rowp + (<usize>(xx * sw + shift) << 2)));
              }
              if (x1 < ow) memory.fill(col + (<usize>x1 << 2), 0, <usize>(ow - x1) << 2);
            }
          }
          col += <usize>ow << 2;
        }
      }
    }
  }
}

/** SGD over [from, to). Ints: p, g, buf, hasBuf, nesterov, firstStep; floats: lr, momentum, dampening, weightDecay. */
export function sgdRange(from: i32, to: i32, tid: i32, params: usize): void {
  const p = <usize>pi(params, 0), g = <usize>pi(params, 1), buf = <usize>pi(params, 2);
  const hasBuf = pi(params, 3) != 0, nesterov = pi(params, 4) != 0, first = pi(params, 5) != 0;
  const lr = f32x4.splat(pf(params, 0)), mom = pf(params, 1), damp = f32x4.splat(1 - pf(params, 2));
  const wdS = pf(params, 3);
  const wd = f32x4.splat(wdS), momv = f32x4.splat(mom);
  const useBuf = hasBuf && mom != 0;
  for (let i = from; i < to; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let d = v128.load(g + o);
    if (wdS != 0) d = f32x4.add(d, f32x4.mul(wd, pv));
    if (useBuf) {
      const b = first ? d : f32x4.add(f32x4.mul(momv, v128.load(buf + o)), f32x4.mul(damp, d));
      v128.store(buf + o, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(momv, b)) : b;
    }
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(lr, d)));
  }
}

/**
 * Adam / AdamW over [from, to). Ints: p, g, m, v, vmax, hasVmax, decoupled; floats: lr, beta1,
 * beta2, eps, weightDecay, stepSize (lr / bias correction 1), sqrtBc2 (√bias correction 2).
 */
export function adamRange(from: i32, to: i32, tid: i32, params: usize): void {
  const p = <usize>pi(params, 0), g = <usize>pi(params, 1), m = <usize>pi(params, 2), v = <usize>pi(params, 3);
  const vmax = <usize>pi(params, 4);
  const hasVmax = pi(params, 5) != 0, decoupled = pi(params, 6) != 0;
  const lrS = pf(params, 0), b1S = pf(params, 1), b2S = pf(params, 2), wdS = pf(params, 4);
  const eps = f32x4.splat(pf(params, 3));
  const b1 = f32x4.splat(b1S), nb1 = f32x4.splat(1 - b1S);
  const b2 = f32x4.splat(b2S), nb2 = f32x4.splat(1 - b2S);
  const wd = f32x4.splat(wdS), decay = f32x4.splat(1 - lrS * wdS);
  const stepSize = f32x4.splat(pf(params, 5));
  const invSqrtBc2 = f32x4.splat(1 / pf(params, 6));
  for (let i = from; i < to; i += 4) {
    const o = <usize>i << 2;
    let pv = v128.load(p + o);
    let d = v128.load(g + o);
    if (wdS != 0) {
      if (decoupled) pv = f32x4.mul(pv, decay);
      else d = f32x4.add(d, f32x4.mul(wd, pv));
    }
    const mv = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(nb1, d));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(nb2, f32x4.mul(d, d)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    let vu = vv;
    if (hasVmax) {
      vu = f32x4.max(v128.load(vmax + o), vv);
      v128.store(vmax + o, vu);
    }
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vu), invSqrtBc2), eps);
    v128.store(p + o, f32x4.sub(pv, f32x4.div(f32x4.mul(stepSize, mv), denom)));
  }
}

/** triple32 (C. Wellons' hash-prospector) on four lanes: a low-bias bijection of u32. */
@inline function triple32x4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 17));
  x = i32x4.mul(x, i32x4.splat(<i32>0xed5ad4bb));
  x = v128.xor(x, i32x4.shr_u(x, 11));
  x = i32x4.mul(x, i32x4.splat(<i32>0xac4c1b51));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(<i32>0x31848bab));
  return v128.xor(x, i32x4.shr_u(x, 14));
}

/** Hashes the four indices in idx under the key and applies the keep test to 16 bytes at o. */
@inline function dropoutVec(x: usize, out: usize, o: usize, idx: v128, k0: v128, k1: v128, last: v128, scale: v128): void {
  const h = triple32x4(v128.xor(triple32x4(v128.xor(idx, k0)), k1));
  v128.store(out + o, f32x4.mul(v128.load(x + o), v128.and(i32x4.le_u(h, last), scale)));
}

/**
 * Dropout over [from, to): out[i] = x[i] · (h(i) ≤ last ? scale : 0) with the counter-based
 * hash h(i) = triple32(triple32(i ^ key0) ^ key1) compared unsigned (see dropoutHash in
 * src/backend/js/nn.ts). Ints: x, out, key0, key1, last (the largest kept hash); floats: scale.
 * out may equal x.
 */
export function dropoutRange(from: i32, to: i32, tid: i32, params: usize): void {
  const x = <usize>pi(params, 0), out = <usize>pi(params, 1);
  const k0 = i32x4.splat(pi(params, 2)), k1 = i32x4.splat(pi(params, 3)), last = i32x4.splat(pi(params, 4));
  const scale = f32x4.splat(pf(params, 0));
  let idx = i32x4.add(i32x4.splat(from), i32x4(0, 1, 2, 3));
  let i = from;
  // NOTE: four vectors per iteration: the hash is a chain of dependent multiplies, and
  // independent chains side by side run about 1.7x faster than one at a time.
  for (; i + 16 <= to; i += 16) {
    const o = <usize>i << 2;
    dropoutVec(x, out, o, idx, k0, k1, last, scale);
    dropoutVec(x, out, o + 16, i32x4.add(idx, i32x4.splat(4)), k0, k1, last, scale);
    dropoutVec(x, out, o + 32, i32x4.add(idx, i32x4.splat(8)), k0, k1, last, scale);
    dropoutVec(x, out, o + 48, i32x4.add(idx, i32x4.splat(12)), k0, k1, last, scale);
    idx = i32x4.add(idx, i32x4.splat(16));
  }
  for (; i < to; i += 4) {
    dropoutVec(x, out, <usize>i << 2, idx, k0, k1, last, scale);
    idx = i32x4.add(idx, i32x4.splat(4));
  }
}
