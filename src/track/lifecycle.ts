/**
 * How a run's status follows its process when the process does not end it itself.
 *
 * - SIGINT/SIGTERM: the open runs of this process are marked 'interrupted' and the signal is
 *   raised again so the process still dies the usual way (unless the application has its own
 *   handler for that signal, which then decides; the runs are marked at exit).
 * - Process exit with runs still open: exit code 0 marks them 'finished', 130/143 (the
 *   shells' codes for SIGINT/SIGTERM) 'interrupted', anything else 'failed' (an uncaught error).
 * - SIGKILL, power loss: nothing can run, so the store checks on open: a 'running' run on
 *   this host whose pid is gone is marked 'killed' (see RunStore.reapDeadRuns).
 *
 * Every record is committed when logged (or at the end of its batch), so what was written
 * before the end stays in the database whatever the ending.
 */
import { readFileSync } from 'node:fs';
import type { RunStatus } from './types.js';

/** What lifecycle needs from an open run. */
export interface OpenRun {
  readonly id: string;
  readonly finished: boolean;
  finish(status?: Exclude<RunStatus, 'running'>, error?: string): void;
}

const open = new Set<OpenRun>();
let installed = false;

/** End every open run of this process now (a second Ctrl-C, which exits at once). */
export function endOpenRuns(status: Exclude<RunStatus, 'running'>, error?: string): void {
  endAll(status, error);
}

function endAll(status: Exclude<RunStatus, 'running'>, error: string | undefined): void {
  for (const run of [...open]) {
    try {
      if (!run.finished) run.finish(status, error);
    } catch {
      // The database may already be closed or locked at exit; on next open the run is reaped.
    }
  }
  open.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Our listener is one of the listeners; if the application listens too, it decides what
  // happens (e.g. a graceful stop), and the exit hook marks whatever is still open.
  if (process.listenerCount(signal) > 1) return;
  endAll('interrupted', `received ${signal}`);
  uninstall();
  process.kill(process.pid, signal);
}

function onExit(code: number): void {
  if (open.size === 0) return;
  if (code === 0) endAll('finished', undefined);
  else if (code === 130 || code === 143) endAll('interrupted', `process exited with code ${code} (${code === 130 ? 'SIGINT' : 'SIGTERM'})`);
  else endAll('failed', `process exited with code ${code} before the run finished`);
}

const sigint = (): void => onSignal('SIGINT');
const sigterm = (): void => onSignal('SIGTERM');

function install(handleSignals: boolean): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  if (handleSignals) {
    process.on('SIGINT', sigint);
    process.on('SIGTERM', sigterm);
  }
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  process.off('SIGINT', sigint);
  process.off('SIGTERM', sigterm);
}

/** Start watching a run; `handleSignals: false` leaves SIGINT/SIGTERM to the application. */
export function watchRun(run: OpenRun, handleSignals = true): void {
  open.add(run);
  install(handleSignals);
}

/** Stop watching a run (it was finished by its owner). */
export function unwatchRun(run: OpenRun): void {
  open.delete(run);
  if (open.size === 0) uninstall();
}

/** Whether process `pid` exists on this machine. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * When process `pid` started, as the kernel says it (Linux: field 22 of /proc/<pid>/stat, clock
 * ticks since boot), or null when the process does not exist or the system has no /proc.
 * A pid reused by another process has another start time.
 */
export function processStartTime(pid: number): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // NOTE: field 2 (the command name) is in parentheses and may hold spaces or ')': cut after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = rest[19]; // fields from 3 on: starttime is field 22
  return start !== undefined && /^\d+$/.test(start) ? start : null;
}

/** Whether /proc can tell process start times on this machine. */
export const HAS_PROC = processStartTime(process.pid) !== null;

/**
 * Whether the process that started a run is still that process: the pid exists and, where the
 * start time was recorded and /proc can tell, it started at the same time (not a reused pid).
 */
export function runProcessAlive(pid: number, startTime: string | null | undefined): boolean {
  if (!pidAlive(pid)) return false;
  if (!startTime || !HAS_PROC) return true;
  const now = processStartTime(pid);
  return now === null ? true : now === startTime;
}
