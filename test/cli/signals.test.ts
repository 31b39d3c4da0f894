/**
 * Ctrl-C and SIGTERM during the long commands, on real child processes: `gradlab run` stops
 * within a step with exit 130 / 143 and its run recorded 'interrupted' with the epochs logged so
 * far; a second Ctrl-C quits at once; `tune`, `export --live` and `analyze` (t-SNE, k-means) stop too.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RunStore } from '../../src/track/store.js';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const child = fileURLToPath(new URL('./signals-child.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gradlab-signals-'));

interface Proc {
  p: ChildProcess;
  out: () => string;
  waitFor: (re: RegExp) => Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start a process, collect stdout+stderr, kill it for good if it outlives `guardMs`. */
function start(args: string[], env: Record<string, string> = {}, guardMs = 120_000): Proc {
  const p = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: { re: RegExp; res: () => void }[] = [];
  const onData = (b: Buffer): void => {
    text += b.toString();
    for (const w of [...waiters]) if (w.re.test(text)) { waiters.splice(waiters.indexOf(w), 1); w.res(); }
  };
  p.stdout!.on('data', onData);
  p.stderr!.on('data', onData);
  const guard = setTimeout(() => p.kill('SIGKILL'), guardMs);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => p.on('exit', (code, signal) => { clearTimeout(guard); res({ code, signal }); }));
  return {
    p, out: () => text, exit,
    waitFor: (re) => new Promise<void>((res, rej) => {
      if (re.test(text)) return res();
      waiters.push({ re, res });
      void exit.then(() => setTimeout(() => rej(new Error(`process ended before ${re}; output:\n${text}`)), 50));
    }),
  };
}

/** Whether the process ends within `ms` after the signal (a generous bound: the run had 400 epochs to go). */
async function exitsWithin<T>(exit: Promise<T>, ms: number): Promise<T | 'still running'> {
  let t: NodeJS.Timeout | undefined;
  const r = await Promise.race([exit, new Promise<'still running'>((res) => { t = setTimeout(() => res('still running'), ms); })]);
  clearTimeout(t);
  return r;
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`gradlab run: ${signal} after the first epoch stops within a step, exit ${code}, run 'interrupted' with its epochs`, async () => {
    const db = join(dir, `run-${signal}.db`);
    const pr = start([main, 'run', 'mnist-mlp', '--epochs', '400', '--db', db]);
    await pr.waitFor(/epoch 1\/400/);
    pr.p.kill(signal);
    const r = await exitsWithin(pr.exit, 15_000);
    if (r === 'still running') pr.p.kill('SIGKILL');
    assert.notEqual(r, 'still running', `still running 15 s after ${signal}; output:\n${pr.out()}`);
    assert.deepEqual(r, { code, signal: null }, pr.out());
    const epochs = (pr.out().match(/^epoch \d+\/400/gm) ?? []).length;
    assert.ok(epochs >= 1 && epochs < 400, `epochs logged: ${epochs}`);
    assert.match(pr.out(), new RegExp(`${signal} received: stopping after the current step`));
    const store = RunStore.open(db, { readonly: true });
    try {
      const [run] = store.listRuns();
      assert.equal(run!.status, 'interrupted');
      assert.match(run!.error ?? '', new RegExp(`interrupted by ${signal}`));
      assert.ok(run!.endedAt !== null);
      const loss = store.scalars(run!.id, { tag: 'train/loss' });
      assert.deepEqual(loss.map((p) => p.step), Array.from({ length: epochs }, (_, i) => i + 1), 'every epoch printed is in the store');
    } finally {
      store.close();
    }
  });
}

test('a second Ctrl-C quits at once even when the current step does not end; the run is interrupted', async () => {
  const db = join(dir, 'second.db');
  const pr = start([child, '--child', db]);
  await pr.waitFor(/ready (\w+)/);
  pr.p.kill('SIGINT');
  await pr.waitFor(/stopping after the current step/);
  assert.equal(pr.p.exitCode, null, 'the first Ctrl-C only asks to stop');
  pr.p.kill('SIGINT');
  const r = await exitsWithin(pr.exit, 15_000);
  if (r === 'still running') pr.p.kill('SIGKILL');
  assert.deepEqual(r, { code: 130, signal: null }, pr.out());
  assert.match(pr.out(), /second SIGINT: quitting now/);
  const store = RunStore.open(db, { readonly: true });
  try {
    const [run] = store.listRuns();
    assert.equal(run!.status, 'interrupted');
    assert.equal(run!.error, 'received a second SIGINT');
    assert.equal(store.scalars(run!.id).length, 1);
  } finally {
    store.close();
  }
});

test('gradlab tune: Ctrl-C ends the trial in progress, prints the study so far and exits 130', async () => {
  const pr = start([main, 'tune', 'demo', '--objective', 'mlp', '--trials', '5000', '--in-memory', '--verbose', '--sampler', 'random']);
  await pr.waitFor(/Trial 0 /);
  pr.p.kill('SIGINT');
  const r = await exitsWithin(pr.exit, 30_000);
  if (r === 'still running') pr.p.kill('SIGKILL');
  assert.deepEqual(r, { code: 130, signal: null }, pr.out());
  const m = /: (\d+) trials \(/.exec(pr.out());
  assert.ok(m, pr.out());
  assert.ok(Number(m[1]) >= 1 && Number(m[1]) < 5000, m[0]);
  assert.match(pr.out(), /interrupted by SIGINT/);
});

test('gradlab export tensorboard --live: Ctrl-C ends the export with a complete file and exit 130', async () => {
  const db = join(dir, 'live.db');
  const store = RunStore.open(db);
  const run = store.startRun({ name: 'live', study: 'signals-test' });
  for (let s = 0; s < 5; s++) run.logScalar('loss', 1 / (s + 1), s);
  const out = join(dir, 'tb-live');
  const pr = start([main, 'export', 'tensorboard', run.id, '--db', db, '--out', out, '--live', '--poll', '50']);
  await pr.waitFor(/written so far: 5 scalars/);
  pr.p.kill('SIGINT');
  const r = await exitsWithin(pr.exit, 15_000);
  if (r === 'still running') pr.p.kill('SIGKILL');
  run.finish();
  store.close();
  assert.deepEqual(r, { code: 130, signal: null }, pr.out());
  assert.match(pr.out(), /wrote .*: 5 scalars/);
  assert.equal(readdirSync(out).filter((f) => f.includes('tfevents') && !f.endsWith('.partial')).length, 1);
});

/** Whether the 8×8 digits (python3-sklearn) are missing: the analyze tests have nothing to compute then. */
function noDigits(pr: Proc): boolean {
  return pr.p.exitCode !== null && /digits|sklearn/.test(pr.out());
}

test('gradlab analyze tsne: Ctrl-C stops within an iteration, exit 130, run interrupted with the KL logged so far, no SVG', async (t) => {
  const db = join(dir, 'analyze-tsne.db');
  const svg = join(dir, 'never.svg');
  const pr = start([main, 'analyze', 'tsne', '--dataset', 'digits', '--n', '600', '--iter', '100000', '--db', db, '--out', svg]);
  await pr.waitFor(/iteration 50:/).catch((e: Error) => { if (!noDigits(pr)) throw e; });
  if (noDigits(pr)) return t.skip(`no digits data: ${pr.out().trim()}`);
  pr.p.kill('SIGINT');
  const r = await exitsWithin(pr.exit, 15_000);
  if (r === 'still running') pr.p.kill('SIGKILL');
  assert.deepEqual(r, { code: 130, signal: null }, pr.out());
  assert.match(pr.out(), /SIGINT received: stopping after the current step/);
  const m = /analyze tsne \(iteration (\d+) of 100000\): interrupted by SIGINT/.exec(pr.out());
  assert.ok(m, pr.out());
  const printed = (pr.out().match(/^ {2}iteration \d+:/gm) ?? []).length;
  assert.ok(printed >= 1 && Number(m[1]) < 50 * (printed + 2), `stopped at iteration ${m[1]} after ${printed} progress lines (one every 50)`);
  assert.equal(existsSync(svg), false, 'no SVG from a stopped map');
  const store = RunStore.open(db, { readonly: true });
  try {
    const [run, ...more] = store.listRuns();
    assert.equal(more.length, 0);
    assert.equal(run!.name, 'analyze/tsne-digits');
    assert.equal(run!.status, 'interrupted');
    assert.equal(run!.error, m[0]);
    assert.deepEqual(store.scalars(run!.id, { tag: 'tsne/progress/kl' }).map((p) => p.step), Array.from({ length: printed }, (_, i) => 50 * (i + 1)), 'every KL printed is in the store');
    assert.equal(store.media(run!.id, { kind: 'points' }).length, 0);
  } finally {
    store.close();
  }
});

test('gradlab analyze kmeans: SIGTERM stops within a restart, exit 143, run interrupted with the restarts so far', async (t) => {
  const db = join(dir, 'analyze-kmeans.db');
  const pr = start([main, 'analyze', 'kmeans', '--dataset', 'digits', '--k', '10', '--n-init', '100000', '--db', db]);
  await pr.waitFor(/restart 2\/100000/).catch((e: Error) => { if (!noDigits(pr)) throw e; });
  if (noDigits(pr)) return t.skip(`no digits data: ${pr.out().trim()}`);
  pr.p.kill('SIGTERM');
  const r = await exitsWithin(pr.exit, 15_000);
  if (r === 'still running') pr.p.kill('SIGKILL');
  assert.deepEqual(r, { code: 143, signal: null }, pr.out());
  assert.match(pr.out(), /analyze kmeans \(restart \d+ of 100000\): interrupted by SIGTERM/);
  const printed = (pr.out().match(/^ {2}restart \d+\/100000: inertia/gm) ?? []).length;
  assert.ok(printed >= 2 && printed < 100, `${printed} restarts`);
  assert.doesNotMatch(pr.out(), /overall purity/);
  const store = RunStore.open(db, { readonly: true });
  try {
    const [run] = store.listRuns();
    assert.equal(run!.status, 'interrupted');
    assert.deepEqual(store.scalars(run!.id, { tag: 'kmeans/restart_inertia' }).map((p) => p.step), Array.from({ length: printed }, (_, i) => i + 1));
    assert.equal(store.lastScalars(run!.id)['kmeans/purity'], undefined);
  } finally {
    store.close();
  }
});

test('gradlab analyze tsne --no-track: Ctrl-C while the affinities are computed still exits 130', async (t) => {
  const pr = start([main, 'analyze', 'tsne', '--dataset', 'digits', '--no-track', '--out', join(dir, 'never2.svg')]);
  await pr.waitFor(/t-SNE of \d+ digits points/).catch((e: Error) => { if (!noDigits(pr)) throw e; });
  if (noDigits(pr)) return t.skip(`no digits data: ${pr.out().trim()}`);
  pr.p.kill('SIGINT');
  const r = await exitsWithin(pr.exit, 15_000);
  if (r === 'still running') pr.p.kill('SIGKILL');
  assert.deepEqual(r, { code: 130, signal: null }, pr.out());
  assert.match(pr.out(), /analyze tsne \((computing the affinities|iteration \d+ of 1000)\): interrupted by SIGINT/);
  assert.doesNotMatch(pr.out(), /KL divergence .* after/);
});

test('gradlab analyze tsne: Ctrl-C while the data load (MNIST + PCA) is recorded, exit 130, run interrupted before any computation', async () => {
  const db = join(dir, 'analyze-load.db');
  const svg = join(dir, 'never3.svg');
  const pr = start([main, 'analyze', 'tsne', '--dataset', 'mnist', '--db', db, '--out', svg]);
  await pr.waitFor(/loading mnist/);
  pr.p.kill('SIGINT');
  const r = await exitsWithin(pr.exit, 30_000);
  if (r === 'still running') pr.p.kill('SIGKILL');
  assert.deepEqual(r, { code: 130, signal: null }, pr.out());
  const m = /analyze tsne \(loading mnist\): interrupted by SIGINT/.exec(pr.out());
  assert.ok(m, pr.out());
  assert.doesNotMatch(pr.out(), /t-SNE of \d+ mnist points/);
  assert.equal(existsSync(svg), false);
  const store = RunStore.open(db, { readonly: true });
  try {
    const [run, ...more] = store.listRuns();
    assert.equal(more.length, 0);
    assert.equal(run!.name, 'analyze/tsne-mnist');
    assert.equal(run!.status, 'interrupted');
    assert.equal(run!.error, m[0]);
    assert.equal(store.lastScalars(run!.id)['data/points']?.value, 10000, 'the load finished and said how many points');
  } finally {
    store.close();
  }
});
