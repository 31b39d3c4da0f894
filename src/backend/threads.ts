/**
 * GRADLAB_THREADS, read and checked in one place for every threaded backend (wasm pool, native
 * pool). An integer 1…256 is accepted; anything else is a ThreadsError naming the value. A count
 * above the machine's cores is honoured with a one-line warning (printed once). Unset or empty:
 * the machine's cores.
 */

export class ThreadsError extends Error {
  override readonly name = 'ThreadsError';
}

export const MAX_THREADS = 256;

let warned = false;

/** Logical cores here (navigator.hardwareConcurrency in a browser), at least 1. */
export function coreCount(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return Math.max(1, nav.hardwareConcurrency);
  const proc = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return Math.max(1, os?.availableParallelism?.() ?? 1);
}

/** Checks a thread count given as a string (the env var) or number (an option). */
export function parseThreads(raw: string | number, source = 'GRADLAB_THREADS', cores = coreCount(), warn: (line: string) => void = console.warn): number {
  const text = String(raw).trim();
  const t = typeof raw === 'number' ? raw : /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(t) || t < 1 || t > MAX_THREADS) {
    throw new ThreadsError(`${source} must be an integer from 1 to ${MAX_THREADS}, got '${String(raw)}'`);
  }
  if (t > cores && !warned) {
    warned = true;
    warn(`gradlab: ${source}=${t} is above this machine's ${cores} cores; running ${t} threads anyway`);
  }
  return t;
}

/** The thread count the backends use: GRADLAB_THREADS when set, else the core count. */
export function defaultThreads(): number {
  const env = typeof process !== 'undefined' ? process.env?.GRADLAB_THREADS : undefined;
  if (env !== undefined && env !== '') return parseThreads(env);
  return coreCount();
}
