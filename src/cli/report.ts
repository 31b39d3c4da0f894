/**
 * `gradlab report <run|study> [--db path] [--out dir]`: write the HTML report and Markdown
 * summary of a run (by id, id prefix or name), or of a whole study (every run compared, and
 * each run's own report). Prints the paths written.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { writeRunReport } from '../track/report.js';
import { writeStudyReport } from '../track/report-study.js';
import { referencesOf } from '../studies/references.js';
import { RunStore, UnknownRunError } from '../track/store.js';

export interface ReportCliHooks {
  out?: (line: string) => void;
}

/** Resolve `ref` as a run first, then as a study; write the reports; return the paths. */
export async function report(dbPath: string, ref: string, outDir: string): Promise<string[]> {
  const store = RunStore.open(resolve(dbPath), { readonly: true });
  try {
    const run = store.findRun(ref);
    if (run !== null) {
      const f = await writeRunReport(store, run.id, outDir);
      return [f.html, f.md];
    }
    const studies = store.studies();
    if (studies.some((s) => s.study === ref)) {
      const r = referencesOf(ref);
      const f = await writeStudyReport(store, ref, outDir, {
        references: r.numbers, ours: r.ours, mainMetric: r.mainMetric, ...(r.lowerIsBetter !== undefined ? { lowerIsBetter: r.lowerIsBetter } : {}),
      });
      return [f.html, f.md, ...f.runs.flatMap((r) => [r.html, r.md])];
    }
    const err = new UnknownRunError(ref, store.path, store.listRuns({ limit: 10 }));
    const names = studies.filter((s) => s.study !== null).map((s) => s.study).join(', ');
    throw new Error(`${err.message}\nand no study '${ref}' (studies: ${names || 'none'})`);
  } finally {
    store.close();
  }
}

export function registerReport(program: Command, hooks: ReportCliHooks = {}): void {
  program
    .command('report <run-or-study>')
    .description('write an HTML report (plots as SVG) and a Markdown summary of a run or of a whole study')
    .option('--db <path>', 'run database', 'runs/gradlab.db')
    .option('--out <dir>', 'folder for the reports', 'runs/reports')
    .action(async (ref: string, opts: { db: string; out: string }) => {
      const out = hooks.out ?? ((l: string) => void process.stdout.write(l + '\n'));
      for (const p of await report(opts.db, ref, opts.out)) out(`wrote ${p}`);
    });
}
