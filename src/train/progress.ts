/**
 * A terminal progress bar for the fit loop (cli-progress): batches done, rate, ETA and running
 * loss, one bar per epoch on stderr. It draws only on a terminal; elsewhere it stays silent and
 * the fit loop's one line per epoch is the record.
 */
import cliProgress from 'cli-progress';
import type { BatchLogs, Callback, EpochLogs, FitContext } from './callbacks.js';

export class ProgressBar implements Callback {
  private bar: cliProgress.SingleBar | null = null;
  private lossSum = 0;
  private seen = 0;
  private batches = 0;
  private start = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  onEpochBegin(ctx: FitContext): void {
    if (!this.stream.isTTY || !ctx.batchesPerEpoch) return;
    this.lossSum = 0;
    this.seen = 0;
    this.batches = 0;
    this.start = Date.now();
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `epoch ${ctx.epoch}/${ctx.epochs} {bar} {value}/{total} batches | {rate} batch/s | ETA {eta_formatted} | loss {loss}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(ctx.batchesPerEpoch, 0, { loss: '–', rate: '–' });
  }

  onBatchEnd(_ctx: FitContext, b: BatchLogs): void {
    if (!this.bar) return;
    this.lossSum += b.loss * b.size;
    this.seen += b.size;
    this.batches++;
    const elapsed = (Date.now() - this.start) / 1000;
    this.bar.update(this.batches, { loss: (this.lossSum / this.seen).toFixed(4), rate: elapsed > 0 ? (this.batches / elapsed).toFixed(1) : '–' });
  }

  onEpochEnd(_ctx: FitContext, _logs: EpochLogs): void {
    this.bar?.stop();
    this.bar = null;
  }
}
