/**
 * The run store on PostgreSQL (src/track/store-pg.ts) against a real server: everything the
 * store and a run do gives the same answers as on SQLite (runs, scalars with NaN, histograms,
 * images, text, searches, prefixes, cursors, deleting, reaping a dead process's run), the schema
 * is versioned, and `gradlab dashboard --db postgresql://…` serves it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Command } from 'commander';
import { registerDashboard } from '../../src/cli/dashboard.js';
import type { Dashboard } from '../../src/dashboard/server.js';
import { SyncPg } from '../../src/track/pg-sync.js';
import { PG_RUN_MIGRATIONS } from '../../src/track/store-pg.js';
import { RunStore } from '../../src/track/store.js';
import { checkpointsRoot } from '../../src/studies/resume.js';
import { StudyTracking } from '../../src/studies/tracking.js';
import { pgSkipReason, startTestPg, type TestPg } from '../pg-helpers.js';

const skip = pgSkipReason();
let pg: TestPg;
before(() => {
  if (!skip) pg = startTestPg();
});
after(() => pg?.stop());

const png = { width: 2, height: 2, channels: 1 as const, data: new Uint8Array([0, 64, 128, 255]) };

/** The same story on any store; returns what reading it back gave, without ids and clocks. */
function story(url: string): unknown {
  const store = RunStore.open(url);
  const a = store.startRun({ name: 'alpha', study: 'sx', config: { lr: 0.1, layers: [2, 3] }, seed: 7, handleSignals: false });
  a.logScalar('train/loss', 1.5, 1, 100);
  a.logScalar('train/loss', NaN, 2, 101);
  a.logScalars({ 'val/loss': 0.25, 'val/accuracy': 0.875 }, 2);
  a.batch(() => {
    a.logHistogram('weights/w', [0.1, -0.2, 0.3, NaN], 1);
    a.logImage('img', png, 1);
  });
  a.logText('note', 'hello', 2);
  a.finish();
  const b = store.startRun({ name: 'beta', study: 'sy', handleSignals: false });
  b.logScalar('train/loss', 3, 1, 102);
  const live = store.changeMark();
  b.fail(new Error('boom'));
  const strip = (r: { id: string; startedAt: number; endedAt: number | null; pid: number; hostname: string; codeVersion: string }): unknown => ({ ...r, id: '-', startedAt: 0, endedAt: r.endedAt === null ? null : 1, pid: 0, hostname: '-', codeVersion: '-' });
  const out = {
    runs: store.listRuns().map(strip),
    search: store.listRuns({ search: 'lph' }).map((r) => r.name),
    limited: store.listRuns({ limit: 1 }).map((r) => r.name),
    byStudy: store.listRuns({ study: 'sy' }).map((r) => r.name),
    byPrefix: store.findRun(a.id.slice(0, 5))?.name,
    byName: store.getRun('beta').status,
    studies: store.studies(),
    tags: store.tags(a.id),
    scalars: store.scalars(a.id).map((p) => ({ ...p, id: 0, wallTime: p.wallTime >= 1000 ? 0 : p.wallTime })),
    last: Object.fromEntries(Object.entries(store.lastScalars(a.id)).map(([k, p]) => [k, p.value])),
    hist: store.histograms(a.id).map((h) => ({ ...h, id: 0, wallTime: 0 })),
    media: store.media(a.id).map((m) => ({ ...m, id: 0, wallTime: 0 })),
    image: store.mediaById(store.media(a.id, { kind: 'image' })[0]!.id)!.data,
    cursorMoves: store.cursor(a.id).scalars > 0,
    markChanged: store.changeMark() !== live,
    deleted: [store.deleteRun(b.id), store.deleteRun(b.id)],
    after: store.listRuns().map((r) => r.name),
  };
  store.close();
  return out;
}

test('the run store on PostgreSQL answers exactly as on SQLite', { skip: skip ?? false }, () => {
  const sqlite = story(join(mkdtempSync(join(tmpdir(), 'gradlab-store-pg-')), 'g.db'));
  const postgres = story(pg.newDatabase());
  assert.deepEqual(postgres, sqlite);
  const s = sqlite as { scalars: { value: number }[]; runs: { status: string; error: string }[] };
  assert.ok(Number.isNaN(s.scalars.find((p) => Number.isNaN(p.value))!.value), 'NaN kept');
  assert.deepEqual(s.runs.map((r) => r.status), ['failed', 'finished']);
});

test('a run of a dead process is marked killed on open; the schema is versioned; errors name the URL', { skip: skip ?? false }, () => {
  const url = pg.newDatabase();
  const store = RunStore.open(url);
  const r = store.startRun({ name: 'orphan', handleSignals: false });
  r.logScalar('x', 1, 3, 5000);
  store.close();
  const raw = new SyncPg(url);
  raw.query('UPDATE runs SET pid = 2147483000');
  assert.deepEqual(raw.query("SELECT version FROM gradlab_schema WHERE component = 'runs'").rows, [{ version: PG_RUN_MIGRATIONS.length }]);
  const again = RunStore.open(url);
  const got = again.getRun('orphan');
  assert.equal(got.status, 'killed');
  assert.equal(got.endedAt, 5000 * 1000);
  assert.match(got.error!, /^process 2147483000 on .* ended without finishing the run$/);
  again.close();
  raw.query("UPDATE gradlab_schema SET version = 42 WHERE component = 'runs'");
  raw.close();
  assert.throws(() => RunStore.open(url.replace('gradlab@', 'gradlab:pw@'), { readonly: true }), { name: 'SchemaNewerError', message: `${url.replace('gradlab@', 'gradlab:***@')}: the runs schema is version 42, newer than this gradlab understands (${PG_RUN_MIGRATIONS.length}); upgrade gradlab on this machine to use this database` });
  assert.throws(() => RunStore.open('postgresql://gradlab:pw@127.0.0.1:1/runs'), { name: 'PgUnreachableError', message: /^cannot reach the PostgreSQL server for postgresql:\/\/gradlab:\*\*\*@127\.0\.0\.1:1\/runs / });
});

test('a URL with a password: listings and messages hide it, the study reopens the store with it, checkpoints stay local', { skip: skip ?? false }, () => {
  const url = pg.newDatabase().replace('gradlab@', 'gradlab:s3cret@');
  const store = RunStore.open(url);
  assert.equal(store.path, url.replace(':s3cret@', ':***@'));
  assert.equal(store.location, url);
  const tracking = new StudyTracking(store, 'sx', 1);
  assert.equal(tracking.storePath, url); // what s2-search hands its tune study, to reopen the same database
  assert.equal(checkpointsRoot(url), join(process.cwd(), 'runs', 'checkpoints'));
  assert.equal(checkpointsRoot('/data/runs/gradlab.db'), '/data/runs/checkpoints');
  store.close();
});

test('gradlab dashboard --db postgresql://… serves the runs stored there', { skip: skip ?? false }, async () => {
  const url = pg.newDatabase();
  const store = RunStore.open(url);
  const run = store.startRun({ name: 'pg-run', study: 'cli', handleSignals: false });
  run.logScalar('train/loss', 0.75, 1);
  run.logImage('img', png, 1);
  run.finish();
  store.close();
  const lines: string[] = [];
  let dash: Dashboard | null = null;
  const program = new Command().exitOverride();
  registerDashboard(program, { onListening: (d) => (dash = d), out: (l) => lines.push(l) });
  const shown = url.replace('gradlab@', 'gradlab:pw@');
  await program.parseAsync(['node', 'gradlab', 'dashboard', '--db', shown, '--port', '0']);
  const d = dash as unknown as Dashboard;
  try {
    assert.equal(lines[0], `gradlab dashboard: ${url.replace('gradlab@', 'gradlab:***@')}`);
    const runs = (await (await fetch(`${d.url}api/runs`)).json()) as { runs: { id: string; name: string }[] };
    assert.deepEqual(runs.runs.map((r) => r.name), ['pg-run']);
    const points = (await (await fetch(`${d.url}api/runs/${runs.runs[0]!.id}/scalars`)).json()) as { points: { tag: string; value: number }[] };
    assert.deepEqual(points.points.map((p) => [p.tag, p.value]), [['train/loss', 0.75]]);
    const media = (await (await fetch(`${d.url}api/runs/${runs.runs[0]!.id}/media?kind=image`)).json()) as { media: { data: { url: string } }[] };
    const img = await fetch(`${d.url}${media.media[0]!.data.url.slice(1)}`);
    assert.equal(img.headers.get('content-type'), 'image/png');
    assert.deepEqual([...new Uint8Array(await img.arrayBuffer()).subarray(1, 4)], [0x50, 0x4e, 0x47]);
  } finally {
    await d.close();
  }
});
