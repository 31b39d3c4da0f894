import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunStore } from '../../src/track/store.js';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const db = join(mkdtempSync(join(tmpdir(), 'gradlab-cli-')), 'runs.db');

function gradlab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, GRADLAB_DB: db } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('an unknown study is an error that lists the known ones', () => {
  const r = gradlab('run', 'no-such-study');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown study 'no-such-study'; known studies: .*mnist-mlp.*backprop-by-hand/);
});

test('list shows every study', () => {
  const r = gradlab('list');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^mnist-mlp\s+MLP 784-100-100-100-10/m);
  assert.match(r.stdout, /^backprop-by-hand\s+S6/m);
});

test('mnist-mlp --json: one JSON line, same seed gives the same numbers', () => {
  const a = gradlab('run', 'mnist-mlp', '--epochs', '1', '--seed', '3', '--json');
  assert.equal(a.code, 0, a.stderr);
  const lines = a.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const ra = JSON.parse(lines[0]);
  assert.equal(ra.study, 'mnist-mlp');
  assert.equal(ra.seed, 3);
  assert.equal(ra.epochs, 1);
  assert.equal(ra.history.length, 1);
  assert.ok(ra.testAccuracy > 0.6 && ra.testAccuracy <= 1, `accuracy ${ra.testAccuracy}`);
  assert.ok(ra.testLoss > 0);
  assert.match(a.stderr, /epoch 1\/1/);
  const b = JSON.parse(gradlab('run', 'mnist-mlp', '--epochs', '1', '--seed', '3', '--json').stdout);
  assert.equal(b.testAccuracy, ra.testAccuracy);
  assert.equal(b.testLoss, ra.testLoss);
  assert.deepEqual(b.history.map((h: Record<string, number>) => h['train/loss']), ra.history.map((h: Record<string, number>) => h['train/loss']));
  // Each run is recorded in the store with its metrics.
  assert.equal(ra.runs.length, 1);
  const store = RunStore.open(db, { readonly: true });
  const info = store.getRun(ra.runs[0]);
  assert.equal(info.study, 'mnist-mlp');
  assert.equal(info.status, 'finished');
  assert.equal(info.seed, 3);
  const last = store.lastScalars(ra.runs[0]);
  assert.equal(last['train/loss'].value, ra.history[0]['train/loss']);
  assert.equal(last['val/accuracy'].value, ra.history[0]['val/accuracy']);
  assert.ok(store.tags(ra.runs[0]).histograms.some((t) => t.startsWith('weights/')));
  // ...and ends with its report, next to the database.
  assert.equal(ra.reports.length, 1);
  assert.ok(ra.reports[0].startsWith(join(dirname(db), 'reports')), ra.reports[0]);
  const html = readFileSync(ra.reports[0], 'utf8');
  assert.match(html, /<svg/);
  assert.match(html, /train\/loss/);
  store.close();
});

test('backprop-by-hand prints each node and reports zero difference from the closed forms', () => {
  const r = gradlab('run', 'backprop-by-hand', '--json');
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.testLoss, 0);
  assert.match(r.stderr, /x\s+2\s+18\s+18/);
  assert.match(r.stderr, /d = y − y\*\s+3\s+6\s+6/);
  assert.match(r.stderr, /∂\(z = x·m\)\/∂\(m\)\s+2\s+2/);
});

test('list <study> shows its declared parameters: type, range or choices, default, help', () => {
  const r = gradlab('list', 's2-regularization');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^s2-regularization: S2/m);
  assert.match(r.stdout, /^ {2}l1 \(float 0…10, default 0\.001\): L1 strength/m);
  assert.match(r.stdout, /^ {2}l1Norm \(choice sum\|mean, default mean\)/m);
  assert.match(r.stdout, /^ {2}variants \(string list of none\|dropout\|/m);
  assert.equal(gradlab('list', 'no-such-study').code, 2);
});

test('--set: unknown key, wrong type, out of range, bad list item, not key=value → named errors, exit code 2, nothing runs', () => {
  const cases: Array<[string, RegExp]> = [
    ['l11=0.1', /s2-regularization: unknown parameter 'l11' \(did you mean 'l1'\?\); valid: variants, fraction, data, dataDir, dropout, l1, l1Norm/],
    ['noise=1', /s2-regularization: unknown parameter 'noise' \(valid: variants, .*batch\)/],
    ['l1=abc', /s2-regularization: --set l1=abc: not a number \(l1 \(float 0…10/],
    ['batch=2.5', /--set batch=2\.5: not an integer/],
    ['l1=50', /--set l1=50: above the maximum 10/],
    ['fraction=0', /--set fraction=0: below the minimum 0\.001/],
    ['l1Norm=median', /--set l1Norm=median: not one of sum, mean/],
    ['variants=none,bogus', /--set variants=none,bogus: unknown item 'bogus', not one of none, dropout/],
    ['l1', /--set expects key=value, got 'l1'/],
  ];
  for (const [kv, re] of cases) {
    const r = gradlab('run', 's2-regularization', '--epochs', '1', '--no-track', '--set', kv);
    assert.equal(r.code, 2, `${kv}: ${r.stderr}`);
    assert.match(r.stderr, re, kv);
    assert.doesNotMatch(r.stdout + r.stderr, /epoch 1/, `${kv}: nothing trains`);
  }
  // A typed value of a bool parameter and a study without the key.
  const b = gradlab('run', 's2-search', '--no-track', '--set', 'prune=maybe');
  assert.equal(b.code, 2);
  assert.match(b.stderr, /s2-search: --set prune=maybe: not a boolean/);
});

test('gradlab run refuses to write into a damaged database, naming it; the file is left as it was', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-cli-corrupt-'));
  const path = join(dir, 'g.db');
  const s = RunStore.open(path);
  const r = s.startRun({ name: 'before', handleSignals: false });
  r.batch(() => { for (let i = 0; i < 3000; i++) r.logScalar(`t${i % 7}`, i, i); });
  r.finish();
  s.db.pragma('wal_checkpoint(TRUNCATE)');
  s.close();
  const bytes = readFileSync(path);
  for (let off = 4096 * 2; off + 4096 <= bytes.length; off += 4096 * 3) for (let i = 8; i < 4096; i++) bytes[off + i] = (i * 131 + off) & 0xff;
  writeFileSync(path, bytes);
  const res = spawnSync(process.execPath, [main, 'run', 'mnist-linear', '--epochs', '1', '--db', path], { encoding: 'utf8' });
  assert.equal(res.status, 2, res.stderr);
  // The backend's one fallback line (a machine without native) may come first.
  const said = res.stderr.replace(/^gradlab: using the \w+ backend \(.*\)\n/, '');
  assert.match(said, new RegExp(`^gradlab: the run database ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(\\d+\\+? integrity errors?, first:`));
  assert.match(res.stderr, /gradlab will not write into it/);
  assert.deepEqual(readFileSync(path), bytes, 'nothing was written');
});
