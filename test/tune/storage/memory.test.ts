/** In-memory storage: claiming (enqueued first, in order), snapshots that never change, finishing once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { floatDistribution } from '../../../src/tune/distributions.js';
import { InMemoryStorage } from '../../../src/tune/storage/memory.js';
import { DuplicatedStudyError } from '../../../src/tune/types.js';

test('claim takes waiting trials oldest first, then numbers new ones; snapshots stay as they were', () => {
  const st = new InMemoryStorage();
  const { studyId } = st.createStudy('s', 'minimize');
  assert.throws(() => st.createStudy('s', 'maximize'), DuplicatedStudyError);
  st.enqueueTrial(studyId, { x: 1 }, {});
  st.enqueueTrial(studyId, { x: 2 }, { tag: 'b' });
  const a = st.claimTrial(studyId);
  const b = st.claimTrial(studyId);
  const c = st.claimTrial(studyId);
  assert.deepEqual([a, b, c].map((t) => [t.number, t.state, t.systemAttrs.fixedParams ?? null]), [[0, 'running', { x: 1 }], [1, 'running', { x: 2 }], [2, 'running', null]]);
  assert.equal(b.userAttrs.tag, 'b');
  st.setTrialParam(a.trialId, 'x', 1, floatDistribution('x', 0, 2));
  st.setTrialIntermediateValue(a.trialId, 0, 0.5);
  assert.deepEqual(a.params, {}, 'an earlier snapshot does not change');
  const done = st.finishTrial(a.trialId, 'complete', 1);
  assert.deepEqual([done.state, done.value, done.params, [...done.intermediateValues]], ['complete', 1, { x: 1 }, [[0, 0.5]]]);
  assert.throws(() => st.finishTrial(a.trialId, 'fail', null), { message: 'trial 0 already finished as complete; it cannot be told again' });
  assert.throws(() => st.setTrialParam(a.trialId, 'y', 0, floatDistribution('y', 0, 1)), { message: "set parameter 'y': trial 0 is complete, not running" });
  assert.deepEqual(st.getTrials(studyId, ['running']).map((t) => t.number), [1, 2]);
  assert.deepEqual(st.listStudies().map((s) => [s.studyName, s.nTrials, s.bestValue]), [['s', 3, 1]]);
});
