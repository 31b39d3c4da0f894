/**
 * `gradlab run <study> --seeds 5` (seeds 1…5) or `--seeds 1,2,7`: every configuration of the
 * study once per seed, each seed in its own `gradlab run --seed s --json` worker process (up to
 * the core count at once) writing to the same store; then, from the store, mean ± 95% CI per
 * configuration of every final metric and curve, the verdict lines on the study's main metric,
 * the diagnostics, and one study report.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { referencesOf } from '../studies/references.js';
import type { Study } from '../studies/study.js';
import { formatSummary, pickMainMetric, seedGroups, verdicts, type SeedGroup, type Verdict } from '../track/aggregate.js';
import { diagnoseRun } from '../track/diagnostics.js';
import { writeStudyReport } from '../track/report-study.js';
import { RunStore } from '../track/store.js';

/** '5' → [1, 2, 3, 4, 5]; '1,2,7' → [1, 2, 7]. Errors name the value. */
export function parseSeeds(raw: string): number[] {
  const bad = (why: string): Error => new Error(`--seeds ${raw}: ${why} (give a count like 5, or a list like 1,2,7)`);
  const t = raw.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n < 1 || n > 1000) throw bad('the count must be between 1 and 1000');
    return Array.from({ length: n }, (_, i) => i + 1);
  }
  const parts = t.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^-?\d+$/.test(p))) throw bad('not a list of integers');
  const seeds = parts.map(Number);
  if (new Set(seeds).size !== seeds.length) throw bad('a seed is listed twice');
  return seeds;
}

export interface SeedRunOptions {
  epochs?: number;
  backend?: string;
  set?: string[];
  db: string;
  json?: boolean;
  out: NodeJS.WritableStream;
}

interface WorkerResult {
  seed: number;
  runs: string[];
  reports: string[];
}

/** One worker: `gradlab run <study> --seed s --json --db db …`; its log lines go to `out`, prefixed. */
function worker(study: string, seed: number, o: SeedRunOptions): Promise<WorkerResult> {
  const args = [process.argv[1]!, 'run', study, '--seed', String(seed), '--db', o.db, '--json', '--no-study-report'];
  if (o.epochs !== undefined) args.push('--epochs', String(o.epochs));
  if (o.backend) args.push('--backend', o.backend);
  for (const kv of o.set ?? []) args.push('--set', kv);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let tail = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    let partial = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      partial += c;
      const lines = partial.split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const l of lines) {
        if (l.trim() === '') continue;
        tail = l;
        o.out.write(`[seed ${seed}] ${l}\n`);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`--seeds: the worker for seed ${seed} ${signal ? `was stopped by ${signal}` : `exited with code ${code}`}${tail ? `: ${tail}` : ''}`));
        return;
      }
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        const r = JSON.parse(last) as { runs?: string[]; reports?: string[] };
        resolve({ seed, runs: r.runs ?? [], reports: r.reports ?? [] });
      } catch {
        reject(new Error(`--seeds: the worker for seed ${seed} printed no JSON result line (got '${last.slice(0, 200)}')`));
      }
    });
  });
}

/** Runs the seeds in parallel (at most the core count at once), in seed order of completion. */
async function runWorkers(study: string, seeds: number[], o: SeedRunOptions): Promise<WorkerResult[]> {
  const width = Math.max(1, Math.min(seeds.length, availableParallelism()));
  const results: WorkerResult[] = [];
  let next = 0;
  let failed: Error | null = null;
  const lane = async (): Promise<void> => {
    while (next < seeds.length && failed === null) {
      const s = seeds[next++]!;
      try {
        results.push(await worker(study, s, o));
      } catch (e) {
        failed = e instanceof Error ? e : new Error(String(e));
      }
    }
  };
  o.out.write(`${study}: ${seeds.length} seed${seeds.length === 1 ? '' : 's'} (${seeds.join(', ')}), ${width} worker process${width === 1 ? '' : 'es'} at a time\n`);
  await Promise.all(Array.from({ length: width }, lane));
  if (failed) throw failed;
  return results.sort((a, b) => a.seed - b.seed);
}

export interface SeedSummary {
  groups: SeedGroup[];
  verdicts: Verdict[];
  mainMetric: string | null;
}

/** The console lines of a seed summary: per configuration mean ± CI of the main and test metrics, then the verdicts. */
export function summaryLines(s: SeedSummary): string[] {
  const lines: string[] = [];
  if (s.mainMetric === null) return ['no metric was logged by every seed: nothing to compare'];
  const tests = [...new Set(s.groups.flatMap((g) => [...g.summary.keys()]))]
    .filter((t) => t !== s.mainMetric && /^test\/(accuracy|f1_macro)$/.test(t)).sort();
  lines.push(`mean ± 95% CI over seeds (Student t), ${s.mainMetric} first:`);
  const w = Math.max(...s.groups.map((g) => g.config.length));
  for (const g of s.groups) {
    const m = g.summary.get(s.mainMetric);
    const rest = tests.map((t) => { const x = g.summary.get(t); return x ? `${t} ${formatSummary(x, t)}` : null; }).filter(Boolean);
    lines.push(`  ${g.config.padEnd(w)}  ${s.mainMetric} ${m ? formatSummary(m, s.mainMetric) : '–'}${rest.length ? '; ' + rest.join('; ') : ''}`);
  }
  if (s.verdicts.length) {
    lines.push(`verdicts on ${s.mainMetric} (95% CI of the difference; Holm-corrected p):`);
    for (const v of s.verdicts) lines.push(`  ${v.sentence}`);
  }
  return lines;
}

/** Aggregates the given runs from the store. */
export function summarizeSeeds(store: RunStore, study: Study, runIds: readonly string[]): SeedSummary {
  const runs = runIds.map((id) => store.getRun(id));
  const groups = seedGroups(store, runs);
  const ref = referencesOf(study.name);
  const main = pickMainMetric(groups, ref.mainMetric);
  const lower = main ? (main.metric === ref.mainMetric ? ref.lowerIsBetter ?? main.lowerIsBetter : main.lowerIsBetter) : false;
  const vs = main ? verdicts(groups, main.metric, { lowerIsBetter: lower }) : [];
  return { groups, verdicts: vs, mainMetric: main?.metric ?? null };
}

/** `gradlab run <study> --seeds …`. Returns the JSON result the parent prints under --json. */
export async function runSeeds(study: Study, seeds: number[], o: SeedRunOptions): Promise<Record<string, unknown>> {
  const results = await runWorkers(study.name, seeds, o);
  const runIds = results.flatMap((r) => r.runs);
  const store = RunStore.open(o.db);
  try {
    const s = summarizeSeeds(store, study, runIds);
    for (const l of summaryLines(s)) o.out.write(l + '\n');
    for (const id of runIds) {
      for (const d of diagnoseRun(store, id)) o.out.write(`diagnostic: ${store.getRun(id).name} (seed ${store.getRun(id).seed}): ${d.message}\n`);
    }
    const f = await writeStudyReport(store, study.name, join(dirname(store.path), 'reports'), studyReportOptions(study, runIds, false));
    o.out.write(`study report: ${relative(process.cwd(), f.html)} and ${relative(process.cwd(), f.md)}\n`);
    return {
      study: study.name, seeds, runs: runIds, mainMetric: s.mainMetric,
      groups: s.groups.map((g) => ({ config: g.config, seeds: g.seeds, runs: g.runs.map((r) => r.id), metrics: Object.fromEntries(g.summary) })),
      verdicts: s.verdicts.map((v) => ({ a: v.a, b: v.b, metric: v.metric, diff: v.test.diff, ciLow: v.test.ciLow, ciHigh: v.test.ciHigh, p: v.test.p, pAdjusted: v.pAdjusted, test: v.test.test, real: v.real, sentence: v.sentence })),
      reports: results.flatMap((r) => r.reports), studyReport: f.html,
    };
  } finally {
    store.close();
  }
}

/** What the study report needs from the study: its references, conditions and main metric. */
export function studyReportOptions(study: Study, runIds: readonly string[], writeRunReports: boolean): Parameters<typeof writeStudyReport>[3] {
  const ref = referencesOf(study.name);
  return {
    runIds, writeRunReports, references: study.references ?? ref.numbers, ours: ref.ours, mainMetric: ref.mainMetric,
    ...(ref.lowerIsBetter !== undefined ? { lowerIsBetter: ref.lowerIsBetter } : {}),
  };
}
