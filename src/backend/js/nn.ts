/** Reference kernels for network building blocks: softmax, sliding windows, dropout, optimizer updates. */
import type { AdamStep, AdamTensors, DropoutSpec, FloatData, SgdStep, SgdTensors, WindowSpec } from '../backend.js';

export function softmax(x: FloatData, outer: number, n: number, inner: number, log: boolean, out: FloatData): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      // NOTE: subtract the max so exp never overflows; log-softmax uses log-sum-exp.
      let mx = -Infinity;
      for (let j = 0; j < n; j++) mx = Math.max(mx, x[base + j * inner]);
      if (mx === -Infinity) mx = 0;
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(x[base + j * inner] - mx);
      if (log) {
        const lse = mx + Math.log(sum);
        for (let j = 0; j < n; j++) out[base + j * inner] = x[base + j * inner] - lse;
      } else {
        for (let j = 0; j < n; j++) out[base + j * inner] = Math.exp(x[base + j * inner] - mx) / sum;
      }
    }
  }
}

/** Geometry of a 1-d or 2-d window spec, 1-d treated as height 1. */
export function windowGeometry(s: WindowSpec): { ih: number; iw: number; oh: number; ow: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number } {
  const twoD = s.inSize.length === 2;
  const [ih, iw] = twoD ? s.inSize : [1, s.inSize[0]];
  const [oh, ow] = twoD ? s.outSize : [1, s.outSize[0]];
  const [kh, kw] = twoD ? s.kernel : [1, s.kernel[0]];
  const [sh, sw] = twoD ? s.stride : [1, s.stride[0]];
  const [ph, pw] = twoD ? s.padding : [0, s.padding[0]];
  const [dh, dw] = twoD ? s.dilation : [1, s.dilation[0]];
  return { ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw };
}

/**
 * Calls f(colIndex, inputIndex or -1 for padding) over the unfolded layout of im2col:
 * [N, C·K, L] or, batchInner, [C·K, N, L].
 */
function windows(n: number, c: number, s: WindowSpec, batchInner: boolean, f: (col: number, src: number) => void): void {
  const { ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw } = windowGeometry(s);
  const l = oh * ow;
  const k = kh * kw;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = (b * c + ch) * ih * iw;
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          const row = ch * k + ki * kw + kj;
          let col = batchInner ? (row * n + b) * l : (b * c * k + row) * l;
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + ki * dh;
            for (let x = 0; x < ow; x++, col++) {
              const ix = x * sw - pw + kj * dw;
              f(col, iy >= 0 && iy < ih && ix >= 0 && ix < iw ? plane + iy * iw + ix : -1);
            }
          }
        }
      }
    }
  }
}

export function im2col(x: FloatData, n: number, c: number, spec: WindowSpec, out: FloatData, batchInner = false): void {
  windows(n, c, spec, batchInner, (col, src) => { out[col] = src >= 0 ? x[src] : 0; });
}

export function col2im(cols: FloatData, n: number, c: number, spec: WindowSpec, out: FloatData, batchInner = false): void {
  windows(n, c, spec, batchInner, (col, src) => { if (src >= 0) out[src] += cols[col]; });
}

/** triple32 (C. Wellons' hash-prospector): a low-bias bijection of unsigned 32-bit integers. */
export function triple32(x: number): number {
  x ^= x >>> 17;
  x = Math.imul(x, 0xed5ad4bb);
  x ^= x >>> 11;
  x = Math.imul(x, 0xac4c1b51);
  x ^= x >>> 15;
  x = Math.imul(x, 0x31848bab);
  x ^= x >>> 14;
  return x >>> 0;
}

/** The 32-bit hash that decides whether dropout keeps entry i under key (key0, key1). */
export function dropoutHash(i: number, key0: number, key1: number): number {
  return triple32(triple32(i ^ key0) ^ key1);
}

export function dropout(x: FloatData, spec: DropoutSpec, out: FloatData): void {
  // NOTE: a float32 x times the float32 scale is exact in f64, so the store rounds once, as wasm.
  const scale = out instanceof Float32Array ? Math.fround(spec.scale) : spec.scale;
  const limit = spec.keep * 4294967296;
  const k0 = spec.key0 | 0;
  const k1 = spec.key1 | 0;
  for (let i = 0; i < x.length; i++) out[i] = x[i] * (dropoutHash(i, k0, k1) < limit ? scale : 0);
}

export function sgdStep(p: FloatData, g: FloatData, buf: FloatData | null, o: SgdStep): void {
  for (let i = 0; i < p.length; i++) {
    let d = g[i];
    if (o.weightDecay !== 0) d += o.weightDecay * p[i];
    if (buf && o.momentum !== 0) {
      buf[i] = o.firstStep ? d : o.momentum * buf[i] + (1 - o.dampening) * d;
      d = o.nesterov ? d + o.momentum * buf[i] : buf[i];
    }
    p[i] -= o.lr * d;
  }
}

export function adamStep(p: FloatData, g: FloatData, m: FloatData, v: FloatData, o: AdamStep, vmax: FloatData | null): void {
  const bc1 = 1 - Math.pow(o.beta1, o.step);
  const bc2 = 1 - Math.pow(o.beta2, o.step);
  const stepSize = o.lr / bc1;
  const sqrtBc2 = Math.sqrt(bc2);
  for (let i = 0; i < p.length; i++) {
    let d = g[i];
    if (o.weightDecay !== 0) {
      if (o.decoupled) p[i] *= 1 - o.lr * o.weightDecay;
      else d += o.weightDecay * p[i];
    }
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * d;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * d * d;
    let vv = v[i];
    if (vmax) { if (vv > vmax[i]) vmax[i] = vv; vv = vmax[i]; }
    p[i] -= (stepSize * m[i]) / (Math.sqrt(vv) / sqrtBc2 + o.eps);
  }
}

/** The reference multi-tensor SGD: sgdStep on each entry. */
export function sgdSteps(list: readonly SgdTensors[], o: SgdStep): void {
  for (const t of list) sgdStep(t.param, t.grad, t.momentumBuf, o);
}

/** The reference multi-tensor Adam: adamStep on each entry. */
export function adamSteps(list: readonly AdamTensors[], o: AdamStep): void {
  for (const t of list) adamStep(t.param, t.grad, t.expAvg, t.expAvgSq, o, t.maxExpAvgSq);
}
