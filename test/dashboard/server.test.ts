/**
 * The dashboard server over a real training run's database: the JSON API returns what the
 * store holds, unknown runs are 404 with the recent runs listed, bad parameters are 400, the
 * page and its scripts are served, paths outside the served folders (../, %2e%2e, %2f) are
 * refused, a port in use and a non-SQLite file are clear errors.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDashboard, PortInUseError, RemoteHostError, hostAllowed, withoutPaths, type Dashboard } from '../../src/dashboard/server.js';
import { RunStore } from '../../src/track/store.js';
import { makeFixture, type Fixture } from './fixture.js';

let fx: Fixture;
let dash: Dashboard;

before(async () => {
  fx = await makeFixture();
  dash = await startDashboard({ db: fx.dbPath, port: 0 });
});
after(async () => {
  await dash.close();
});

/** GET a raw path (sent exactly as written: no normalisation of ../ by the client). */
function get(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: Buffer; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: dash.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on('error', fail);
    req.end();
  });
}

async function getJson<T>(path: string, status = 200): Promise<T> {
  const r = await get(path);
  assert.equal(r.status, status, `${path}: ${r.body.toString()}`);
  assert.match(r.type, /^application\/json/);
  return JSON.parse(r.body.toString()) as T;
}

test('/api/runs lists the runs newest first, with filters', async () => {
  const a = await getJson<{ runs: { id: string; study: string; status: string }[]; studies: { study: string; runs: number }[] }>('/api/runs');
  assert.deepEqual(a.runs.map((r) => r.id), [fx.runId, fx.otherId]);
  assert.deepEqual(a.studies, [{ study: 'dash-test', runs: 2 }]);
  const f = await getJson<{ runs: { id: string }[] }>(`/api/runs?search=${fx.otherId}`);
  assert.deepEqual(f.runs.map((r) => r.id), [fx.otherId]);
  assert.deepEqual((await getJson<{ runs: unknown[] }>('/api/runs?status=running')).runs, []);
  assert.deepEqual((await getJson<{ runs: unknown[] }>('/api/runs?study=nope')).runs, []);
  const bad = await getJson<{ error: string }>('/api/runs?status=sleeping', 400);
  assert.match(bad.error, /'status' must be one of running, finished, failed, interrupted, killed, got 'sleeping'/);
});

test('/api/runs/<id> and its scalars, histograms and media match the store', async () => {
  const store = RunStore.open(fx.dbPath, { readonly: true });
  try {
    const a = await getJson<{ run: { id: string; config: Record<string, unknown> }; tags: unknown; cursor: unknown; last: Record<string, { step: number; value: number }> }>(`/api/runs/${fx.runId}`);
    assert.equal(a.run.id, fx.runId);
    assert.deepEqual(a.run.config, { hidden: 32, lr: 2e-3, epochs: 3, batchSize: 100 });
    assert.deepEqual(a.tags, store.tags(fx.runId));
    assert.deepEqual(a.cursor, store.cursor(fx.runId));
    const last = store.lastScalars(fx.runId);
    assert.equal(a.last['val/accuracy']!.value, last['val/accuracy']!.value);
    assert.equal(a.last['train/loss']!.step, 3);

    const s = await getJson<{ points: { tag: string; step: number; value: number }[] }>(`/api/runs/${fx.runId}/scalars?tag=train/loss`);
    assert.deepEqual(s.points.map((p) => [p.step, p.value]), store.scalars(fx.runId, { tag: 'train/loss' }).map((p) => [p.step, p.value]));
    const cursor = store.cursor(fx.runId);
    assert.deepEqual((await getJson<{ points: unknown[] }>(`/api/runs/${fx.runId}/scalars?afterId=${cursor.scalars}`)).points, []);

    const h = await getJson<{ histograms: { tag: string; step: number; counts: number[] }[] }>(`/api/runs/${fx.runId}/histograms?tag=weights/0.weight`);
    assert.deepEqual(h.histograms.map((x) => x.step), [0, 1, 2, 3]);
    assert.equal(h.histograms[0]!.counts.reduce((x, y) => x + y, 0), 784 * 32);

    const m = await getJson<{ media: { id: number; kind: string; tag: string; data: Record<string, unknown> }[] }>(`/api/runs/${fx.runId}/media`);
    assert.deepEqual(m.media.map((x) => x.kind).sort(), ['curve', 'figure', 'figure', 'heatmap', 'image', 'matrix', 'points', 'text']);
    const heat = m.media.find((x) => x.kind === 'heatmap')!;
    assert.deepEqual(heat.data['tokens'], fx.heatmap.tokens);
    assert.deepEqual(heat.data['weights'], fx.heatmap.weights);
    const img = m.media.find((x) => x.kind === 'image')!;
    assert.equal(img.data['png'], undefined);
    assert.equal(img.data['url'], `/api/media/${img.id}.png`);
    const png = await get(String(img.data['url']));
    assert.equal(png.status, 200);
    assert.equal(png.type, 'image/png');
    assert.deepEqual([...png.body.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.deepEqual(new Uint8Array(png.body), (store.mediaById(img.id)!.data as { png: Uint8Array }).png);
    const svgFig = m.media.find((x) => x.kind === 'figure' && x.data['format'] === 'svg')!;
    const svg = await get(String(svgFig.data['url']));
    assert.equal(svg.type, 'image/svg+xml');
    assert.match(svg.body.toString(), /^<svg /);
    assert.match(String(svg.headers['content-security-policy']), /default-src 'none'/);
    assert.equal((await getJson<{ media: unknown[] }>(`/api/runs/${fx.runId}/media?kind=matrix`)).media.length, 1);
    assert.match((await getJson<{ error: string }>(`/api/runs/${fx.runId}/media?kind=video`, 400)).error, /'kind' must be one of image, heatmap/);
    assert.match((await getJson<{ error: string }>(`/api/runs/${fx.runId}/scalars?afterId=-1`, 400)).error, /'afterId' must be an integer ≥ 0, got '-1'/);
  } finally {
    store.close();
  }
});

test('an unknown run is a 404 listing the recent runs, and no message names the store path', async () => {
  const a = await getJson<{ error: string; recent: { id: string }[] }>('/api/runs/zzzzzzzz', 404);
  assert.equal(a.error, "no run 'zzzzzzzz' in this run store (see /api/runs)");
  assert.ok(!a.error.includes(fx.dir) && !a.error.includes('gradlab.db'));
  assert.deepEqual(a.recent.map((r) => r.id), [fx.runId, fx.otherId]);
  assert.match((await getJson<{ error: string }>('/api/media/999999.png', 404)).error, /no image with media id 999999/);
  assert.match((await getJson<{ error: string }>('/api/compare?runs=', 400)).error, /'runs' must list run ids/);
  const c = await getJson<{ runs: { run: { id: string }; last: Record<string, { value: number }> }[] }>(`/api/compare?runs=${fx.runId},${fx.otherId}`);
  assert.deepEqual(c.runs.map((r) => r.run.id), [fx.runId, fx.otherId]);
});

test('the page, its scripts and the Vega builds are served', async () => {
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.match(page.type, /^text\/html/);
  assert.match(page.body.toString(), /<script type="module" src="\/js\/dashboard\/client\/app\.js"><\/script>/);
  for (const p of ['/static/style.css', '/js/dashboard/client/app.js', '/js/dashboard/client/views.js', '/js/track/report-specs.js', '/vendor/vega.min.js', '/vendor/vega-lite.min.js']) {
    const r = await get(p);
    assert.equal(r.status, 200, p);
    assert.ok(r.body.length > 100, p);
  }
  assert.equal((await get('/js/track/store.js')).status, 404); // compiled server code is not served
  assert.equal((await get('/nope')).status, 404);
  assert.equal((await get('/api/runs', 'POST')).status, 405);
});

test('paths outside the served folders are refused and never served', async () => {
  const attempts = [
    '/static/../../../package.json', '/static/%2e%2e/%2e%2e/%2e%2e/package.json', '/static/..%2f..%2f..%2fpackage.json',
    '/static/%2E%2E%2F%2E%2E%2F%2E%2E%2Fpackage.json', '/static/..%5c..%5cpackage.json', '/static/style.css%00.png',
    '/js/../../package.json', '/js/%2e%2e/%2e%2e/package.json', '/js/dashboard/client/..%2f..%2f..%2f..%2fpackage.json',
    '/vendor/..%2fvega%2fpackage.json', '/static//etc/passwd', '/static/%2fetc%2fpasswd', '/../package.json',
  ];
  for (const p of attempts) {
    const r = await get(p);
    assert.ok(r.status === 403 || r.status === 404, `${p} → ${r.status}`);
    const body = r.body.toString();
    assert.ok(!body.includes('"devDependencies"') && !body.includes('root:'), `${p} leaked a file`);
  }
  assert.equal((await get('/static/..%2f..%2f..%2fpackage.json')).status, 403);
});

test('a port in use is an error naming the port and --port', async () => {
  await assert.rejects(startDashboard({ db: fx.dbPath, port: dash.port }), (e: unknown) => {
    assert.ok(e instanceof PortInUseError);
    assert.match((e as Error).message, new RegExp(`port ${dash.port} on 127\\.0\\.0\\.1 is already in use.*--port`));
    return true;
  });
});

test('a file that is not SQLite, and a missing database, are errors naming the path', async () => {
  const bad = join(fx.dir, 'notes.db');
  writeFileSync(bad, 'these are my notes, not a database\n');
  await assert.rejects(startDashboard({ db: bad, port: 0 }), (e: unknown) => {
    assert.match((e as Error).message, /notes\.db is not a SQLite database \(its first bytes are "these ar"/);
    return true;
  });
  await assert.rejects(startDashboard({ db: join(fx.dir, 'missing.db'), port: 0 }), /no run database at .*missing\.db/);
});

test('a Host header that is not this server (DNS rebinding) is refused; localhost and the bound address are served', async () => {
  for (const host of ['evil.example', `evil.example:${dash.port}`, `127.0.0.1:${dash.port + 1}`, `localhost.evil.example:${dash.port}`]) {
    const r = await get('/api/runs', 'GET', { host });
    assert.equal(r.status, 421, `Host '${host}' → ${r.status}`);
    assert.match(r.body.toString(), /is not this dashboard's address .*DNS rebinding/);
    assert.ok(!r.body.toString().includes(fx.runId), 'no run data in the refusal');
  }
  for (const host of [`127.0.0.1:${dash.port}`, `localhost:${dash.port}`, `LOCALHOST:${dash.port}`]) {
    assert.equal((await get('/api/runs', 'GET', { host })).status, 200, host);
  }
  assert.equal(hostAllowed(`[::1]:6006`, '127.0.0.1', 6006), true);
  assert.equal(hostAllowed('10.0.0.5:6006', '0.0.0.0', 6006), true, 'an IP literal on a wildcard bind');
  assert.equal(hostAllowed('rebind.example:6006', '0.0.0.0', 6006), false, 'never another name');
  assert.equal(hostAllowed('10.0.0.5:6006', '10.0.0.5', 6006), true);
  assert.equal(hostAllowed('10.0.0.6:6006', '10.0.0.5', 6006), false);
});

test('pages may not be framed: frame-ancestors none and X-Frame-Options DENY', async () => {
  for (const p of ['/', '/api/runs', '/api/runs/zzzzzzzz']) {
    const r = await get(p);
    assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/, p);
    assert.equal(r.headers['x-frame-options'], 'DENY', p);
  }
});

test('error messages lose absolute paths (store, its folder, home, working folder)', () => {
  const store = dash.store;
  const msg = withoutPaths(`SqliteError: disk I/O error in ${join(fx.dir, 'gradlab.db')} near ${fx.dir}/x and ${process.cwd()}/y`, store);
  assert.ok(!msg.includes(fx.dir) && !msg.includes(process.cwd()), msg);
});

test('a non-loopback --host needs allowRemote: named error; with it the server listens', async () => {
  await assert.rejects(startDashboard({ db: fx.dbPath, port: 0, host: '0.0.0.0' }), (e: unknown) => {
    assert.ok(e instanceof RemoteHostError);
    assert.match((e as Error).message, /--host 0\.0\.0\.0 is not a loopback address: the dashboard has no authentication.*--allow-remote/);
    return true;
  });
  const d = await startDashboard({ db: fx.dbPath, port: 0, host: '0.0.0.0', allowRemote: true });
  await d.close();
  const l = await startDashboard({ db: fx.dbPath, port: 0, host: 'localhost' });
  await l.close();
});
