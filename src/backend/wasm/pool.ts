/**
 * Thread pool for the wasm kernels: workers sharing one WebAssembly.Memory, woken with Atomics on
 * a small control array (no postMessage per kernel). In Node the workers are worker_threads (the
 * module reached through process.getBuiltinModule, so this file imports no Node built-in); in a
 * browser they are module Web Workers, which need a cross-origin isolated page (COOP/COEP) for
 * shared memory. The same worker.js runs in both.
 *
 * A job is a range kernel (from, to, tid, params) cut into chunks; every thread, the caller
 * included, claims chunks with a compare-and-swap on one word holding (chunk count << 16 | next
 * chunk), so a job finishes even if no worker ever wakes up (the caller just does all of it),
 * and a late worker can only ever claim a chunk of the job that is current. Workers spin
 * SPIN_MS after a job (a bare Atomics.wait/notify round trip costs ~25 µs, more than a small
 * kernel, and much more when the virtual CPU was idle) unless they find they were preempted
 * (PREEMPTED_MS, CONTENDED_MS), then sleep in Atomics.wait on the generation value they just
 * tested, so a wake-up between the test and the wait is never lost. Workers are unref()'d: the pool never keeps a
 * process alive.
 *
 * A browser does not let its main thread block in Atomics.wait: there the caller spins for the
 * last chunks instead (a worker, and the lab's training worker, waits as in Node). A browser also
 * starts a worker only after its creator returns to the event loop, so `ready` resolves when every
 * worker has instantiated the module (initWasm awaits it before the first kernel).
 */

// Control-array slots.
export const GEN = 0;
export const STATE = 1;
export const DONE = 2;
export const KIND = 3;
export const GRAIN = 4;
export const TOTAL = 5;
export const PARAMS = 6;
export const ERR = 7;
export const SLEEPERS = 8;
const CTRL_SLOTS = 16;

/**
 * How long an idle worker spins before it sleeps (ms). Kernels are separated by the copies in
 * and out of wasm memory (0.1–0.5 ms for MB-sized operands), and a sleeping worker can take far
 * longer to wake than the ~60 µs of a futex round trip: on this virtual machine an idle virtual
 * CPU sometimes comes back only after milliseconds, and then the caller does the whole product
 * alone. 20 µs spins made two threads run small products at one thread's speed.
 */
export const SPIN_MS = 1;
/** How long the calling thread spins for the last claimed chunks before it waits (ms). */
const CALLER_SPIN_MS = 1;
/**
 * A gap this long (ms) between two turns of a spin loop means the spinning thread was taken off
 * its CPU: it shares that CPU with another busy thread (typically a worker woken onto its
 * caller's CPU, which the scheduler may leave there for many jobs). Spinning on would steal the
 * CPU from the thread it waits for, so it sleeps instead, and the wake-up lets the scheduler
 * place it on an idle CPU. Measured in Node on 2 vCPUs (W2 epoch, 2 threads): 150–215 ms with
 * plain 1 ms spins, 115–122 ms with this check. Scheduler slices are ≥ 0.75 ms, far above the
 * ~µs of one turn; timer resolution in an isolated page is 5 µs.
 */
const PREEMPTED_MS = 0.2;

/**
 * How long (ms) a worker that found itself preempted sleeps right after each job instead of
 * spinning. With other programs busy, the scheduler shares CPU time fairly between threads, and
 * a spinning worker takes its share from the caller. Measured in Node on 2 vCPUs with a busy loop
 * on one (W2 epoch): 1 thread 151 ms; 2 threads 220–240 ms with spinning workers, 153–167 ms
 * with this; on a quiet machine 2 threads stay at 110–115 ms.
 */
export const CONTENDED_MS = 200;

/**
 * Spins until `waiting()` turns false, for at most `ms`; gives up early when the thread was
 * preempted (see PREEMPTED_MS). Says how the spin ended.
 */
export function spin(waiting: () => boolean, ms: number): 'done' | 'timeout' | 'preempted' {
  const t0 = performance.now();
  let last = t0;
  while (waiting()) {
    const now = performance.now();
    if (now - last > PREEMPTED_MS) return 'preempted';
    if (now - t0 >= ms) return 'timeout';
    last = now;
  }
  return 'done';
}
/** Chunks per job are capped so that count and index fit in 16 bits each. */
export const MAX_CHUNKS = 0xffff;

export type RangeFn = (from: number, to: number, tid: number, params: number) => void;

/** Claims and runs chunks of the current job until none is left (shared by caller and workers). */
export function drain(ctrl: Int32Array, fns: readonly RangeFn[], tid: number): void {
  for (;;) {
    const s = Atomics.load(ctrl, STATE);
    const n = s >>> 16;
    const c = s & 0xffff;
    if (c >= n) return;
    if (Atomics.compareExchange(ctrl, STATE, s, s + 1) !== s) continue;
    // The claim succeeded, so the job is unfinished and its parameters are stable.
    const grain = Atomics.load(ctrl, GRAIN);
    const total = Atomics.load(ctrl, TOTAL);
    const from = c * grain;
    try {
      fns[Atomics.load(ctrl, KIND)](from, Math.min(total, from + grain), tid, Atomics.load(ctrl, PARAMS));
    } catch {
      Atomics.store(ctrl, ERR, 1);
    }
    if (Atomics.add(ctrl, DONE, 1) + 1 === n) Atomics.notify(ctrl, DONE);
  }
}

export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: SharedArrayBuffer;
  tid: number;
  kernels: readonly string[];
}

/** The message a worker posts once its instance is running. */
export const READY = 'gradlab-wasm-ready';

interface NodeWorker {
  unref(): void;
  on(ev: 'error', fn: (v: unknown) => void): void;
}
interface NodeWorkerThreads {
  Worker: new (url: URL, opts: { workerData: WorkerInit; execArgv?: string[] }) => NodeWorker;
}
interface WebWorker {
  postMessage(m: unknown): void;
  addEventListener(ev: 'message' | 'error', fn: (e: { data?: unknown; message?: string }) => void): void;
}
type WebWorkerCtor = new (url: URL, opts: { type: 'module'; name?: string }) => WebWorker;

function builtinWorkers(): NodeWorkerThreads | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof p?.getBuiltinModule === 'function' ? (p.getBuiltinModule('node:worker_threads') as NodeWorkerThreads) : null;
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canWait(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

function warn(msg: string): void {
  const p = (globalThis as { process?: { emitWarning?: (m: string) => void } }).process;
  if (typeof p?.emitWarning === 'function') p.emitWarning(msg);
  else console.warn(msg);
}

export class Pool {
  readonly ctrl: Int32Array;
  private readonly workers: unknown[] = [];
  /** Resolves when every worker runs (or has failed to start, which was said once). */
  readonly ready: Promise<void>;
  private readonly mayWait: boolean;

  /** `threads` counts the calling thread: threads − 1 workers are started. */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, readonly threads: number,
    private readonly fns: readonly RangeFn[], kernels: readonly string[]) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(CTRL_SLOTS * 4));
    this.mayWait = canWait();
    const url = new URL('./worker.js', import.meta.url);
    const node = builtinWorkers();
    const WebWorkerClass = (globalThis as { Worker?: WebWorkerCtor }).Worker;
    if (!node && typeof WebWorkerClass !== 'function') throw new Error('wasm backend: no worker threads here (neither worker_threads nor Web Workers)');
    const started: Promise<void>[] = [];
    for (let tid = 1; tid < threads; tid++) {
      const init: WorkerInit = { module, memory, ctrl: this.ctrl.buffer as SharedArrayBuffer, tid, kernels };
      started.push(new Promise<void>((resolve) => {
        // A worker that fails to start only means fewer helpers: chunks are claimed dynamically.
        const failed = (e: unknown): void => {
          warn(`gradlab wasm worker ${tid} stopped: ${String(e)}`);
          resolve();
        };
        if (node) {
          // NOTE: the worker is a file, so flags about the main script's input (`node
          // --input-type=module -e ...`) must not be passed on: Node refuses to start it.
          const execArgv = ((globalThis as { process?: { execArgv?: string[] } }).process?.execArgv ?? []).filter((a) => !a.startsWith('--input-type'));
          const w = new node.Worker(url, { workerData: init, execArgv });
          w.unref();
          w.on('error', failed);
          // NOTE: no 'message' listener: it would keep the process alive. A worker_thread starts
          // on its own, so there is nothing to wait for.
          resolve();
          this.workers.push(w);
        } else {
          const w = new WebWorkerClass!(url, { type: 'module', name: `gradlab-wasm-${tid}` });
          w.addEventListener('error', (e) => failed(e.message ?? 'error'));
          w.addEventListener('message', (e) => { if (e.data === READY) resolve(); });
          w.postMessage(init);
          this.workers.push(w);
        }
      }));
    }
    this.ready = Promise.all(started).then(() => undefined);
  }

  /** Runs kernel `kind` over [0, total) in chunks of `grain`, on all threads; returns when done. */
  run(kind: number, total: number, grain: number, params: number): void {
    if (total <= 0) return;
    grain = Math.max(grain, Math.ceil(total / MAX_CHUNKS));
    const n = Math.ceil(total / grain);
    const fn = this.fns[kind];
    if (n === 1 || this.workers.length === 0) {
      for (let from = 0; from < total; from += grain) fn(from, Math.min(total, from + grain), 0, params);
      return;
    }
    const ctrl = this.ctrl;
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, KIND, kind);
    Atomics.store(ctrl, GRAIN, grain);
    Atomics.store(ctrl, TOTAL, total);
    Atomics.store(ctrl, PARAMS, params);
    Atomics.store(ctrl, STATE, n << 16);
    Atomics.add(ctrl, GEN, 1);
    if (Atomics.load(ctrl, SLEEPERS) > 0) Atomics.notify(ctrl, GEN);
    drain(ctrl, this.fns, 0);
    let d = Atomics.load(ctrl, DONE);
    if (d < n) {
      spin(() => Atomics.load(ctrl, DONE) < n, CALLER_SPIN_MS);
      // NOTE: wait on the value just read; the timeout only bounds a lost notify, never correctness.
      if (this.mayWait) while ((d = Atomics.load(ctrl, DONE)) < n) Atomics.wait(ctrl, DONE, d, 100);
      else while (Atomics.load(ctrl, DONE) < n);
    }
    if (Atomics.load(ctrl, ERR) !== 0) {
      Atomics.store(ctrl, ERR, 0);
      throw new Error(`wasm backend: kernel #${kind} failed on one of its threads (total ${total}, grain ${grain})`);
    }
  }
}
