/** Store → TensorBoard: every record's CRC checks, protoc decodes every event, values match the store; live follow. */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RunStore } from '../../../src/track/store.js';
import { exportTensorBoard, matrixMarkdown, readExportMarker } from '../../../src/track/tensorboard/export.js';
import { getEventListeners } from 'node:events';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { decodeEvent, readRecords } from '../../../src/track/tensorboard/reader.js';
import { protocDecode, protocMissing } from './protoc.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'gradlab-tbx-'));

function fillRun(store: RunStore): string {
  const run = store.startRun({ name: 'export me', study: 'xor' });
  for (let epoch = 1; epoch <= 3; epoch++) {
    run.logScalars({ 'train/loss': 1 / epoch, 'val/accuracy': 0.5 + epoch / 10 }, epoch);
    run.logHistogram('weights/fc.weight', [epoch, epoch + 1, epoch + 2, epoch + 3], epoch, { buckets: 2 });
  }
  run.logScalar('val/loss', NaN, 2);
  run.logImage('recon', { width: 2, height: 2, data: new Float32Array([0, 1, 1, 0]) }, 3);
  run.logText('notes', 'converged', 3);
  run.logMatrix('confusion', { rows: 2, cols: 2, values: [5, 1, 0, 6], rowLabels: ['a', 'b'], colLabels: ['a', 'b'] }, 3);
  run.logHeatmap('attention', { tokens: ['good', 'film'], weights: [0.25, 0.75] }, 3);
  run.logCurves('roc', { series: [{ label: 'a', x: [0, 1], y: [0, 1] }] }, 3);
  run.logPoints('tsne', { dims: 2, coords: [0, 0, 1, 1] }, 3);
  run.logHistogram('grads/empty', [NaN], 3);
  run.finish();
  return run.id;
}

test('export writes one event file whose records all check and hold the store\'s values in step order', (t) => {
  const store = RunStore.open(join(tmp(), 'g.db'));
  const id = fillRun(store);
  const out = join(tmp(), 'tb');
  return exportTensorBoard(store, id, { outDir: out }).then((res) => {
    assert.deepEqual([res.scalars, res.histograms, res.images, res.texts, res.skipped], [7, 3, 2, 3, 3]);
    assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('events.out.tfevents.')), [res.file.split('/').pop()]);
    const records = readRecords(readFileSync(res.file)); // throws on any bad CRC
    assert.equal(records.length, res.events);
    const events = records.map(decodeEvent);
    assert.equal(events[0]!.fileVersion, 'brain.Event:2');
    const steps = events.slice(1).map((e) => e.step);
    assert.deepEqual(steps, [...steps].sort((a, b) => a - b), 'events are in step order');
    const loss = events.flatMap((e) => e.values.filter((v) => v.tag === 'train/loss').map((v) => [e.step, v.simpleValue]));
    assert.deepEqual(loss, [[1, 1], [2, Math.fround(1 / 2)], [3, Math.fround(1 / 3)]]);
    const hist = events.flatMap((e) => e.values.filter((v) => v.tag === 'weights/fc.weight').map((v) => v.histo!.sum));
    assert.deepEqual(hist, [10, 14, 18]);
    const tags = new Set(events.flatMap((e) => e.values.map((v) => v.tag)));
    assert.deepEqual([...tags].sort(), ['attention', 'confusion', 'confusion/values', 'notes', 'recon', 'train/loss', 'val/accuracy', 'val/loss', 'weights/fc.weight']);
    const cm = events.flatMap((e) => e.values).filter((v) => v.tag === 'confusion/values')[0]!;
    assert.deepEqual(cm.strings, [matrixMarkdown({ rows: 2, cols: 2, values: [5, 1, 0, 6], rowLabels: ['a', 'b'], colLabels: ['a', 'b'] })]);

    const why = protocMissing();
    if (why) {
      t.diagnostic(`protoc checks skipped: ${why}`);
      store.close();
      return;
    }
    const decoded = records.map(protocDecode);
    assert.equal(decoded[0], `wall_time: ${events[0]!.wallTime}\nfile_version: "brain.Event:2"\n`);
    const all = decoded.join('\n');
    assert.match(all, /step: 2\nsummary \{\n  value \{\n    tag: "val\/loss"\n    simple_value: nan\n/);
    assert.match(all, /tag: "val\/accuracy"\n    simple_value: 0\.8\d*\n/);
    assert.match(all, /tag: "weights\/fc.weight"\n    histo \{\n      min: 3\n      max: 6\n      num: 4\n      sum: 18\n      sum_squares: 86\n      bucket_limit: 4\.5\n      bucket_limit: 6\n      bucket: 2\n      bucket: 2\n/);
    assert.match(all, /tag: "recon"\n    image \{\n      height: 2\n      width: 2\n      colorspace: 1\n/);
    assert.match(all, /tag: "confusion"\n    image \{\n      height: 256\n      width: 256\n      colorspace: 3\n/);
    assert.match(all, /tag: "notes"\n    tensor \{\n      dtype: DT_STRING\n      tensor_shape \{\n      \}\n      string_val: "converged"\n    \}\n    metadata \{\n      plugin_data \{\n        plugin_name: "text"/);
    assert.match(all, /tag: "attention"\n    tensor \{\n      dtype: DT_STRING\n      tensor_shape \{\n      \}\n      string_val: "\| token \| weight \|\\n\| --- \| --- \|\\n\| good \| 0.2500 \|\\n\| film \| 0.7500 \|"/);
    for (const d of decoded) assert.doesNotMatch(d, /^\s*\d+:/m, 'no field outside the schema');
    store.close();
  });
});

test('re-exporting a run replaces its file; a folder with other event files is refused', async () => {
  const store = RunStore.open(join(tmp(), 'g.db'));
  const id = fillRun(store);
  const out = join(tmp(), 'tb');
  await exportTensorBoard(store, id, { outDir: out });
  await exportTensorBoard(store, id, { outDir: out });
  assert.equal(readdirSync(out).filter((f) => f.includes('tfevents')).length, 1);
  const other = join(tmp(), 'theirs');
  mkdirSync(other);
  writeFileSync(join(other, 'events.out.tfevents.1.host'), '');
  await assert.rejects(exportTensorBoard(store, id, { outDir: other }), /already holds event files not written by gradlab \(events\.out\.tfevents\.1\.host\)/);
  await assert.rejects(exportTensorBoard(store, 'nope', { outDir: out }), /no run 'nope' in .*recent runs:\n {2}\w{8} {2}export me/);
  store.close();
});

test('live export follows a running run until it finishes', async () => {
  const store = RunStore.open(join(tmp(), 'g.db'));
  const run = store.startRun({ name: 'live' });
  run.logScalar('train/loss', 3, 1);
  const out = join(tmp(), 'tb');
  const seen: number[] = [];
  const done = exportTensorBoard(store, run.id, { outDir: out, live: true, pollMs: 10, onWrite: (c) => seen.push(c.scalars) });
  for (let step = 2; step <= 4; step++) {
    await new Promise((r) => setTimeout(r, 30));
    run.logScalar('train/loss', 3 / step, step);
  }
  run.finish();
  const res = await done;
  assert.equal(res.scalars, 4);
  assert.equal(seen[0], 1, 'the first write holds what existed when the export started');
  assert.equal(seen[seen.length - 1], 4);
  const steps = readRecords(readFileSync(res.file)).map(decodeEvent).slice(1).map((e) => e.step);
  assert.deepEqual(steps, [1, 2, 3, 4]);
  store.close();
});

test('a re-export that fails midway leaves the previous complete export; dead exports\' temp files are removed', async () => {
  const dir = tmp();
  const store = RunStore.open(join(dir, 'g.db'));
  const id = fillRun(store);
  const out = join(dir, 'tb');
  const first = await exportTensorBoard(store, id, { outDir: out });
  assert.equal(first.complete, true);
  assert.deepEqual(readExportMarker(out), { runId: id, state: 'complete' });
  const before = readFileSync(first.file);
  // A record the exporter cannot encode (as another tool could write it): the re-export fails.
  store.db.prepare("INSERT INTO media (run_id, kind, tag, step, wall_time, data, blob) VALUES (?, 'matrix', 'bad', 9, 0, '{\"rows\": 2}', NULL)").run(id);
  // A temp file of an export that died (pid 2^22+7 is above Linux's pid_max default... and gone).
  writeFileSync(join(out, '.export-4194311-abcd.partial'), 'half an export');
  await assert.rejects(exportTensorBoard(store, id, { outDir: out }));
  assert.deepEqual(readFileSync(first.file), before, 'the previous complete export is untouched');
  assert.deepEqual(readdirSync(out).sort(), ['.gradlab-export', first.file.split('/').pop()!].sort(), 'no temporary file left, the dead one removed');
  store.close();
});

test('a live export ends when the run\'s process dies (read as killed), and adds no listener per poll', async () => {
  const dir = tmp();
  const db = join(dir, 'g.db');
  const store = RunStore.open(db);
  // A run owned by another process that then dies without finishing it.
  const other = spawn('sleep', ['60'], { stdio: 'ignore' });
  await new Promise((r) => other.once('spawn', r));
  const run = store.startRun({ name: 'orphan', handleSignals: false });
  run.logScalar('loss', 1, 1);
  store.db.prepare('UPDATE runs SET pid = ?, proc_start = NULL WHERE id = ?').run(other.pid!, run.id);
  const ro = RunStore.open(db, { readonly: true });
  const abort = new AbortController();
  let maxListeners = 0;
  const watch = setInterval(() => { maxListeners = Math.max(maxListeners, getEventListeners(abort.signal, 'abort').length); }, 3);
  const done = exportTensorBoard(ro, run.id, { outDir: join(dir, 'tb'), live: true, pollMs: 5, signal: abort.signal });
  await new Promise((r) => setTimeout(r, 200)); // ~40 polls while the owner lives
  assert.equal(ro.getRun(run.id).status, 'running');
  other.kill('SIGKILL');
  await new Promise((r) => other.once('exit', r));
  const res = await done; // ends by itself: no abort
  clearInterval(watch);
  assert.equal(abort.signal.aborted, false);
  assert.equal(res.complete, true);
  assert.equal(res.scalars, 1);
  assert.ok(maxListeners <= 1, `${maxListeners} abort listeners at once`);
  assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
  ro.close();
  run.finish();
  store.close();
});

test('a live export stopped before its run ends is marked partial', async () => {
  const dir = tmp();
  const store = RunStore.open(join(dir, 'g.db'));
  const run = store.startRun({ name: 'still going', handleSignals: false });
  run.logScalar('loss', 1, 1);
  const abort = new AbortController();
  const out = join(dir, 'tb');
  const done = exportTensorBoard(store, run.id, { outDir: out, live: true, pollMs: 5, signal: abort.signal });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(readExportMarker(out), { runId: run.id, state: 'partial' }, 'partial while it follows the run');
  abort.abort();
  const res = await done;
  assert.equal(res.complete, false);
  assert.deepEqual(readExportMarker(out), { runId: run.id, state: 'partial' });
  assert.ok(existsSync(res.file));
  run.finish();
  store.close();
});
