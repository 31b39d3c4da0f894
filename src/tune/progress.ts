/**
 * The progress bar of study.optimize: trials done, best value, rate and ETA, drawn with
 * cli-progress on stderr, only when stderr is a terminal (pipes and CI logs get nothing).
 * With a timeout and no trial count, the bar measures seconds instead of trials.
 */
import cliProgress from 'cli-progress';

export interface OptimizeProgress {
  /** After each finished trial: how many this optimize() finished, and the study's best. */
  update(done: number, best: number | null): void;
  /** False when nothing is shown (callers skip computing the best value, a read of every trial). */
  readonly shown: boolean;
  stop(): void;
}

export interface ProgressOptions {
  nTrials?: number;
  timeoutSeconds?: number;
  /** Force on or off; default: on when stderr is a TTY. */
  enabled?: boolean;
  stream?: NodeJS.WritableStream;
}

export function formatValue(v: number | null): string {
  if (v === null) return '–';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(4) : Number(v.toPrecision(6)).toString();
}

export function optimizeProgress(opts: ProgressOptions): OptimizeProgress {
  const stream = opts.stream ?? process.stderr;
  const tty = (stream as { isTTY?: boolean }).isTTY === true;
  const byCount = opts.nTrials !== undefined;
  if (!(opts.enabled ?? tty) || (!byCount && opts.timeoutSeconds === undefined)) return { update: () => undefined, stop: () => undefined, shown: false };
  const unit = byCount ? 'trials' : 's';
  const bar = new cliProgress.SingleBar(
    {
      format: `{bar} {value}/{total} ${unit} | best {best} | {rate} trials/s | ETA {eta_formatted}`,
      stream,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
      noTTYOutput: opts.enabled === true && !tty,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = Date.now();
  const total = byCount ? opts.nTrials! : Math.ceil(opts.timeoutSeconds!);
  bar.start(total, 0, { best: '–', rate: '0' });
  return {
    update(done, best) {
      const secs = (Date.now() - t0) / 1000;
      const r = secs > 0 ? done / secs : NaN;
      const rate = Number.isNaN(r) ? '–' : r >= 100 ? String(Math.round(r)) : r.toPrecision(3);
      bar.update(byCount ? done : Math.min(total, Math.floor(secs)), { best: formatValue(best), rate });
    },
    stop() {
      bar.stop();
    },
    shown: true,
  };
}
