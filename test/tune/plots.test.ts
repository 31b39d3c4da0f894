/** Plots: the Vega-Lite specs hold the right data, compile and render; importances; logStudyToRun writes a run. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { View, parse } from 'vega';
import { compile } from 'vega-lite';
import { RunStore } from '../../src/track/store.js';
import { logStudyToRun, paramImportances, plotContour, plotIntermediateValues, plotOptimizationHistory, plotParamImportances, plotSlice, type VegaLiteSpec } from '../../src/tune/plots.js';
import { RandomSampler } from '../../src/tune/samplers/random.js';
import { createStudy, type Study } from '../../src/tune/study.js';
import { TrialPruned } from '../../src/tune/trial.js';

async function render(spec: VegaLiteSpec): Promise<string> {
  const view = new View(parse(compile(spec as unknown as Parameters<typeof compile>[0]).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

async function s2Like(): Promise<Study> {
  const s = createStudy({ studyName: 's2-like', sampler: new RandomSampler({ seed: 4 }) });
  await s.optimize((t) => {
    const dropout = t.suggestFloat('dropout', 0.1, 0.5);
    const l1 = t.suggestFloat('l1', 1e-4, 1e-1, { log: true });
    const act = t.suggestCategorical('act', ['relu', 'tanh']);
    for (let epoch = 0; epoch < 3; epoch++) t.report(1 / (epoch + 1) + dropout, epoch);
    if (t.number === 5) throw new TrialPruned();
    return (dropout - 0.47) ** 2 + (Math.log10(l1) + 3) ** 2 + (act === 'relu' ? 0.01 : 0);
  }, { nTrials: 12 });
  return s;
}

type Layered = { data: { values: { number: number; value: number; best: number }[] } };

test('optimization history: one point per complete trial and the running best', async () => {
  const s = await s2Like();
  const spec = plotOptimizationHistory(s);
  const rows = (spec as unknown as Layered).data.values;
  const complete = s.trials.filter((t) => t.state === 'complete');
  assert.deepEqual(rows.map((r) => r.number), complete.map((t) => t.number));
  let best = Infinity;
  for (const [i, t] of complete.entries()) {
    best = Math.min(best, t.value!);
    assert.deepEqual([rows[i]!.value, rows[i]!.best], [t.value, best]);
  }
  assert.match(await render(spec), /^<svg/);
});

test('slice, contour, intermediate values and importances compile, with log axes for log parameters', async () => {
  const s = await s2Like();
  const slice = plotSlice(s) as unknown as { hconcat: { encoding: { x: { title: string; scale?: { type?: string }; type: string } }; data: { values: unknown[] } }[] };
  assert.deepEqual(slice.hconcat.map((c) => [c.encoding.x.title, c.encoding.x.type, c.encoding.x.scale?.type ?? null, c.data.values.length]), [
    ['act', 'nominal', null, 11],
    ['dropout', 'quantitative', null, 11],
    ['l1', 'quantitative', 'log', 11],
  ]);
  const contour = plotContour(s, { params: ['dropout', 'l1'] }) as unknown as { data: { values: { x: number; y: number }[] } };
  assert.equal(contour.data.values.length, 11);
  const iv = plotIntermediateValues(s) as unknown as { data: { values: { state: string }[] } };
  assert.equal(iv.data.values.length, 12 * 3);
  assert.equal(iv.data.values.filter((v) => v.state === 'pruned').length, 3);
  const imp = paramImportances(s);
  assert.deepEqual(Object.keys(imp), ['l1', 'dropout', 'act'], 'l1 (4 decades of squared log error) explains most');
  assert.ok(Math.abs(Object.values(imp).reduce((a, b) => a + b, 0) - 1) < 1e-12);
  for (const spec of [plotSlice(s), plotContour(s), plotIntermediateValues(s), plotParamImportances(s)]) assert.match(await render(spec), /^<svg/);
  assert.throws(() => plotContour(createStudy()), { message: /plotContour: study 'no-name-.*' needs two parameters, it has 0/ });
});

test('logStudyToRun writes per-trial scalars, the figures and the trials table into a run', async () => {
  const s = await s2Like();
  const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'gradlab-tune-plots-')), 'g.db'));
  const run = store.startRun({ name: 'tune-s2', study: 's2', handleSignals: false });
  logStudyToRun(s, run);
  run.finish();
  const complete = s.trials.filter((t) => t.state === 'complete');
  assert.deepEqual(store.scalars(run.id, { tag: 'tune/value' }).map((p) => [p.step, p.value]), complete.map((t) => [t.number, t.value]));
  assert.equal(store.scalars(run.id, { tag: 'tune/best_value' }).at(-1)!.value, s.bestValue);
  assert.deepEqual(store.media(run.id, { kind: 'figure' }).map((m) => m.tag).sort(), ['tune/intermediate_values', 'tune/optimization_history', 'tune/parallel_coordinate', 'tune/param_importances', 'tune/slice']);
  const [text] = store.media(run.id, { kind: 'text' });
  assert.equal(text!.tag, 'tune/trials');
  assert.match((text!.data as { text: string }).text, /^number\s+value\s+datetimeStart/);
  store.close();
});
