/** Seed statistics over runs in a real store: grouping by configuration, CIs, verdicts (paired / Welch, Holm) and their sentences. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { holm, pairedTTest, summarize, welchTTest } from '../../src/metrics/stats.js';
import { formatSummary, pickMainMetric, seedGroups, verdicts } from '../../src/track/aggregate.js';
import { RunStore } from '../../src/track/store.js';

function storeWith(runs: { name: string; seed: number; acc: number; curve?: number[] }[]): { store: RunStore; ids: string[] } {
  const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'gradlab-agg-')), 'g.db'));
  const ids = runs.map((r) => {
    const run = store.startRun({ study: 'st', name: `st/${r.name}`, seed: r.seed, handleSignals: false });
    (r.curve ?? [1, 0.5]).forEach((v, i) => run.logScalar('val/loss', v, i + 1));
    run.logScalar('test/accuracy', r.acc, 2);
    run.finish();
    return run.id;
  });
  return { store, ids };
}

test('seedGroups: one group per configuration, final metrics and curves summarized over seeds', () => {
  const { store, ids } = storeWith([
    { name: 'adam', seed: 1, acc: 0.81, curve: [1, 0.6] }, { name: 'adam', seed: 2, acc: 0.83, curve: [1.2, 0.5] }, { name: 'adam', seed: 3, acc: 0.8, curve: [1.1, 0.4] },
    { name: 'sgd', seed: 1, acc: 0.7 }, { name: 'sgd', seed: 2, acc: 0.72 }, { name: 'sgd', seed: 3, acc: 0.69 },
  ]);
  const groups = seedGroups(store, ids.map((id) => store.getRun(id)));
  assert.deepEqual(groups.map((g) => [g.config, g.seeds]), [['adam', [1, 2, 3]], ['sgd', [1, 2, 3]]]);
  assert.deepEqual(groups[0]!.summary.get('test/accuracy'), summarize([0.81, 0.83, 0.8]));
  const c = groups[0]!.curves.get('val/loss')!;
  assert.deepEqual(c.map((p) => p.step), [1, 2]);
  assert.ok(Math.abs(c[1]!.mean - 0.5) < 1e-12);
  assert.equal(c[1]!.ciLow, summarize([0.6, 0.5, 0.4]).ciLow);
  assert.deepEqual(pickMainMetric(groups, 'test/accuracy'), { metric: 'test/accuracy', lowerIsBetter: false });
  assert.deepEqual(pickMainMetric(groups, 'no/such'), { metric: 'test/accuracy', lowerIsBetter: false });
  assert.equal(formatSummary(summarize([0.81, 0.83, 0.8]), 'test/accuracy').replace(/\d/g, '9'), '99.9 ± 9.9 [99.9, 99.9] (n = 9)');
  store.close();
});

test('verdicts: a paired test when the seeds pair the runs, Welch otherwise; Holm across pairs; the sentences', () => {
  const { store, ids } = storeWith([
    { name: 'adam', seed: 1, acc: 0.81 }, { name: 'adam', seed: 2, acc: 0.83 }, { name: 'adam', seed: 3, acc: 0.8 },
    { name: 'sgd', seed: 1, acc: 0.7 }, { name: 'sgd', seed: 2, acc: 0.72 }, { name: 'sgd', seed: 3, acc: 0.69 },
    { name: 'adamw', seed: 1, acc: 0.815 }, { name: 'adamw', seed: 2, acc: 0.82 }, { name: 'adamw', seed: 3, acc: 0.81 },
    { name: 'rms', seed: 4, acc: 0.6 }, { name: 'rms', seed: 5, acc: 0.65 },
  ]);
  const groups = seedGroups(store, ids.map((id) => store.getRun(id)));
  const vs = verdicts(groups, 'test/accuracy');
  assert.equal(vs.length, 6); // 4 configurations: every pair
  // Best first: adamw (0.815) and adam (0.8133) lead.
  const aw = vs.find((v) => v.a === 'adamw' && v.b === 'adam')!;
  const want = pairedTTest([0.815, 0.82, 0.81], [0.81, 0.83, 0.8]);
  assert.equal(aw.test.test, 'paired');
  assert.equal(aw.test.p, want.p);
  const rms = vs.find((v) => v.b === 'rms' && v.a === 'sgd')!;
  assert.equal(rms.test.test, 'welch'); // different seeds: not paired
  assert.equal(rms.test.p, welchTTest([0.7, 0.72, 0.69], [0.6, 0.65]).p);
  const adj = holm(vs.map((v) => v.test.p));
  vs.forEach((v, i) => assert.equal(v.pAdjusted, adj[i]));
  assert.match(aw.sentence, /^adamw vs adam: \+0\.2 points \[−\d+\.\d, \d+\.\d\], p = 0\.\d{3} \(paired t, Holm over 6\) — not distinguishable with 3 seeds$/);
  const real = vs.find((v) => v.a === 'adam' && v.b === 'sgd')!;
  assert.equal(real.real, real.pAdjusted < 0.05);
  assert.match(real.sentence, real.real ? /— real$/ : /— not distinguishable with 3 seeds$/);
  // Many configurations: the best against each other only.
  assert.equal(verdicts(groups, 'test/accuracy', { allPairsUpTo: 3 }).length, 3);
  store.close();
});
