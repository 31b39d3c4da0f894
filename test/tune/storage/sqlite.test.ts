/**
 * SQLite storage: persistence and reload, two worker processes on one study (distinct trial
 * numbers, nothing lost), a killed worker (its trial stays 'running' and is then failed, the
 * others intact), the run store's tables untouched, and a file that is not SQLite.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { RunStore } from '../../../src/track/store.js';
import { RandomSampler } from '../../../src/tune/samplers/random.js';
import { SqliteStorage } from '../../../src/tune/storage/sqlite.js';
import { createStudy, getAllStudySummaries, loadStudy } from '../../../src/tune/study.js';
import { TrialPruned } from '../../../src/tune/trial.js';

const here = dirname(fileURLToPath(import.meta.url));
const worker = join(here, '..', 'fixtures', 'worker.js');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'gradlab-tune-'));

function start(args: string[]): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null>; message: (key: string) => Promise<unknown> } {
  const child = fork(worker, ['--child', ...args], { stdio: 'pipe' });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const message = (key: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const on = (m: Record<string, unknown>): void => {
        if (key in m) {
          child.off('message', on);
          resolve(m[key]);
        }
      };
      child.on('message', on);
      child.once('exit', (code) => reject(new Error(`worker exited (${code}) before '${key}': ${err}`)));
    });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready: message('ready').then(() => undefined), exited, message };
}

test('a study in SQLite survives the process: trials, values, intermediate values, attributes', async () => {
  const db = join(tmp(), 'g.db');
  const s = createStudy({ studyName: 'persist', storage: db, direction: 'maximize', sampler: new RandomSampler({ seed: 2 }) });
  s.setUserAttr('study', 'S2');
  s.enqueueTrial({ act: 'tanh' });
  await s.optimize((t) => {
    const act = t.suggestCategorical('act', ['relu', 'tanh']);
    const lr = t.suggestFloat('lr', 1e-4, 1e-1, { log: true });
    t.report(NaN, 0);
    t.report(Infinity, 1);
    t.setUserAttr('act', act);
    if (t.number === 2) throw new TrialPruned();
    return act === 'tanh' ? lr : -lr;
  }, { nTrials: 3 });
  const before = s.trials;
  s.close();
  const again = loadStudy({ studyName: 'persist', storage: `sqlite:///${db}` });
  assert.equal(again.direction, 'maximize');
  assert.deepEqual(again.userAttrs, { study: 'S2' });
  assert.deepEqual(again.trials, before);
  assert.equal(again.trials[0]!.params.act, 'tanh');
  assert.deepEqual([...again.trials[1]!.intermediateValues], [[0, NaN], [1, Infinity]]);
  assert.deepEqual(again.trials.map((t) => t.state), ['complete', 'complete', 'pruned']);
  assert.equal(again.trials[2]!.value, Infinity, 'a pruned trial keeps its last intermediate value');
  assert.deepEqual(getAllStudySummaries(db).map((x) => [x.studyName, x.nTrials, x.bestValue]), [['persist', 3, again.bestValue]]);
  again.close();
});

test('two worker processes optimizing one study get distinct trial numbers and lose no trial', async () => {
  const db = join(tmp(), 'g.db');
  createStudy({ studyName: 'shared', storage: db }).close();
  const n = 15;
  const a = start([db, 'shared', String(n), 'run', '1']);
  const b = start([db, 'shared', String(n), 'run', '2']);
  await Promise.all([a.ready, b.ready]);
  a.child.send('go');
  b.child.send('go');
  assert.deepEqual(await Promise.all([a.exited, b.exited]), [0, 0]);
  const s = loadStudy({ studyName: 'shared', storage: db });
  const trials = s.trials;
  assert.deepEqual(trials.map((t) => t.number), [...Array(2 * n).keys()]);
  assert.ok(trials.every((t) => t.state === 'complete' && t.value === (t.params.x as number) ** 2 && t.intermediateValues.get(0) === t.params.x));
  const byPid = new Map<unknown, number>();
  for (const t of trials) byPid.set(t.userAttrs.pid, (byPid.get(t.userAttrs.pid) ?? 0) + 1);
  assert.deepEqual([...byPid.entries()].sort(), [[a.child.pid, n], [b.child.pid, n]].sort());
  s.close();
});

test('a killed worker\'s trial is failed by the next claim or load (its pid is gone); the other worker\'s trials are intact', async () => {
  const db = join(tmp(), 'g.db');
  createStudy({ studyName: 'kill', storage: db }).close();
  const hang = start([db, 'kill', '1', 'hang', '3']);
  const run = start([db, 'kill', '8', 'run', '4']);
  await Promise.all([hang.ready, run.ready]);
  hang.child.send('go');
  const number = await hang.message('inTrial');
  run.child.send('go');
  hang.child.kill('SIGKILL');
  await hang.exited;
  assert.equal(await run.exited, 0);
  const raw = new SqliteStorage(db);
  const id = raw.getStudy('kill')!.studyId;
  const stuck = raw.getTrials(id).find((t) => t.number === number)!;
  // 'fail' when the other worker claimed after the kill (claims reap), else still 'running' until the load below.
  assert.ok(stuck.state === 'fail' || stuck.state === 'running', stuck.state);
  assert.equal(stuck.systemAttrs.pid, hang.child.pid);
  assert.deepEqual([...stuck.intermediateValues], [[0, 1]]);
  raw.close();
  const s = loadStudy({ studyName: 'kill', storage: db });
  const after = s.trials;
  assert.equal(after.length, 9);
  const failed = after.find((t) => t.number === number)!;
  assert.equal(failed.state, 'fail');
  assert.equal(failed.systemAttrs.failReason, `worker process ${hang.child.pid} on ${String(failed.systemAttrs.hostname)} exited while the trial was running`);
  assert.ok(after.filter((t) => t.number !== number).every((t) => t.state === 'complete' && t.value === (t.params.x as number) ** 2));
  s.close();
  const check = new Database(db, { readonly: true });
  assert.equal((check.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
  check.close();
});

test('shares the run store\'s file without touching its tables; a non-SQLite file is named', async () => {
  const dir = tmp();
  const db = join(dir, 'gradlab.db');
  const store = RunStore.open(db);
  const run = store.startRun({ name: 'before-tuning', handleSignals: false });
  run.logScalar('loss', 0.5, 0);
  run.finish();
  const tablesBefore = new Database(db, { readonly: true }).prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
  const s = createStudy({ studyName: 'beside-runs', storage: db, sampler: new RandomSampler({ seed: 0 }) });
  await s.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 3 });
  s.close();
  const names = (new Database(db, { readonly: true }).prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  assert.deepEqual(names.filter((n) => !(tablesBefore as { name: string }[]).some((b) => b.name === n)), ['gradlab_schema', 'tune_studies', 'tune_trials']);
  assert.deepEqual(store.listRuns().map((r) => [r.name, r.status]), [['before-tuning', 'finished']]);
  assert.deepEqual(store.scalars(run.id).map((p) => p.value), [0.5]);
  store.close();
  const bad = join(dir, 'notes.txt');
  writeFileSync(bad, 'hello, not a database');
  assert.throws(() => createStudy({ storage: bad }), { message: `${bad} is not a SQLite database (its first bytes are "hello, n", not "SQLite format 3"); pass another --db path or move the file away` });
});
