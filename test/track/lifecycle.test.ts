/** How a run ends when its process does: SIGKILL (reaped on next open), SIGTERM, an uncaught error, a plain exit. */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { RunStore } from '../../src/track/store.js';
import { spawn } from 'node:child_process';
import { pidAlive, processStartTime, runProcessAlive } from '../../src/track/lifecycle.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Ended { id: string; code: number | null; signal: NodeJS.Signals | null }

/** Run the writer child; `kill` (if given) is sent once it has logged everything. */
function child(db: string, end: string, count: number, kill?: NodeJS.Signals): Promise<Ended> {
  return new Promise((res, rej) => {
    const c = fork(join(here, 'fixtures', 'log-writer.js'), ['--child', db, `child-${end}`, String(count), end], { stdio: 'pipe' });
    let id = '';
    c.on('error', rej);
    c.on('message', (m: { ready?: boolean; id?: string }) => {
      if (m.ready) c.send('go');
      if (m.id) {
        id = m.id;
        if (kill) c.kill(kill);
      }
    });
    c.on('exit', (code, signal) => res({ id, code, signal }));
  });
}

const newDb = (): string => join(mkdtempSync(join(tmpdir(), 'gradlab-life-')), 'g.db');

test('SIGKILL mid-run: earlier records stay; read-only views show it killed, and the next open records it', async () => {
  const db = newDb();
  const end = await child(db, 'hang', 120, 'SIGKILL');
  assert.equal(end.signal, 'SIGKILL');
  const peek = RunStore.open(db, { readonly: true });
  // nobody could mark it, but its process is gone: read-only views say so
  const seen = peek.getRun(end.id);
  assert.equal(seen.status, 'killed');
  assert.match(seen.error ?? '', /process \d+ on .* is gone without finishing the run/);
  assert.deepEqual(peek.listRuns({ status: 'running' }), []);
  assert.deepEqual(peek.listRuns({ status: 'killed' }).map((r) => r.id), [end.id]);
  peek.close();
  const store = RunStore.open(db);
  const info = store.getRun(end.id);
  assert.equal(info.status, 'killed');
  assert.match(info.error ?? '', /process \d+ on .* ended without finishing the run/);
  const points = store.scalars(info.id);
  assert.equal(points.length, 120);
  assert.equal(points[119]!.value, 1 / 120);
  assert.ok(info.endedAt !== null && info.endedAt >= points[119]!.wallTime * 1000 - 1);
  store.close();
});

test('SIGTERM: the run is marked interrupted by the process itself, which still dies of the signal', async () => {
  const db = newDb();
  const end = await child(db, 'hang', 10, 'SIGTERM');
  assert.equal(end.signal, 'SIGTERM');
  const store = RunStore.open(db, { reap: false });
  const info = store.getRun(end.id);
  assert.equal(info.status, 'interrupted');
  assert.equal(info.error, 'received SIGTERM');
  assert.equal(store.scalars(info.id).length, 10);
  store.close();
});

test('an uncaught error marks the run failed; a plain exit without finish() marks it finished', async () => {
  const db = newDb();
  const thrown = await child(db, 'throw', 5);
  assert.equal(thrown.code, 1);
  const exited = await child(db, 'exit0', 5);
  assert.equal(exited.code, 0);
  const store = RunStore.open(db, { reap: false });
  const failed = store.getRun(thrown.id);
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error, 'process exited with code 1 before the run finished');
  assert.equal(store.getRun(exited.id).status, 'finished');
  store.close();
});

test('pidAlive tells a live process from a gone one', async () => {
  assert.equal(pidAlive(process.pid), true);
  const end = await child(newDb(), 'exit0', 0);
  assert.equal(end.code, 0);
  assert.equal(pidAlive(0), false);
  assert.equal(pidAlive(-5), false);
});

test('a reused pid is not the run\'s process: the start time tells them apart, read-only and read-write', async (t) => {
  const other = spawn('sleep', ['60'], { stdio: 'ignore' });
  try {
    await new Promise((r) => other.once('spawn', r));
    const pid = other.pid!;
    const start = processStartTime(pid);
    if (start === null) {
      t.skip('no /proc/<pid>/stat on this system: only the pid is checked');
      return;
    }
    assert.equal(runProcessAlive(pid, start), true);
    assert.equal(runProcessAlive(pid, String(Number(start) + 1)), false, 'same pid, other start time');
    assert.equal(runProcessAlive(pid, null), true, 'no start time recorded: the pid decides');
    const db = newDb();
    const store = RunStore.open(db);
    const mine = store.startRun({ name: 'reused', handleSignals: false });
    const alive = store.startRun({ name: 'alive', handleSignals: false });
    // Pretend both were started by process `pid`: one by it, one by an earlier process with that pid.
    store.db.prepare('UPDATE runs SET pid = ?, proc_start = ? WHERE id = ?').run(pid, String(Number(start) - 100), mine.id);
    store.db.prepare('UPDATE runs SET pid = ?, proc_start = ? WHERE id = ?').run(pid, start, alive.id);
    const ro = RunStore.open(db, { readonly: true });
    assert.equal(ro.getRun(mine.id).status, 'killed');
    assert.equal(ro.getRun(alive.id).status, 'running');
    ro.close();
    const rw = RunStore.open(db);
    assert.deepEqual(rw.reapDeadRuns(), []); // the open already reaped it
    const raw = rw.db.prepare('SELECT id, status FROM runs ORDER BY name').all();
    assert.deepEqual(raw, [{ id: alive.id, status: 'running' }, { id: mine.id, status: 'killed' }]);
    rw.close();
    store.close();
  } finally {
    other.kill('SIGKILL');
  }
});

test('runs record their process start time', () => {
  const db = newDb();
  const store = RunStore.open(db);
  const run = store.startRun({ name: 'x', handleSignals: false });
  const row = store.db.prepare('SELECT proc_start FROM runs WHERE id = ?').get(run.id) as { proc_start: string | null };
  assert.equal(row.proc_start, processStartTime(process.pid));
  run.finish();
  store.close();
});
