/**
 * Vega-Lite specs for everything the run store holds: scalar curves (TensorBoard's debiased EMA
 * smoothing, log scale), histogram-over-time heat-maps, matrices, curves (ROC), point sets and
 * the shared look. The dashboard (in the browser) and the reports (SVG rendered in Node) draw
 * the same pictures from these functions, so a plot looks the same in both.
 *
 * NOTE: this module runs in the browser too (served by the dashboard): it must import nothing
 * at run time, only types.
 */
import type { CurveData, HistogramSummary, MatrixData, PointsData } from './types.js';

/** A Vega-Lite spec as plain JSON (checked by Vega-Lite when compiled). */
export type VlSpec = { [key: string]: unknown };

/** The colours of series, in order (Tableau 10, tuned for a white background). */
export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#ff9da6', '#9d755d', '#79706e'];

/** The common look: light grid, quiet axes, system font. */
export const VL_CONFIG: VlSpec = {
  background: 'white',
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: {
    labelColor: '#555', titleColor: '#333', gridColor: '#eceff3', domainColor: '#c9ced6', tickColor: '#c9ced6',
    labelFontSize: 11, titleFontSize: 11, titleFontWeight: 500,
  },
  legend: { labelFontSize: 11, titleFontSize: 11, labelColor: '#333', titleColor: '#333', symbolStrokeWidth: 2.5, labelLimit: 260 },
  title: { fontSize: 13, fontWeight: 600, color: '#1f2933', anchor: 'start' },
  range: { category: PALETTE },
};

/**
 * TensorBoard's smoothing: an exponential moving average debiased by 1 - weight^n (so the first
 * points are not pulled towards 0). weight in [0, 1); 0 returns the values unchanged. Non-finite
 * values pass through and do not disturb the average.
 */
export function smoothEma(values: readonly number[], weight: number): number[] {
  if (!(weight > 0)) return values.slice();
  const w = Math.min(weight, 0.999);
  const out: number[] = [];
  let last = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      out.push(v);
      continue;
    }
    last = last * w + (1 - w) * v;
    n++;
    out.push(last / (1 - Math.pow(w, n)));
  }
  return out;
}

/** The split prefixes that are drawn on the same chart: 'train/loss' and 'val/loss' go to 'loss'. */
export const SPLITS = ['train', 'val', 'valid', 'validation', 'test', 'eval'];

/**
 * Group scalar tags into charts: tags '<split>/<metric>' share the chart '<metric>'; every other
 * tag is a chart of its own. Charts come in the order of their first tag (tags sorted).
 * 'final/<metric>' tags (one value logged after training: the kept model's test scores) are
 * summaries, shown with the final metrics rather than as one-point charts.
 */
export function groupScalarTags(tags: readonly string[]): { chart: string; tags: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const tag of [...tags].sort()) {
    if (tag.startsWith('final/')) continue;
    const i = tag.indexOf('/');
    const chart = i > 0 && SPLITS.includes(tag.slice(0, i)) ? tag.slice(i + 1) : tag;
    const g = groups.get(chart);
    if (g) g.push(tag);
    else groups.set(chart, [tag]);
  }
  const order = (c: string): number => (c === 'loss' ? 0 : c === 'accuracy' ? 1 : 2);
  return [...groups.entries()].map(([chart, t]) => ({ chart, tags: t })).sort((a, b) => order(a.chart) - order(b.chart) || a.chart.localeCompare(b.chart));
}

export interface CurveSeriesInput {
  /** The legend entry, e.g. 'val/loss' or 'run-a · val/loss'. */
  name: string;
  points: { step: number; value: number | null }[];
  /** Line colour (default: the palette in order) and dash pattern (default solid). */
  color?: string;
  dash?: number[];
}

/** Dash patterns by split when several runs share a chart: colour tells the run, dashes the split. */
export function splitDash(tag: string): number[] {
  const split = tag.slice(0, Math.max(0, tag.indexOf('/')));
  return split === 'val' || split === 'valid' || split === 'validation' ? [6, 3] : split === 'test' || split === 'eval' ? [2, 2] : [1, 0];
}

export interface ScalarChartOptions {
  title: string;
  series: CurveSeriesInput[];
  /** EMA weight in [0, 1); the raw curve stays as a faint line behind the smoothed one. */
  smoothing?: number;
  logScale?: boolean;
  width?: number | 'container';
  height?: number;
  xTitle?: string;
  /** Draw the legend (default true; the dashboard lists the series above the chart instead). */
  legend?: boolean;
}

/** Several series on one chart, coloured by series, legend below. */
export function scalarChartSpec(o: ScalarChartOptions): VlSpec {
  const smoothing = o.smoothing ?? 0;
  const rows: { step: number; value: number; raw: number; series: string }[] = [];
  for (const s of o.series) {
    const pts = s.points.filter((p): p is { step: number; value: number } => p.value !== null && Number.isFinite(p.value) && (!o.logScale || p.value > 0));
    const sm = smoothEma(pts.map((p) => p.value), smoothing);
    pts.forEach((p, i) => rows.push({ step: p.step, value: sm[i]!, raw: p.value, series: s.name }));
  }
  const names = o.series.map((s) => s.name);
  const x = { field: 'step', type: 'quantitative', title: o.xTitle ?? 'step', axis: { tickMinStep: 1, format: 'd' } };
  const yScale = o.logScale ? { type: 'log', nice: false } : { zero: false };
  const long = names.some((n) => n.length > 28);
  const legend = o.legend === false ? null : { orient: 'bottom', direction: 'vertical', columns: long ? 1 : 2, symbolType: 'stroke', symbolSize: 300, labelLimit: 480 };
  const colors = o.series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]!);
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: names, range: colors }, legend };
  // NOTE: both channels share the field, so they must share the legend too (Vega-Lite merges them).
  const strokeDash = { field: 'series', type: 'nominal', title: null, scale: { domain: names, range: o.series.map((s) => s.dash ?? [1, 0]) }, legend };
  const few = rows.length <= 2 * Math.max(1, names.length) * 30;
  const layers: VlSpec[] = [];
  if (smoothing > 0) {
    layers.push({ mark: { type: 'line', strokeWidth: 1.5, opacity: 0.25 }, encoding: { x, y: { field: 'raw', type: 'quantitative', scale: yScale, title: null }, color, strokeDash } });
  }
  layers.push({
    mark: { type: 'line', strokeWidth: 2, point: few ? { size: 28, filled: true } : false, },
    encoding: {
      x, y: { field: 'value', type: 'quantitative', scale: yScale, title: null }, color, strokeDash,
      tooltip: [{ field: 'series', title: 'series' }, { field: 'step', title: 'step' }, { field: 'raw', title: 'value', format: '.5g' }, ...(smoothing > 0 ? [{ field: 'value', title: 'smoothed', format: '.5g' }] : [])],
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title, width: o.width ?? 420, height: o.height ?? 220, autosize: { type: 'fit-x', contains: 'padding' },
    data: { values: rows }, layer: layers, config: VL_CONFIG,
  };
}

/** The left edge of every bucket of a histogram (bucket i spans (limits[i-1], limits[i]]). */
export function bucketEdges(h: Pick<HistogramSummary, 'limits' | 'min'>): { lo: number; hi: number }[] {
  const L = h.limits;
  if (L.length === 0) return [];
  const w0 = L.length > 1 ? L[1]! - L[0]! : 1;
  return L.map((hi, i) => ({ lo: i === 0 ? hi - w0 : L[i - 1]!, hi }));
}

export interface HistogramStep extends Pick<HistogramSummary, 'limits' | 'counts' | 'min'> {
  step: number;
}

/** Histogram over time: one row per step, each bucket a cell shaded by its count. */
export function histogramSpec(title: string, hs: readonly HistogramStep[], o: { width?: number | 'container'; height?: number } = {}): VlSpec {
  const rows: { step: number; lo: number; hi: number; count: number }[] = [];
  for (const h of hs) {
    bucketEdges(h).forEach((e, i) => rows.push({ step: h.step, lo: e.lo, hi: e.hi, count: h.counts[i]! }));
  }
  const steps = new Set(hs.map((h) => h.step)).size;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title, width: o.width ?? 420, height: o.height ?? Math.min(260, Math.max(96, steps * 22)),
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { values: rows },
    mark: { type: 'rect', tooltip: true },
    encoding: {
      x: { field: 'lo', type: 'quantitative', title: 'value', scale: { zero: false, nice: false } },
      x2: { field: 'hi' },
      y: { field: 'step', type: 'ordinal', title: 'step', sort: 'descending', axis: { labelOverlap: true } },
      color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues', type: 'sqrt' }, legend: { orient: 'right', gradientLength: 80, title: 'count' } },
      tooltip: [{ field: 'step' }, { field: 'lo', format: '.4g', title: 'from' }, { field: 'hi', format: '.4g', title: 'to' }, { field: 'count' }],
    },
    config: VL_CONFIG,
  };
}

/** A matrix as coloured cells with their values written in (confusion matrices). */
export function matrixSpec(title: string, m: MatrixData, o: { cell?: number } = {}): VlSpec {
  const rl = m.rowLabels ?? Array.from({ length: m.rows }, (_, i) => String(i));
  const cl = m.colLabels ?? Array.from({ length: m.cols }, (_, i) => String(i));
  const rows: { r: string; c: string; v: number | null; ri: number; ci: number }[] = [];
  let max = 0;
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const v = m.values[i * m.cols + j]!;
      rows.push({ r: rl[i]!, c: cl[j]!, v: Number.isFinite(v) ? v : null, ri: i, ci: j });
      if (Number.isFinite(v) && Math.abs(v) > max) max = Math.abs(v);
    }
  }
  const cell = o.cell ?? Math.max(14, Math.min(36, Math.floor(360 / Math.max(m.rows, m.cols))));
  const showText = m.rows * m.cols <= 400;
  const integers = m.values.every((v) => !Number.isFinite(v) || Number.isInteger(v));
  const hasNeg = m.values.some((v) => v < 0);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title, width: cell * m.cols, height: cell * m.rows,
    data: { values: rows },
    encoding: {
      x: { field: 'c', type: 'ordinal', sort: cl, title: m.colTitle ?? null, axis: { orient: 'top', labelAngle: 0 } },
      y: { field: 'r', type: 'ordinal', sort: rl, title: m.rowTitle ?? null },
    },
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: {
          color: { field: 'v', type: 'quantitative', title: null, scale: hasNeg ? { scheme: 'redblue', domainMid: 0, reverse: true } : { scheme: 'blues' } },
        },
      },
      ...(showText
        ? [{
            mark: { type: 'text', fontSize: Math.max(8, Math.min(11, cell / 3)) },
            encoding: {
              text: { field: 'v', type: 'quantitative', format: integers ? 'd' : '.2f' },
              color: { condition: { test: `abs(datum.v) > ${max * 0.6}`, value: 'white' }, value: '#1f2933' },
            },
          }]
        : []),
    ],
    config: VL_CONFIG,
  };
}

/** Curves on shared axes (ROC per class); a series with a score shows it in its legend entry. */
export function curvesSpec(title: string, c: CurveData, o: { width?: number | 'container'; height?: number; diagonal?: boolean } = {}): VlSpec {
  const rows: { x: number; y: number; series: string; i: number }[] = [];
  const names = c.series.map((s) => (s.score !== undefined ? `${s.label} (${s.score.toFixed(3)})` : s.label));
  c.series.forEach((s, k) => s.x.forEach((x, i) => rows.push({ x, y: s.y[i]!, series: names[k]!, i })));
  const layers: VlSpec[] = [
    {
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: c.xLabel ?? 'x' },
        y: { field: 'y', type: 'quantitative', title: c.yLabel ?? 'y' },
        order: { field: 'i' },
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: names, range: PALETTE }, legend: { orient: 'bottom', columns: 2 } },
      },
    },
  ];
  if (o.diagonal ?? /false positive/i.test(c.xLabel ?? '')) {
    layers.unshift({ data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }, mark: { type: 'line', strokeDash: [4, 4], color: '#aab2bd', strokeWidth: 1 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title, width: o.width ?? 320, height: o.height ?? 280, data: { values: rows }, layer: layers, config: VL_CONFIG,
  };
}

/** A scatter plot of 2-d points (the first two coordinates of 3-d ones), coloured by label. */
export function pointsSpec(title: string, p: PointsData, o: { width?: number | 'container'; height?: number } = {}): VlSpec {
  const n = Math.floor(p.coords.length / p.dims);
  const rows: { x: number; y: number; label: string }[] = [];
  for (let i = 0; i < n; i++) rows.push({ x: p.coords[i * p.dims]!, y: p.coords[i * p.dims + 1]!, label: p.labels ? String(p.labels[i]) : 'point' });
  const labels = [...new Set(rows.map((r) => r.label))];
  const numeric = labels.every((l) => /^-?\d+$/.test(l));
  if (numeric) labels.sort((a, b) => Number(a) - Number(b));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: p.dims === 3 ? `${title} (first two of three dimensions)` : title,
    width: o.width ?? 340, height: o.height ?? 300, data: { values: rows },
    mark: { type: 'circle', size: n > 2000 ? 8 : n > 500 ? 16 : 30, opacity: 0.75 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: null, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: null, scale: { zero: false } },
      color: { field: 'label', type: 'nominal', title: 'label', sort: labels, scale: { range: PALETTE } },
      tooltip: [{ field: 'label' }, { field: 'x', format: '.3g' }, { field: 'y', format: '.3g' }],
    },
    config: VL_CONFIG,
  };
}

/** Format a metric for tables: integers as is, others with 4 significant digits. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

/** Shade for a token of a text heat-map: weight scaled by the largest |weight| into [0, 1]. */
export function heatAlpha(weights: readonly number[]): number[] {
  let max = 0;
  for (const w of weights) if (Number.isFinite(w) && Math.abs(w) > max) max = Math.abs(w);
  return weights.map((w) => (Number.isFinite(w) && max > 0 ? Math.abs(w) / max : 0));
}

/**
 * At most `max` points of a series, evenly spaced, the first and the last always kept: a report
 * or a chart of 1,000 epochs draws as many points as one of `max` (reports stay small).
 */
export function downsample<T>(points: readonly T[], max = 400): T[] {
  if (points.length <= max || max < 2) return points.slice();
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]!);
  return out;
}

export interface BandSeriesInput {
  /** Legend entry, e.g. 'adam · val/loss'. */
  name: string;
  /** Mean per step and the confidence band around it (lo = hi = mean where n = 1). */
  points: { step: number; mean: number; lo: number; hi: number; n?: number }[];
  color?: string;
  dash?: number[];
}

/** Mean lines with a shaded confidence band each (seed groups): colour per series, dash per split. */
export function bandChartSpec(o: { title: string; series: BandSeriesInput[]; width?: number | 'container'; height?: number; xTitle?: string; legend?: boolean; logScale?: boolean }): VlSpec {
  const rows: { step: number; mean: number; lo: number; hi: number; n: number; series: string }[] = [];
  for (const s of o.series) {
    for (const p of s.points) {
      if (!Number.isFinite(p.mean) || (o.logScale && !(p.mean > 0))) continue;
      const lo = Number.isFinite(p.lo) ? p.lo : p.mean;
      const hi = Number.isFinite(p.hi) ? p.hi : p.mean;
      rows.push({ step: p.step, mean: p.mean, lo: o.logScale ? Math.max(lo, p.mean * 1e-3) : lo, hi, n: p.n ?? 1, series: s.name });
    }
  }
  const names = o.series.map((s) => s.name);
  const colors = o.series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]!);
  const legend = o.legend === false ? null : { orient: 'bottom', direction: 'vertical', columns: names.some((n) => n.length > 28) ? 1 : 2, symbolType: 'stroke', symbolSize: 300, symbolOpacity: 1, symbolStrokeWidth: 2.5, labelLimit: 480 };
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: names, range: colors }, legend };
  const strokeDash = { field: 'series', type: 'nominal', title: null, scale: { domain: names, range: o.series.map((s) => s.dash ?? [1, 0]) }, legend };
  const x = { field: 'step', type: 'quantitative', title: o.xTitle ?? 'step', axis: o.xTitle && o.xTitle !== 'step' ? {} : { tickMinStep: 1, format: 'd' } };
  const yScale = o.logScale ? { type: 'log', nice: false } : { zero: false };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title, width: o.width ?? 420, height: o.height ?? 220, autosize: { type: 'fit-x', contains: 'padding' },
    data: { values: rows },
    layer: [
      // NOTE: the band is coloured through `fill` with the line's scale and legend settings: Vega-Lite
      // merges legends of one field, and a legend: null on one channel would disable the merged one.
      { mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { field: 'lo', type: 'quantitative', scale: yScale, title: null }, y2: { field: 'hi' }, fill: color } },
      {
        mark: { type: 'line', strokeWidth: 2, point: rows.length <= 3 * Math.max(1, names.length) ? { size: 28, filled: true } : false },
        encoding: {
          x, y: { field: 'mean', type: 'quantitative', scale: yScale, title: null }, color, strokeDash,
          tooltip: [{ field: 'series', title: 'series' }, { field: 'step', title: 'step' }, { field: 'mean', title: 'mean', format: '.5g' }, { field: 'lo', title: '95% CI low', format: '.5g' }, { field: 'hi', title: '95% CI high', format: '.5g' }, { field: 'n', title: 'seeds' }],
        },
      },
    ],
    config: VL_CONFIG,
  };
}

export interface ParallelLine {
  /** What one line is (a run, a trial). */
  line: string;
  /** Lines of one group share a colour (a configuration's seeds, a tune study's states). */
  group: string;
  values: Record<string, number | null>;
}

/**
 * Parallel coordinates: one vertical axis per key (each scaled to its own min…max, the range
 * written at the ends), one line per run or trial across them, coloured by group.
 */
export function parallelSpec(title: string, lines: readonly ParallelLine[], axes: readonly string[], o: { width?: number | 'container'; height?: number } = {}): VlSpec {
  const rows: { line: string; group: string; axis: string; value: number; norm: number }[] = [];
  const ticks: { axis: string; lo: string; hi: string }[] = [];
  for (const a of axes) {
    const vals = lines.map((l) => l.values[a]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (vals.length === 0) continue;
    const lo = Math.min(...vals);
    const hi = Math.max(...vals);
    ticks.push({ axis: a, lo: formatNumber(lo), hi: formatNumber(hi) });
    for (const l of lines) {
      const v = l.values[a];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      rows.push({ line: l.line, group: l.group, axis: a, value: v, norm: hi > lo ? (v - lo) / (hi - lo) : 0.5 });
    }
  }
  const shown = ticks.map((t) => t.axis);
  const x = { field: 'axis', type: 'nominal', sort: shown, title: null, axis: { labelAngle: 0, labelLimit: 140, domain: false, ticks: false, orient: 'bottom' } };
  const groups = [...new Set(lines.map((l) => l.group))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title, width: o.width ?? Math.max(360, 120 * shown.length), height: o.height ?? 240,
    autosize: { type: 'fit-x', contains: 'padding' },
    layer: [
      { data: { values: ticks }, mark: { type: 'rule', color: '#c9ced6' }, encoding: { x, y: { datum: 0, type: 'quantitative', scale: { domain: [0, 1] }, axis: null, title: null }, y2: { datum: 1 } } },
      { data: { values: ticks }, mark: { type: 'text', dy: -8, fontSize: 10, color: '#6b7785' }, encoding: { x, y: { datum: 1, type: 'quantitative', axis: null, title: null }, text: { field: 'hi' } } },
      { data: { values: ticks }, mark: { type: 'text', dy: 10, fontSize: 10, color: '#6b7785' }, encoding: { x, y: { datum: 0, type: 'quantitative', axis: null, title: null }, text: { field: 'lo' } } },
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.6, opacity: 0.8, point: { size: 18, filled: true } },
        encoding: {
          x, y: { field: 'norm', type: 'quantitative', scale: { domain: [0, 1] }, axis: null, title: null }, detail: { field: 'line' },
          color: { field: 'group', type: 'nominal', title: null, scale: { domain: groups, range: groups.map((_, i) => PALETTE[i % PALETTE.length]!) }, legend: { orient: 'bottom', direction: 'vertical', columns: 2, labelLimit: 320 } },
          tooltip: [{ field: 'line', title: 'run' }, { field: 'group', title: 'group' }, { field: 'axis', title: 'axis' }, { field: 'value', title: 'value', format: '.5g' }],
        },
      },
    ],
    config: VL_CONFIG,
  };
}
