/**
 * Ctrl-C and SIGTERM for the long commands (run, tune, export, analyze).
 *
 * First signal: a stop is requested (src/train/interrupt.ts). fit stops at its next step, a
 * tuning study after the trial's current step, an export after its current write, t-SNE and
 * k-means at their next step (analysis/steps.ts; analyze's data load is one synchronous step, so
 * a stop during it takes effect when it ends); the command
 * records its runs as 'interrupted' with everything logged so far and exits with 130 (SIGINT)
 * or 143 (SIGTERM), the codes a shell gives a process killed by those signals.
 * Second signal: the open runs are marked 'interrupted' at once and the process exits at once.
 */
import { endOpenRuns } from '../track/lifecycle.js';
import { requestStop, type StopReason } from '../train/interrupt.js';

export const exitCodeOf = (reason: StopReason): number => (reason === 'SIGTERM' ? 143 : 130);

/**
 * Install the handlers for the duration of a command; returns the function that removes them.
 * `onStop` runs on the first signal (e.g. abort an export's polling).
 */
export function handleStopSignals(command: string, onStop?: (reason: StopReason) => void): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals): void => {
    const reason: StopReason = signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
    count++;
    if (count === 1) {
      process.stderr.write(`\ngradlab ${command}: ${signal} received: stopping after the current step (${signal === 'SIGINT' ? 'Ctrl-C' : 'send it'} again to quit at once)\n`);
      requestStop(reason);
      onStop?.(reason);
      return;
    }
    process.stderr.write(`gradlab ${command}: second ${signal}: quitting now\n`);
    endOpenRuns('interrupted', `received a second ${signal}`);
    process.exit(exitCodeOf(reason));
  };
  const onInt = (): void => handler('SIGINT');
  const onTerm = (): void => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}
