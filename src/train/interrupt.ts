/**
 * A stop request shared by the long loops (fit, a tuning study, an export) and whoever wants
 * them to stop: the CLI's SIGINT/SIGTERM handler, a page's Stop button.
 *
 * Nothing here touches the process: `requestStop` only sets a flag. The loops look at it between
 * steps (`throwIfStopRequested`) and end by throwing `InterruptedError`, so the caller can record
 * the run as 'interrupted' with everything logged so far. A loop that never gives the event loop
 * a turn would never see a signal arrive: `yieldToEventLoop` hands it one (a macrotask, not a
 * microtask: signal handlers and timers run on macrotask turns).
 */

export type StopReason = 'SIGINT' | 'SIGTERM' | 'stop';

/** Thrown by a loop that stopped because a stop was requested. */
export class InterruptedError extends Error {
  constructor(readonly reason: StopReason, where: string) {
    super(`${where}: interrupted by ${reason === 'stop' ? 'a stop request' : reason}`);
    this.name = 'InterruptedError';
  }

  /** The exit code a shell reports for the signal: 130 for SIGINT, 143 for SIGTERM. */
  get exitCode(): number {
    return this.reason === 'SIGTERM' ? 143 : 130;
  }
}

let requested: StopReason | null = null;

/** Ask every running loop to stop at its next step. */
export function requestStop(reason: StopReason = 'stop'): void {
  requested ??= reason;
}

/** The pending stop request, or null. */
export function stopRequested(): StopReason | null {
  return requested;
}

/** Forget a stop request (tests, or a page that starts a new training). */
export function clearStop(): void {
  requested = null;
}

/** Throw InterruptedError when a stop was requested. */
export function throwIfStopRequested(where: string): void {
  if (requested !== null) throw new InterruptedError(requested, where);
}

type Immediate = (cb: () => void) => unknown;
const immediate: Immediate =
  typeof (globalThis as { setImmediate?: Immediate }).setImmediate === 'function'
    ? (globalThis as unknown as { setImmediate: Immediate }).setImmediate
    : (cb) => setTimeout(cb, 0);

/** Let pending events (signals, timers, I/O) run: resolves on a later macrotask turn. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((res) => void immediate(res));
}

/**
 * A throttled yield for hot loops: `await pacer.maybeYield()` gives the event loop a turn at most
 * every `everyMs` milliseconds (so a loop of tiny steps does not pay for a turn each step).
 */
export class YieldPacer {
  private last = performance.now();
  constructor(private readonly everyMs = 20) {}

  async maybeYield(): Promise<void> {
    const now = performance.now();
    if (now - this.last < this.everyMs) return;
    await yieldToEventLoop();
    this.last = performance.now();
  }
}
