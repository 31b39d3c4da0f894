/**
 * A wasm pool worker (see pool.ts): instantiates the shared kernel module on the shared memory,
 * then loops forever: spin briefly on the job generation, sleep in Atomics.wait when idle, and
 * claim chunks of each new job. It holds no JS views of the memory (kernels address it from
 * inside wasm), so memory.grow() on the main thread needs nothing here; were views added, they
 * must be re-created after a grow. The process is never kept alive: the Worker is unref()'d and
 * Node terminates it (even inside Atomics.wait) when the main thread exits.
 *
 * The same file is a Node worker_thread (its init in workerData) and a browser module Web Worker
 * (its init in the first message): it imports no Node built-in.
 */
import { CONTENDED_MS, GEN, READY, SLEEPERS, SPIN_MS, drain, spin, type RangeFn, type WorkerInit } from './pool.js';

interface WorkerThreads { workerData: unknown }

const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
const wt = typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule('node:worker_threads') as WorkerThreads) : null;
if (wt && wt.workerData) {
  serve(wt.workerData as WorkerInit, () => undefined);
} else {
  const scope = globalThis as unknown as { onmessage: ((e: { data: WorkerInit }) => void) | null; postMessage(m: unknown): void };
  scope.onmessage = (e) => {
    scope.onmessage = null;
    serve(e.data, (m) => scope.postMessage(m));
  };
}

function serve(init: WorkerInit, post: (m: unknown) => void): never {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const fns = init.kernels.map((k) => instance.exports[k] as RangeFn);
  post(READY);
  loop(new Int32Array(init.ctrl), fns, init.tid);
}

function loop(ctrl: Int32Array, fns: RangeFn[], tid: number): never {
  let seen = Atomics.load(ctrl, GEN);
  drain(ctrl, fns, tid); // a job may already be running
  let preemptedAt = -Infinity;
  for (;;) {
    let g = Atomics.load(ctrl, GEN);
    if (g === seen) {
      // A worker that was preempted while spinning shares the CPUs with other work: for a while
      // it sleeps right after each job, so that its spinning does not take CPU time the
      // scheduler would otherwise give the caller (it shares time fairly between threads).
      if (performance.now() - preemptedAt > CONTENDED_MS && spin(() => Atomics.load(ctrl, GEN) === seen, SPIN_MS) === 'preempted') {
        preemptedAt = performance.now();
      }
      g = Atomics.load(ctrl, GEN);
      if (g === seen) {
        Atomics.add(ctrl, SLEEPERS, 1);
        // NOTE: wait on `seen`, the value just tested: if a job was published since, this returns at once.
        Atomics.wait(ctrl, GEN, seen);
        Atomics.sub(ctrl, SLEEPERS, 1);
        continue;
      }
    }
    seen = g;
    drain(ctrl, fns, tid);
  }
}
