/**
 * Ctrl-C and SIGTERM during the long commands, on real child processes: `gradlab run` stops
 * within a step with exit 130 / 143 and its run recorded 'interrupted' with the epochs logged so
 * far; a second Ctrl-C quits at once; `tune`, `export --live` and `analyze` stop too.
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

test('gradlab analyze tsne: Ctrl-C ends the synchronous computation at once and records nothing', async () => {
  const db = join(dir, 'analyze.db');
  const svg = join(dir, 'never.svg');
  const pr = start([main, 'analyze', 'tsne', '--dataset', 'digits', '--n', '600', '--iter', '100000', '--db', db, '--out', svg]);
  await pr.waitFor(/iteration 50:/).catch((e: Error) => {
    if (/digits|sklearn/.test(pr.out())) return; // no digits data on this machine: nothing to interrupt
    throw e;
  });
  if (pr.p.exitCode !== null) return;
  pr.p.kill('SIGINT');
  const r = await exitsWithin(pr.exit, 15_000);
  if (r === 'still running') pr.p.kill('SIGKILL');
  // Node's default for SIGINT: the process dies of the signal (a shell shows 130).
  assert.deepEqual(r, { code: null, signal: 'SIGINT' }, pr.out());
  assert.equal(existsSync(svg), false);
  if (existsSync(db)) {
    const s = RunStore.open(db, { readonly: true });
    assert.deepEqual(s.listRuns().filter((x) => x.status === 'running'), []);
    s.close();
  }
});
