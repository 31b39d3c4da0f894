/** Reference pooling kernels: max pooling with the winner's index, and scaled window sums (average pooling). */
import type { FloatData, WindowSpec } from '../backend.js';
import { windowGeometry } from './nn.js';

/** Calls f(outIndex, plane offset, inside-plane indices of the window) for every window of every plane. */
function eachWindow(n: number, c: number, spec: WindowSpec, f: (o: number, planeBase: number, idx: Int32Array, count: number) => void): void {
  const { ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw } = windowGeometry(spec);
  const idx = new Int32Array(kh * kw);
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * ih * iw;
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++, o++) {
        let count = 0;
        for (let ki = 0; ki < kh; ki++) {
          const iy = y * sh - ph + ki * dh;
          if (iy < 0 || iy >= ih) continue;
          for (let kj = 0; kj < kw; kj++) {
            const ix = x * sw - pw + kj * dw;
            if (ix >= 0 && ix < iw) idx[count++] = iy * iw + ix;
          }
        }
        f(o, base, idx, count);
      }
    }
  }
}

export function maxPool(x: FloatData, n: number, c: number, spec: WindowSpec, out: FloatData, argmax: Int32Array): void {
  eachWindow(n, c, spec, (o, base, idx, count) => {
    let best = -Infinity;
    let arg = -1;
    for (let i = 0; i < count; i++) {
      const v = x[base + idx[i]];
      // NOTE: `v !== v` lets NaN win and stay (PyTorch propagates NaN through max pooling).
      if (arg < 0 || v > best || v !== v) {
        best = v;
        arg = idx[i];
      }
    }
    out[o] = best;
    argmax[o] = arg;
  });
}

export function maxPoolBackward(g: FloatData, n: number, c: number, spec: WindowSpec, argmax: Int32Array, gx: FloatData): void {
  const plane = spec.inSize.reduce((a, b) => a * b, 1);
  const l = spec.outSize.reduce((a, b) => a * b, 1);
  for (let p = 0; p < n * c; p++) {
    for (let j = 0; j < l; j++) {
      const a = argmax[p * l + j];
      if (a >= 0) gx[p * plane + a] += g[p * l + j];
    }
  }
}

export function avgPool(x: FloatData, n: number, c: number, spec: WindowSpec, scale: Float64Array, out: FloatData): void {
  const l = scale.length;
  eachWindow(n, c, spec, (o, base, idx, count) => {
    let s = 0;
    for (let i = 0; i < count; i++) s += x[base + idx[i]];
    out[o] = s * scale[o % l];
  });
}

export function avgPoolBackward(g: FloatData, n: number, c: number, spec: WindowSpec, scale: Float64Array, gx: FloatData): void {
  const l = scale.length;
  eachWindow(n, c, spec, (o, base, idx, count) => {
    const v = g[o] * scale[o % l];
    for (let i = 0; i < count; i++) gx[base + idx[i]] += v;
  });
}
