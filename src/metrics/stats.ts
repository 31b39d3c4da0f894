/**
 * Statistics for comparing runs over seeds, written by hand: Student's t distribution (CDF and
 * quantile through the regularized incomplete beta function), mean / sample standard deviation /
 * 95% confidence interval of a mean, Welch's unequal-variance t-test, the paired t-test, and
 * Holm's step-down correction of p-values across several comparisons. Checked against scipy's
 * values (test/fixtures/scipy/stats.json, made by scripts/make_scipy_fixtures.py).
 */

/** log Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: x must be > 0, got ${x}`);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) return h;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), a, b > 0, x in [0, 1]. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`incompleteBeta: a and b must be > 0, got a=${a}, b=${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incompleteBeta: x must be in [0, 1], got ${x}`);
  if (x === 0 || x === 1) return x;
  const lbt = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const bt = Math.exp(lbt);
  if (x < (a + 1) / (a + b + 2)) return (bt * betaContinuedFraction(a, b, x)) / a;
  return 1 - (bt * betaContinuedFraction(b, a, 1 - x)) / b;
}

function checkDf(where: string, df: number): void {
  if (!(df > 0)) throw new RangeError(`${where}: degrees of freedom must be > 0, got ${df}`);
}

/** P(T ≤ t) for Student's t with df degrees of freedom (df may be fractional, e.g. Welch's). */
export function studentTCdf(t: number, df: number): number {
  checkDf('studentTCdf', df);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5); // P(T > |t|)
  return t >= 0 ? 1 - tail : tail;
}

/** Two-sided p-value of a t statistic: P(|T| ≥ |t|). */
export function studentTTwoSided(t: number, df: number): number {
  checkDf('studentTTwoSided', df);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The p-quantile of Student's t (inverse CDF), p in (0, 1). */
export function studentTQuantile(p: number, df: number): number {
  checkDf('studentTQuantile', df);
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  // Bracket, then bisect on the CDF, then polish with Newton steps on the density.
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e12) return Infinity;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  let t = 0.5 * (lo + hi);
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  for (let i = 0; i < 3; i++) {
    const pdf = Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
    if (!(pdf > 0)) break;
    const step = (studentTCdf(t, df) - p) / pdf;
    if (!Number.isFinite(step)) break;
    t -= step;
  }
  return t;
}

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); NaN for n < 2. */
  sd: number;
  /** Standard error of the mean, sd/√n. */
  se: number;
  /** Two-sided confidence interval of the mean (Student t, n − 1 df); [mean, mean] would claim too much, so n < 2 gives NaN bounds. */
  ciLow: number;
  ciHigh: number;
  /** The level of the interval, e.g. 0.95. */
  level: number;
}

function checkValues(where: string, xs: readonly number[]): void {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]!)) throw new RangeError(`${where}: value ${i} is ${xs[i]} (every value must be a finite number)`);
  }
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (divides by n − 1), NaN for fewer than 2 values. */
export function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

/** Mean, sd and the Student-t confidence interval of the mean (default 95%). */
export function summarize(xs: readonly number[], level = 0.95): Summary {
  checkValues('summarize', xs);
  if (!(level > 0 && level < 1)) throw new RangeError(`summarize: level must be in (0, 1), got ${level}`);
  const n = xs.length;
  const m = mean(xs);
  const sd = sampleSd(xs);
  const se = n >= 2 ? sd / Math.sqrt(n) : NaN;
  const half = n >= 2 ? studentTQuantile(0.5 + level / 2, n - 1) * se : NaN;
  return { n, mean: m, sd, se, ciLow: m - half, ciHigh: m + half, level };
}

export interface TTestResult {
  /** mean(a) − mean(b) (paired: the mean of the differences). */
  diff: number;
  t: number;
  df: number;
  /** Two-sided p-value. */
  p: number;
  /** Confidence interval of the difference at `level`. */
  ciLow: number;
  ciHigh: number;
  level: number;
  test: 'welch' | 'paired';
}

/** Welch's t-test of mean(a) = mean(b), variances not assumed equal (scipy's ttest_ind(equal_var=False)). */
export function welchTTest(a: readonly number[], b: readonly number[], level = 0.95): TTestResult {
  checkValues('welchTTest (a)', a);
  checkValues('welchTTest (b)', b);
  if (a.length < 2 || b.length < 2) throw new RangeError(`welchTTest: each group needs at least 2 values, got ${a.length} and ${b.length}`);
  const va = sampleSd(a) ** 2 / a.length;
  const vb = sampleSd(b) ** 2 / b.length;
  const diff = mean(a) - mean(b);
  const se = Math.sqrt(va + vb);
  if (se === 0) {
    // Both groups constant: the difference is exact.
    return { diff, t: diff === 0 ? NaN : Math.sign(diff) * Infinity, df: a.length + b.length - 2, p: diff === 0 ? NaN : 0, ciLow: diff, ciHigh: diff, level, test: 'welch' };
  }
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const t = diff / se;
  const half = studentTQuantile(0.5 + level / 2, df) * se;
  return { diff, t, df, p: studentTTwoSided(t, df), ciLow: diff - half, ciHigh: diff + half, level, test: 'welch' };
}

/** The paired t-test of mean(a − b) = 0 (scipy's ttest_rel); a[i] and b[i] belong together (same seed). */
export function pairedTTest(a: readonly number[], b: readonly number[], level = 0.95): TTestResult {
  checkValues('pairedTTest (a)', a);
  checkValues('pairedTTest (b)', b);
  if (a.length !== b.length) throw new RangeError(`pairedTTest: the groups must pair up, got ${a.length} and ${b.length} values`);
  if (a.length < 2) throw new RangeError(`pairedTTest: needs at least 2 pairs, got ${a.length}`);
  const d = a.map((x, i) => x - b[i]!);
  const s = summarize(d, level);
  if (s.se === 0) {
    return { diff: s.mean, t: s.mean === 0 ? NaN : Math.sign(s.mean) * Infinity, df: d.length - 1, p: s.mean === 0 ? NaN : 0, ciLow: s.mean, ciHigh: s.mean, level, test: 'paired' };
  }
  const t = s.mean / s.se;
  return { diff: s.mean, t, df: d.length - 1, p: studentTTwoSided(t, d.length - 1), ciLow: s.ciLow, ciHigh: s.ciHigh, level, test: 'paired' };
}

/**
 * Holm's step-down adjustment: sort the m p-values, multiply the k-th smallest by (m − k + 1),
 * keep the sequence non-decreasing, cap at 1. Returns adjusted p-values in the input order;
 * NaN stays NaN and does not count in m.
 */
export function holm(ps: readonly number[]): number[] {
  const idx = ps.map((p, i) => [p, i] as const).filter(([p]) => !Number.isNaN(p));
  for (const [p, i] of idx) if (!(p >= 0 && p <= 1)) throw new RangeError(`holm: p-value ${i} is ${p}, not in [0, 1]`);
  idx.sort((x, y) => x[0] - y[0]);
  const m = idx.length;
  const out = ps.map(() => NaN);
  let running = 0;
  idx.forEach(([p, i], k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    out[i] = running;
  });
  return out;
}
