import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { s2Search, spaced } from '../../src/studies/s2-search.js';
import { StudyTracking } from '../../src/studies/tracking.js';
import { RunStore } from '../../src/track/store.js';

test('spaced: even and log-even grids with their ends', () => {
  assert.deepEqual(spaced(0.1, 0.5, 5), [0.1, 0.2, 0.3, 0.4, 0.5]);
  assert.deepEqual(spaced(1e-4, 1e-1, 4, true), [1e-4, 1e-3, 1e-2, 1e-1]);
  assert.deepEqual(spaced(1e-4, 1e-2, 1, true), [1e-3]);
});

test('s2-search with a 2×2 grid visits every point and logs the optimization history', async () => {
  const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'gradlab-s2-search-')), 'runs.db'));
  const tracking = new StudyTracking(store, 's2-search', 1);
  const lines: string[] = [];
  const r = await s2Search.run({ seed: 1, log: (l) => lines.push(l), tracking, params: { trials: '4', trialEpochs: '3', sampler: 'grid', prune: 'false' } });
  tracking.finish();
  const visited = r.history.map((h) => `${h.dropout}/${h.l1}`).sort();
  assert.deepEqual(visited, ['0.1/0.0001', '0.1/0.1', '0.5/0.0001', '0.5/0.1']);
  assert.deepEqual(r.counts, { complete: 4, pruned: 0, fail: 0 });
  // The strong L1 penalty (0.1) cannot win: the best trial has the small one.
  assert.equal((r.bestParams as { l1: number }).l1, 0.0001);
  assert.ok(r.testAccuracy >= 0 && r.testAccuracy <= 1);
  const [run] = tracking.runIds;
  const figs = store.media(run, { kind: 'figure' }).map((m) => m.tag);
  assert.ok(figs.includes('tune/optimization_history'), figs.join(', '));
  assert.equal(store.scalars(run, { tag: 'tune/value' }).length, 4);
  assert.ok(lines.some((l) => /^best trial \d: dropout 0\.\d{3}, l1 1\.00e-4 → validation loss \d\.\d{4}/.test(l)), lines.join('\n'));
  store.close();
});

test('s2-search with TPE runs the asked number of trials, and rejects an unknown sampler', async () => {
  const r = await s2Search.run({ seed: 2, log: () => {}, tracking: StudyTracking.off('s2-search', 2), params: { trials: '5', trialEpochs: '2' } });
  const c = r.counts as { complete: number; pruned: number; fail: number };
  assert.equal(c.complete + c.pruned + c.fail, 5);
  assert.equal(c.fail, 0);
  assert.ok(Number.isFinite(r.bestValue as number));
  const b = r.bestParams as { dropout: number; l1: number };
  assert.ok(b.dropout >= 0.1 && b.dropout <= 0.5 && b.l1 >= 1e-4 && b.l1 <= 1e-1, JSON.stringify(b));
  await assert.rejects(s2Search.run({ seed: 1, log: () => {}, tracking: StudyTracking.off('s2-search', 1), params: { sampler: 'cmaes' } }), /s2-search: --set sampler=cmaes: not one of tpe, grid/);
});
