/**
 * Seed statistics over runs in the store: runs of one configuration (the same run name,
 * `<study>/<variant>`) with different seeds form a group; every final metric and every per-epoch
 * curve gets its mean, sd and 95% confidence interval (Student t), and pairs of configurations
 * are compared on the study's main metric with Welch's t-test (or the paired t-test when both
 * ran on the same seeds: each variant of a seed starts from the same data split and weights),
 * Holm-corrected across the pairs, and said in one plain sentence.
 */
import { holm, pairedTTest, summarize, welchTTest, type Summary, type TTestResult } from '../metrics/stats.js';
import type { RunStore } from './store.js';
import type { RunInfo } from './types.js';

export interface SeedGroup {
  /** The configuration: the run name without its study prefix ('optimizers/adam'). */
  config: string;
  runs: RunInfo[];
  seeds: number[];
  /** Final value (last step) of every scalar tag, per run in `runs` order (NaN when absent). */
  finals: Map<string, number[]>;
  /** Summary of each final metric over the seeds (tags logged by every run only). */
  summary: Map<string, Summary>;
  /** Per-tag curves: mean and CI per step over the runs that logged that step. */
  curves: Map<string, CurvePoint[]>;
}

export interface CurvePoint {
  step: number;
  n: number;
  mean: number;
  ciLow: number;
  ciHigh: number;
}

export interface Verdict {
  a: string;
  b: string;
  metric: string;
  test: TTestResult;
  /** Holm-adjusted p-value across all pairs compared. */
  pAdjusted: number;
  /** The difference is called real when pAdjusted < alpha. */
  real: boolean;
  /** The sentence, e.g. "radam vs adam: +2.8 points [1.1, 4.5], p = 0.004 — real". */
  sentence: string;
}

function configOf(run: RunInfo): string {
  const p = run.study ? `${run.study}/` : '';
  return p && run.name.startsWith(p) ? run.name.slice(p.length) : run.name;
}

/** Groups runs by configuration (first-seen order) and summarizes each group. */
export function seedGroups(store: RunStore, runs: readonly RunInfo[]): SeedGroup[] {
  const by = new Map<string, RunInfo[]>();
  for (const r of runs) {
    const k = configOf(r);
    const l = by.get(k);
    if (l) l.push(r);
    else by.set(k, [r]);
  }
  const out: SeedGroup[] = [];
  for (const [config, rs] of by) {
    rs.sort((x, y) => (x.seed ?? 0) - (y.seed ?? 0));
    const lasts = rs.map((r) => store.lastScalars(r.id));
    const tags = [...new Set(lasts.flatMap((l) => Object.keys(l)))].sort();
    const finals = new Map<string, number[]>();
    const summary = new Map<string, Summary>();
    for (const t of tags) {
      const vals = lasts.map((l) => l[t]?.value ?? NaN);
      finals.set(t, vals);
      if (vals.every(Number.isFinite)) summary.set(t, summarize(vals));
    }
    const curves = new Map<string, CurvePoint[]>();
    const perTag = new Map<string, Map<number, number[]>>();
    for (const r of rs) {
      for (const p of store.scalars(r.id)) {
        if (!Number.isFinite(p.value)) continue;
        let m = perTag.get(p.tag);
        if (!m) perTag.set(p.tag, (m = new Map()));
        const l = m.get(p.step);
        if (l) l.push(p.value);
        else m.set(p.step, [p.value]);
      }
    }
    for (const [tag, m] of perTag) {
      curves.set(tag, [...m.entries()].sort((x, y) => x[0] - y[0]).map(([step, vs]) => {
        const s = summarize(vs);
        return { step, n: s.n, mean: s.mean, ciLow: s.ciLow, ciHigh: s.ciHigh };
      }));
    }
    out.push({ config, runs: rs, seeds: rs.map((r) => r.seed ?? NaN), finals, summary, curves });
  }
  return out;
}

/** Accuracy-like metrics (fractions) are shown in points (×100); others as they are. */
export function isFraction(metric: string): boolean {
  return /acc|f1|precision|recall|auc|purity/.test(metric);
}

function num(v: number, metric: string, signed = false): string {
  const x = isFraction(metric) ? 100 * v : v;
  const s = Math.abs(x) >= 100 || isFraction(metric) ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(3) : x.toPrecision(3);
  return (signed && x > 0 ? '+' : '') + s.replace('-', '−');
}

/** "81.2 ± 1.1 [80.1, 82.3] (n = 5)" for a summary: mean ± CI half-width, in points for fractions. */
export function formatSummary(s: Summary, metric: string): string {
  if (s.n < 2) return `${num(s.mean, metric)} (n = 1)`;
  const half = (s.ciHigh - s.ciLow) / 2;
  return `${num(s.mean, metric)} ± ${num(half, metric)} [${num(s.ciLow, metric)}, ${num(s.ciHigh, metric)}] (n = ${s.n})`;
}

function pText(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/**
 * Configurations compared on `metric` (better first), Welch or paired, Holm-corrected across the
 * comparisons made: every pair when there are at most `allPairsUpTo` (default 5) configurations,
 * else the best one against each other (m − 1 comparisons instead of m(m − 1)/2). Groups with
 * fewer than 2 finite values are skipped.
 */
export function verdicts(groups: readonly SeedGroup[], metric: string, o: { lowerIsBetter?: boolean; alpha?: number; allPairsUpTo?: number } = {}): Verdict[] {
  const alpha = o.alpha ?? 0.05;
  const usable = groups.filter((g) => (g.finals.get(metric) ?? []).filter(Number.isFinite).length >= 2);
  const mean = (g: SeedGroup): number => g.summary.get(metric)?.mean ?? NaN;
  const ordered = [...usable].sort((x, y) => (o.lowerIsBetter ? mean(x) - mean(y) : mean(y) - mean(x)));
  const pairs: { a: SeedGroup; b: SeedGroup; test: TTestResult }[] = [];
  const firsts = ordered.length <= (o.allPairsUpTo ?? 5) ? ordered.length : 1;
  for (let i = 0; i < firsts; i++) {
    for (let j = i + 1; j < ordered.length; j++) {
      const a = ordered[i]!;
      const b = ordered[j]!;
      const va = a.finals.get(metric)!;
      const vb = b.finals.get(metric)!;
      const paired = a.seeds.length === b.seeds.length && a.seeds.every((s, k) => s === b.seeds[k]) && va.every(Number.isFinite) && vb.every(Number.isFinite);
      const test = paired ? pairedTTest(va, vb) : welchTTest(va.filter(Number.isFinite), vb.filter(Number.isFinite));
      pairs.push({ a, b, test });
    }
  }
  const adj = holm(pairs.map((p) => p.test.p));
  return pairs.map((p, k) => {
    const pa = adj[k]!;
    const real = pa < alpha;
    const unit = isFraction(metric) ? ' points' : '';
    const n = Math.min(p.a.runs.length, p.b.runs.length);
    const diff = `${num(p.test.diff, metric, true)}${unit} [${num(p.test.ciLow, metric)}, ${num(p.test.ciHigh, metric)}]`;
    const how = p.test.test === 'paired' ? 'paired t' : 'Welch t';
    const sentence = Number.isNaN(pa)
      ? `${p.a.config} vs ${p.b.config}: ${diff} — identical on every seed`
      : real
        ? `${p.a.config} vs ${p.b.config}: ${diff}, ${pText(pa)} (${how}, Holm over ${pairs.length}) — real`
        : `${p.a.config} vs ${p.b.config}: ${diff}, ${pText(pa)} (${how}, Holm over ${pairs.length}) — not distinguishable with ${n} seeds`;
    return { a: p.a.config, b: p.b.config, metric, test: p.test, pAdjusted: pa, real, sentence };
  });
}

/** The main metric to compare: the study's own if the runs logged it, else the first of the usual ones. */
export function pickMainMetric(groups: readonly SeedGroup[], preferred: string): { metric: string; lowerIsBetter: boolean } | null {
  const has = (m: string): boolean => groups.some((g) => g.summary.has(m));
  if (has(preferred)) return { metric: preferred, lowerIsBetter: /loss|error|cross_entropy/.test(preferred) };
  for (const m of ['test/accuracy', 'final/test_accuracy', 'val/accuracy', 'test/f1_macro', 'final/test_loss', 'val/loss', 'train/loss']) {
    if (has(m)) return { metric: m, lowerIsBetter: /loss/.test(m) };
  }
  return null;
}
