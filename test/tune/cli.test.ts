/** `gradlab tune demo|show|list` (src/cli/tune.ts): output, resuming, grid reaching the optimum, tracking, clear errors. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { registerTune } from '../../src/cli/tune.js';
import { RunStore } from '../../src/track/store.js';
import { loadStudy } from '../../src/tune/study.js';
import { runCli } from '../cli-helpers.js';

const gradlab = (args: string[]): Promise<string> => runCli(registerTune, args);

test('tune demo prints the best trial and the table; a second run resumes the study; show and list read it back', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'gradlab-cli-tune-')), 'g.db');
  const said = await gradlab(['tune', 'demo', '--trials', '12', '--storage', db, '--seed', '3']);
  const s = loadStudy({ studyName: 'demo-quadratic-tpe', storage: db });
  const best = s.bestTrial;
  assert.equal(s.trials.length, 12);
  const lines = said.split('\n');
  assert.equal(lines[0], 'tuning quadratic: (x − 2)² + (log10 lr + 3)², minimum 0 at x = 2, lr = 1e-3');
  assert.equal(lines[1], `study 'demo-quadratic-tpe' (minimize) in ${db}: 12 trials (12 complete, 0 pruned, 0 failed)`);
  assert.match(lines[2]!, new RegExp(`^best trial ${best.number}: value \\d`));
  assert.match(lines[6]!, /^number\s+value\s+params_lr\s+params_x\s+duration\s+state$/);
  assert.equal(lines.filter((l) => / complete$/.test(l)).length, 12);
  s.close();
  const again = await gradlab(['tune', 'demo', '--trials', '3', '--storage', db, '--seed', '4']);
  assert.match(again, /resuming study 'demo-quadratic-tpe' \(12 trials so far\)\n.*: 15 trials \(15 complete/);
  const shown = await gradlab(['tune', 'show', 'demo-quadratic-tpe', '--storage', db]);
  assert.ok(shown.startsWith(`study 'demo-quadratic-tpe' (minimize) in ${db}: 15 trials`));
  const listed = await gradlab(['tune', 'list', '--storage', db]);
  assert.match(listed.split('\n')[2]!, /^demo-quadratic-tpe\s+minimize\s+15\s+\S+\s+\d{4}-/);
});

test('tune demo --sampler grid walks the 36 points and finds the optimum; --track records a run', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'gradlab-cli-tune-')), 'g.db');
  const said = await gradlab(['tune', 'demo', '--sampler', 'grid', '--trials', '100', '--storage', db, '--track']);
  assert.match(said, /: 36 trials \(36 complete, 0 pruned, 0 failed\)\nbest trial \d+: value 0\n {2}x = 2\n {2}lr = 0\.001\n/);
  assert.match(said, /known optimum: 0 \(gap 0\)\n/);
  const store = RunStore.open(db);
  const [run] = store.listRuns({ study: 'tune' });
  assert.equal(run!.name, 'tune-demo-quadratic-grid');
  assert.ok(said.includes(`tracked as run ${run!.id} (tune-demo-quadratic-grid)`));
  assert.equal(store.scalars(run!.id, { tag: 'tune/value' }).length, 36);
  store.close();
});

test('tune demo --objective mlp prunes with the median rule; bad options and unknown studies are named', async () => {
  const said = await gradlab(['tune', 'demo', '--objective', 'mlp', '--trials', '8', '--in-memory', '--seed', '0']);
  assert.match(said, /^tuning mlp: .*\nstudy 'demo-mlp-tpe' \(minimize\) in memory: 8 trials \(\d+ complete, \d+ pruned, 0 failed\)/);
  const db = join(mkdtempSync(join(tmpdir(), 'gradlab-cli-tune-')), 'g.db');
  await gradlab(['tune', 'demo', '--trials', '1', '--storage', db, '--study', 'only']);
  await assert.rejects(gradlab(['tune', 'show', 'missing', '--storage', db]), { message: `no study named 'missing' in ${db}; studies there: 'only'` });
  await assert.rejects(gradlab(['tune', 'show', 'x', '--storage', join(db, '..', 'none.db')]), /^Error: no study database at .*none\.db/);
  await assert.rejects(gradlab(['tune', 'demo', '--sampler', 'cmaes']), /--sampler.*expected one of tpe, random, grid, got 'cmaes'/);
  await assert.rejects(gradlab(['tune', 'demo', '--trials', '0']), /--trials.*expected an integer ≥ 1, got '0'/);
});
