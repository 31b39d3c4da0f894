/**
 * Per-trial overhead of the tune storages: a trivial objective (one suggestFloat, no training),
 * 4 worker processes, N trials, on SQLite and on PostgreSQL; with and without a recorded run per
 * trial. Trials per second = N / (last trial's completion − first trial's start), read from the
 * study itself (process start-up is not counted).
 *
 *   node dist/bench/tune-storage.js [--trials 400] [--pg postgresql://…]
 * Without --pg (or $GRADLAB_TEST_PG_URL), a throwaway server is started (scripts/pg-temp.sh).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnWorker } from '../src/cli/tune.js';
import { prepareTuneStudy } from '../src/cli/tune-study.js';
import { SyncPg } from '../src/track/pg-sync.js';
import { loadStudy } from '../src/tune/study.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg('--trials') ?? 400);
const WORKERS = 4;
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let pgAdmin = arg('--pg') ?? process.env.GRADLAB_TEST_PG_URL ?? '';
let pgDir: string | null = null;
if (!pgAdmin) {
  pgDir = mkdtempSync(join(tmpdir(), 'gradlab-bench-pg-'));
  chmodSync(pgDir, 0o755);
  pgAdmin = execFileSync('bash', [join(repo, 'scripts', 'pg-temp.sh'), 'start', pgDir], { encoding: 'utf8' }).trim();
}
const admin = new SyncPg(pgAdmin);
let k = 0;
function pgDb(): string {
  const name = `glbench_${process.pid}_${++k}`;
  admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(pgAdmin);
  u.pathname = `/${name}`;
  return u.toString();
}

async function measure(storage: string, track: boolean): Promise<number> {
  prepareTuneStudy({ storage, studyName: 'bench', direction: 'minimize', spec: { objective: 'demo:trivial', space: [], sampler: 'random', pruner: 'none', seed: 0, trials: N, epochs: null, metric: null, set: {}, track } }).close();
  const kids = Array.from({ length: WORKERS }, (_, i) => spawnWorker(storage, 'bench', i));
  const codes = await Promise.all(kids.map((c) => c.done));
  if (codes.some((c) => c !== 0)) throw new Error(`a worker failed: ${codes.join(', ')}`);
  const s = loadStudy({ studyName: 'bench', storage });
  const t = s.trials;
  s.close();
  if (t.length !== N || t.some((x) => x.state !== 'complete')) throw new Error(`expected ${N} complete trials, got ${t.length}`);
  const t0 = Math.min(...t.map((x) => x.datetimeStart!.getTime()));
  const t1 = Math.max(...t.map((x) => x.datetimeComplete!.getTime()));
  return N / ((t1 - t0) / 1000);
}

try {
  for (const track of [false, true]) {
    for (const kind of ['sqlite', 'postgresql'] as const) {
      const storage = kind === 'sqlite' ? join(mkdtempSync(join(tmpdir(), 'gradlab-bench-')), 'g.db') : pgDb();
      const rate = await measure(storage, track);
      console.log(`${kind.padEnd(10)} ${track ? 'with a run per trial' : 'no runs            '}  ${WORKERS} workers, ${N} trials: ${rate.toFixed(1)} trials/s (${(1000 / rate * WORKERS).toFixed(1)} ms per trial per worker)`);
    }
  }
} finally {
  admin.close();
  if (pgDir) execFileSync('bash', [join(repo, 'scripts', 'pg-temp.sh'), 'stop', pgDir]);
}
