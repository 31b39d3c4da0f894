/**
 * `gradlab run <study> --seeds …`: the seed list parser, and a real run of a small study with 2
 * seeds in worker processes: mean ± CI lines, verdict lines, a study report with the seed
 * statistics, and every run in the store with its seed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parseSeeds } from '../../src/cli/seeds.js';
import { RunStore } from '../../src/track/store.js';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

test('--seeds takes a count or a list; bad values are named errors', () => {
  assert.deepEqual(parseSeeds('5'), [1, 2, 3, 4, 5]);
  assert.deepEqual(parseSeeds('1,2,7'), [1, 2, 7]);
  assert.throws(() => parseSeeds('0'), /--seeds 0: the count must be between 1 and 1000/);
  assert.throws(() => parseSeeds('1,x'), /--seeds 1,x: not a list of integers/);
  assert.throws(() => parseSeeds('3,3'), /a seed is listed twice/);
});

test('gradlab run s5-nonlinear --seeds 1,2: workers per seed, mean ± CI, verdicts, one study report', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-seeds-'));
  const db = join(dir, 'runs.db');
  const r = spawnSync(process.execPath, [main, 'run', 's5-nonlinear', '--seeds', '1,2', '--epochs', '3', '--set', 'datasets=xor', '--set', 'hidden=2,5', '--set', 'n=200', '--set', 'grid=10', '--db', db, '--json'], { encoding: 'utf8', cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seeds: number[]; runs: string[]; mainMetric: string; groups: { config: string; seeds: number[]; metrics: Record<string, { mean: number; n: number }> }[]; verdicts: { sentence: string; test: string }[]; studyReport: string };
  assert.deepEqual(res.seeds, [1, 2]);
  // 2 configurations × 2 seeds, plus each seed's summary run with the decision-boundary grid.
  assert.equal(res.runs.length, 6);
  assert.equal(res.mainMetric, 'test/accuracy');
  assert.deepEqual(res.groups.map((g) => [g.config, g.seeds]), [['xor-h2', [1, 2]], ['xor-h5', [1, 2]], ['boundaries', [1, 2]]]);
  assert.equal(res.groups[2]!.metrics['test/accuracy'], undefined, 'the summary run has no test accuracy of its own, so no verdict');
  assert.equal(res.groups[0]!.metrics['test/accuracy']!.n, 2);
  assert.equal(res.verdicts.length, 1);
  assert.equal(res.verdicts[0]!.test, 'paired');
  // The console (stderr under --json): per-seed log lines, mean ± CI per configuration, the verdict.
  assert.match(r.stderr, /^\[seed 1\] /m);
  assert.match(r.stderr, /^ {2}xor-h\d\s+test\/accuracy \d+\.\d ± \d+\.\d \[[−\d.]+, [\d.]+\] \(n = 2\)/m);
  assert.ok(r.stderr.includes(res.verdicts[0]!.sentence));
  assert.match(res.verdicts[0]!.sentence, /^xor-h\d vs xor-h\d: [+−]?\d+\.\d points \[.*\], p [=<] [\d.]+ \(paired t, Holm over 1\) — (real|not distinguishable with 2 seeds)$/);
  // The store holds every run with its seed; the study report shows the seed statistics and the verdict.
  const store = RunStore.open(db, { readonly: true });
  assert.deepEqual(res.runs.map((id) => store.getRun(id).seed).sort(), [1, 1, 1, 2, 2, 2]);
  store.close();
  assert.ok(existsSync(res.studyReport));
  const html = readFileSync(res.studyReport, 'utf8');
  assert.match(html, /<h2>Seed statistics<\/h2>/);
  assert.ok(html.includes('(mean over seeds, 95% CI band)'));
  assert.ok(html.includes(res.verdicts[0]!.sentence.replace(/'/g, '&#39;')));
});
