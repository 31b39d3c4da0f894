import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compile } from 'vega-lite';
import { View, parse } from 'vega';
import { s5Nonlinear } from '../../src/studies/s5-nonlinear.js';
import { StudyTracking } from '../../src/studies/tracking.js';
import { RunStore } from '../../src/track/store.js';

type Row = { dataset: string; hidden: number; testAccuracy: number };

test('a tanh network with 3 hidden units solves blobs and XOR; boundaries are logged as Vega-Lite figures', async () => {
  const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'gradlab-s5-nonlinear-')), 'runs.db'));
  const tracking = new StudyTracking(store, 's5-nonlinear', 4);
  const lines: string[] = [];
  const r = await s5Nonlinear.run({
    epochs: 30, seed: 4, log: (l) => lines.push(l), tracking,
    params: { datasets: 'blobs,xor', hidden: '3', n: '400', grid: '20' },
  });
  tracking.finish();
  const rows = r.results as Row[];
  assert.deepEqual(rows.map((x) => `${x.dataset}-${x.hidden}`), ['blobs-3', 'xor-3']);
  assert.ok(rows[0].testAccuracy >= 0.99, `blobs ${rows[0].testAccuracy}`);
  assert.ok(rows[1].testAccuracy >= 0.9, `xor ${rows[1].testAccuracy}`);
  assert.ok(lines.some((l) => /^ {2}xor\s+0\.\d{3}$/.test(l)), lines.join('\n'));

  assert.equal(tracking.runIds.length, 2);
  const run = tracking.runIds[1];
  const figs = store.media(run, { kind: 'figure' });
  assert.equal(figs.length, 1);
  assert.equal(figs[0].tag, 'decision-boundary');
  const fig = figs[0].data as { format: string; spec: { layer: { data: { values: unknown[] } }[] } };
  assert.equal(fig.format, 'vega-lite');
  assert.equal(fig.spec.layer[0].data.values.length, 20 * 20);
  assert.equal(fig.spec.layer[1].data.values.length, 400);
  // Both predicted classes appear on the XOR grid.
  const classes = new Set((fig.spec.layer[0].data.values as { class: string }[]).map((c) => c.class));
  assert.deepEqual([...classes].sort(), ['0', '1']);
  // The spec compiles and renders.
  const view = new View(parse(compile(fig.spec as unknown as Parameters<typeof compile>[0]).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  assert.match(svg, /^<svg/);
  // Accuracy per epoch reaches the tracked scalars.
  const acc = store.scalars(run, { tag: 'test/accuracy' });
  assert.equal(acc.length, 30);
  store.close();
});

test('s5-nonlinear rejects an unknown dataset', async () => {
  await assert.rejects(
    s5Nonlinear.run({ epochs: 1, seed: 1, log: () => {}, tracking: StudyTracking.off('s5-nonlinear', 1), params: { datasets: 'spiral' } }),
    /s5-nonlinear: --set datasets=spiral: unknown item 'spiral', not one of blobs, xor, checkerboard or all/,
  );
});
