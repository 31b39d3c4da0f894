/** `gradlab run <study>` and `gradlab list`. */
import { Option, type Command } from 'commander';
import { backend, describeBackend, setBackendAsync } from '../backend/index.js';
import { findStudy, studies } from '../studies/index.js';
import { describeParam, parseStudyParams, StudyParamError, type ParamValue } from '../studies/params.js';
import { ResumeSession } from '../studies/resume.js';
import { withCheckpointer } from '../train/resume.js';
import type { Study } from '../studies/study.js';
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
    .command('list [study]')
    .description('list the studies that `gradlab run` knows, or one study\'s parameters (--set key=value)')
    .action((name?: string) => {
      if (name) {
        process.stdout.write(studyListing(findStudy(name)));
        return;
      }
      for (const s of studies) process.stdout.write(`${s.name.padEnd(20)} ${s.title}\n`);
    });

  program
    .command('run [study]')
    .description('run a study of shared/STUDIES.md end to end (checkpoints at every epoch end; --resume continues a killed run)')
    .option('--epochs <n>', 'number of epochs (default: the study\'s own)', int)
    .option('--seed <n>', 'random seed (default 1)', int)
    .option('--resume <run-id>', 'continue the study run that recorded this run (same settings, same run records)')
    .option('--json', 'print one JSON line with the results at the end (logs go to stderr)')
    .option('--backend <name>', 'kernel backend: native, wasm or js (default: the first that loads, in that order), or webgpu (a GPU through Vulkan: the optional webgpu package)')
    .option('--set <key=value...>', 'study-specific parameters')
    .option('--db <path>', 'run store (default $GRADLAB_DB or ./runs/gradlab.db)')
    .option('--no-track', 'do not record the run in the store')
    .option('--seeds <n|list>', 'run every configuration once per seed: a count (5: seeds 1-5) or a list (1,2,7), in parallel worker processes; then mean ± 95% CI, verdicts and one study report')
    .addOption(new Option('--no-study-report', 'write only the per-run reports (the --seeds workers use it)').hideHelp())
    .action(async (name: string | undefined, opts: { epochs?: number; seed?: number; resume?: string; json?: boolean; backend?: string; set?: string[]; db?: string; track: boolean; seeds?: string; studyReport: boolean }) => {
      const out = opts.json ? process.stderr : process.stdout;
      if (opts.seeds !== undefined) {
        if (opts.resume !== undefined) throw new Error('--seeds and --resume do not go together: resume each seed\'s run by its id');
        if (name === undefined) throw new Error('gradlab run --seeds: name a study (gradlab list shows them)');
        const seedStudy = findStudy(name);
        const seeds = parseSeeds(opts.seeds);
        if (!opts.track) throw new Error('--seeds needs the run store (the seeds are aggregated from it): drop --no-track');
        const raw: Record<string, string> = {};
        for (const kv of opts.set ?? []) {
          const i = kv.indexOf('=');
          if (i <= 0) throw new StudyParamError(`--set expects key=value, got '${kv}'`);
          raw[kv.slice(0, i)] = kv.slice(i + 1);
        }
        parseStudyParams(seedStudy, raw); // checked here once, before any worker starts
        const db = RunStore.open(opts.db ?? process.env.GRADLAB_DB ?? defaultDbPath());
        const dbPath = db.path;
        db.close();
        const res = await runSeeds(seedStudy, seeds, { epochs: opts.epochs, backend: opts.backend, set: opts.set, db: dbPath, out });
        if (opts.json) process.stdout.write(JSON.stringify(res) + '\n');
        return;
      }
      let session: ResumeSession | null = null;
      let store: RunStore | null = null;
      let study: Study;
      let params: Record<string, ParamValue>;
      let epochs = opts.epochs;
      let seed = opts.seed ?? 1;
      if (opts.resume !== undefined) {
        // --resume takes everything from the session it continues.
        const extra = [opts.epochs !== undefined && '--epochs', opts.seed !== undefined && '--seed', opts.set && '--set', opts.backend && '--backend', !opts.track && '--no-track'].filter(Boolean);
        if (extra.length) throw new Error(`--resume continues a run with its own settings; drop ${extra.join(', ')}`);
        store = RunStore.open(opts.db ?? process.env.GRADLAB_DB ?? defaultDbPath());
        const run = store.getRun(opts.resume);
        session = ResumeSession.find(store.location, run.id);
        const m = session.manifest;
        if (name !== undefined && name !== m.study) throw new Error(`--resume ${opts.resume}: that run belongs to study '${m.study}', not '${name}'`);
        study = findStudy(m.study);
        params = { ...m.params };
        epochs = m.epochs ?? undefined;
        seed = m.seed;
        await setBackendAsync(m.backend);
        out.write(`resuming ${m.study} (seed ${m.seed}${m.epochs !== null ? `, ${m.epochs} epochs` : ''}) from ${relative(process.cwd(), session.dir) || session.dir}: ${session.files().join(', ') || 'no epoch finished yet'}\n`);
      } else {
        if (name === undefined) throw new Error('gradlab run: name a study (gradlab list shows them) or give --resume <run-id>');
        study = findStudy(name);
        if (opts.backend) await setBackendAsync(opts.backend);
        out.write(`backend: ${describeBackend()}\n`);
        const raw: Record<string, string> = {};
        for (const kv of opts.set ?? []) {
          const i = kv.indexOf('=');
          if (i <= 0) throw new StudyParamError(`--set expects key=value, got '${kv}'`);
          raw[kv.slice(0, i)] = kv.slice(i + 1);
        }
        // Parsed once, against the study's declaration: unknown key, wrong type, out of range → exit 2.
        params = parseStudyParams(study, raw);
        store = opts.track ? RunStore.open(opts.db ?? process.env.GRADLAB_DB ?? defaultDbPath()) : null;
        store?.assertIntact(); // never write runs into a damaged database
        if (store) session = ResumeSession.create(store.location, { study: study.name, seed, epochs: epochs ?? null, params, backend: backend().name });
        else out.write('no resume checkpoints: --no-track keeps no run record to resume\n');
      }
      const tracking = store ? new StudyTracking(store, study.name, seed) : StudyTracking.off(study.name, seed);
      if (session) tracking.attach(session);
      let result;
      const unhandle = handleStopSignals('run');
      try {
        result = await withCheckpointer(session, () => study.run({ epochs, seed, params, tracking, log: (l) => out.write(l + '\n') }));
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

/** `gradlab list <study>`: the title, default epochs and every declared parameter, one per line. */
export function studyListing(s: Study): string {
  const lines = [`${s.name}: ${s.title}`, `default epochs: ${s.defaultEpochs} (--epochs)`];
  const ps = s.params ?? [];
  lines.push(ps.length ? 'parameters (--set key=value):' : 'parameters: none');
  for (const p of ps) lines.push('  ' + describeParam(p));
  return lines.join('\n') + '\n';
}
