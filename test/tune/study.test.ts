/** Study: best trial, states and values of every ending, catch, ask/tell, enqueueTrial, callbacks, loadIfExists, data frame. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RandomSampler } from '../../src/tune/samplers/random.js';
import { InMemoryStorage } from '../../src/tune/storage/memory.js';
import { createStudy, deleteStudy, getAllStudySummaries, loadStudy } from '../../src/tune/study.js';
import { TrialPruned } from '../../src/tune/trial.js';
import { DuplicatedStudyError, UnknownStudyError, type FrozenTrial } from '../../src/tune/types.js';

const sampler = (): RandomSampler => new RandomSampler({ seed: 1 });

test('bestTrial/bestValue/bestParams follow the direction; no complete trial is a clear error', async () => {
  const s = createStudy({ studyName: 'best', sampler: sampler() });
  assert.throws(() => s.bestTrial, { message: "study 'best' has no complete trial yet (0 trials so far), so it has no best trial" });
  const values = [3, 1, 2, 1];
  await s.optimize((t) => {
    t.suggestInt('i', 0, 10);
    return values[t.number]!;
  }, { nTrials: 4 });
  assert.equal(s.bestTrial.number, 1, 'the earliest of equal values');
  assert.equal(s.bestValue, 1);
  assert.deepEqual(s.bestParams, s.trials[1]!.params);
  const m = createStudy({ direction: 'maximize', sampler: sampler() });
  await m.optimize((t) => values[t.number]!, { nTrials: 4 });
  assert.equal(m.bestValue, 3);
  assert.match(createStudy().studyName, /^no-name-[0-9a-f-]{36}$/);
});

test('pruned, failed (thrown, NaN, non-number) and complete trials; errors are re-thrown unless caught', async () => {
  const s = createStudy({ sampler: sampler() });
  const outcomes: Array<() => number> = [() => 1, () => { throw new TrialPruned(); }, () => NaN, () => 'x' as unknown as number, () => { throw new RangeError('bad batch'); }];
  await s.optimize((t) => outcomes[t.number]!(), { nTrials: 5, catch: [RangeError] });
  assert.deepEqual(s.trials.map((t) => [t.state, t.value]), [['complete', 1], ['pruned', null], ['fail', null], ['fail', null], ['fail', null]]);
  assert.equal(s.trials[4]!.systemAttrs.failReason, 'RangeError: bad batch');
  assert.equal(s.trials[2]!.systemAttrs.failReason, 'objective value NaN is not a number');
  await assert.rejects(s.optimize(() => { throw new TypeError('oops'); }, { nTrials: 3 }), { message: 'oops' });
  assert.equal(s.trials.length, 6, 'the error stopped optimize after one trial');
  assert.equal(s.trials[5]!.state, 'fail');
  await s.optimize(() => { throw new Error('any'); }, { nTrials: 2, catch: true });
  assert.equal(s.trials.length, 8);
});

test('callbacks see each stored trial; study.stop() ends optimize; nJobs runs async trials together', async () => {
  const s = createStudy({ sampler: sampler() });
  const seen: FrozenTrial[] = [];
  await s.optimize((t) => t.suggestFloat('x', 0, 1), {
    nTrials: 10,
    onTrialEnd: (study, t) => {
      seen.push(t);
      if (t.number === 3) study.stop();
    },
  });
  assert.deepEqual(seen.map((t) => [t.number, t.state]), [[0, 'complete'], [1, 'complete'], [2, 'complete'], [3, 'complete']]);
  let inFlight = 0;
  let most = 0;
  await s.optimize(async (t) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight--;
    return t.number;
  }, { nTrials: 9, nJobs: 3 });
  assert.equal(most, 3);
  assert.deepEqual(s.trials.map((t) => t.number), [...Array(13).keys()]);
});

test('ask and tell; tell twice is an error', () => {
  const s = createStudy({ sampler: sampler() });
  const t = s.ask();
  const x = t.suggestFloat('x', -1, 1);
  t.report(0.5, 0);
  const done = s.tell(t, x * x);
  assert.equal(done.state, 'complete');
  assert.equal(done.value, x * x);
  assert.throws(() => s.tell(t, 1), { message: 'trial 0 already finished as complete; it cannot be told again' });
  assert.throws(() => t.suggestFloat('y', 0, 1), { message: "suggestFloat('y'): trial 0 is complete; only a running trial can suggest" });
  const p = s.ask();
  p.report(7, 3);
  assert.deepEqual([s.tell(p.number, null, 'pruned').value, s.tell(s.ask(), null, 'fail').state], [7, 'fail']);
  assert.throws(() => s.tell(42, 1), { message: "tell: study '" + s.studyName + "' has no trial number 42 (it has 3)" });
});

test('enqueueTrial fixes parameters of the next trials; the rest is sampled', async () => {
  const s = createStudy({ sampler: sampler() });
  s.enqueueTrial({ dropout: 0.47, l1: 0.001 }, { userAttrs: { source: 'report' } });
  s.enqueueTrial({ dropout: 0.2 });
  s.enqueueTrial({ dropout: 0.2 }, { skipIfExists: true });
  await s.optimize((t) => t.suggestFloat('dropout', 0.1, 0.5) + t.suggestFloat('l1', 1e-4, 1e-1, { log: true }), { nTrials: 3 });
  const [a, b, c] = s.trials;
  assert.deepEqual(a!.params, { dropout: 0.47, l1: 0.001 });
  assert.deepEqual(a!.userAttrs, { source: 'report' });
  assert.equal(b!.params.dropout, 0.2);
  assert.notEqual(b!.params.l1, 0.001);
  assert.equal(s.trials.length, 3, 'skipIfExists queued nothing');
  assert.notEqual(c!.params.dropout, 0.2);
  s.enqueueTrial({ act: 'gelu' });
  await assert.rejects(s.optimize((t) => (t.suggestCategorical('act', ['relu', 'tanh']) ? 0 : 1), { nTrials: 1 }), {
    message: `suggestCategorical('act'): enqueued value "gelu" of parameter 'act' is not in categorical["relu","tanh"]`,
  });
});

test('suggest validates through the trial and keeps one distribution per name', () => {
  const s = createStudy({ sampler: sampler() });
  const t = s.ask();
  assert.throws(() => t.suggestFloat('dropout', 0.5, 0.1), { message: "suggestFloat('dropout'): low 0.5 is greater than high 0.1" });
  assert.throws(() => t.suggestFloat('l1', 0, 0.1, { log: true }), { message: "suggestFloat('l1'): log scale needs low > 0, got low 0 (high 0.1)" });
  assert.throws(() => t.suggestInt('units', 0, 100, { step: 7 }), { message: "suggestInt('units'): step 7 does not divide the range [0, 100] (length 100); use high 98 or another step" });
  assert.throws(() => t.suggestFloat('', 0, 1), { message: 'suggestFloat: the parameter name must be a non-empty string, got ""' });
  const v = t.suggestFloat('x', 0, 1);
  assert.equal(t.suggestFloat('x', 0, 1), v);
  assert.throws(() => t.suggestInt('x', 0, 1), { message: "suggestInt('x'): parameter 'x' was already suggested in trial 0 as float[0, 1], now asked as int[0, 1]" });
  assert.throws(() => t.report(1, -1), { message: 'report: step must be an integer ≥ 0, got -1 (value 1)' });
  t.setUserAttr('note', { a: [1, 2] });
  assert.deepEqual(t.userAttrs, { note: { a: [1, 2] } });
});

test('named studies: duplicate names, loadIfExists, direction mismatch, load/delete/summaries', async () => {
  const storage = new InMemoryStorage();
  const s = createStudy({ studyName: 's2', storage, sampler: sampler() });
  await s.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 2 });
  assert.throws(() => createStudy({ studyName: 's2', storage }), DuplicatedStudyError);
  assert.equal(createStudy({ studyName: 's2', storage, loadIfExists: true }).trials.length, 2);
  assert.throws(() => createStudy({ studyName: 's2', storage, loadIfExists: true, direction: 'maximize' }), { message: "createStudy: study 's2' in memory was created to minimize, not maximize" });
  assert.equal(loadStudy({ studyName: 's2', storage }).bestValue, s.bestValue);
  assert.throws(() => loadStudy({ studyName: 'nope', storage }), (e: Error) => e instanceof UnknownStudyError && e.message === "no study named 'nope' in memory; studies there: 's2'");
  const [sum] = getAllStudySummaries(storage);
  assert.deepEqual([sum!.studyName, sum!.nTrials, sum!.bestValue], ['s2', 2, s.bestValue]);
  deleteStudy({ studyName: 's2', storage });
  assert.deepEqual(getAllStudySummaries(storage), []);
});

test('trialsDataFrame rows carry Optuna\'s columns in camelCase', async () => {
  const s = createStudy({ sampler: sampler() });
  await s.optimize((t) => {
    t.setUserAttr('epochs', 3);
    return t.suggestCategorical('act', ['relu', 'tanh']) === 'relu' ? t.suggestInt('units', 1, 4) : 0;
  }, { nTrials: 4 });
  const rows = s.trialsDataFrame();
  assert.deepEqual(Object.keys(rows[0]!), ['number', 'value', 'datetimeStart', 'datetimeComplete', 'duration', 'params_act', 'params_units', 'userAttrs_epochs', 'state']);
  for (const [i, r] of rows.entries()) {
    const t = s.trials[i]!;
    assert.deepEqual([r.number, r.value, r.params_act, r.params_units ?? null, r.userAttrs_epochs, r.state], [i, t.value, t.params.act, t.params.units ?? null, 3, 'complete']);
    assert.equal(r.datetimeStart, t.datetimeStart!.toISOString());
    assert.ok(typeof r.duration === 'number' && r.duration >= 0);
  }
});
