/**
 * Study plots as Vega-Lite specs (plain JSON objects), after Optuna's visualization module:
 * optimization history, slice, a two-parameter scatter coloured by value (Vega-Lite has no
 * contour mark), intermediate values, and parameter importances. logStudyToRun puts them,
 * the per-trial values and a table of trials into a tracked run (src/track), where the
 * dashboard and the reports draw them.
 *
 * Importances here are not Optuna's fANOVA: each parameter's correlation ratio η² (the share of
 * the objective's variance explained by the parameter's value, in up to 10 quantile bins for
 * numbers, one bin per choice for categories), normalised to sum to 1. Cheap and rough; it
 * ignores interactions.
 */
import type { Run } from '../track/run.js';
import { parallelSpec, type ParallelLine } from '../track/report-specs.js';
import type { Distribution } from './distributions.js';
import type { StudyDirection } from './types.js';
import type { FrozenTrial, JsonValue } from './types.js';
import { formatTable, trialsDataFrame } from './table.js';

export type VegaLiteSpec = { [key: string]: JsonValue };

/** What the plots read: a Study or any object with these fields. */
export interface StudyLike {
  readonly studyName: string;
  readonly direction: StudyDirection;
  readonly trials: FrozenTrial[];
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

const completeTrials = (s: StudyLike): FrozenTrial[] => s.trials.filter((t) => t.state === 'complete' && Number.isFinite(t.value));

function paramNames(trials: readonly FrozenTrial[]): string[] {
  return [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
}

/** The distribution a parameter had in the latest trial that used it. */
function lastDistribution(trials: readonly FrozenTrial[], name: string): Distribution | undefined {
  for (let i = trials.length - 1; i >= 0; i--) if (trials[i]!.distributions[name]) return trials[i]!.distributions[name];
  return undefined;
}

function axisFor(d: Distribution | undefined, field: string, title: string): VegaLiteSpec {
  if (!d || d.kind === 'categorical') return { field, type: 'nominal', title };
  return { field, type: 'quantitative', title, scale: d.log ? { type: 'log' } : { zero: false } };
}

/** Value of each complete trial and the best value so far, against the trial number. */
export function plotOptimizationHistory(study: StudyLike): VegaLiteSpec {
  let best: number | null = null;
  const values = completeTrials(study).map((t) => {
    const v = t.value!;
    if (best === null || (study.direction === 'minimize' ? v < best : v > best)) best = v;
    return { number: t.number, value: v, best };
  });
  const x = { field: 'number', type: 'quantitative', title: 'trial' };
  return {
    $schema: SCHEMA,
    title: `Optimization history: ${study.studyName}`,
    width: 480,
    height: 300,
    data: { values },
    layer: [
      {
        mark: { type: 'point', filled: true },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: 'objective value', scale: { zero: false } }, color: { datum: 'objective value' }, tooltip: [{ field: 'number' }, { field: 'value' }] },
      },
      { mark: { type: 'line', interpolate: 'step-after' }, encoding: { x, y: { field: 'best', type: 'quantitative' }, color: { datum: 'best value', title: null } } },
    ],
  };
}

/** One scatter per parameter: objective value against the parameter's value, coloured by trial. */
export function plotSlice(study: StudyLike, opts: { params?: string[] } = {}): VegaLiteSpec {
  const trials = completeTrials(study);
  const names = opts.params ?? paramNames(trials);
  const charts = names.map((name, i): VegaLiteSpec => {
    const field = `p${i}`;
    const values = trials.filter((t) => name in t.params).map((t) => ({ number: t.number, value: t.value!, [field]: t.params[name]! }));
    return {
      width: 220,
      height: 220,
      data: { values },
      mark: { type: 'point', filled: true },
      encoding: {
        x: axisFor(lastDistribution(trials, name), field, name),
        y: { field: 'value', type: 'quantitative', title: 'objective value', scale: { zero: false } },
        color: { field: 'number', type: 'quantitative', title: 'trial', scale: { scheme: 'blues' } },
        tooltip: [{ field: 'number' }, { field: 'value' }, { field, title: name }],
      },
    };
  });
  return { $schema: SCHEMA, title: `Slice plot: ${study.studyName}`, hconcat: charts };
}

/** Two parameters against each other, each trial a point coloured by its objective value. */
export function plotContour(study: StudyLike, opts: { params?: [string, string] } = {}): VegaLiteSpec {
  const trials = completeTrials(study);
  const [px, py] = opts.params ?? (paramNames(trials).slice(0, 2) as [string, string]);
  if (px === undefined || py === undefined) throw new RangeError(`plotContour: study '${study.studyName}' needs two parameters, it has ${paramNames(trials).length}`);
  const values = trials.filter((t) => px in t.params && py in t.params).map((t) => ({ number: t.number, value: t.value!, x: t.params[px]!, y: t.params[py]! }));
  return {
    $schema: SCHEMA,
    title: `${px} × ${py}: ${study.studyName}`,
    width: 360,
    height: 300,
    data: { values },
    mark: { type: 'circle', size: 80, opacity: 0.9 },
    encoding: {
      x: axisFor(lastDistribution(trials, px), 'x', px),
      y: axisFor(lastDistribution(trials, py), 'y', py),
      color: { field: 'value', type: 'quantitative', title: 'objective value', scale: { scheme: 'viridis', reverse: study.direction === 'minimize' } },
      tooltip: [{ field: 'number' }, { field: 'value' }, { field: 'x', title: px }, { field: 'y', title: py }],
    },
  };
}

/** The reported learning curve of every trial, coloured by how the trial ended. */
export function plotIntermediateValues(study: StudyLike): VegaLiteSpec {
  const values = study.trials.flatMap((t) => [...t.intermediateValues].filter(([, v]) => Number.isFinite(v)).map(([step, value]) => ({ number: t.number, state: t.state, step, value })));
  return {
    $schema: SCHEMA,
    title: `Intermediate values: ${study.studyName}`,
    width: 480,
    height: 300,
    data: { values },
    mark: { type: 'line', point: false, opacity: 0.8 },
    encoding: {
      x: { field: 'step', type: 'quantitative' },
      y: { field: 'value', type: 'quantitative', title: 'intermediate value', scale: { zero: false } },
      detail: { field: 'number', type: 'nominal' },
      color: { field: 'state', type: 'nominal' },
      tooltip: [{ field: 'number' }, { field: 'step' }, { field: 'value' }],
    },
  };
}

/** η² of each parameter over complete trials, normalised to sum to 1 (largest first). */
export function paramImportances(study: StudyLike): Record<string, number> {
  const trials = completeTrials(study);
  const raw: [string, number][] = paramNames(trials).map((name) => {
    const pts = trials.filter((t) => name in t.params).map((t) => ({ p: t.params[name]!, v: t.value! }));
    if (pts.length < 2) return [name, 0];
    const mean = pts.reduce((a, x) => a + x.v, 0) / pts.length;
    const total = pts.reduce((a, x) => a + (x.v - mean) ** 2, 0);
    if (total === 0) return [name, 0];
    const groups = new Map<string, number[]>();
    const numeric = pts.every((x) => typeof x.p === 'number');
    const sorted = numeric ? [...pts].sort((a, b) => (a.p as number) - (b.p as number)) : pts;
    const bins = Math.min(10, pts.length);
    sorted.forEach((x, i) => {
      const key = numeric ? String(Math.floor((i * bins) / sorted.length)) : JSON.stringify(x.p);
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(x.v);
    });
    let between = 0;
    for (const g of groups.values()) {
      const m = g.reduce((a, b) => a + b, 0) / g.length;
      between += g.length * (m - mean) ** 2;
    }
    return [name, between / total];
  });
  const sum = raw.reduce((a, [, v]) => a + v, 0);
  return Object.fromEntries(raw.map(([n, v]) => [n, sum > 0 ? v / sum : 0] as const).sort((a, b) => b[1] - a[1]));
}

export function plotParamImportances(study: StudyLike): VegaLiteSpec {
  const values = Object.entries(paramImportances(study)).map(([param, importance]) => ({ param, importance }));
  return {
    $schema: SCHEMA,
    title: `Parameter importances (η²): ${study.studyName}`,
    width: 360,
    height: { step: 24 },
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'param', type: 'nominal', sort: '-x', title: null },
      x: { field: 'importance', type: 'quantitative', title: 'share of variance explained' },
      tooltip: [{ field: 'param' }, { field: 'importance', format: '.3f' }],
    },
  };
}

/**
 * Record a study in a tracked run: scalars tune/value and tune/best_value per trial number,
 * the figures tune/optimization_history, tune/slice, tune/intermediate_values (when any
 * trial reported), tune/param_importances (with 2+ complete trials), and the trials table as text.
 */
/**
 * Optuna's parallel-coordinate plot: one axis per numeric parameter and one for the objective,
 * one line per complete trial (coloured as in the top quarter by value, or the rest).
 */
export function plotParallelCoordinate(study: StudyLike): VegaLiteSpec {
  const trials = completeTrials(study);
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].filter((k) => trials.every((t) => typeof t.params[k] === 'number')).sort();
  const values = trials.map((t) => t.value!).sort((a, b) => (study.direction === 'minimize' ? a - b : b - a));
  const cut = values[Math.max(0, Math.ceil(values.length / 4) - 1)] ?? NaN;
  const good = (v: number): boolean => (study.direction === 'minimize' ? v <= cut : v >= cut);
  const lines: ParallelLine[] = trials.map((t) => ({
    line: `trial ${t.number}`, group: good(t.value!) ? 'best quarter' : 'other trials',
    values: { ...Object.fromEntries(names.map((k) => [k, t.params[k] as number])), objective: t.value },
  }));
  return parallelSpec('Parallel coordinates', lines, [...names, 'objective']) as VegaLiteSpec;
}

export function logStudyToRun(study: StudyLike, run: Run, step = 0): void {
  run.batch(() => {
    let best: number | null = null;
    for (const t of completeTrials(study)) {
      const v = t.value!;
      if (best === null || (study.direction === 'minimize' ? v < best : v > best)) best = v;
      run.logScalars({ 'tune/value': v, 'tune/best_value': best }, t.number);
    }
    run.logFigure('tune/optimization_history', { format: 'vega-lite', spec: plotOptimizationHistory(study) }, step);
    run.logFigure('tune/slice', { format: 'vega-lite', spec: plotSlice(study) }, step);
    if (study.trials.some((t) => t.intermediateValues.size > 0)) run.logFigure('tune/intermediate_values', { format: 'vega-lite', spec: plotIntermediateValues(study) }, step);
    if (completeTrials(study).length >= 2) run.logFigure('tune/param_importances', { format: 'vega-lite', spec: plotParamImportances(study) }, step);
    if (completeTrials(study).length >= 2) run.logFigure('tune/parallel_coordinate', { format: 'vega-lite', spec: plotParallelCoordinate(study) }, step);
    run.logText('tune/trials', formatTable(trialsDataFrame(study.trials)), step);
  });
}
