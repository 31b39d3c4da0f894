/**
 * `gradlab tune <study>` and `gradlab tune worker` (src/cli/tune-study.ts) with real worker
 * processes on SQLite and on a real PostgreSQL: 4 workers × 25 trials make exactly 100 trials
 * with unique numbers, each with its recorded run; 3 workers over a 36-point grid run each point
 * once; a worker SIGKILLed mid-trial leaves nothing running (its trial failed and re-queued with
 * the same parameters); and, where root and iproute2 allow, a worker in its own network
 * namespace reaches PostgreSQL over a veth pair. Bad spaces are named errors.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { spawnWorker } from '../../src/cli/tune.js';
import { prepareTuneStudy, type TuneSpec } from '../../src/cli/tune-study.js';
import { RunStore } from '../../src/track/store.js';
import { loadStudy } from '../../src/tune/study.js';
import type { FrozenTrial } from '../../src/tune/types.js';
import { pgSkipReason, REPO, startTestPg, type TestPg } from '../pg-helpers.js';

const pgSkip = pgSkipReason();
const servers: TestPg[] = [];
after(() => servers.forEach((s) => s.stop()));
let shared: TestPg | null = null;
function pgUrl(): string {
  if (!shared) {
    shared = startTestPg();
    servers.push(shared);
  }
  return shared.newDatabase();
}
const sqliteUrl = (): string => join(mkdtempSync(join(tmpdir(), 'gradlab-tune-workers-')), 'g.db');

const base: TuneSpec = {
  objective: 'study:s5-linear-regression',
  space: ['lr=loguniform(1e-3,1e-1)', 'batch=int(10,100)'],
  sampler: 'tpe',
  pruner: 'none',
  seed: 0,
  trials: 100,
  epochs: 2,
  metric: null,
  set: { n: '200' },
  track: true,
};

function prepare(storage: string, name: string, spec: Partial<TuneSpec>, dead: { graceSeconds?: number; heartbeatSeconds?: number; requeue?: boolean } = {}): void {
  prepareTuneStudy({ storage, studyName: name, spec: { ...base, ...spec }, direction: 'minimize', ...dead }).close();
}

function trialsOf(storage: string, name: string): FrozenTrial[] {
  const s = loadStudy({ studyName: name, storage });
  try {
    return s.trials;
  } finally {
    s.close();
  }
}

/** Every trial has its own recorded run, linked both ways. */
function checkRuns(storage: string, name: string, trials: FrozenTrial[]): void {
  const store = RunStore.open(storage, { readonly: true });
  try {
    const runs = store.listRuns({ study: 's5-linear-regression' }).filter((r) => r.config.tuneStudy === name);
    assert.equal(runs.length, trials.length, 'one run per trial');
    const byTrial = new Map(runs.map((r) => [r.config.tuneTrial as number, r]));
    for (const t of trials) {
      const run = byTrial.get(t.number);
      assert.ok(run, `trial ${t.number} has a run`);
      assert.deepEqual(t.userAttrs.runIds, [run.id]);
      assert.equal(run.status, 'finished');
      assert.deepEqual(run.config.tuneParams, t.params);
      assert.ok('train/loss' in store.lastScalars(run.id), `run ${run.id} logged its epochs`);
    }
  } finally {
    store.close();
  }
}

async function fourByTwentyFive(storage: string): Promise<void> {
  prepare(storage, 'four', { trials: 100 });
  const kids = [0, 1, 2, 3].map((i) => spawnWorker(storage, 'four', i, ['--max-trials', '25']));
  assert.deepEqual(await Promise.all(kids.map((k) => k.done)), [0, 0, 0, 0]);
  const trials = trialsOf(storage, 'four');
  assert.equal(trials.length, 100);
  assert.deepEqual(trials.map((t) => t.number), Array.from({ length: 100 }, (_, i) => i), 'numbers 0..99, each once');
  assert.ok(trials.every((t) => t.state === 'complete'), JSON.stringify(trials.filter((t) => t.state !== 'complete').map((t) => [t.number, t.state, t.systemAttrs.failReason])));
  const perPid = new Map<unknown, number>();
  for (const t of trials) perPid.set(t.systemAttrs.pid, (perPid.get(t.systemAttrs.pid) ?? 0) + 1);
  assert.deepEqual([...perPid.values()], [25, 25, 25, 25], 'each of the 4 workers ran 25');
  assert.deepEqual(new Set(perPid.keys()), new Set(kids.map((k) => k.pid)));
  checkRuns(storage, 'four', trials);
}

test('SQLite: 4 worker processes × 25 trials of one study → exactly 100 trials, unique numbers, every trial\'s run recorded', async () => {
  await fourByTwentyFive(sqliteUrl());
});

test('PostgreSQL: 4 worker processes × 25 trials of one study → exactly 100 trials, unique numbers, every trial\'s run recorded', { skip: pgSkip ?? false }, async () => {
  await fourByTwentyFive(pgUrl());
});

async function gridOnce(storage: string): Promise<void> {
  const lrs = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05];
  const batches = [10, 20, 30, 40, 50, 60];
  prepare(storage, 'grid', { sampler: 'grid', trials: 1000, epochs: 1, space: [`lr=choice(${lrs.join(',')})`, `batch=choice(${batches.join(',')})`], track: false });
  const kids = [0, 1, 2].map((i) => spawnWorker(storage, 'grid', i));
  assert.deepEqual(await Promise.all(kids.map((k) => k.done)), [0, 0, 0]);
  const trials = trialsOf(storage, 'grid');
  assert.equal(trials.length, 36, 'no point twice, none missed, nothing beyond the grid');
  const points = trials.map((t) => `${t.params.lr}/${t.params.batch}`);
  assert.deepEqual(points.sort(), lrs.flatMap((l) => batches.map((b) => `${l}/${b}`)).sort());
  assert.ok(trials.every((t) => t.state === 'complete'));
  const pids = new Set(kids.map((k) => k.pid));
  assert.ok(trials.every((t) => pids.has(t.systemAttrs.pid as number)), 'every point was run by one of the three workers');
}

test('SQLite: a grid study over 36 points run by 3 workers covers every point exactly once', async () => {
  await gridOnce(sqliteUrl());
});

test('PostgreSQL: a grid study over 36 points run by 3 workers covers every point exactly once', { skip: pgSkip ?? false }, async () => {
  await gridOnce(pgUrl());
});

/** Wait until `pid` runs a trial of the study; returns that trial. */
async function runningTrialOf(storage: string, name: string, pid: number | undefined): Promise<FrozenTrial> {
  for (let i = 0; i < 2400; i++) {
    const t = trialsOf(storage, name).find((x) => x.state === 'running' && x.systemAttrs.pid === pid);
    if (t && Object.keys(t.params).length === 2) return t;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`worker ${pid} never ran a trial`);
}

async function killMidTrial(storage: string): Promise<void> {
  prepare(storage, 'kill', { trials: 9, epochs: 40, set: { n: '2000' }, pruner: 'none' }, { graceSeconds: 60, heartbeatSeconds: 1, requeue: true });
  const victim = spawnWorker(storage, 'kill', 0);
  await runningTrialOf(storage, 'kill', victim.pid);
  const others = [1, 2].map((i) => spawnWorker(storage, 'kill', i));
  process.kill(victim.pid!, 'SIGKILL');
  assert.equal(await victim.done, null, 'killed by the signal');
  assert.deepEqual(await Promise.all(others.map((k) => k.done)), [0, 0]);
  const trials = trialsOf(storage, 'kill');
  assert.deepEqual(trials.filter((t) => t.state === 'running' || t.state === 'waiting'), [], 'nothing left running or waiting');
  const failed = trials.filter((t) => t.state === 'fail');
  assert.deepEqual(failed.map((t) => t.systemAttrs.pid), [victim.pid], 'only the killed worker\'s trial failed');
  const dead = failed[0]!;
  assert.match(String(dead.systemAttrs.failReason), new RegExp(`^worker process ${victim.pid} on \\S+ (exited while the trial was running|sent no heartbeat)`));
  const again = trials.find((t) => t.number === dead.systemAttrs.requeuedAs)!;
  assert.equal(again.systemAttrs.requeuedFrom, dead.number);
  assert.deepEqual(again.params, dead.params, 're-queued with the same parameters');
  assert.equal(again.state, 'complete');
  assert.equal(trials.filter((t) => t.state === 'complete').length, 9, 'the study still has its 9 trials');
  assert.equal(trials.length, 10, '9 done + the failed one');
}

test('SQLite: a worker SIGKILLed mid-trial; the study completes, its trial failed and re-queued, none running', async () => {
  await killMidTrial(sqliteUrl());
});

test('PostgreSQL: a worker SIGKILLed mid-trial; the study completes, its trial failed and re-queued, none running', { skip: pgSkip ?? false }, async () => {
  await killMidTrial(pgUrl());
});

/** Why no network namespace can be made here, or null. */
function netnsSkipReason(): string | null {
  if (pgSkip) return pgSkip;
  if (process.getuid?.() !== 0) return 'not root: creating a network namespace and a veth pair needs root';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return 'iproute2 (ip) is not installed';
  const probe = `glprobe${process.pid % 100000}`;
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (made.status !== 0) return `ip netns add is not allowed here: ${made.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return null;
}

test('a worker in its own network namespace reaches PostgreSQL over a veth pair (a second host) and shares the study', { skip: netnsSkipReason() ?? false }, async () => {
  const k = process.pid % 250;
  const ns = `gltune${process.pid % 100000}`;
  const hostIf = `glh${process.pid % 100000}`;
  const nsIf = `gln${process.pid % 100000}`;
  const hostIp = `10.200.${k}.1`;
  const nsIp = `10.200.${k}.2`;
  const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'pipe' });
  let server: TestPg | null = null;
  try {
    ip('netns', 'add', ns);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', ns);
    ip('addr', 'add', `${hostIp}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', ns, 'addr', 'add', `${nsIp}/30`, 'dev', nsIf);
    ip('-n', ns, 'link', 'set', nsIf, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    server = startTestPg({ listen: `127.0.0.1,${hostIp}`, hbaCidr: `10.200.${k}.0/30` });
    const here = server.url;
    const there = here.replace('@127.0.0.1:', `@${hostIp}:`);
    const main = join(REPO, 'dist', 'src', 'cli', 'main.js');
    // Inside the namespace the server's loopback address is another machine's: unreachable.
    const probe = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '-e', `require('net').connect(${server.server.port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', (e) => { console.log(e.code); process.exit(3); })`], { encoding: 'utf8', timeout: 20000 });
    assert.equal(probe.status, 3, 'the namespace cannot see the host\'s 127.0.0.1');
    assert.equal(probe.stdout.trim(), 'ECONNREFUSED');
    prepare(here, 'net', { trials: 12, epochs: 1, track: true });
    const remote = spawn('ip', ['netns', 'exec', ns, process.execPath, main, 'tune', 'worker', '--storage', there, '--study', 'net', '--seed-offset', '1', '--max-trials', '6'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const local = spawnWorker(here, 'net', 2, ['--max-trials', '6']);
    const remoteDone = new Promise<number | null>((r) => remote.once('exit', (c) => r(c)));
    assert.deepEqual(await Promise.all([remoteDone, local.done]), [0, 0]);
    const trials = trialsOf(here, 'net');
    assert.equal(trials.length, 12);
    assert.ok(trials.every((t) => t.state === 'complete'));
    const byPid = new Map<unknown, number>();
    for (const t of trials) byPid.set(t.systemAttrs.pid, (byPid.get(t.systemAttrs.pid) ?? 0) + 1);
    assert.equal(byPid.get(remote.pid), 6, 'the worker in the namespace ran its 6 trials over the veth pair');
    assert.equal(byPid.get(local.pid), 6);
    checkRuns(here, 'net', trials);
  } finally {
    server?.stop();
    spawnSync('ip', ['netns', 'del', ns]);
    spawnSync('ip', ['link', 'del', hostIf]);
  }
});

test('the search space is checked against the study\'s declared parameters: unknown, out of range, wrong type are named errors', () => {
  const storage = sqliteUrl();
  const err = (space: string[], message: string, sampler: TuneSpec['sampler'] = 'tpe'): void => {
    assert.throws(() => prepare(storage, 'bad', { space, sampler }), { message });
  };
  err(['lrr=loguniform(1e-4,1e-1)'], "s5-linear-regression: --space \"lrr=loguniform(1e-4,1e-1)\": unknown parameter 'lrr' (did you mean 'lr'?); the study declares: n, noise, lr, batch");
  err(['lr=loguniform(1e-4,100)'], 's5-linear-regression: --space "lr=loguniform(1e-4,100)": 100 is above the maximum 10 (lr (float 0.000001…10, default 0.1): SGD learning rate)');
  err(['batch=uniform(1,5)'], "s5-linear-regression: --space \"batch=uniform(1,5)\": 'batch' is an integer; use int(low,high) or logint(low,high) (batch (int 1…10000000, default 50): mini-batch size)");
  err(['lr=uniform(0.01,0.1)'], "--sampler grid: parameter 'lr' is uniform(0.01,0.1); a grid needs its values, e.g. lr=choice(0.01,0.055,0.1)", 'grid');
  err(['lr=normal(1,2)'], '--space "lr=normal(1,2)": unknown form \'normal\'; use uniform(low,high), loguniform(low,high), int(low,high), logint(low,high) or choice(a,b,...)');
  err([], 's5-linear-regression: give the search space with --space name=form(args), e.g. --space "lr=loguniform(1e-4,1e-1)"; the study declares: n, noise, lr, batch');
  assert.throws(() => prepare(storage, 'bad', { set: { n: '200', lr: '0.1' } }), { message: "s5-linear-regression: parameter 'lr' is both searched (--space) and fixed (--set lr=0.1)" });
  prepare(storage, 'ok', {});
  assert.throws(() => prepare(storage, 'ok', { space: ['lr=loguniform(1e-3,1e-2)'] }), /^Error: study 'ok' in .* exists with another search|study 'ok' in .* exists with another search/);
});
