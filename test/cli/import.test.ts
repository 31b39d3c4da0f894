/**
 * `gradlab import <file>`: a run file (the lab page's download format) goes into the run store as
 * a finished run with its scalars, histograms and matrices; bad files are errors naming the field
 * and the value, and nothing is written for them.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { registerImport } from '../../src/cli/import.js';
import { RunStore } from '../../src/track/store.js';
import { summarizeHistogram } from '../../src/track/histogram.js';
import { RUN_FILE_FORMAT, RUN_FILE_VERSION, type RunFile } from '../../src/lab/run-file.js';
import { runCli } from '../cli-helpers.js';

function runFile(): RunFile {
  return {
    format: RUN_FILE_FORMAT, version: RUN_FILE_VERSION, name: 'lab-mnist-mlp-seed1', study: 'mnist-mlp', seed: 1,
    config: { lr: 1e-3, batchSize: 300, backend: 'wasm' }, source: 'gradlab lab in HeadlessChrome/140; wasm: 2 threads',
    scalars: [{ tag: 'batch/loss', step: 1, value: 2.3 }, { tag: 'batch/loss', step: 2, value: 2.1 }, { tag: 'val/accuracy', step: 1, value: 0.76 }],
    histograms: [{ tag: 'weights/0.weight', step: 1, summary: summarizeHistogram(new Float32Array([0.1, -0.2, 0.3, 0.05]), 4) }],
    matrices: [{ tag: 'confusion/test', step: 1, matrix: { rows: 2, cols: 2, values: [5, 1, 2, 7], rowLabels: ['0', '1'], colLabels: ['0', '1'], rowTitle: 'true', colTitle: 'predicted' } }],
  };
}

test('gradlab import puts a lab run into the run store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-import-'));
  const file = join(dir, 'run.gradlab-run.json');
  const db = join(dir, 'runs.db');
  writeFileSync(file, JSON.stringify(runFile()));
  const out = await runCli((p) => registerImport(p), ['import', file, '--db', db]);
  assert.match(out, /imported lab-mnist-mlp-seed1 \(mnist-mlp, 3 scalars, 1 histograms, 1 matrices\) as run /);
  const store = RunStore.open(db, { readonly: true });
  try {
    const [run] = store.listRuns();
    assert.equal(run.name, 'lab-mnist-mlp-seed1');
    assert.equal(run.study, 'mnist-mlp');
    assert.equal(run.status, 'finished');
    assert.deepEqual(store.scalars(run.id, { tag: 'batch/loss' }).map((s) => [s.step, s.value]), [[1, 2.3], [2, 2.1]]);
    const [h] = store.histograms(run.id);
    assert.equal(h.tag, 'weights/0.weight');
    assert.equal(h.num, 4);
    const [m] = store.media(run.id, { kind: 'matrix' });
    assert.equal(m.tag, 'confusion/test');
  } finally {
    store.close();
  }
});

test('a bad run file is an error naming the field and the value, and writes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-import-'));
  const db = join(dir, 'runs.db');
  const cases: [(f: Record<string, unknown>) => void, RegExp][] = [
    [(f) => { f.format = 'tensorboard'; }, /format must be 'gradlab-run'.*got "tensorboard"/],
    [(f) => { (f.scalars as { step: unknown }[])[1].step = -1; }, /scalars\[1\]\.step must be an integer ≥ 0 \(got -1\)/],
    [(f) => { (f.matrices as { matrix: { values: number[] } }[])[0].matrix.values = [1, 2]; }, /matrices\[0\]\.matrix\.values must hold rows×cols = 4 numbers, has 2/],
    [(f) => { f.extra = 1; }, /extra is not a field of a run file/],
  ];
  for (const [edit, message] of cases) {
    const f = runFile() as unknown as Record<string, unknown>;
    edit(f);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(f));
    await assert.rejects(runCli((p) => registerImport(p), ['import', file, '--db', db]), message);
  }
  writeFileSync(join(dir, 'notjson.json'), '{"format": ');
  await assert.rejects(runCli((p) => registerImport(p), ['import', join(dir, 'notjson.json'), '--db', db]), /is not JSON/);
  await assert.rejects(runCli((p) => registerImport(p), ['import', join(dir, 'missing.json'), '--db', db]), /no file at/);
  assert.ok(!existsSync(db), 'no store was even created');
});
