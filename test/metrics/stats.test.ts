/** The statistics module against scipy 1.10's values (test/fixtures/scipy/stats.json, made by scripts/make_scipy_fixtures.py), and bad input errors. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { holm, pairedTTest, studentTCdf, studentTQuantile, studentTTwoSided, summarize, welchTTest } from '../../src/metrics/stats.js';
import { repoRoot } from './fixtures.js';

interface Fx {
  cdf: { t: number; df: number; cdf: number; sf2: number }[];
  quantile: { p: number; df: number; q: number }[];
  summary: { x: number[]; mean: number; sd: number; se: number; ciLow: number; ciHigh: number }[];
  welch: { a: number[]; b: number[]; t: number; p: number; df: number; diff: number; ciLow: number; ciHigh: number }[];
  paired: { a: number[]; b: number[]; t: number; p: number; df: number; diff: number; ciLow: number; ciHigh: number }[];
  holm: { p: number[]; adjusted: number[] }[];
}
const fx = JSON.parse(readFileSync(join(repoRoot(), 'test', 'fixtures', 'scipy', 'stats.json'), 'utf8')) as Fx;

function close(got: number, want: number, rel: number, what: string): void {
  const tol = rel * Math.abs(want) + 1e-15;
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, scipy ${want} (|Δ| = ${Math.abs(got - want)})`);
}

test('Student t CDF and two-sided p equal scipy.stats.t (df 1 … 1000, fractional df, far tails)', () => {
  assert.ok(fx.cdf.length >= 80);
  for (const c of fx.cdf) {
    close(studentTCdf(c.t, c.df), c.cdf, 1e-10, `cdf(${c.t}, ${c.df})`);
    close(studentTTwoSided(c.t, c.df), c.sf2, 1e-10, `2·sf(|${c.t}|, ${c.df})`);
  }
});

test('Student t quantiles equal scipy.stats.t.ppf', () => {
  // scipy 1.10's ppf is good to ~1e-9 (at df 3, p 0.1 its own cdf of its answer is 0.0999999996;
  // of ours, 0.1 to 1e-16): ours must agree to 1e-8 and invert the CDF to 1e-12.
  for (const c of fx.quantile) {
    const q = studentTQuantile(c.p, c.df);
    close(q, c.q, 1e-8, `ppf(${c.p}, ${c.df})`);
    close(studentTCdf(q, c.df), c.p, 1e-12, `cdf(ppf(${c.p}, ${c.df}))`);
  }
  // The textbook value everyone knows: t_{0.975, 4} = 2.776.
  assert.equal(studentTQuantile(0.975, 4).toFixed(3), '2.776');
});

test('mean, sd and the 95% CI of the mean equal numpy / scipy.stats.t.interval', () => {
  for (const s of fx.summary) {
    const r = summarize(s.x);
    close(r.mean, s.mean, 1e-12, 'mean');
    close(r.sd, s.sd, 1e-10, 'sd');
    close(r.se, s.se, 1e-10, 'se');
    close(r.ciLow, s.ciLow, 1e-10, 'ci low');
    close(r.ciHigh, s.ciHigh, 1e-10, 'ci high');
  }
  const one = summarize([0.9]);
  assert.equal(one.mean, 0.9);
  assert.ok(Number.isNaN(one.sd) && Number.isNaN(one.ciLow), 'one value has no spread and no interval');
});

test("Welch's t-test equals scipy.stats.ttest_ind(equal_var=False): t, df, p and the CI of the difference", () => {
  for (const w of fx.welch) {
    const r = welchTTest(w.a, w.b);
    close(r.t, w.t, 1e-10, 't');
    close(r.df, w.df, 1e-10, 'df');
    close(r.p, w.p, 1e-8, 'p');
    close(r.diff, w.diff, 1e-10, 'diff');
    // scipy 1.10's t.ppf at fractional df is itself ~1e-9 off (at df = 1.304 its own cdf of its
    // 97.5% quantile is 0.97500000004; of ours, 0.975 exactly), hence 1e-8 here.
    close(r.ciLow, w.ciLow, 1e-8, 'ci low');
    close(r.ciHigh, w.ciHigh, 1e-8, 'ci high');
  }
});

test('the paired t-test equals scipy.stats.ttest_rel, with its confidence interval', () => {
  for (const w of fx.paired) {
    const r = pairedTTest(w.a, w.b);
    close(r.t, w.t, 1e-10, 't');
    assert.equal(r.df, w.df);
    close(r.p, w.p, 1e-8, 'p');
    close(r.ciLow, w.ciLow, 1e-9, 'ci low');
    close(r.ciHigh, w.ciHigh, 1e-9, 'ci high');
  }
});

test("Holm's correction: adjusted p-values in input order, monotone, capped at 1", () => {
  for (const h of fx.holm) {
    const got = holm(h.p);
    h.adjusted.forEach((v, i) => close(got[i]!, v, 1e-12, `holm ${JSON.stringify(h.p)}[${i}]`));
  }
  assert.deepEqual(holm([0.01, NaN, 0.04]).map((v) => (Number.isNaN(v) ? 'NaN' : v.toFixed(2))), ['0.02', 'NaN', '0.04']);
});

test('bad input is a named error with the values', () => {
  assert.throws(() => welchTTest([1], [1, 2]), /at least 2 values, got 1 and 2/);
  assert.throws(() => pairedTTest([1, 2, 3], [1, 2]), /pair up, got 3 and 2/);
  assert.throws(() => summarize([1, NaN]), /value 1 is NaN/);
  assert.throws(() => studentTQuantile(1, 3), /p must be in \(0, 1\), got 1/);
  assert.throws(() => studentTCdf(1, 0), /degrees of freedom must be > 0, got 0/);
  assert.throws(() => holm([1.5]), /p-value 0 is 1.5/);
});
