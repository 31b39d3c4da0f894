/** Trial: what suggest returns for each kind of range, repeated names, enqueued values, report rules, TrialPruned. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RandomSampler } from '../../src/tune/samplers/random.js';
import { createStudy } from '../../src/tune/study.js';
import { TrialPruned } from '../../src/tune/trial.js';

const study = () => createStudy({ sampler: new RandomSampler({ seed: 9 }) });

test('suggested values lie in their ranges and on their grids; distributions are recorded', () => {
  const s = study();
  for (let i = 0; i < 30; i++) {
    const t = s.ask();
    const d = t.suggestFloat('dropout', 0.1, 0.5, { step: 0.1 });
    const l1 = t.suggestFloat('l1', 1e-4, 1e-1, { log: true });
    const units = t.suggestInt('units', 16, 128, { step: 16 });
    const layers = t.suggestInt('layers', 1, 64, { log: true });
    const opt = t.suggestCategorical('optimizer', ['adam', 'sgd', null]);
    assert.ok([0.1, 0.2, 0.3, 0.4, 0.5].includes(d), `dropout ${d}`);
    assert.ok(l1 >= 1e-4 && l1 <= 1e-1);
    assert.ok(units % 16 === 0 && units >= 16 && units <= 128);
    assert.ok(Number.isInteger(layers) && layers >= 1 && layers <= 64);
    assert.ok(['adam', 'sgd', null].includes(opt));
    s.tell(t, 0);
  }
  assert.deepEqual(s.trials[0]!.distributions.units, { kind: 'int', low: 16, high: 128, log: false, step: 16 });
  assert.deepEqual(Object.keys(s.trials[0]!.params), ['dropout', 'l1', 'units', 'layers', 'optimizer']);
});

test('an enqueued value outside the range is used with a warning, as Optuna does', async () => {
  const s = study();
  s.enqueueTrial({ dropout: 0.7 });
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  process.on('warning', onWarning);
  const t = s.ask();
  assert.equal(t.suggestFloat('dropout', 0.1, 0.5), 0.7);
  await new Promise((r) => setImmediate(r));
  process.off('warning', onWarning);
  assert.deepEqual(warnings, ["suggestFloat('dropout'): enqueued value 0.7 of parameter 'dropout' is outside float[0.1, 0.5]; it is used anyway"]);
});

test('report: one value per step (a repeat is ignored with a warning), numbers only, not after the end', async () => {
  const s = study();
  const t = s.ask();
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  process.on('warning', onWarning);
  t.report(0.5, 0);
  t.report(0.4, 0);
  await new Promise((r) => setImmediate(r));
  process.off('warning', onWarning);
  assert.deepEqual(warnings, ['report: trial 0 already reported 0.5 at step 0; 0.4 is ignored']);
  assert.throws(() => t.report('0.3' as unknown as number, 1), { message: 'report: value must be a number, got "0.3" (string) at step 1' });
  assert.throws(() => t.report(0.3, 1.5), { message: 'report: step must be an integer ≥ 0, got 1.5 (value 0.3)' });
  s.tell(t, 0.4);
  assert.deepEqual([...s.trials[0]!.intermediateValues], [[0, 0.5]]);
  assert.throws(() => t.report(0.3, 2), { message: 'report: trial 0 is complete; only a running trial can report' });
  const e = new TrialPruned();
  assert.deepEqual([e.name, e.message, e instanceof Error], ['TrialPruned', 'trial pruned', true]);
});
