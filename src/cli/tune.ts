/**
 * `gradlab tune`: hyper-parameter search from the command line (src/tune/).
 *
 *   gradlab tune <study> --space "lr=loguniform(1e-4,1e-1)" [--space …] [--trials n]
 *                [--sampler tpe|random|grid] [--pruner median|none] [--storage URL] [--study name]
 *                [--workers n] [--epochs n] [--metric tag] [--direction d] [--set k=v]
 *                [--grace-period s] [--heartbeat s] [--requeue-dead] [--no-track]
 *       tunes a gradlab study over its declared parameters (src/cli/tune-study.ts); <study> may
 *       also be demo:quadratic, demo:mlp or demo:trivial. --workers n starts n local worker
 *       processes (0: only create the study, for workers elsewhere to join).
 *   gradlab tune worker --storage URL --study name    joins a study from any machine
 *
 *   gradlab tune demo [--objective quadratic|mlp] [--trials n] [--sampler tpe|random|grid]
 *                     [--pruner median|none] [--storage path | --in-memory] [--study name]
 *                     [--seed n] [--multivariate] [--timeout s] [--track] [--verbose]
 *       tunes a built-in objective with a known answer (src/tune/demo.ts) and prints the best
 *       trial and the trials. A study of the same name in the storage is resumed.
 *   gradlab tune show <study> [--storage path]    the study's best trial and its trials
 *   gradlab tune list [--storage path]            the studies in a storage
 *
 * Storage defaults to $GRADLAB_DB or ./runs/gradlab.db (the run store's file, tables tune_*).
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { RunStore, defaultDbPath } from '../track/store.js';
import { mlpObjective, quadratic, type DemoObjective } from '../tune/demo.js';
import { logStudyToRun } from '../tune/plots.js';
import { formatValue } from '../tune/progress.js';
import { MedianPruner, NopPruner } from '../tune/pruners.js';
import type { Pruner, Sampler } from '../tune/samplers/base.js';
import { GridSampler } from '../tune/samplers/grid.js';
import { RandomSampler } from '../tune/samplers/random.js';
import { TPESampler } from '../tune/samplers/tpe.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseStorageUrl } from '../track/storage-url.js';
import { findStudy } from '../studies/index.js';
import { isMaximizeMetric, prepareTuneStudy, runWorker, type TuneSpec } from './tune-study.js';
import { createStudy, getAllStudySummaries, loadStudy, type Study } from '../tune/study.js';
import { formatTable } from '../tune/table.js';
import type { FrozenTrial } from '../tune/types.js';
import { InterruptedError, stopRequested, yieldToEventLoop } from '../train/interrupt.js';
import { handleStopSignals } from './signals.js';

function intArg(min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got '${v}'`);
    return n;
  };
}

function choice<T extends string>(allowed: readonly T[]): (v: string) => T {
  return (v) => {
    if (!(allowed as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}, got '${v}'`);
    return v as T;
  };
}

function positive(v: string): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number > 0, got '${v}'`);
  return n;
}

const storageOf = (opt: string | undefined): string => opt ?? process.env.GRADLAB_DB ?? defaultDbPath();

/** For reading verbs: a SQLite storage must exist (no empty database is created by looking). */
function existingStorage(opt: string | undefined): string {
  const path = storageOf(opt);
  const t = parseStorageUrl(path);
  if (t.kind === 'sqlite' && !existsSync(t.path)) throw new Error(`no study database at ${t.path} (run 'gradlab tune demo' or a study first, or pass --storage)`);
  return path;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

function keyValue(v: string, prev: Record<string, string>): Record<string, string> {
  const i = v.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`expected key=value, got '${v}'`);
  return { ...prev, [v.slice(0, i)]: v.slice(i + 1) };
}

interface TuneStudyOptions {
  space: string[];
  trials: number;
  sampler: 'tpe' | 'random' | 'grid';
  pruner: 'median' | 'none';
  storage?: string;
  study?: string;
  workers: number;
  seed: number;
  epochs?: number;
  metric?: string;
  direction?: 'minimize' | 'maximize';
  set: Record<string, string>;
  gracePeriod?: number;
  heartbeat?: number;
  requeueDead?: boolean;
  track: boolean;
  db?: string;
}

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** Start a `gradlab tune worker` process; resolves with its exit code. */
export function spawnWorker(storage: string, study: string, seedOffset: number, extra: string[] = []): { pid: number | undefined; done: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN, 'tune', 'worker', '--storage', storage, '--study', study, '--seed-offset', String(seedOffset), ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { pid: child.pid, done: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

async function tuneStudy(target: string, o: TuneStudyOptions): Promise<void> {
  const objective = target.startsWith('demo:') ? target : `study:${findStudy(target).name}`;
  if (target.startsWith('demo:') && !['demo:quadratic', 'demo:mlp', 'demo:trivial'].includes(target)) throw new Error(`unknown objective '${target}'; built-in ones: demo:quadratic, demo:mlp, demo:trivial (or a study name)`);
  const storage = storageOf(o.storage);
  const name = o.study ?? `tune-${target.replace(/^demo:/, '')}`;
  const metric = o.metric ?? null;
  const spec: TuneSpec = { objective, space: o.space, sampler: o.sampler, pruner: o.pruner, seed: o.seed, trials: o.trials, epochs: o.epochs ?? null, metric, set: o.set, track: o.track };
  const direction = o.direction ?? (metric && isMaximizeMetric(metric) ? 'maximize' : 'minimize');
  const study = prepareTuneStudy({
    storage, studyName: name, spec, direction,
    ...(o.gracePeriod !== undefined ? { graceSeconds: o.gracePeriod } : {}),
    ...(o.heartbeat !== undefined ? { heartbeatSeconds: o.heartbeat } : {}),
    requeue: o.requeueDead ?? false,
  });
  const shown = parseStorageUrl(storage).shown;
  study.close();
  if (o.workers === 0) {
    out(`study '${name}' is ready in ${shown} (${o.trials} trials); join it from any machine with:\n  gradlab tune worker --storage '${shown}' --study ${name}\n`);
    return;
  }
  if (o.workers === 1) {
    const rep = await runWorker(storage, name, { seedOffset: 0, ...(o.db ? { dbUrl: o.db } : {}) });
    process.stderr.write(`this worker ran ${rep.ran} trials (${rep.complete} complete, ${rep.pruned} pruned, ${rep.failed} failed)\n`);
  } else {
    const extra = o.db ? ['--db', o.db] : [];
    const kids = Array.from({ length: o.workers }, (_, i) => spawnWorker(storage, name, i, extra));
    const codes = await Promise.all(kids.map((k) => k.done));
    const bad = codes.map((c, i) => [c, kids[i]!.pid] as const).filter(([c]) => c !== 0);
    if (bad.length) process.stderr.write(`${bad.length} of ${o.workers} workers ended badly: ${bad.map(([c, pid]) => `pid ${pid} exit ${c}`).join(', ')}\n`);
  }
  const done = loadStudy({ studyName: name, storage });
  try {
    out(describeStudy(done, shown));
  } finally {
    done.close();
  }
}
const out = (s: string): void => void process.stdout.write(s);

function paramsText(t: FrozenTrial): string {
  return Object.entries(t.params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? formatValue(v) : JSON.stringify(v)}`)
    .join(', ');
}

/** Counts by state, the best trial, then the trials as a table. */
export function describeStudy(study: Study, where: string): string {
  const trials = study.trials;
  const count = (s: FrozenTrial['state']): number => trials.filter((t) => t.state === s).length;
  const running = count('running') + count('waiting');
  let text = `study '${study.studyName}' (${study.direction}) in ${where}: ${trials.length} trials (${count('complete')} complete, ${count('pruned')} pruned, ${count('fail')} failed${running ? `, ${running} running or waiting` : ''})\n`;
  if (count('complete') > 0) {
    const best = study.bestTrial;
    text += `best trial ${best.number}: value ${formatValue(best.value)}\n`;
    for (const [k, v] of Object.entries(best.params)) text += `  ${k} = ${typeof v === 'number' ? formatValue(v) : JSON.stringify(v)}\n`;
  } else {
    text += 'no complete trial yet\n';
  }
  const rows = study.trialsDataFrame();
  const cols = rows.length ? ['number', 'value', ...Object.keys(rows[0]!).filter((c) => c.startsWith('params_')), 'duration', 'state'] : [];
  return rows.length ? `${text}\n${formatTable(rows, cols)}` : text;
}

interface DemoOptions {
  objective: 'quadratic' | 'mlp';
  trials: number;
  sampler: 'tpe' | 'random' | 'grid';
  pruner: 'median' | 'none';
  storage?: string;
  inMemory?: boolean;
  study?: string;
  seed: number;
  timeout?: number;
  track?: boolean;
  verbose?: boolean;
  multivariate?: boolean;
}

async function demo(o: DemoOptions): Promise<void> {
  const demoObj: DemoObjective = o.objective === 'mlp' ? mlpObjective({ seed: o.seed }) : quadratic;
  const sampler: Sampler = o.sampler === 'grid' ? new GridSampler(demoObj.grid, { seed: o.seed }) : o.sampler === 'random' ? new RandomSampler({ seed: o.seed }) : new TPESampler({ seed: o.seed, multivariate: o.multivariate ?? false });
  const pruner: Pruner = o.pruner === 'none' ? new NopPruner() : new MedianPruner({ nWarmupSteps: o.objective === 'mlp' ? 5 : 0 });
  const path = o.inMemory ? null : storageOf(o.storage);
  const name = o.study ?? `demo-${demoObj.name}-${o.sampler}`;
  const study = createStudy({ studyName: name, storage: path, sampler, pruner, direction: 'minimize', loadIfExists: true });
  // Ctrl-C / SIGTERM: the trial in progress ends, no new one starts, the study so far is printed,
  // and the command exits with 130 / 143. Each trial gives the event loop a turn so a signal is seen.
  const unhandle = handleStopSignals('tune', () => study.stop());
  const objective = async (t: Parameters<DemoObjective['objective']>[0]): Promise<number> => {
    const v = await demoObj.objective(t);
    await yieldToEventLoop();
    return v;
  };
  try {
    const before = study.trials.length;
    out(`tuning ${demoObj.name}: ${demoObj.description}\n${before ? `resuming study '${name}' (${before} trials so far)\n` : ''}`);
    await study.optimize(objective, {
      nTrials: o.trials,
      ...(o.timeout !== undefined ? { timeoutSeconds: o.timeout } : {}),
      ...(o.verbose ? { showProgressBar: false } : {}),
      onTrialEnd: o.verbose
        ? (s, t) => {
            const best = s.getTrials({ states: ['complete'] }).length ? ` Best is trial ${s.bestTrial.number} with value: ${formatValue(s.bestValue)}.` : '';
            const how = t.state === 'complete' ? `finished with value: ${formatValue(t.value)} and parameters: {${paramsText(t)}}.` : `${t.state} (parameters: {${paramsText(t)}}).`;
            process.stderr.write(`Trial ${t.number} ${how}${best}\n`);
          }
        : undefined,
    });
    out(describeStudy(study, path ?? 'memory'));
    const stopped = stopRequested();
    if (stopped !== null) throw new InterruptedError(stopped, `tune '${name}' (after ${study.trials.length} trials)`);
    if (demoObj.optimum !== undefined && study.getTrials({ states: ['complete'] }).length) out(`known optimum: ${demoObj.optimum} (gap ${formatValue(study.bestValue - demoObj.optimum)})\n`);
    if (o.track) {
      const store = RunStore.open(storageOf(o.storage));
      try {
        const run = store.startRun({ name: `tune-${name}`, study: 'tune', config: { objective: demoObj.name, sampler: o.sampler, pruner: o.pruner, trials: o.trials }, seed: o.seed });
        logStudyToRun(study, run);
        run.finish();
        out(`tracked as run ${run.id} (${run.name}) in ${store.path}\n`);
      } finally {
        store.close();
      }
    }
  } finally {
    unhandle();
    study.close();
  }
}

export function registerTune(program: Command): void {
  // `tune <study>` and `tune worker` share option names (--storage, --study): the parent's options
  // are read only before a subcommand's name, which commander allows when every ancestor agrees.
  program.enablePositionalOptions();
  const tune = program.command('tune').description('hyper-parameter search (Optuna-style studies: TPE, random and grid samplers, pruning)').enablePositionalOptions();
  tune
    .command('demo')
    .description('tune a built-in objective with a known optimum and print the best trial')
    .option('--objective <name>', 'quadratic (instant) or mlp (S2 in miniature: dropout and L1 on a small MLP)', choice(['quadratic', 'mlp'] as const), 'quadratic')
    .option('--trials <n>', 'trials to run', intArg(1), 30)
    .option('--sampler <name>', 'tpe, random or grid', choice(['tpe', 'random', 'grid'] as const), 'tpe')
    .option('--pruner <name>', 'median or none', choice(['median', 'none'] as const), 'median')
    .option('--storage <path>', 'SQLite file for the study (default $GRADLAB_DB or ./runs/gradlab.db)')
    .option('--in-memory', 'keep the study in memory only')
    .option('--study <name>', 'study name (default demo-<objective>-<sampler>); an existing one is resumed')
    .option('--seed <n>', 'sampler seed', intArg(0), 0)
    .option('--multivariate', 'TPE proposes the parameters jointly (Optuna 5 default)')
    .option('--timeout <seconds>', 'start no trial after this many seconds', positive)
    .option('--track', 'also record the study (plots, table, values) as a run in the run store')
    .option('--verbose', 'print a line per finished trial on stderr')
    .action(async (opts: DemoOptions) => demo(opts));
  tune
    .argument('[study]', 'a gradlab study to tune over its declared parameters (or demo:quadratic, demo:mlp, demo:trivial)')
    .option('--space <param=form(args)>', 'a searched parameter: uniform(a,b), loguniform(a,b), int(a,b), logint(a,b), choice(x,y,…); repeat', collect, [])
    .option('--trials <n>', 'trials of the study in all (all workers together)', intArg(0), 20)
    .option('--sampler <name>', 'tpe, random or grid (grid: every --space a choice(...))', choice(['tpe', 'random', 'grid'] as const), 'tpe')
    .option('--pruner <name>', 'median (on the per-epoch metric) or none', choice(['median', 'none'] as const), 'median')
    .option('--storage <url>', 'study storage: a SQLite path, sqlite:///path or postgresql://user@host:port/db (default $GRADLAB_DB or ./runs/gradlab.db)')
    .option('--study <name>', 'tune study name (default tune-<study>); an existing one with the same search is resumed')
    .option('--workers <n>', 'local worker processes (0: create the study only, for `gradlab tune worker` elsewhere)', intArg(0), 1)
    .option('--seed <n>', 'seed of the study runs and the samplers', intArg(0), 0)
    .option('--epochs <n>', 'epochs per trial (default: the study\'s)', intArg(1))
    .option('--metric <tag>', "the per-epoch metric to optimize (default val/loss when reported)")
    .option('--direction <d>', 'minimize or maximize (default from the metric)', choice(['minimize', 'maximize'] as const))
    .option('--set <key=value>', 'a fixed study parameter; repeat', keyValue, {})
    .option('--grace-period <s>', 'seconds a worker may stay silent before its trial is failed (default 60)', positive)
    .option('--heartbeat <s>', 'seconds between worker heartbeats (default min(10, grace/4))', positive)
    .option('--requeue-dead', 'enqueue the trial of a dead worker again with the same parameters')
    .option('--no-track', 'record no run per trial')
    .option('--db <url>', 'run store for the trial runs (default: the study storage)')
    .action(async (target: string | undefined, opts: TuneStudyOptions) => {
      if (target === undefined) {
        tune.help();
        return;
      }
      await tuneStudy(target, opts);
    });
  tune
    .command('worker')
    .description('join a study made by `gradlab tune <study>` and run its trials until it has them all')
    .requiredOption('--storage <url>', 'the study storage (postgresql://user@host:port/db for several machines)')
    .requiredOption('--study <name>', 'the tune study name')
    .option('--seed-offset <n>', 'this worker\'s sampler stream (default: from the process id)', intArg(0))
    .option('--max-trials <n>', 'run at most this many trials in this worker', intArg(1))
    .option('--db <url>', 'run store for the trial runs (default: the study storage)')
    .action(async (opts: { storage: string; study: string; seedOffset?: number; db?: string; maxTrials?: number }) => {
      const rep = await runWorker(opts.storage, opts.study, { ...(opts.seedOffset !== undefined ? { seedOffset: opts.seedOffset } : {}), ...(opts.db ? { dbUrl: opts.db } : {}), ...(opts.maxTrials !== undefined ? { maxTrials: opts.maxTrials } : {}) });
      process.stderr.write(`worker ${process.pid}: ran ${rep.ran} trials (${rep.complete} complete, ${rep.pruned} pruned, ${rep.failed} failed)\n`);
    });
  tune
    .command('show <study>')
    .description("print a study's best trial and its trials")
    .option('--storage <url>', 'SQLite file or postgresql:// URL (default $GRADLAB_DB or ./runs/gradlab.db)')
    .action((name: string, opts: { storage?: string }) => {
      const path = existingStorage(opts.storage);
      const study = loadStudy({ studyName: name, storage: path });
      try {
        out(describeStudy(study, parseStorageUrl(path).shown));
      } finally {
        study.close();
      }
    });
  tune
    .command('list')
    .description('list the studies in a storage')
    .option('--storage <url>', 'SQLite file or postgresql:// URL (default $GRADLAB_DB or ./runs/gradlab.db)')
    .action((opts: { storage?: string }) => {
      const path = existingStorage(opts.storage);
      const rows = getAllStudySummaries(path).map((s) => ({ study: s.studyName, direction: s.direction, trials: s.nTrials, best: s.bestValue, started: s.datetimeStart.toISOString() }));
      out(rows.length ? formatTable(rows) : `no studies in ${parseStorageUrl(path).shown}\n`);
    });
}
