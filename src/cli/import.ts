/**
 * `gradlab import <file> [--db path]`: put a run downloaded from the lab page (a gradlab-run JSON
 * file) into the run store, as a finished run with its scalars, histograms and matrices, so the
 * dashboard and the reports show it like a run made in Node. The file is checked first (every
 * field, with its path in the error); nothing it names is fetched, read or executed.
 */
import { Command } from 'commander';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { RunStore } from '../track/store.js';
import { parseRunFile, type RunFile } from '../lab/run-file.js';

const MAX_BYTES = 256 * 1024 * 1024;

export function readRunFile(path: string): RunFile {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new Error(`import: no file at ${path}`);
  }
  if (size > MAX_BYTES) throw new Error(`import: ${path} is ${size} bytes; a run file is at most ${MAX_BYTES}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`import: ${path} is not JSON (${(e as Error).message})`);
  }
  return parseRunFile(raw, path);
}

/** Writes a checked run file into the store; returns the new run's id. */
export function importRun(store: RunStore, f: RunFile): string {
  const run = store.startRun({ name: f.name, study: f.study, seed: f.seed ?? undefined, config: { ...f.config, importedFrom: f.source }, handleSignals: false });
  try {
    for (const s of f.scalars) run.logScalar(s.tag, s.value ?? Number.NaN, s.step);
    for (const h of f.histograms) run.logHistogram(h.tag, h.summary, h.step);
    for (const m of f.matrices) run.logMatrix(m.tag, m.matrix, m.step);
    run.finish('finished');
  } catch (e) {
    run.fail(e);
    throw e;
  }
  return run.id;
}

export function registerImport(program: Command, out: (line: string) => void = (l) => void process.stdout.write(l + '\n')): void {
  program
    .command('import')
    .description('put a run downloaded from the lab page into the run store (it then shows in the dashboard)')
    .argument('<file>', 'a .gradlab-run.json file')
    .option('--db <path>', 'run database', 'runs/gradlab.db')
    .action((file: string, opts: { db: string }) => {
      const path = resolve(file);
      const f = readRunFile(path);
      const store = RunStore.open(resolve(opts.db));
      try {
        const id = importRun(store, f);
        out(`imported ${f.name} (${f.study}, ${f.scalars.length} scalars, ${f.histograms.length} histograms, ${f.matrices.length} matrices) as run ${id} into ${resolve(opts.db)}`);
      } finally {
        store.close();
      }
    });
}
