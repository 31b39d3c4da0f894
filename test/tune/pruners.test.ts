/** Pruners: MedianPruner as Optuna's (startup, warm-up, interval, direction), NaN, nanPercentile, ASHA. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedianPruner, nanPercentile, NopPruner, PercentilePruner, SuccessiveHalvingPruner } from '../../src/tune/pruners.js';
import { RandomSampler } from '../../src/tune/samplers/random.js';
import { createStudy, type Study } from '../../src/tune/study.js';
import { TrialPruned } from '../../src/tune/trial.js';

/** A study with complete trials whose curves are given (value per step), then an ask()ed trial. */
async function withCurves(curves: number[][], pruner = new MedianPruner(), direction: 'minimize' | 'maximize' = 'minimize'): Promise<Study> {
  const s = createStudy({ pruner, direction, sampler: new RandomSampler({ seed: 0 }) });
  for (const c of curves) {
    await s.optimize((t) => {
      c.forEach((v, step) => t.report(v, step));
      return c[c.length - 1]!;
    }, { nTrials: 1 });
  }
  return s;
}

test('median of previous trials at the same step: worse prunes, better or equal does not', async () => {
  const curves = [[1.0, 0.8, 0.6], [1.0, 0.7, 0.5], [1.0, 0.9, 0.7], [1.0, 0.6, 0.4], [1.0, 0.75, 0.55]];
  const s = await withCurves(curves);
  const worse = s.ask();
  worse.report(1.2, 0);
  assert.equal(worse.shouldPrune(), true, 'step 0: 1.2 > median 1.0');
  const better = s.ask();
  better.report(1.0, 0);
  assert.equal(better.shouldPrune(), false, 'step 0: 1.0 is not worse than the median 1.0');
  better.report(0.74, 1);
  assert.equal(better.shouldPrune(), false, 'step 1: 0.74 < median 0.75');
  better.report(0.56, 2);
  // Optuna compares the trial's best value over all its steps: min(1.0, 0.74, 0.56) = 0.56 > median 0.55
  assert.equal(better.shouldPrune(), true, 'step 2: best 0.56 > median 0.55');
  const again = s.ask();
  again.report(1.0, 0);
  again.report(0.8, 1);
  assert.equal(again.shouldPrune(), true, 'step 1: best 0.8 > median 0.75');
});

test('no pruning before nStartupTrials complete trials, during warm-up, or between intervals', async () => {
  const curves = [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]];
  const few = await withCurves(curves, new MedianPruner({ nStartupTrials: 5 }));
  const t = few.ask();
  t.report(9, 0);
  assert.equal(t.shouldPrune(), false, '3 complete trials < 5 startup trials');
  const warm = await withCurves(curves, new MedianPruner({ nStartupTrials: 1, nWarmupSteps: 2 }));
  const w = warm.ask();
  w.report(9, 1);
  assert.equal(w.shouldPrune(), false, 'step 1 < 2 warm-up steps');
  w.report(9, 2);
  assert.equal(w.shouldPrune(), true);
  const iv = await withCurves(curves, new MedianPruner({ nStartupTrials: 1, intervalSteps: 2 }));
  const i = iv.ask();
  i.report(9, 0);
  assert.equal(i.shouldPrune(), true, 'step 0 is a checkpoint');
  i.report(9, 1);
  assert.equal(i.shouldPrune(), false, 'step 1 is between checkpoints 0 and 2');
});

test('maximize flips the comparison; NaN prunes; NopPruner never prunes', async () => {
  const s = await withCurves([[0.5], [0.6], [0.7]], new MedianPruner({ nStartupTrials: 1 }), 'maximize');
  const low = s.ask();
  low.report(0.55, 0);
  assert.equal(low.shouldPrune(), true);
  const high = s.ask();
  high.report(0.65, 0);
  assert.equal(high.shouldPrune(), false);
  const nan = s.ask();
  nan.report(NaN, 0);
  assert.equal(nan.shouldPrune(), true);
  const nop = await withCurves([[1], [1]], new NopPruner() as unknown as MedianPruner);
  const n = nop.ask();
  n.report(100, 0);
  assert.equal(n.shouldPrune(), false);
});

test('pruned trials end as pruned with their last intermediate value', async () => {
  const s = await withCurves([[1, 0.5], [1, 0.4], [1, 0.45]], new MedianPruner({ nStartupTrials: 1 }));
  await s.optimize((t) => {
    for (let step = 0; step < 2; step++) {
      t.report(2 + step, step);
      if (t.shouldPrune()) throw new TrialPruned();
    }
    return 0;
  }, { nTrials: 1 });
  const last = s.trials.at(-1)!;
  assert.equal(last.state, 'pruned');
  assert.equal(last.value, 2);
  assert.deepEqual([...last.intermediateValues], [[0, 2]]);
});

test('nanPercentile interpolates as numpy; PercentilePruner validates its percentile', () => {
  assert.equal(nanPercentile([4, 1, NaN, 3, 2], 50), 2.5);
  assert.equal(nanPercentile([1, 2, 3, 4, 5], 25), 2);
  assert.ok(Number.isNaN(nanPercentile([NaN], 50)));
  assert.throws(() => new PercentilePruner(120), { message: 'PercentilePruner: percentile must be in [0, 100], got 120' });
  assert.throws(() => new MedianPruner({ intervalSteps: 0 }), { message: 'MedianPruner: intervalSteps must be an integer ≥ 1, got 0' });
});

test('successive halving: at each rung only the top 1/η go on', async () => {
  const s = createStudy({ pruner: new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }), sampler: new RandomSampler({ seed: 0 }) });
  const finals: Record<number, string> = {};
  for (const v of [0.5, 0.4, 0.9, 0.3, 0.8]) {
    await s.optimize((t) => {
      for (let step = 1; step <= 4; step++) {
        t.report(v, step);
        if (t.shouldPrune()) throw new TrialPruned();
      }
      return v;
    }, { nTrials: 1 });
    finals[v] = s.trials.at(-1)!.state;
  }
  // rung 0 (step 1) competitors: 0.5 | 0.5,0.4 | 0.5,0.4,0.9 | …; keep the best ⌊n/2⌋ (at least 1)
  assert.deepEqual(finals, { 0.5: 'complete', 0.4: 'complete', 0.9: 'pruned', 0.3: 'complete', 0.8: 'pruned' });
});
