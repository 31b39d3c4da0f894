/** `gradlab run <study>` and `gradlab list`. */
import type { Command } from 'commander';
import { backend, setBackend } from '../backend/index.js';
import { findStudy, studies } from '../studies/index.js';
import { describeParam, parseStudyParams, StudyParamError, type ParamValue } from '../studies/params.js';
import { ResumeSession } from '../studies/resume.js';
import { withCheckpointer } from '../train/resume.js';
import type { Study } from '../studies/study.js';
import { StudyTracking } from '../studies/tracking.js';
import { RunStore, defaultDbPath } from '../track/store.js';
import { writeRunReport } from '../track/report.js';
import { dirname, join, relative } from 'node:path';

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
    .option('--backend <name>', 'kernel backend (js or wasm)')
    .option('--set <key=value...>', 'study-specific parameters')
    .option('--db <path>', 'run store (default $GRADLAB_DB or ./runs/gradlab.db)')
    .option('--no-track', 'do not record the run in the store')
    .action(async (name: string | undefined, opts: { epochs?: number; seed?: number; resume?: string; json?: boolean; backend?: string; set?: string[]; db?: string; track: boolean }) => {
      const out = opts.json ? process.stderr : process.stdout;
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
        session = ResumeSession.find(store.path, run.id);
        const m = session.manifest;
        if (name !== undefined && name !== m.study) throw new Error(`--resume ${opts.resume}: that run belongs to study '${m.study}', not '${name}'`);
        study = findStudy(m.study);
        params = { ...m.params };
        epochs = m.epochs ?? undefined;
        seed = m.seed;
        setBackend(m.backend);
        out.write(`resuming ${m.study} (seed ${m.seed}${m.epochs !== null ? `, ${m.epochs} epochs` : ''}) from ${relative(process.cwd(), session.dir) || session.dir}: ${session.files().join(', ') || 'no epoch finished yet'}\n`);
      } else {
        if (name === undefined) throw new Error('gradlab run: name a study (gradlab list shows them) or give --resume <run-id>');
        study = findStudy(name);
        if (opts.backend) setBackend(opts.backend);
        const raw: Record<string, string> = {};
        for (const kv of opts.set ?? []) {
          const i = kv.indexOf('=');
          if (i <= 0) throw new StudyParamError(`--set expects key=value, got '${kv}'`);
          raw[kv.slice(0, i)] = kv.slice(i + 1);
        }
        // Parsed once, against the study's declaration: unknown key, wrong type, out of range → exit 2.
        params = parseStudyParams(study, raw);
        store = opts.track ? RunStore.open(opts.db ?? process.env.GRADLAB_DB ?? defaultDbPath()) : null;
        if (store) session = ResumeSession.create(store.path, { study: study.name, seed, epochs: epochs ?? null, params, backend: backend().name });
      }
      const tracking = store ? new StudyTracking(store, study.name, seed) : StudyTracking.off(study.name, seed);
      if (session) tracking.attach(session);
      let result;
      try {
        result = await withCheckpointer(session, () => study.run({ epochs, seed, params, tracking, log: (l) => out.write(l + '\n') }));
        tracking.finish();
      } catch (e) {
        tracking.finish(e);
        throw e;
      }
      const reports: string[] = [];
      if (store && tracking.runIds.length) {
        out.write(`recorded run${tracking.runIds.length > 1 ? 's' : ''} ${tracking.runIds.join(', ')} in ${store.path} (see them with: npx gradlab dashboard)\n`);
        // Every study run ends with its report: HTML with the plots as SVG, and a Markdown summary.
        const dir = join(dirname(store.path), 'reports');
        for (const id of tracking.runIds) {
          const f = await writeRunReport(store, id, dir);
          reports.push(f.html);
          out.write(`report: ${relative(process.cwd(), f.html)} and ${relative(process.cwd(), f.md)}\n`);
        }
      }
      store?.close();
      if (opts.json) process.stdout.write(JSON.stringify({ ...result, runs: tracking.runIds, reports }) + '\n');
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
