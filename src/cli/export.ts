/**
 * `gradlab export tensorboard <run> [--db path] [--out dir] [--live] [--poll ms]`: write a
 * run's records as TensorBoard event files (see src/track/tensorboard/export.ts), once or
 * following a run that is still training until it ends or Ctrl-C.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { RunStore, defaultDbPath } from '../track/store.js';
import { exportTensorBoard, type ExportCounts } from '../track/tensorboard/export.js';
import { InterruptedError, stopRequested } from '../train/interrupt.js';
import { handleStopSignals } from './signals.js';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected an integer ≥ 1, got '${v}'`);
  return n;
}

const summary = (c: ExportCounts): string =>
  `${c.scalars} scalars, ${c.histograms} histograms, ${c.images} images, ${c.texts} texts${c.skipped ? `, ${c.skipped} skipped (curves, points, figures or empty histograms)` : ''}`;

export function registerExport(program: Command): void {
  const exp = program.command('export').description('export runs to other tools\' formats');
  exp
    .command('tensorboard <run>')
    .description('write a run (id, id prefix or name) as TensorBoard event files')
    .option('--db <path>', 'run store (default $GRADLAB_DB or ./runs/gradlab.db)')
    .option('--out <dir>', 'folder for the event file (default runs/tensorboard/<name>_<id>)')
    .option('--live', 'keep following the run while it trains')
    .option('--poll <ms>', 'how often --live looks for new records', positiveInt, 1000)
    .action(async (ref: string, opts: { db?: string; out?: string; live?: boolean; poll: number }) => {
      const store = RunStore.open(opts.db ?? process.env.GRADLAB_DB ?? defaultDbPath(), { readonly: true });
      const abort = new AbortController();
      // Ctrl-C / SIGTERM: the export ends after its current write (the file holds everything
      // read so far and is complete), then the command exits with 130 / 143.
      const unhandle = handleStopSignals('export', () => abort.abort());
      try {
        const res = await exportTensorBoard(store, ref, {
          ...(opts.out !== undefined ? { outDir: opts.out } : {}),
          live: opts.live ?? false,
          pollMs: opts.poll,
          signal: abort.signal,
          ...(opts.live ? { onWrite: (c: ExportCounts) => process.stderr.write(`written so far: ${summary(c)}\n`) } : {}),
        });
        process.stdout.write(`wrote ${res.file}: ${summary(res)}\nview with: tensorboard --logdir ${res.outDir}\n`);
        const stopped = stopRequested();
        if (stopped !== null) throw new InterruptedError(stopped, 'export');
      } finally {
        unhandle();
        store.close();
      }
    });
}
