/** Run store: runs, every record kind round-tripped (NaN kept), lookups, bad input, two writers at once. */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { CorruptDatabaseError, DatabaseOpenError, NotADatabaseError, RunStore, UnknownRunError, namedDatabaseError } from '../../src/track/store.js';
import { pngInfo } from '../../src/track/png.js';

const here = dirname(fileURLToPath(import.meta.url));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'gradlab-store-'));

test('open creates the folder, uses WAL, and a run records its metadata', () => {
  const path = join(tmp(), 'nested', 'runs', 'g.db');
  const store = RunStore.open(path);
  assert.ok(existsSync(path));
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  const run = store.startRun({ name: 'first', study: 'mnist-mlp', config: { lr: 0.1, layers: [784, 100, 10], odd: NaN }, seed: 42 });
  const info = store.getRun(run.id);
  assert.equal(info.name, 'first');
  assert.equal(info.study, 'mnist-mlp');
  assert.equal(info.status, 'running');
  assert.equal(info.seed, 42);
  assert.equal(info.pid, process.pid);
  assert.deepEqual(info.config.layers, [784, 100, 10]);
  assert.ok(Number.isNaN(info.config.odd as number));
  assert.match(info.codeVersion, /^(git:|gradlab@)/);
  assert.equal(info.endedAt, null);
  assert.match(run.id, /^[0-9a-z]{8}$/);
  run.finish();
  const done = store.getRun(run.id);
  assert.equal(done.status, 'finished');
  assert.ok(done.endedAt !== null && done.endedAt >= done.startedAt);
  assert.throws(() => run.logScalar('x', 1, 0), /already ended/);
  store.close();
});

test('scalars keep NaN and ±Infinity; afterId and cursor give only new records', () => {
  const store = RunStore.open(join(tmp(), 'g.db'));
  const run = store.startRun({ name: 's' });
  run.logScalars({ 'train/loss': 2.5, 'val/loss': NaN }, 1);
  run.logScalar('train/loss', Infinity, 2);
  run.logScalar('train/loss', -Infinity, 3);
  const all = store.scalars(run.id);
  assert.deepEqual(all.map((p) => [p.tag, p.step, p.value]), [
    ['train/loss', 1, 2.5], ['train/loss', 2, Infinity], ['train/loss', 3, -Infinity], ['val/loss', 1, NaN],
  ]);
  const c = store.cursor(run.id);
  assert.equal(c.scalars, Math.max(...all.map((p) => p.id)));
  run.logScalar('val/loss', 0.75, 2);
  const fresh = store.scalars(run.id, { afterId: c.scalars });
  assert.deepEqual(fresh.map((p) => [p.tag, p.step, p.value]), [['val/loss', 2, 0.75]]);
  assert.deepEqual(store.scalars(run.id, { tag: 'val/loss' }).map((p) => p.value), [NaN, 0.75]);
  const mark = store.changeMark();
  assert.equal(store.changeMark(), mark);
  run.logScalar('lr', 0.1, 2);
  const mark2 = store.changeMark();
  assert.notEqual(mark2, mark);
  store.startRun({ name: 'other' }).finish();
  assert.notEqual(store.changeMark(), mark2);
  const last = store.lastScalars(run.id);
  assert.equal(last['train/loss']!.value, -Infinity);
  assert.equal(last['val/loss']!.value, 0.75);
  store.close();
});

test('histograms, images, heat-maps, matrices, curves, points, figures and text round-trip', () => {
  const store = RunStore.open(join(tmp(), 'g.db'));
  const run = store.startRun({ name: 'media' });
  run.logHistogram('weights/fc.weight', new Float32Array([0, 1, 2, 3, NaN]), 1, { buckets: 3 });
  run.logImage('recon', { width: 3, height: 2, channels: 1, data: new Float32Array([0, 0.5, 1, 1, 0.5, 0]), caption: 'digit 7' }, 1);
  run.logHeatmap('attention', { tokens: ['the', 'movie', 'was', 'great'], weights: new Float32Array([0.1, 0.2, 0.05, 0.65]) }, 1);
  run.logMatrix('confusion', { rows: 2, cols: 2, values: [5, 1, 2, 7], rowLabels: ['neg', 'pos'], colLabels: ['neg', 'pos'], rowTitle: 'true', colTitle: 'predicted' }, 1);
  run.logCurves('roc', { series: [{ label: 'class 0', x: [0, 0.5, 1], y: [0, 0.8, 1], score: 0.9 }], xLabel: 'FPR', yLabel: 'TPR' }, 1);
  run.logPoints('tsne', { dims: 2, coords: [0, 1, 2, NaN], labels: [3, 'seven'] }, 1);
  run.logFigure('boundary', { format: 'svg', svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' }, 1);
  run.logFigure('spec', { format: 'vega-lite', spec: { mark: 'point', data: { values: [{ x: 1 }] } } }, 1);
  run.logText('notes', 'lr was too high', 2);

  const [h] = store.histograms(run.id);
  assert.deepEqual([h!.tag, h!.step, h!.num, h!.nanCount, h!.min, h!.max], ['weights/fc.weight', 1, 5, 1, 0, 3]);
  assert.ok(Number.isNaN(h!.sum));
  assert.deepEqual(h!.limits, [1, 2, 3]);
  assert.deepEqual(h!.counts, [1, 1, 2]);

  const tags = store.tags(run.id);
  assert.deepEqual(tags.scalars, []);
  assert.deepEqual(tags.histograms, ['weights/fc.weight']);
  assert.deepEqual(tags.media.map((m) => `${m.kind}:${m.tag}:${m.count}`), [
    'curve:roc:1', 'figure:boundary:1', 'figure:spec:1', 'heatmap:attention:1', 'image:recon:1', 'matrix:confusion:1', 'points:tsne:1', 'text:notes:1',
  ]);

  const [img] = store.media(run.id, { kind: 'image' });
  assert.ok(img && img.kind === 'image');
  assert.deepEqual([img.data.width, img.data.height, img.data.channels, img.data.caption], [3, 2, 1, 'digit 7']);
  assert.deepEqual(pngInfo(img.data.png), { width: 3, height: 2, channels: 1 });
  assert.deepEqual(store.mediaById(img.id)?.tag, 'recon');

  const [hm] = store.media(run.id, { kind: 'heatmap' });
  assert.ok(hm && hm.kind === 'heatmap');
  assert.deepEqual(hm.data.tokens, ['the', 'movie', 'was', 'great']);
  assert.deepEqual(hm.data.weights, Array.from(new Float32Array([0.1, 0.2, 0.05, 0.65])));

  const [m] = store.media(run.id, { kind: 'matrix', tag: 'confusion' });
  assert.ok(m && m.kind === 'matrix');
  assert.deepEqual([m.data.rows, m.data.cols, m.data.values, m.data.rowLabels, m.data.colTitle], [2, 2, [5, 1, 2, 7], ['neg', 'pos'], 'predicted']);

  const [cv] = store.media(run.id, { kind: 'curve' });
  assert.ok(cv && cv.kind === 'curve');
  assert.deepEqual(cv.data.series[0], { label: 'class 0', x: [0, 0.5, 1], y: [0, 0.8, 1], score: 0.9 });

  const [pt] = store.media(run.id, { kind: 'points' });
  assert.ok(pt && pt.kind === 'points');
  assert.deepEqual(pt.data.coords.slice(0, 3), [0, 1, 2]);
  assert.ok(Number.isNaN(pt.data.coords[3]));
  assert.deepEqual(pt.data.labels, [3, 'seven']);

  const figs = store.media(run.id, { kind: 'figure' });
  assert.deepEqual(figs.map((f) => (f.kind === 'figure' ? f.data.format : '')), ['svg', 'vega-lite']);
  const [txt] = store.media(run.id, { kind: 'text', step: 2 });
  assert.ok(txt && txt.kind === 'text');
  assert.equal(txt.data.text, 'lr was too high');
  store.close();
});

test('bad record input is refused with the sizes involved', () => {
  const store = RunStore.open(join(tmp(), 'g.db'));
  const run = store.startRun();
  assert.throws(() => run.logMatrix('cm', { rows: 2, cols: 3, values: [1, 2, 3] }, 0), /2×3 matrix needs 6 values, got 3/);
  assert.throws(() => run.logHeatmap('att', { tokens: ['a', 'b'], weights: [1] }, 0), /2 tokens but 1 weights/);
  assert.throws(() => run.logScalar('loss', 1, 1.5), /step must be an integer ≥ 0, got 1.5/);
  assert.throws(() => run.logScalar('', 1, 1), /tag must be a non-empty string/);
  assert.throws(() => run.logImage('img', { width: 2, height: 2, data: [0, 1, 0] }, 0), /needs 4 values, got 3/);
  assert.throws(() => run.logPoints('p', { dims: 2, coords: [1, 2, 3] }, 0), /3 coords is not a multiple of dims 2/);
  assert.throws(() => run.logCurves('roc', { series: [{ label: 'a', x: [0, 1], y: [0] }] }, 0), /'a'\) has 2 x but 1 y/);
  run.finish();
  store.close();
});

test('runs are found by id, id prefix or name; an unknown one lists recent runs', () => {
  const path = join(tmp(), 'g.db');
  const store = RunStore.open(path);
  const a = store.startRun({ name: 'alpha', study: 'xor' });
  const b = store.startRun({ name: 'beta', study: 'spam' });
  b.finish('failed', 'diverged');
  assert.equal(store.getRun('alpha').id, a.id);
  assert.equal(store.getRun(b.id.slice(0, 6)).name, 'beta');
  assert.deepEqual(store.listRuns({ study: 'xor' }).map((r) => r.name), ['alpha']);
  assert.deepEqual(store.listRuns({ status: 'failed' }).map((r) => r.error), ['diverged']);
  assert.deepEqual(store.listRuns({ search: 'lph' }).map((r) => r.name), ['alpha']);
  assert.deepEqual(store.studies(), [{ study: 'spam', runs: 1 }, { study: 'xor', runs: 1 }]);
  assert.throws(
    () => store.getRun('nosuchrun'),
    (e: unknown) => e instanceof UnknownRunError && e.message.includes(`no run 'nosuchrun' in ${path}`) && e.message.includes(a.id) && e.message.includes('beta'),
  );
  assert.equal(store.deleteRun(b.id), true);
  assert.equal(store.findRun(b.id), null);
  a.finish();
  store.close();
});

test('a file that is not SQLite is a clear error naming the path', () => {
  const path = join(tmp(), 'notes.db');
  writeFileSync(path, 'these are my notes, not a database\n');
  assert.throws(() => RunStore.open(path), (e: unknown) => e instanceof NotADatabaseError && e.message.startsWith(`${path} is not a SQLite database`));
  assert.throws(() => RunStore.open(join(tmp(), 'missing.db'), { readonly: true }), /no run database at .*missing\.db/);
});

/** Start a writer child; resolves once it is ready, with a function that lets it go and waits for it. */
function startChild(db: string, name: string, count: number): Promise<() => Promise<string>> {
  return new Promise((ready, rej) => {
    const child = fork(join(here, 'fixtures', 'log-writer.js'), ['--child', db, name, String(count), 'finish'], { stdio: 'pipe' });
    let id = '';
    let err = '';
    const exited = new Promise<string>((res, rejExit) => {
      child.on('exit', (code) => (code === 0 ? res(id) : rejExit(new Error(`child ${name} exited ${code}: ${err}`))));
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', rej);
    child.on('message', (m: { ready?: boolean; id?: string }) => {
      if (m.ready) ready(() => (child.send('go'), exited));
      if (m.id) id = m.id;
    });
  });
}

test('two processes writing 500 scalars each to one database at once lose no record', async () => {
  const db = join(tmp(), 'shared.db');
  RunStore.open(db).close(); // create the schema first so both children start on the same file
  const go = await Promise.all([startChild(db, 'writer-a', 500), startChild(db, 'writer-b', 500)]);
  const ids = await Promise.all(go.map((g) => g()));
  const store = RunStore.open(db);
  assert.equal(new Set(ids).size, 2);
  for (const id of ids) {
    const points = store.scalars(id);
    assert.equal(points.length, 500);
    assert.deepEqual(points.map((p) => p.step), Array.from({ length: 500 }, (_, i) => i));
    assert.equal(points[499]!.value, 1 / 500);
    assert.equal(store.getRun(id).status, 'finished');
  }
  store.close();
});

test('lastScalars: the largest step of every tag (latest id on ties), by index seeks, on a 200,000-scalar run', () => {
  const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'gradlab-last-')), 'g.db'));
  const run = store.startRun({ name: 'big', handleSignals: false });
  run.batch(() => {
    for (let i = 0; i < 200_000; i++) run.logScalar(`tag${i % 20}`, i, Math.floor(i / 20));
    run.logScalar('tag3', -1, 5); // an older step logged late is not the last value
    run.logScalar('tie', 1, 7);
    run.logScalar('tie', 2, 7); // same step: the later one wins
  });
  const last = store.lastScalars(run.id);
  assert.deepEqual(Object.keys(last), [...Array.from({ length: 20 }, (_, k) => `tag${k}`)].sort().concat('tie').sort());
  assert.equal(last['tag3']!.step, 9999);
  assert.equal(last['tag3']!.value, 199_983);
  assert.equal(last['tie']!.value, 2);
  assert.equal(store.tags(run.id).scalars.length, 21);
  assert.equal(store.cursor(run.id).scalars, last['tie']!.id);
  // The plan: index seeks, never a scan of the run's scalars.
  const plan = (store.db.prepare(`EXPLAIN QUERY PLAN SELECT coalesce(max(id), 0) FROM scalars WHERE run_id = ?`).all(run.id) as { detail: string }[]).map((r) => r.detail).join('; ');
  assert.match(plan, /scalars_run_id/);
  run.finish();
  store.close();
});

test('unopenable --db paths are named errors saying why', () => {
  const d = mkdtempSync(join(tmpdir(), 'gradlab-open-'));
  writeFileSync(join(d, 'file'), 'x');
  assert.throws(() => RunStore.open(join(d, 'file', 'sub', 'g.db')), (e: unknown) => {
    assert.ok(e instanceof DatabaseOpenError);
    assert.equal((e as Error).message, `cannot open the run database ${join(d, 'file', 'sub', 'g.db')}: cannot create its folder ${join(d, 'file', 'sub')} (ENOTDIR); pass another --db path (or set GRADLAB_DB)`);
    return true;
  });
  if (existsSync('/sys/kernel')) {
    assert.throws(() => RunStore.open('/sys/kernel/gradlab-test.db'), /^DatabaseOpenError: cannot open the run database \/sys\/kernel\/gradlab-test\.db: /);
  }
});

test('a damaged database: the integrity check names the path and problems; query errors name the database', () => {
  const d = mkdtempSync(join(tmpdir(), 'gradlab-corrupt-'));
  const path = join(d, 'g.db');
  const store = RunStore.open(path);
  const run = store.startRun({ name: 'fine', handleSignals: false });
  run.batch(() => { for (let i = 0; i < 3000; i++) run.logScalar(`t${i % 7}`, i, i); });
  run.finish();
  store.assertIntact();
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  // Scribble over the middle of a few b-tree pages, keeping the header.
  const bytes = readFileSync(path);
  for (let off = 4096 * 2; off + 4096 <= bytes.length; off += 4096 * 3) {
    for (let i = 8; i < 4096; i++) bytes[off + i] = (i * 131 + off) & 0xff;
  }
  writeFileSync(path, bytes);
  let damaged: RunStore | null = null;
  try {
    damaged = RunStore.open(path, { reap: false });
  } catch (e) {
    assert.ok(e instanceof CorruptDatabaseError || e instanceof NotADatabaseError, String(e));
  }
  if (damaged) {
    assert.throws(() => damaged!.assertIntact(), (e: unknown) => {
      assert.ok(e instanceof CorruptDatabaseError);
      assert.match((e as Error).message, new RegExp(`^the run database ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(`));
      assert.match((e as Error).message, /gradlab will not write into it/);
      return true;
    });
    let queryError: unknown = null;
    try {
      damaged.scalars(damaged.listRuns()[0]?.id ?? 'x');
    } catch (e) {
      queryError = e;
    }
    if (queryError) assert.match(namedDatabaseError(queryError)!.message, new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    damaged.close();
  }
  assert.equal(namedDatabaseError(new Error('not sqlite')), null);
});
