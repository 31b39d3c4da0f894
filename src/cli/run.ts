/** `gradlab run <study>` and `gradlab list`. */
import type { Command } from 'commander';
import { setBackend } from '../backend/index.js';
import { findStudy, studies } from '../studies/index.js';
import { describeParam, parseStudyParams, StudyParamError } from '../studies/params.js';
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
    .command('run <study>')
    .description('run a study of shared/STUDIES.md end to end')
    .option('--epochs <n>', 'number of epochs (default: the study\'s own)', int)
    .option('--seed <n>', 'random seed', int, 1)
    .option('--json', 'print one JSON line with the results at the end (logs go to stderr)')
    .option('--backend <name>', 'kernel backend (js or wasm)')
    .option('--set <key=value...>', 'study-specific parameters')
    .option('--db <path>', 'run store (default $GRADLAB_DB or ./runs/gradlab.db)')
    .option('--no-track', 'do not record the run in the store')
    .action(async (name: string, opts: { epochs?: number; seed: number; json?: boolean; backend?: string; set?: string[]; db?: string; track: boolean }) => {
      const study = findStudy(name);
      if (opts.backend) setBackend(opts.backend);
      const out = opts.json ? process.stderr : process.stdout;
      const raw: Record<string, string> = {};
      for (const kv of opts.set ?? []) {
        const i = kv.indexOf('=');
        if (i <= 0) throw new StudyParamError(`--set expects key=value, got '${kv}'`);
        raw[kv.slice(0, i)] = kv.slice(i + 1);
      }
      // Parsed once, against the study's declaration: unknown key, wrong type, out of range → exit 2.
      const params = parseStudyParams(study, raw);
      const store = opts.track ? RunStore.open(opts.db ?? process.env.GRADLAB_DB ?? defaultDbPath()) : null;
      const tracking = store ? new StudyTracking(store, study.name, opts.seed) : StudyTracking.off(study.name, opts.seed);
      let result;
      try {
        result = await study.run({ epochs: opts.epochs, seed: opts.seed, params, tracking, log: (l) => out.write(l + '\n') });
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
