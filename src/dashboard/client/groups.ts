/**
 * Seed groups on the dashboard: selected runs of one configuration (same study and run name,
 * different seeds) become one group, drawn as the mean line with its 95% confidence band
 * (Student t, metrics/stats.ts); and the rows behind any chart, for its CSV / JSON download.
 * Pure functions over the page's run data (no DOM), so they are tested in Node too.
 */
import { summarize } from '../../metrics/stats.js';
import type { RunInfo } from '../../track/types.js';

/** What grouping needs of a run (RunData has it). */
export interface RunLike {
  info: Pick<RunInfo, 'id' | 'name' | 'study' | 'seed' | 'startedAt'>;
  scalars: Map<string, { step: number; value: number | null; wallTime: number }[]>;
}

export interface RunGroup<R extends RunLike = RunLike> {
  /** Study and run name. */
  key: string;
  /** The run name (the configuration), e.g. 's4-compare/optimizers/adam'. */
  label: string;
  runs: R[];
}

export type XAxis = 'step' | 'time';

/** Runs grouped by configuration (study + run name), in the order of their first run. */
export function groupRuns<R extends RunLike>(runs: readonly R[]): RunGroup<R>[] {
  const by = new Map<string, RunGroup<R>>();
  for (const r of runs) {
    const key = `${r.info.study ?? ''}\u0000${r.info.name}`;
    const g = by.get(key);
    if (g) g.runs.push(r);
    else by.set(key, { key, label: r.info.name, runs: [r] });
  }
  return [...by.values()];
}

/** x of a point: its step, or seconds since its run started. */
export function xOf(r: RunLike, p: { step: number; wallTime: number }, x: XAxis): number {
  return x === 'step' ? p.step : Math.max(0, p.wallTime - r.info.startedAt / 1000);
}

export interface BandPoint {
  /** The step, or the mean over the group's runs of the seconds since start at that step. */
  step: number;
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

/** Mean and 95% CI per step of one tag over a group's runs (NaN/null values left out; n = 1: no band). */
export function groupCurve(g: RunGroup, tag: string, x: XAxis = 'step'): BandPoint[] {
  const at = new Map<number, { vals: number[]; xs: number[] }>();
  for (const r of g.runs) {
    for (const p of r.scalars.get(tag) ?? []) {
      if (p.value === null || !Number.isFinite(p.value)) continue;
      let e = at.get(p.step);
      if (!e) at.set(p.step, (e = { vals: [], xs: [] }));
      e.vals.push(p.value);
      e.xs.push(xOf(r, p, x));
    }
  }
  return [...at.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => {
    const s = summarize(e.vals);
    const xm = e.xs.reduce((a, b) => a + b, 0) / e.xs.length;
    return { step: xm, mean: s.mean, lo: s.n > 1 ? s.ciLow : s.mean, hi: s.n > 1 ? s.ciHigh : s.mean, n: s.n };
  });
}

/** Series names that stay distinct when two selected runs share a name: '<name> (<id>)'. */
export function runLabels(runs: readonly RunLike[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.info.name, (count.get(r.info.name) ?? 0) + 1);
  return new Map(runs.map((r) => [r.info.id, count.get(r.info.name)! > 1 ? `${r.info.name} (${r.info.id}${r.info.seed !== null ? `, seed ${r.info.seed}` : ''})` : r.info.name]));
}

/** Rows of a chart's data, one per point, with the columns named in `columns`. */
export interface ChartData {
  columns: string[];
  rows: (string | number | null)[][];
}

/** CSV (RFC 4180: quoted when needed, CRLF) of chart data. */
export function toCsv(d: ChartData): string {
  const cell = (v: string | number | null): string => {
    if (v === null) return '';
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [d.columns, ...d.rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** JSON of chart data: an array of objects keyed by the column names. */
export function toJson(d: ChartData): string {
  return JSON.stringify(d.rows.map((r) => Object.fromEntries(d.columns.map((c, i) => [c, r[i] ?? null]))), null, 1);
}
