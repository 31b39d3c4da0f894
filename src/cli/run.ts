/** `gradlab run <study>` and `gradlab list`. */
import { Option, type Command } from 'commander';
import { describeBackend, setBackend } from '../backend/index.js';
import { findStudy, studies } from '../studies/index.js';
import { StudyTracking } from '../studies/tracking.js';
import { RunStore, defaultDbPath } from '../track/store.js';
import { writeStudyReport } from '../track/report-study.js';
import { diagnoseRun } from '../track/diagnostics.js';
import { parseSeeds, runSeeds, studyReportOptions } from './seeds.js';
import { dirname, join, relative } from 'node:path';
import { InterruptedError } from '../train/interrupt.js';
import { handleStopSignals } from './signals.js';

export function registerRun(program: Command, int: (v: string) => number): void {
  program
    .command('list')
    .description('list the studies that `gradlab run` knows')
    .action(() => {
      for (const s of studies) process.stdout.write(`${s.name.padEnd(20)} ${s.title}\n`);
    });

  program
    .command('run <study>')
    .description('run a study of shared/STUDIES.md end to end')
    .option('--epochs <n>', 'number of epochs (default: the study\'s own)', int)
    .option('--seed <n>', 'random seed', int, 1)
    .option('--json', 'print one JSON line with the results at the end (logs go to stderr)')
    .option('--backend <name>', 'kernel backend: native, wasm or js (default: the first that loads, in that order)')
    .option('--set <key=value...>', 'study-specific parameters')
    .option('--db <path>', 'run store (default $GRADLAB_DB or ./runs/gradlab.db)')
    .option('--no-track', 'do not record the run in the store')
    .option('--seeds <n|list>', 'run every configuration once per seed: a count (5: seeds 1-5) or a list (1,2,7), in parallel worker processes; then mean ± 95% CI, verdicts and one study report')
    .addOption(new Option('--no-study-report', 'write only the per-run reports (the --seeds workers use it)').hideHelp())
    .action(async (name: string, opts: { epochs?: number; seed: number; json?: boolean; backend?: string; set?: string[]; db?: string; track: boolean; seeds?: string; studyReport: boolean }) => {
      const study = findStudy(name);
      if (opts.seeds !== undefined) {
        const seeds = parseSeeds(opts.seeds);
        if (!opts.track) throw new Error('--seeds needs the run store (the seeds are aggregated from it): drop --no-track');
        const db = RunStore.open(opts.db ?? process.env.GRADLAB_DB ?? defaultDbPath());
        const dbPath = db.path;
        db.close();
        const res = await runSeeds(study, seeds, { epochs: opts.epochs, backend: opts.backend, set: opts.set, db: dbPath, out: opts.json ? process.stderr : process.stdout });
        if (opts.json) process.stdout.write(JSON.stringify(res) + '\n');
        return;
      }
      if (opts.backend) setBackend(opts.backend);
      const out = opts.json ? process.stderr : process.stdout;
      out.write(`backend: ${describeBackend()}\n`);
      const params: Record<string, string> = {};
      for (const kv of opts.set ?? []) {
        const i = kv.indexOf('=');
        if (i <= 0) throw new Error(`--set expects key=value, got '${kv}'`);
        params[kv.slice(0, i)] = kv.slice(i + 1);
      }
      const store = opts.track ? RunStore.open(opts.db ?? process.env.GRADLAB_DB ?? defaultDbPath()) : null;
      store?.assertIntact(); // never write runs into a damaged database
      const tracking = store ? new StudyTracking(store, study.name, opts.seed) : StudyTracking.off(study.name, opts.seed);
      let result;
      const unhandle = handleStopSignals('run');
      try {
        result = await study.run({ epochs: opts.epochs, seed: opts.seed, params, tracking, log: (l) => out.write(l + '\n') });
        tracking.finish();
      } catch (e) {
        if (e instanceof InterruptedError) {
          // Ctrl-C / SIGTERM: the runs keep what they logged and say why they ended.
          for (const r of tracking.runs) if (!r.finished) r.finish('interrupted', e.message);
          if (store && tracking.runIds.length) out.write(`interrupted: recorded run${tracking.runIds.length > 1 ? 's' : ''} ${tracking.runIds.join(', ')} in ${store.path} as 'interrupted'\n`);
          store?.close();
        }
        tracking.finish(e);
        throw e;
      } finally {
        unhandle();
      }
      const reports: string[] = [];
      let studyReport: string | undefined;
      if (store && tracking.runIds.length) {
        out.write(`recorded run${tracking.runIds.length > 1 ? 's' : ''} ${tracking.runIds.join(', ')} in ${store.path} (see them with: npx gradlab dashboard)\n`);
        for (const id of tracking.runIds) {
          for (const d of diagnoseRun(store, id)) out.write(`diagnostic: ${store.getRun(id).name}: ${d.message}\n`);
        }
        // Every study run ends with its reports: one per run and one for the study (every variant
        // overlaid, references, diagnostics), HTML with the plots as SVG, and Markdown summaries.
        const dir = join(dirname(store.path), 'reports');
        const f = await writeStudyReport(store, study.name, dir, { ...studyReportOptions(study, tracking.runIds, true), studyFile: opts.studyReport });
        for (const r of f.runs) {
          reports.push(r.html);
          out.write(`report: ${relative(process.cwd(), r.html)} and ${relative(process.cwd(), r.md)}\n`);
        }
        if (opts.studyReport) {
          studyReport = f.html;
          out.write(`study report: ${relative(process.cwd(), f.html)} and ${relative(process.cwd(), f.md)}\n`);
        }
      }
      store?.close();
      if (opts.json) process.stdout.write(JSON.stringify({ ...result, runs: tracking.runIds, reports, ...(studyReport ? { studyReport } : {}) }) + '\n');
    });
}
