/**
 * Reference kernels for fused network blocks: softmax cross-entropy over class rows and layer
 * normalisation over the last n elements, each with the backward kernel that uses what its
 * forward saved (softmax probabilities; row mean and 1/std).
 */
import type { FloatData } from '../backend.js';

function ignored(t: number, classes: number, ignoreIndex: number): boolean {
  return t === ignoreIndex || t < 0 || t >= classes;
}

export function crossEntropy(x: FloatData, target: Int32Array, weight: FloatData | null, rows: number, classes: number,
  ignoreIndex: number, loss: FloatData, probs: FloatData): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    // NOTE: subtract the max so exp never overflows (a row of −inf uses 0, as softmax does).
    let mx = -Infinity;
    for (let j = 0; j < classes; j++) mx = Math.max(mx, x[base + j]);
    if (mx === -Infinity) mx = 0;
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(x[base + j] - mx);
    for (let j = 0; j < classes; j++) probs[base + j] = Math.exp(x[base + j] - mx) / sum;
    const t = target[r];
    if (ignored(t, classes, ignoreIndex)) loss[r] = 0;
    else loss[r] = (weight ? weight[t] : 1) * (mx + Math.log(sum) - x[base + t]);
  }
}

export function crossEntropyBackward(probs: FloatData, target: Int32Array, weight: FloatData | null, gLoss: FloatData,
  rows: number, classes: number, ignoreIndex: number, dx: FloatData): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    const t = target[r];
    if (ignored(t, classes, ignoreIndex)) {
      for (let j = 0; j < classes; j++) dx[base + j] = 0;
      continue;
    }
    const s = gLoss[r] * (weight ? weight[t] : 1);
    for (let j = 0; j < classes; j++) dx[base + j] = s * probs[base + j];
    dx[base + t] -= s;
  }
}

export function layerNorm(x: FloatData, rows: number, n: number, weight: FloatData | null, bias: FloatData | null, eps: number,
  out: FloatData, mean: FloatData, rstd: FloatData): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += x[base + j];
    const mu = s / n;
    // NOTE: two passes (mean, then squared deviations) rather than E[x²] − E[x]², which cancels.
    let v = 0;
    for (let j = 0; j < n; j++) {
      const d = x[base + j] - mu;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / n + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < n; j++) {
      let y = (x[base + j] - mu) * rs;
      if (weight) y *= weight[j];
      if (bias) y += bias[j];
      out[base + j] = y;
    }
  }
}

export function layerNormBackward(g: FloatData, x: FloatData, rows: number, n: number, weight: FloatData | null,
  mean: FloatData, rstd: FloatData, dx: FloatData, dWeight: FloatData | null, dBias: FloatData | null): void {
  // The column sums are accumulated in float64 whatever the data type, then stored.
  const sw = dWeight ? new Float64Array(n) : null;
  const sb = dBias ? new Float64Array(n) : null;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const mu = mean[r];
    const rs = rstd[r];
    let sh = 0;
    let shx = 0;
    for (let j = 0; j < n; j++) {
      const gj = g[base + j];
      const xh = (x[base + j] - mu) * rs;
      const h = weight ? gj * weight[j] : gj;
      sh += h;
      shx += h * xh;
      if (sw) sw[j] += gj * xh;
      if (sb) sb[j] += gj;
    }
    const mh = sh / n;
    const mhx = shx / n;
    for (let j = 0; j < n; j++) {
      const xh = (x[base + j] - mu) * rs;
      const h = weight ? g[base + j] * weight[j] : g[base + j];
      dx[base + j] = rs * (h - mh - xh * mhx);
    }
  }
  if (dWeight && sw) dWeight.set(sw);
  if (dBias && sb) dBias.set(sb);
}
