/**
 * Summarise a block of numbers as a histogram, the way TensorBoard keeps them: min, max,
 * count, sum, sum of squares, and buckets given by their right edges.
 *
 * Buckets are equal-width between the smallest and largest finite value (TensorBoard's
 * current histogram summaries do the same, with 30 buckets by default). NOTE: NaN values go
 * in no bucket — they are counted in `nanCount` and make `sum`/`sumSquares` NaN, so a
 * diverging layer shows as such instead of vanishing; -Infinity counts in the first bucket
 * and +Infinity in the last.
 */
import type { HistogramSummary } from './types.js';

export const DEFAULT_BUCKETS = 30;

export type NumericArray = ArrayLike<number>;

export function summarizeHistogram(values: NumericArray, buckets = DEFAULT_BUCKETS): HistogramSummary {
  if (!Number.isInteger(buckets) || buckets < 1) {
    throw new RangeError(`histogram: bucket count must be an integer ≥ 1, got ${buckets}`);
  }
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  let finiteMin = Infinity;
  let finiteMax = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  let nanCount = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    sum += v;
    sumSquares += v * v;
    if (Number.isNaN(v)) {
      nanCount++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (Number.isFinite(v)) {
      if (v < finiteMin) finiteMin = v;
      if (v > finiteMax) finiteMax = v;
    }
  }
  const counted = n - nanCount;
  if (counted === 0) {
    return { min: NaN, max: NaN, num: n, nanCount, sum: n === 0 ? 0 : NaN, sumSquares: n === 0 ? 0 : NaN, limits: [], counts: [] };
  }
  if (finiteMin === Infinity) {
    // Only infinities: put them at ±1 so the buckets still have a width.
    finiteMin = -1;
    finiteMax = 1;
  }
  let lo = finiteMin;
  let hi = finiteMax;
  let k = buckets;
  if (lo === hi) {
    // NOTE: all values equal — one bucket of width 1 centred on the value, as TensorBoard does.
    lo -= 0.5;
    hi += 0.5;
    k = 1;
  }
  const width = (hi - lo) / k;
  const limits = new Array<number>(k);
  for (let b = 0; b < k; b++) limits[b] = b === k - 1 ? hi : lo + width * (b + 1);
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    let b = Math.floor((v - lo) / width);
    if (!(b >= 0)) b = 0; // also catches -Infinity
    if (b >= k) b = k - 1;
    counts[b]!++;
  }
  return { min, max, num: n, nanCount, sum, sumSquares, limits, counts };
}
